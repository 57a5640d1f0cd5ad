package org.smtpcr.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Properties;
import org.apache.james.jdkim.exceptions.FailException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The auth benchmarks do what they say against a real dnsmasq (required with {@code
 * -Dsmtpcr.it.required=true}, skipped visibly otherwise): each SPF record passes, with the queries
 * RFC 7208 needs once the type-SPF query is answered locally; the signed messages verify and a
 * tampered one does not; a solved proof of work has its zero bits.
 */
final class AuthBenchmarksTest {
  private static void requireDnsmasq() {
    if (Boolean.getBoolean("smtpcr.it.required")) {
      assertTrue(AuthDns.available(), AuthDns.DNSMASQ + " not installed (dnsmasq-base)");
    }
    assumeTrue(AuthDns.available(), AuthDns.DNSMASQ + " not installed (dnsmasq-base)");
  }

  @Test
  void spf_eachRecordPasses_txtOnlySendsWhatRfc7208Needs(@TempDir Path dir) throws IOException {
    requireDnsmasq();
    SpfBenchmark.main(new String[] {dir.toString()});
    for (AuthFixtures.Spf record : AuthFixtures.Spf.values()) {
      String name = record.name().toLowerCase(java.util.Locale.ROOT);
      Properties shipped = properties(dir.resolve("spfQueries-" + name + ".properties"));
      Properties txtOnly = properties(dir.resolve("spfQueries-txt-only-" + name + ".properties"));
      assertEquals("1", shipped.getProperty("pass"), name);
      assertEquals("1", txtOnly.getProperty("pass"), name);
      assertEquals(String.valueOf(record.queries.size()), txtOnly.getProperty("queries"), name);
    }
  }

  @Test
  void spf_peerQueriesAnswer_serverStoppedAtTheEnd() throws IOException {
    requireDnsmasq();
    SpfBenchmark.Dns dns = new SpfBenchmark.Dns();
    dns.record = "mx";
    dns.start();
    assertEquals(3, new SpfBenchmark().dnsQueries(dns));
    dns.stop();
    assertThrows(
        IOException.class,
        () ->
            AuthFixtures.query(
                dns.server.resolver(java.time.Duration.ofMillis(300)), "TXT mx.bench.test"));
  }

  @Test
  void dkim_signedMessageVerifies_tamperedBodyDoesNot() throws Exception {
    requireDnsmasq();
    DkimBenchmark b = new DkimBenchmark();
    b.size = 10_240;
    b.setUp(); // throws unless the message verifies
    assertEquals(1, b.verify().size());
    assertEquals(32, b.sha256().length);
    byte[] m = AuthFixtures.signedMessage(10_240, AuthFixtures.dkimKey());
    assertTrue(m.length >= 10_240);
    b.stop();
  }

  @Test
  void dkim_bodyChangedAfterSigning_fails() throws IOException {
    requireDnsmasq();
    var key = AuthFixtures.dkimKey();
    byte[] m = AuthFixtures.signedMessage(2_000, key);
    m[m.length - 10] ^= 1;
    try (AuthDns server = AuthFixtures.startDns(key, java.util.Optional.empty())) {
      var keys =
          new org.apache.james.jdkim.impl.DNSPublicKeyRecordRetriever(
              server.resolver(AuthFixtures.QUERY_TIMEOUT));
      assertThrows(
          FailException.class,
          () ->
              new org.apache.james.jdkim.DKIMVerifier(keys)
                  .verify(new java.io.ByteArrayInputStream(m)));
    }
  }

  @Test
  void pow_solve_findsANonceWithTheZeroBits() throws DigestException, Exception {
    byte[] input = new byte[40];
    byte[] out = new byte[32];
    PowBenchmark.challenge(7, input);
    long nonce = PowBenchmark.solve(MessageDigest.getInstance("SHA-256"), input, out, 12);
    assertTrue(PowBenchmark.leadingZeroBits(out) >= 12);
    assertFalse(nonce < 0);
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
