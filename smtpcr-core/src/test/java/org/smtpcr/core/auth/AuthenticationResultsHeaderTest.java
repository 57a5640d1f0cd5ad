package org.smtpcr.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Examples in the forms OpenDKIM, OpenDMARC, rspamd and others write. */
final class AuthenticationResultsHeaderTest {
  private static final Set<String> TRUSTED = Set.of("mx.example.net");

  private static AuthenticationResults parse(String value) {
    return AuthenticationResultsHeader.parse(value, TRUSTED).orElseThrow();
  }

  @Test
  void parse_openDkim_readsSignature() {
    AuthenticationResults r =
        parse(
            "mx.example.net;\r\n\tdkim=pass (2048-bit key; unprotected) header.d=example.org"
                + " header.i=@example.org header.b=\"Jg5KhDFe\";\r\n\tdkim-atps=neutral");
    assertEquals(List.of(new DkimSignature("example.org", DkimSignature.Result.PASS)), r.dkim());
    assertTrue(r.messageChecked());
    assertEquals(Optional.empty(), r.spfMailFrom());
  }

  @Test
  void parse_openDkimOlderForm_readsDomainFromHeaderI() {
    AuthenticationResults r =
        parse(
            "mx.example.net; dkim=fail reason=\"signature verification failed\" (1024-bit key;"
                + " secure) header.i=@mail.example.org header.b=\"mj+deT/Q\"");
    assertEquals(
        List.of(new DkimSignature("mail.example.org", DkimSignature.Result.FAIL)), r.dkim());
  }

  @Test
  void parse_openDmarc_readsResultAndPolicyFromComment() {
    AuthenticationResults r =
        parse("mx.example.net; dmarc=fail (p=reject dis=none) header.from=example.org");
    assertEquals(
        Optional.of(new DmarcResult("example.org", DmarcResult.Result.FAIL, DmarcPolicy.REJECT)),
        r.dmarc());
    assertEquals(AuthStanding.PROTECTED, r.standing("example.org"));
  }

  @Test
  void parse_openDmarcSpf_domainOnlyMailFrom() {
    assertEquals(
        Optional.of(SpfResult.PASS),
        parse("mx.example.net; spf=pass smtp.mailfrom=example.org").spfMailFrom());
  }

  @Test
  void parse_rspamd_readsAllThree() {
    AuthenticationResults r =
        parse(
            "mx.example.net;\r\n\tdkim=pass header.d=example.org header.s=dkim header.b=AbCdEfGh;\r\n"
                + "\tspf=pass (mx.example.net: domain of alice@example.org designates 192.0.2.1 as"
                + " permitted sender) smtp.mailfrom=alice@example.org;\r\n"
                + "\tdmarc=pass (policy=reject) header.from=example.org");
    assertEquals(Optional.of(SpfResult.PASS), r.spfMailFrom());
    assertEquals(List.of(new DkimSignature("example.org", DkimSignature.Result.PASS)), r.dkim());
    assertEquals(
        Optional.of(new DmarcResult("example.org", DmarcResult.Result.PASS, DmarcPolicy.REJECT)),
        r.dmarc());
    assertEquals(AuthStanding.SPF_PASS, r.standing("example.org"));
  }

  @Test
  void parse_rspamdPolicyCommentAtTheEnd_isFound() {
    AuthenticationResults r =
        parse(
            "mx.example.net; dmarc=fail reason=\"No valid SPF, No valid DKIM\""
                + " header.from=example.org (policy=quarantine)");
    assertEquals(DmarcPolicy.QUARANTINE, r.dmarc().orElseThrow().policy());
  }

  @Test
  void parse_publishedDomainPolicyProperty_wins() {
    AuthenticationResults r =
        parse(
            "mx.example.net; dmarc=fail policy.published-domain-policy=quarantine"
                + " header.from=example.org (p=none)");
    assertEquals(DmarcPolicy.QUARANTINE, r.dmarc().orElseThrow().policy());
  }

  @Test
  void parse_dmarcWithoutPolicy_recordsNoneOrAbsent() {
    assertEquals(
        DmarcPolicy.NONE,
        parse("mx.example.net; dmarc=fail header.from=example.org").dmarc().orElseThrow().policy());
    assertEquals(
        DmarcPolicy.ABSENT,
        parse("mx.example.net; dmarc=none header.from=example.org").dmarc().orElseThrow().policy());
    assertEquals(
        DmarcPolicy.TEMPERROR,
        parse("mx.example.net; dmarc=temperror header.from=example.org")
            .dmarc()
            .orElseThrow()
            .policy());
  }

  @Test
  void parse_heloAndMailFrom_areSeparate() {
    AuthenticationResults r =
        parse(
            "mx.example.net; spf=none smtp.helo=mail.example.org; spf=softfail smtp.mailfrom=a@example.org");
    assertEquals(Optional.of(SpfResult.NONE), r.spfHelo());
    assertEquals(Optional.of(SpfResult.SOFTFAIL), r.spfMailFrom());
  }

  @Test
  void parse_versionAndFieldNameAndCase_areAccepted() {
    AuthenticationResults r =
        parse("Authentication-Results: MX.Example.NET 1; SPF=HardFail SMTP.MailFrom=a@Example.ORG");
    assertEquals(Optional.of(SpfResult.FAIL), r.spfMailFrom());
  }

  @Test
  void parse_dkimNone_marksMessageCheckedWithoutSignatures() {
    AuthenticationResults r = parse("mx.example.net; dkim=none (message not signed)");
    assertTrue(r.messageChecked());
    assertEquals(List.of(), r.dkim());
  }

  @Test
  void parse_untrustedAuthservId_isEmpty() {
    assertEquals(
        Optional.empty(),
        AuthenticationResultsHeader.parse(
            "evil.example; spf=pass smtp.mailfrom=a@example.org", TRUSTED));
    assertEquals(
        Optional.empty(),
        AuthenticationResultsHeader.parse(
            "mx.example.net; spf=pass smtp.mailfrom=a@example.org", Set.of()));
  }

  @Test
  void parse_garbageOrNone_isEmpty() {
    for (String s :
        List.of(
            "",
            ";;;",
            "mx.example.net",
            "mx.example.net; none",
            "mx.example.net; (unclosed",
            "mx.example.net; spf",
            "mx.example.net; spf=bogus smtp.mailfrom=a@example.org",
            "mx.example.net junk; spf=pass",
            "mx.example.net; dkim=pass header.d=\"not a domain!\"",
            ") mx.example.net; spf=pass",
            "\"mx.example.net; spf=pass")) {
      Optional<AuthenticationResults> r = AuthenticationResultsHeader.parse(s, TRUSTED);
      assertTrue(r.isEmpty() || r.get().dkim().isEmpty(), s);
    }
    assertEquals(
        Optional.empty(), AuthenticationResultsHeader.parse("mx.example.net; none", TRUSTED));
    assertEquals(
        Optional.empty(), AuthenticationResultsHeader.parse("mx.example.net; spf", TRUSTED));
  }

  @Test
  void parse_longerThanTheBound_isEmpty() {
    String v = "mx.example.net; spf=pass smtp.mailfrom=a@example.org (" + "x".repeat(9000) + ")";
    assertEquals(Optional.empty(), AuthenticationResultsHeader.parse(v, TRUSTED));
  }

  @Test
  void parse_manySignatures_keepsTheBound() {
    String v = "mx.example.net" + "; dkim=pass header.d=example.org".repeat(40);
    assertEquals(AuthenticationResults.MAX_SIGNATURES, parse(v).dkim().size());
  }

  @Test
  void parse_null_throws() {
    assertThrows(
        NullPointerException.class, () -> AuthenticationResultsHeader.parse(null, TRUSTED));
    assertThrows(
        NullPointerException.class,
        () -> AuthenticationResultsHeader.parse("mx.example.net; none", null));
  }
}
