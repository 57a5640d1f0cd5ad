package org.smtpcr.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Properties;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.impl.DNSPublicKeyRecordRetriever;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.auth.testing.Dnsmasq;

/**
 * The auth benchmarks do what they say against a real dnsmasq (required with {@code
 * -Dsmtpcr.it.required=true}, skipped visibly otherwise): each SPF record passes, jSPF sends what
 * RFC 7208 needs once the type-SPF query is answered locally; SMTPCR's checks pass in setup; the
 * signed messages verify and a tampered one does not; a solved proof of work has its zero bits.
 */
final class AuthBenchmarksTest {
  @Test
  void spfQueries_eachRecordPasses_txtOnlySendsWhatRfc7208Needs(@TempDir Path dir)
      throws IOException {
    Dnsmasq.requireInstalled();
    SpfBenchmark.main(new String[] {dir.toString()});
    for (AuthFixtures.Spf record : AuthFixtures.Spf.values()) {
      String name = record.name().toLowerCase(Locale.ROOT);
      Properties shipped = properties(dir.resolve("spfQueries-" + name + ".properties"));
      Properties txtOnly = properties(dir.resolve("spfQueries-txt-only-" + name + ".properties"));
      assertEquals("1", shipped.getProperty("pass"), name);
      assertEquals("1", txtOnly.getProperty("pass"), name);
      assertEquals(String.valueOf(record.queries.size()), txtOnly.getProperty("queries"), name);
    }
  }

  @Test
  void spf_everyBenchmarkAnswers_serverStoppedAtTheEnd() throws IOException {
    Dnsmasq.requireInstalled();
    SpfBenchmark.Dns dns = new SpfBenchmark.Dns();
    dns.record = "mx";
    dns.start();
    SpfBenchmark b = new SpfBenchmark();
    assertEquals(3, b.dnsQueries(dns));
    assertEquals(5, b.decisionQueries(dns));
    for (String cache : new String[] {"on", "off"}) {
      SpfBenchmark.Ours ours = new SpfBenchmark.Ours();
      ours.cache = cache;
      ours.build(dns); // throws unless SPF of HELO and MAIL FROM pass and DMARC is p=none
      assertTrue(b.checkSender(dns, ours).spfMailFrom().isPresent());
    }
    SpfBenchmark.JSpf jspf = new SpfBenchmark.JSpf();
    jspf.mode = "uncached-txt-only";
    jspf.build(dns); // throws unless pass
    assertEquals("pass", b.jspf(dns, jspf));
    dns.stop();
    assertThrows(IOException.class, () -> b.dnsQueries(dns));
  }

  @Test
  void dkim_signedMessageVerifies_ourCheckPasses() throws Exception {
    Dnsmasq.requireInstalled();
    DkimBenchmark b = new DkimBenchmark();
    b.size = 10_240;
    b.setUp(); // throws unless jDKIM verifies and SMTPCR's check gives DKIM_PASS
    assertEquals(1, b.verify().size());
    assertEquals(32, b.sha256().length);
    b.stop();
  }

  @Test
  void dkim_bodyChangedAfterSigning_fails() {
    Dnsmasq.requireInstalled();
    KeyPair key = AuthFixtures.dkimKey();
    byte[] m = AuthFixtures.signedMessage(2_000, key);
    m[m.length - 10] ^= 1;
    try (Dnsmasq server = AuthFixtures.startDns(key)) {
      DNSPublicKeyRecordRetriever keys =
          new DNSPublicKeyRecordRetriever(AuthFixtures.resolver(server));
      assertThrows(
          FailException.class, () -> new DKIMVerifier(keys).verify(new ByteArrayInputStream(m)));
    }
  }

  @Test
  void pow_solve_findsANonceWithTheZeroBits() throws Exception {
    byte[] input = new byte[40];
    byte[] out = new byte[32];
    PowBenchmark.challenge(7, input);
    PowBenchmark.solve(MessageDigest.getInstance("SHA-256"), input, out, 12);
    assertTrue(PowBenchmark.leadingZeroBits(out) >= 12);
    assertEquals(8, PowBenchmark.leadingZeroBits(new byte[] {0, (byte) 0x80}));
  }

  private static Properties properties(Path f) throws IOException {
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(f)) {
      p.load(in);
    }
    return p;
  }
}
