package org.smtpcr.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.auth.DmarcPolicy;

/** The small parsers: header section, From: domain, DMARC records. */
final class MessageParsingTest {
  private static HeaderSection headers(String s) throws IOException {
    return HeaderSection.read(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void headerSection_foldedFields_keptAsSentWithCrlf() throws IOException {
    HeaderSection h =
        headers("From: a@example.org\nSubject: one\n two\r\nTo: b@example.net\r\n\r\nbody");
    assertEquals(
        List.of("From: a@example.org", "Subject: one\r\n two", "To: b@example.net"), h.fields());
    assertTrue(h.complete());
    assertEquals(List.of("Subject: one\r\n two"), h.fields("SUBJECT"));
  }

  @Test
  void headerSection_tooLong_isIncomplete() throws IOException {
    HeaderSection h = headers("X-Big: " + "x".repeat(HeaderSection.MAX_BYTES) + "\r\n\r\n");
    assertFalse(h.complete());
  }

  @Test
  void headerSection_noBody_readsToTheEnd() throws IOException {
    HeaderSection h = headers("From: a@example.org\r\nTo: b@example.net");
    assertEquals(2, h.fields().size());
  }

  @Test
  void fromDomain_commonForms() {
    assertEquals(Optional.of("example.org"), FromDomain.of(" Alice <alice@Example.ORG>"));
    assertEquals(Optional.of("example.org"), FromDomain.of(" alice@example.org (Alice)"));
    assertEquals(
        Optional.of("example.org"),
        FromDomain.of(" \"Bob, <b@evil.example>\" <alice@example.org>"));
    assertEquals(Optional.of("example.org"), FromDomain.of("\r\n <alice@example.org>"));
  }

  @Test
  void fromDomain_unusable_isEmpty() {
    for (String v :
        List.of(
            "a@example.org, b@example.net",
            "group: a@example.org;",
            "no address",
            "<alice@[192.0.2.1]>",
            "<alice@localhost>",
            "<a@example.org",
            "<a@x.example><b@y.example>",
            "a@" + "x".repeat(5000) + ".example")) {
      assertEquals(Optional.empty(), FromDomain.of(v), v);
    }
  }

  @Test
  void dmarc_records() {
    assertTrue(Dmarc.isDmarc("v=DMARC1; p=reject"));
    assertTrue(Dmarc.isDmarc(" v = DMARC1 ;p=none"));
    assertFalse(Dmarc.isDmarc("v=spf1 -all"));
    assertFalse(Dmarc.isDmarc("p=reject; v=DMARC1"));
    assertEquals(
        Optional.of(new Dmarc.Parsed(DmarcPolicy.REJECT, DmarcPolicy.NONE, true, false)),
        Dmarc.parse("v=DMARC1; p=Reject; sp=none; adkim=s"));
    assertEquals(
        Optional.of(new Dmarc.Parsed(DmarcPolicy.NONE, null, false, false)),
        Dmarc.parse("v=DMARC1; p=bogus; rua=mailto:d@example.org"));
    assertEquals(Optional.empty(), Dmarc.parse("v=DMARC1; p=bogus"));
    assertEquals(Optional.empty(), Dmarc.parse("v=DMARC1"));
    assertEquals(
        Optional.of(new Dmarc.Parsed(DmarcPolicy.QUARANTINE, null, false, true)),
        Dmarc.parse("v=DMARC1; rua=mailto:x@example.org; aspf=s; p=quarantine"));
  }

  @Test
  void dkimTag_readsForBrokenSignatures() {
    assertEquals("example.org", DkimCheck.tag(" v=1; d = exam\r\n ple.org ; s=x", "d"));
    assertEquals(null, DkimCheck.tag("garbage", "d"));
  }
}
