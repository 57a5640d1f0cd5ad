package org.smtpcr.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.exceptions.FailException;
import org.smtpcr.auth.testing.Dnsmasq;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The zone and the mail of the {@code auth} benchmarks (see docs/benchmarks.md): SPF records that
 * need one, two and three DNS queries, served by a dnsmasq each fork starts (authoritative, on
 * 127.0.0.1 and a random port: {@code smtpcr-auth}'s test fixture {@link Dnsmasq}), a DKIM key
 * whose public half the zone serves, and messages of a given size signed with it.
 */
final class AuthFixtures {
  static final String ZONE = "bench.test";

  /** Authorized by every record below. */
  static final String CLIENT = "192.0.2.25";

  static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);
  static final String DKIM_SELECTOR = "bench";

  /**
   * An SPF record of the zone: the MAIL FROM domain, and the queries (type, name) that RFC 7208
   * needs to evaluate it for {@link #CLIENT}, the peer's round trips. A whole sender check (see
   * {@link #decisionQueries}) adds the HELO name's SPF and the domain's DMARC record.
   */
  enum Spf {
    /** {@code ip4:}: the TXT query alone. */
    IP4(List.of("TXT ip4." + ZONE)),
    /** {@code include:}: the TXT of the domain, then that of the included one. */
    INCLUDE(List.of("TXT include." + ZONE, "TXT _spf.provider." + ZONE)),
    /** {@code mx}: the TXT, the MX, then the A of the exchanger. */
    MX(List.of("TXT mx." + ZONE, "MX mx." + ZONE, "A mail.mx." + ZONE));

    final List<String> queries;

    Spf(List<String> queries) {
      this.queries = queries;
    }

    String domain() {
      return name().toLowerCase(Locale.ROOT) + "." + ZONE;
    }

    String mailFrom() {
      return "alice@" + domain();
    }

    String helo() {
      return "mail." + domain();
    }

    /** What a sender check needs: the HELO name's TXT, the record's queries, the DMARC TXT. */
    List<String> decisionQueries() {
      List<String> q = new ArrayList<>();
      q.add("TXT " + helo());
      q.addAll(queries);
      q.add("TXT _dmarc." + domain());
      return List.copyOf(q);
    }
  }

  private AuthFixtures() {}

  /**
   * Starts a dnsmasq authoritative for the zone (the {@code smtpcr-auth} test fixture), with the
   * SPF records, a DMARC record ({@code p=none}) and an SPF record for the HELO name of each MAIL
   * FROM domain, and {@code dkimKey}'s public half at the DKIM selector.
   */
  static Dnsmasq startDns(KeyPair dkimKey) {
    Dnsmasq.Builder z = Dnsmasq.builder(ZONE);
    for (Spf s : Spf.values()) {
      z.txt("mail." + s.domain(), "v=spf1 ip4:" + CLIENT + " -all");
      z.txt("_dmarc." + s.domain(), "v=DMARC1; p=none");
    }
    z.txt("_dmarc." + ZONE, "v=DMARC1; p=none"); // the From: domain of the signed messages
    z.txt("ip4." + ZONE, "v=spf1 ip4:192.0.2.0/24 -all");
    z.txt("include." + ZONE, "v=spf1 include:_spf.provider." + ZONE + " -all");
    z.txt("_spf.provider." + ZONE, "v=spf1 ip4:192.0.2.0/24 -all");
    z.txt("mx." + ZONE, "v=spf1 mx -all");
    z.mx("mx." + ZONE, "mail.mx." + ZONE, 10);
    z.host("mail.mx." + ZONE, CLIENT);
    // a 2048-bit key is longer than one 255-octet TXT string; the fixture splits, verifiers join
    String p = Base64.getEncoder().encodeToString(dkimKey.getPublic().getEncoded());
    z.txt(DKIM_SELECTOR + "._domainkey." + ZONE, "v=DKIM1; k=rsa; p=" + p);
    // jSPF and jDKIM look up through dnsjava's process-wide cache: forget an earlier server's zone
    Lookup.getDefaultCache(DClass.IN).clearCache();
    return z.start();
  }

  /** A resolver that asks {@code server} only, with {@link #QUERY_TIMEOUT} per query. */
  static SimpleResolver resolver(Dnsmasq server) {
    SimpleResolver r = new SimpleResolver(server.address());
    r.setTimeout(QUERY_TIMEOUT);
    return r;
  }

  static KeyPair dkimKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform has RSA", e);
    }
  }

  /**
   * One query, as the peer sends it: a round trip to the server, no cache. Throws unless the answer
   * has records.
   */
  static int query(Resolver resolver, String typeAndName) throws IOException {
    int space = typeAndName.indexOf(' ');
    Record question =
        Record.newRecord(
            Name.fromString(typeAndName.substring(space + 1) + "."),
            Type.value(typeAndName.substring(0, space)),
            DClass.IN);
    Message answer = resolver.send(Message.newQuery(question));
    int n = answer.getSection(Section.ANSWER).size();
    if (answer.getRcode() != Rcode.NOERROR || n == 0) {
      throw new IOException("no answer to " + typeAndName + ": " + Rcode.string(answer.getRcode()));
    }
    return n;
  }

  /**
   * A message of about {@code size} bytes from {@code alice@bench.test}, CRLF line ends, signed
   * with {@code key} (rsa-sha256, relaxed/relaxed, d=bench.test, with a {@code t=} as signers write
   * it).
   */
  static byte[] signedMessage(int size, KeyPair key) {
    StringBuilder m =
        new StringBuilder(size + 1024)
            .append("From: Alice <alice@")
            .append(ZONE)
            .append(">\r\nTo: bob@cr.test\r\nSubject: the quarterly figures\r\n")
            .append("Date: Sat, 5 Dec 2026 12:00:00 +0000\r\n")
            .append("Message-ID: <bench-")
            .append(size)
            .append("@")
            .append(ZONE)
            .append(">\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
    String line = "The quick brown fox jumps over the lazy dog, line %07d of the body.  \r\n";
    for (int i = 0; m.length() < size; i++) {
      m.append(String.format(Locale.ROOT, line, i));
    }
    byte[] message = m.toString().getBytes(StandardCharsets.US_ASCII);
    DKIMSigner signer =
        new DKIMSigner(
            "v=1; a=rsa-sha256; c=relaxed/relaxed; d="
                + ZONE
                + "; s="
                + DKIM_SELECTOR
                + "; t="
                + System.currentTimeMillis() / 1000
                + "; h=from:to:subject:date:message-id; bh=; b=;",
            key.getPrivate());
    try {
      String header = signer.sign(new ByteArrayInputStream(message));
      byte[] h = (header + "\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] signed = new byte[h.length + message.length];
      System.arraycopy(h, 0, signed, 0, h.length);
      System.arraycopy(message, 0, signed, h.length, message.length);
      return signed;
    } catch (IOException | FailException e) {
      throw new IllegalStateException("signing the benchmark message failed", e);
    }
  }
}
