package org.smtpcr.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smtpcr.auth.testing.DkimKeys;
import org.smtpcr.auth.testing.DkimTestSigner;
import org.smtpcr.auth.testing.Dnsmasq;
import org.smtpcr.auth.testing.SilentDnsServer;
import org.smtpcr.core.auth.AuthStanding;
import org.smtpcr.core.auth.AuthenticationResults;
import org.smtpcr.core.auth.DkimSignature;
import org.smtpcr.core.auth.DmarcPolicy;
import org.smtpcr.core.auth.DmarcResult;
import org.smtpcr.core.auth.SpfResult;

/** DKIM and DMARC at end of DATA against a real authoritative DNS server (dnsmasq). */
final class DkimDnsmasqTest {
  static final String MESSAGE =
      String.join(
          "\r\n",
          "From: Alice <alice@example.com>",
          "To: bob@example.net",
          "Subject: hello there",
          "Date: Sat, 05 Dec 2026 12:00:00 +0000",
          "Message-ID: <1@example.com>",
          "",
          "Hello Bob,",
          "",
          "a test.",
          "");

  static final AuthenticationResults SOFTFAIL =
      AuthenticationResults.builder()
          .spfMailFrom(SpfResult.SOFTFAIL)
          .senderPolicy(DmarcPolicy.REJECT)
          .build();

  private static DkimKeys keys;
  private static DkimKeys netKeys;
  private static DkimKeys weakKeys;
  private static Dnsmasq dns;
  private static SmtpcrAuthenticator auth;

  @BeforeAll
  static void start() {
    if (!Dnsmasq.isInstalled()) {
      return;
    }
    keys = DkimKeys.generate();
    netKeys = DkimKeys.generate();
    weakKeys = DkimKeys.generate(512);
    dns =
        Dnsmasq.builder("example.com")
            .zone("example.net")
            .zone("example.org")
            .txt("sel._domainkey.example.com", keys.txtRecord())
            .txt("sel._domainkey.example.net", netKeys.txtRecord())
            .txt("weak._domainkey.example.com", weakKeys.txtRecord())
            .txt("broken._domainkey.example.com", "v=DKIM1; k=rsa; p=bm90IGEga2V5")
            .txt("_dmarc.example.com", "v=DMARC1; p=reject")
            .txt("_dmarc.strict.example.org", "v=DMARC1; p=quarantine; adkim=s; aspf=s")
            .start();
    auth = SmtpcrAuthenticator.builder().dnsServer(dns.address()).build();
  }

  @AfterAll
  static void stop() {
    if (dns != null) {
      dns.close();
    }
  }

  @BeforeEach
  void requireDnsmasq() {
    Dnsmasq.requireInstalled();
  }

  private static AuthenticationResults check(
      SmtpcrAuthenticator a, AuthenticationResults atRcpt, String mailFrom, String message)
      throws IOException {
    return a.checkMessage(
        atRcpt, mailFrom, new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
  }

  private static AuthenticationResults check(String message) throws IOException {
    return check(auth, SOFTFAIL, "alice@example.com", message);
  }

  private static DkimTestSigner signer() {
    return DkimTestSigner.of(keys, "example.com", "sel");
  }

  @Test
  void checkMessage_alignedSignature_passesDkimAndDmarc() throws IOException {
    AuthenticationResults r = check(signer().sign(MESSAGE));
    assertEquals(List.of(new DkimSignature("example.com", DkimSignature.Result.PASS)), r.dkim());
    assertEquals(
        Optional.of(new DmarcResult("example.com", DmarcResult.Result.PASS, DmarcPolicy.REJECT)),
        r.dmarc());
    assertTrue(r.messageChecked());
    assertEquals(SpfResult.SOFTFAIL, r.spfMailFrom().orElseThrow()); // merged with atRcpt
    assertEquals(AuthStanding.DKIM_PASS, r.standing("example.com"));
  }

  @Test
  void checkMessage_signatureWithoutTimestamp_passes() throws IOException {
    AuthenticationResults r = check(signer().withoutTimestamp().sign(MESSAGE));
    assertEquals(List.of(new DkimSignature("example.com", DkimSignature.Result.PASS)), r.dkim());
  }

  @Test
  void checkMessage_bodyTamperedAfterSigning_fails() throws IOException {
    String signed = signer().sign(MESSAGE).replace("a test.", "a forged test.");
    AuthenticationResults r = check(signed);
    assertEquals(List.of(new DkimSignature("example.com", DkimSignature.Result.FAIL)), r.dkim());
    assertEquals(DmarcResult.Result.FAIL, r.dmarc().orElseThrow().result());
    assertEquals(AuthStanding.PROTECTED, r.standing("example.com"));
  }

  @Test
  void checkMessage_headerTamperedAfterSigning_fails() throws IOException {
    String signed = signer().sign(MESSAGE).replace("Subject: hello there", "Subject: pay now");
    assertEquals(DkimSignature.Result.FAIL, check(signed).dkim().get(0).result());
  }

  @Test
  void checkMessage_signerNotAlignedWithFrom_dmarcFails() throws IOException {
    String signed = DkimTestSigner.of(netKeys, "example.net", "sel").sign(MESSAGE);
    AuthenticationResults r = check(signed);
    assertEquals(List.of(new DkimSignature("example.net", DkimSignature.Result.PASS)), r.dkim());
    assertEquals(
        new DmarcResult("example.com", DmarcResult.Result.FAIL, DmarcPolicy.REJECT),
        r.dmarc().orElseThrow());
    assertEquals(AuthStanding.PROTECTED, r.standing("example.com"));
  }

  @Test
  void checkMessage_relaxedCanonicalization_survivesWhitespaceChanges() throws IOException {
    String signed = signer().canonicalization(DkimTestSigner.RELAXED).sign(MESSAGE);
    String reformatted =
        signed
            .replace("Subject: hello there", "Subject:  hello   there")
            .replace("a test.\r\n", "a test.  \r\n\r\n");
    assertEquals(DkimSignature.Result.PASS, check(reformatted).dkim().get(0).result());
  }

  @Test
  void checkMessage_simpleCanonicalization_passesUnchanged_failsOnWhitespace() throws IOException {
    DkimTestSigner simple = signer().canonicalization(DkimTestSigner.SIMPLE);
    assertEquals(DkimSignature.Result.PASS, check(simple.sign(MESSAGE)).dkim().get(0).result());
    String reformatted =
        simple.sign(MESSAGE).replace("Subject: hello there", "Subject:  hello there");
    assertEquals(DkimSignature.Result.FAIL, check(reformatted).dkim().get(0).result());
  }

  @Test
  void checkMessage_missingKey_permerror() throws IOException {
    String signed = DkimTestSigner.of(keys, "example.com", "nokey").sign(MESSAGE);
    AuthenticationResults r = check(signed);
    assertEquals(
        List.of(new DkimSignature("example.com", DkimSignature.Result.PERMERROR)), r.dkim());
    assertEquals(DmarcResult.Result.FAIL, r.dmarc().orElseThrow().result());
  }

  @Test
  void checkMessage_brokenKeyRecord_permerror() throws IOException {
    String signed = DkimTestSigner.of(keys, "example.com", "broken").sign(MESSAGE);
    assertEquals(DkimSignature.Result.PERMERROR, check(signed).dkim().get(0).result());
  }

  @Test
  void checkMessage_keyShorterThan1024Bits_policy() throws IOException {
    String signed = DkimTestSigner.of(weakKeys, "example.com", "weak").sign(MESSAGE);
    assertEquals(DkimSignature.Result.POLICY, check(signed).dkim().get(0).result());
  }

  @Test
  void checkMessage_rsaSha1_policy() throws IOException {
    String signed = signer().algorithm("rsa-sha1").sign(MESSAGE);
    assertEquals(
        List.of(new DkimSignature("example.com", DkimSignature.Result.POLICY)),
        check(signed).dkim());
  }

  @Test
  void checkMessage_timestampAhead_withinTolerancePasses_beyondIsPolicy() throws IOException {
    Instant now = Instant.now();
    String soon = signer().timestamp(now.plusSeconds(100)).sign(MESSAGE);
    assertEquals(DkimSignature.Result.PASS, check(soon).dkim().get(0).result());
    String later = signer().timestamp(now.plusSeconds(3600)).sign(MESSAGE);
    assertEquals(DkimSignature.Result.POLICY, check(later).dkim().get(0).result());
  }

  @Test
  void checkMessage_invalidSignatureField_permerror() throws IOException {
    String wrongVersion = signer().sign(MESSAGE).replaceFirst("v=1;", "v=2;");
    assertEquals(
        List.of(new DkimSignature("example.com", DkimSignature.Result.PERMERROR)),
        check(wrongVersion).dkim());
    String noBodyHash = signer().sign(MESSAGE).replaceFirst(" bh=[^;]*;", "");
    assertEquals(
        List.of(new DkimSignature("example.com", DkimSignature.Result.PERMERROR)),
        check(noBodyHash).dkim());
  }

  @Test
  void checkMessage_unsupportedCanonicalization_permerror() throws IOException {
    String signed = signer().sign(MESSAGE).replace("c=relaxed/relaxed", "c=other/relaxed");
    assertEquals(DkimSignature.Result.PERMERROR, check(signed).dkim().get(0).result());
  }

  @Test
  void checkMessage_noSignaturePassesTheHeaderStage_eachGetsItsResult() throws IOException {
    String signed =
        DkimTestSigner.of(keys, "example.com", "nokey")
            .sign(signer().sign(MESSAGE).replace("Subject: hello there", "Subject: pay now"));
    assertEquals(
        List.of(
            new DkimSignature("example.com", DkimSignature.Result.PERMERROR),
            new DkimSignature("example.com", DkimSignature.Result.FAIL)),
        check(signed).dkim());
  }

  @Test
  void checkMessage_passingAndFailingSignatures_eachGetsItsResult() throws IOException {
    String signed = DkimTestSigner.of(weakKeys, "example.com", "weak").sign(signer().sign(MESSAGE));
    assertEquals(
        List.of(
            new DkimSignature("example.com", DkimSignature.Result.POLICY),
            new DkimSignature("example.com", DkimSignature.Result.PASS)),
        check(signed).dkim());
  }

  @Test
  void checkMessage_bareLineFeeds_areReadAsCrlf() throws IOException {
    String signed = signer().sign(MESSAGE).replace("\r\n", "\n");
    assertEquals(DkimSignature.Result.PASS, check(signed).dkim().get(0).result());
  }

  @Test
  void checkMessage_unsignedWithAlignedSpfPass_dmarcPasses() throws IOException {
    AuthenticationResults atRcpt =
        AuthenticationResults.builder().spfMailFrom(SpfResult.PASS).build();
    AuthenticationResults r = check(auth, atRcpt, "bounce@mail.example.com", MESSAGE);
    assertEquals(List.of(), r.dkim());
    assertEquals(DmarcResult.Result.PASS, r.dmarc().orElseThrow().result());
  }

  @Test
  void checkMessage_strictAlignment_needsTheExactDomain() throws IOException {
    String msg = MESSAGE.replace("alice@example.com", "alice@strict.example.org");
    AuthenticationResults atRcpt =
        AuthenticationResults.builder().spfMailFrom(SpfResult.PASS).build();
    assertEquals(
        DmarcResult.Result.FAIL,
        check(auth, atRcpt, "bounce@mail.strict.example.org", msg).dmarc().orElseThrow().result());
    assertEquals(
        DmarcResult.Result.PASS,
        check(auth, atRcpt, "bounce@strict.example.org", msg).dmarc().orElseThrow().result());
  }

  @Test
  void checkMessage_fromDomainWithoutPolicy_dmarcNone() throws IOException {
    String msg = MESSAGE.replace("alice@example.com", "alice@example.org");
    AuthenticationResults r = check(auth, SOFTFAIL, "alice@example.org", msg);
    assertEquals(
        new DmarcResult("example.org", DmarcResult.Result.NONE, DmarcPolicy.ABSENT),
        r.dmarc().orElseThrow());
  }

  @Test
  void checkMessage_beyondMaxMessageBytes_noResultForTheSignature() throws IOException {
    SmtpcrAuthenticator small =
        SmtpcrAuthenticator.builder().dnsServer(dns.address()).maxMessageBytes(400).build();
    String signed = signer().sign(MESSAGE + "x".repeat(2000) + "\r\n");
    AuthenticationResults r = check(small, SOFTFAIL, "alice@example.com", signed);
    assertEquals(List.of(), r.dkim());
    assertTrue(r.messageChecked());
    assertEquals(Optional.empty(), r.dmarc()); // our bound, not the sender's failure
  }

  @Test
  void checkMessage_maxSignatures_verifiesTheTopmostOnly() throws IOException {
    SmtpcrAuthenticator one =
        SmtpcrAuthenticator.builder().dnsServer(dns.address()).maxSignatures(1).build();
    String twice = DkimTestSigner.of(netKeys, "example.net", "sel").sign(signer().sign(MESSAGE));
    AuthenticationResults r = check(one, SOFTFAIL, "alice@example.com", twice);
    assertEquals(List.of(new DkimSignature("example.net", DkimSignature.Result.PASS)), r.dkim());
    assertEquals(2, check(auth, SOFTFAIL, "alice@example.com", twice).dkim().size());
  }

  @Test
  void checkMessage_keyLookupTimesOut_temperror() throws IOException {
    try (SilentDnsServer silent = SilentDnsServer.start()) {
      SmtpcrAuthenticator a =
          SmtpcrAuthenticator.builder()
              .dnsServer(silent.address())
              .queryTimeout(Duration.ofMillis(200))
              .deadline(Duration.ofSeconds(1))
              .build();
      AuthenticationResults r = check(a, SOFTFAIL, "alice@example.com", signer().sign(MESSAGE));
      assertEquals(
          List.of(new DkimSignature("example.com", DkimSignature.Result.TEMPERROR)), r.dkim());
      assertEquals(DmarcResult.Result.TEMPERROR, r.dmarc().orElseThrow().result());
      assertEquals(AuthStanding.TEMPORARY, r.standing("example.com"));
    }
  }

  @Test
  void checkMessage_unsigned_readsTheMessageToItsEnd() throws IOException {
    ByteArrayInputStream in =
        new ByteArrayInputStream((MESSAGE + "x".repeat(100_000)).getBytes(StandardCharsets.UTF_8));
    auth.checkMessage(SOFTFAIL, "alice@example.com", in);
    assertEquals(0, in.available());
  }

  @Test
  void checkMessage_severalFromAddresses_noDmarc() throws IOException {
    String msg =
        MESSAGE.replace("From: Alice <alice@example.com>", "From: a@example.com, b@example.org");
    assertEquals(Optional.empty(), check(msg).dmarc());
  }
}
