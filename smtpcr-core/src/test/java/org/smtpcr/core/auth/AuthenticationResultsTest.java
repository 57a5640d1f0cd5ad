package org.smtpcr.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

final class AuthenticationResultsTest {
  private static AuthenticationResults.Builder spf(SpfResult r, DmarcPolicy p) {
    return AuthenticationResults.builder().spfMailFrom(r).senderPolicy(p);
  }

  private static AuthStanding standing(AuthenticationResults.Builder b) {
    return b.build().standing("example.org");
  }

  @Test
  void nothingChecked_isUnchecked() {
    assertEquals(
        AuthStanding.UNCHECKED, AuthenticationResults.notChecked().standing("example.org"));
  }

  @Test
  void spfPass_beatsEveryPolicy() {
    assertEquals(AuthStanding.SPF_PASS, standing(spf(SpfResult.PASS, DmarcPolicy.REJECT)));
  }

  @Test
  void spfFail_isForged_unlessAnAlignedDkimPassAuthenticates() {
    assertEquals(AuthStanding.FORGED, standing(spf(SpfResult.FAIL, DmarcPolicy.ABSENT)));
    assertEquals(
        AuthStanding.DKIM_PASS,
        standing(
            spf(SpfResult.FAIL, DmarcPolicy.ABSENT)
                .dkim(new DkimSignature("mail.example.org", DkimSignature.Result.PASS))));
  }

  @Test
  void dkimPass_ofAnotherOrganization_doesNotAuthenticate() {
    assertEquals(
        AuthStanding.UNVERIFIED,
        standing(
            spf(SpfResult.SOFTFAIL, DmarcPolicy.NONE)
                .dkim(new DkimSignature("example.net", DkimSignature.Result.PASS))));
  }

  @Test
  void temperror_isTemporary() {
    assertEquals(AuthStanding.TEMPORARY, standing(spf(SpfResult.TEMPERROR, DmarcPolicy.ABSENT)));
    assertEquals(AuthStanding.TEMPORARY, standing(spf(SpfResult.SOFTFAIL, DmarcPolicy.TEMPERROR)));
  }

  @Test
  void notAuthenticated_withQuarantineOrReject_isProtected() {
    assertEquals(AuthStanding.PROTECTED, standing(spf(SpfResult.NEUTRAL, DmarcPolicy.QUARANTINE)));
    assertEquals(AuthStanding.PROTECTED, standing(spf(SpfResult.NONE, DmarcPolicy.REJECT)));
  }

  @Test
  void noSpfNoDmarcNoSignature_isNothingPublished_butAnySignatureIsSomething() {
    assertEquals(AuthStanding.NOTHING_PUBLISHED, standing(spf(SpfResult.NONE, DmarcPolicy.ABSENT)));
    assertEquals(
        AuthStanding.UNVERIFIED,
        standing(
            spf(SpfResult.NONE, DmarcPolicy.ABSENT)
                .dkim(new DkimSignature("example.org", DkimSignature.Result.FAIL))
                .messageChecked(true)));
  }

  @Test
  void softfailOrPermerror_withoutPolicy_isUnverified() {
    assertEquals(AuthStanding.UNVERIFIED, standing(spf(SpfResult.SOFTFAIL, DmarcPolicy.NONE)));
    assertEquals(AuthStanding.UNVERIFIED, standing(spf(SpfResult.PERMERROR, DmarcPolicy.ABSENT)));
  }

  @Test
  void dmarcFailAtData_forTheSendersDomain_withReject_isProtected() {
    assertEquals(
        AuthStanding.PROTECTED,
        standing(
            AuthenticationResults.builder()
                .spfMailFrom(SpfResult.NEUTRAL)
                .messageChecked(true)
                .dmarc(
                    new DmarcResult("example.org", DmarcResult.Result.FAIL, DmarcPolicy.REJECT))));
  }

  @Test
  void merge_laterPartsWin_signaturesAdd() {
    AuthenticationResults a =
        spf(SpfResult.SOFTFAIL, DmarcPolicy.NONE)
            .dkim(new DkimSignature("a.example", DkimSignature.Result.FAIL))
            .build();
    AuthenticationResults b =
        AuthenticationResults.builder()
            .spfMailFrom(SpfResult.PASS)
            .dkim(new DkimSignature("b.example", DkimSignature.Result.PASS))
            .messageChecked(true)
            .build();
    AuthenticationResults m = a.merge(b);
    assertEquals(SpfResult.PASS, m.spfMailFrom().orElseThrow());
    assertEquals(DmarcPolicy.NONE, m.senderPolicy().orElseThrow());
    assertEquals(2, m.dkim().size());
    assertTrue(m.messageChecked());
  }

  @Test
  void signatures_areBounded() {
    AuthenticationResults.Builder b = AuthenticationResults.builder();
    IntStream.range(0, 100)
        .forEach(i -> b.dkim(new DkimSignature("d" + i + ".example", DkimSignature.Result.FAIL)));
    assertEquals(AuthenticationResults.MAX_SIGNATURES, b.build().dkim().size());
  }

  @Test
  void summary_isOneSafeLine() {
    String s =
        spf(SpfResult.SOFTFAIL, DmarcPolicy.REJECT)
            .dkim(new DkimSignature("Mail.Example.ORG.", DkimSignature.Result.PASS))
            .build()
            .summary();
    assertEquals("spf=softfail dmarc-policy=reject dkim=pass:mail.example.org", s);
  }

  @Test
  void domains_refuseWhatIsNotADomainName_withoutEchoingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new DkimSignature("evil\r\nX: y", DkimSignature.Result.PASS));
    assertFalse(e.getMessage().contains("evil"));
    assertEquals("example.co.uk", Domains.organizational("mail.Example.co.uk."));
    assertTrue(Domains.aligned("a.example.org", "b.example.org"));
    assertFalse(Domains.aligned("example.org", "example.com"));
    assertEquals("xn--bcher-kva.example", Domains.normalize("Bücher.example"));
  }
}
