package org.smtpcr.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.smtpcr.core.rules.RuleProbe.decide;
import static org.smtpcr.core.rules.RuleProbe.rcpt;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;

final class ExemptRecipientsRuleTest {
  private static final String SPAMMER = "<spam@example.net>";

  @Test
  void standard_postmasterAndAbuseAtAnyDomainAnyCase_accepts() {
    ExemptRecipientsRule r = ExemptRecipientsRule.standard();
    assertEquals(
        Optional.of(Decision.accept()), decide(r, rcpt(SPAMMER, "<postmaster@example.com>")));
    assertEquals(
        Optional.of(Decision.accept()), decide(r, rcpt(SPAMMER, "<PostMaster@Other.Example>")));
    assertEquals(
        Optional.of(Decision.accept()), decide(r, rcpt(SPAMMER, "<abuse+tag@example.com>")));
    assertEquals(Optional.of(Decision.accept()), decide(r, rcpt("<>", "<abuse@example.com>")));
  }

  @Test
  void standard_otherRecipient_abstains() {
    assertEquals(
        Optional.empty(),
        decide(ExemptRecipientsRule.standard(), rcpt(SPAMMER, "<bob@example.com>")));
    assertEquals(
        Optional.empty(),
        decide(ExemptRecipientsRule.standard(), rcpt(SPAMMER, "<postmasters@example.com>")));
  }

  @Test
  void beforeRcpt_abstains() {
    assertEquals(
        Optional.empty(),
        decide(
            ExemptRecipientsRule.standard(),
            RuleProbe.tx(Stage.MAIL).reversePath(SPAMMER).build()));
  }

  @Test
  void configured_localPartsAndAddresses_areCanonicalized() {
    ExemptRecipientsRule r =
        ExemptRecipientsRule.builder()
            .localPart("HostMaster")
            .address("<Support@EXAMPLE.com>")
            .build();
    assertEquals(
        Optional.of(Decision.accept()), decide(r, rcpt(SPAMMER, "<hostmaster@example.org>")));
    assertEquals(
        Optional.of(Decision.accept()), decide(r, rcpt(SPAMMER, "<support+x@example.com>")));
    assertEquals(Optional.empty(), decide(r, rcpt(SPAMMER, "<support@example.org>")));
    assertEquals(
        Optional.of(Decision.accept()), decide(r, rcpt(SPAMMER, "<postmaster@example.org>")));
  }

  @Test
  void withoutStandardLocalParts_postmasterAbstains() {
    ExemptRecipientsRule r =
        ExemptRecipientsRule.builder().standardLocalParts(false).localPart("noc").build();
    assertEquals(Optional.empty(), decide(r, rcpt(SPAMMER, "<postmaster@example.com>")));
    assertEquals(Optional.of(Decision.accept()), decide(r, rcpt(SPAMMER, "<noc@example.com>")));
  }

  @Test
  void builder_invalidAddressOrLateCanonicalizer_isRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> ExemptRecipientsRule.builder().address("no at sign"));
    assertThrows(
        IllegalArgumentException.class, () -> ExemptRecipientsRule.builder().localPart("a b"));
    assertThrows(
        IllegalStateException.class,
        () ->
            ExemptRecipientsRule.builder()
                .localPart("noc")
                .canonicalizer(org.smtpcr.core.address.AddressCanonicalizer.standard()));
  }
}
