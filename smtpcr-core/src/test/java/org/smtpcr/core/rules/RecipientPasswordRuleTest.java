package org.smtpcr.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpcr.core.rules.RuleProbe.decide;
import static org.smtpcr.core.rules.RuleProbe.rcpt;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Header;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;

final class RecipientPasswordRuleTest {
  private static final Optional<Decision> ACCEPT = Optional.of(Decision.accept());
  private final RecipientPasswordRule rule =
      RecipientPasswordRule.builder().password("Bob@Example.com", "Xyzzy-42").subject(true).build();

  private static Transaction data(String subject) {
    return RuleProbe.tx(Stage.DATA)
        .reversePath("<stranger@example.net>")
        .forwardPath("<bob@example.com>")
        .headers(List.of(new Header("Subject", subject)))
        .build();
  }

  @Test
  void subaddress_passwordInAnyCase_accepts() {
    assertEquals(
        ACCEPT, decide(rule, rcpt("<stranger@example.net>", "<bob+xyzzy-42@example.com>")));
    assertEquals(ACCEPT, decide(rule, rcpt("<>", "<BOB+XYZZY-42@example.com>")));
  }

  @Test
  void wrongPasswordOrOtherRecipient_abstains() {
    assertEquals(
        Optional.empty(), decide(rule, rcpt("<s@example.net>", "<bob+xyzzy-43@example.com>")));
    assertEquals(
        Optional.empty(), decide(rule, rcpt("<s@example.net>", "<bob+xyzzy@example.com>")));
    assertEquals(
        Optional.empty(), decide(rule, rcpt("<s@example.net>", "<carol+xyzzy-42@example.com>")));
    assertEquals(Optional.empty(), decide(rule, rcpt("<s@example.net>", "<bob@example.com>")));
  }

  @Test
  void subject_passwordAsAWordAtData_accepts() {
    assertEquals(ACCEPT, decide(rule, data("Hi Bob, the password is XYZZY-42.")));
    assertEquals(Optional.empty(), decide(rule, data("the password is xyzzy-421")));
    assertEquals(Optional.empty(), decide(rule, data("the password is axyzzy-42")));
  }

  @Test
  void subjectDisabled_abstainsAtData() {
    RecipientPasswordRule r =
        RecipientPasswordRule.builder().password("bob@example.com", "xyzzy").build();
    assertFalse(r.usesHeaders());
    assertTrue(rule.usesHeaders());
    assertEquals(Optional.empty(), decide(r, data("xyzzy")));
  }

  @Test
  void builder_badPassword_refusedWithoutEchoingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RecipientPasswordRule.builder().password("bob@example.com", "open sesame"));
    assertFalse(e.getMessage().contains("sesame"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> RecipientPasswordRule.builder().password("bob@example.com", "abc"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            RecipientPasswordRule.builder()
                .password("bob@example.com", "first-one")
                .password("BOB@example.com", "second-one"));
  }

  @Test
  void toString_neverShowsThePassword() {
    assertFalse(rule.toString().toLowerCase(Locale.ROOT).contains("xyzzy"), rule.toString());
  }
}
