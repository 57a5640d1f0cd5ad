package org.smtpcr.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpcr.core.rules.RuleProbe.decide;
import static org.smtpcr.core.rules.RuleProbe.rcpt;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Header;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.tokens.PassCodes;

final class PassCodeRuleTest {
  private static final PassCodes CODES = PassCodes.of(RuleProbe.RING);
  private static final Optional<Decision> ACCEPT = Optional.of(Decision.accept());
  private static final String CODE = CODES.compute("alice@example.org", "bob@example.com");
  private final PassCodeRule subaddressOnly = PassCodeRule.builder().passCodes(CODES).build();
  private final PassCodeRule withSubject =
      PassCodeRule.builder().passCodes(CODES).subject(true).build();

  static Transaction data(String subject) {
    return RuleProbe.tx(Stage.DATA)
        .reversePath("<Alice@example.org>")
        .forwardPath("<bob@example.com>")
        .headers(List.of(new Header("Subject", subject)))
        .build();
  }

  @Test
  void subaddress_codeOfThePairInAnyCaseAndGrouping_accepts() {
    assertEquals(
        ACCEPT,
        decide(subaddressOnly, rcpt("<alice@example.org>", "<bob+" + CODE + "@example.com>")));
    assertEquals(
        ACCEPT,
        decide(
            subaddressOnly,
            rcpt(
                "<ALICE@example.org>",
                "<Bob+" + PassCodes.grouped(CODE).toUpperCase(Locale.ROOT) + "@Example.com>")));
  }

  @Test
  void subaddress_codeOfAnotherPairOrGarbage_abstains() {
    String other = CODES.compute("mallory@example.org", "bob@example.com");
    assertEquals(
        Optional.empty(),
        decide(subaddressOnly, rcpt("<alice@example.org>", "<bob+" + other + "@example.com>")));
    assertEquals(
        Optional.empty(),
        decide(subaddressOnly, rcpt("<alice@example.org>", "<bob+lists@example.com>")));
    assertEquals(
        Optional.empty(), decide(subaddressOnly, rcpt("<>", "<bob+" + CODE + "@example.com>")));
  }

  @Test
  void subaddressDisabled_abstains() {
    PassCodeRule r = PassCodeRule.builder().passCodes(CODES).subaddress(false).build();
    assertEquals(
        Optional.empty(), decide(r, rcpt("<alice@example.org>", "<bob+" + CODE + "@example.com>")));
  }

  @Test
  void subject_codeAnywhereInTheSubjectAtData_accepts() {
    assertEquals(ACCEPT, decide(withSubject, data(CODE)));
    assertEquals(ACCEPT, decide(withSubject, data("Re: hello [" + PassCodes.grouped(CODE) + "]")));
    assertEquals(
        ACCEPT, decide(withSubject, data("code:" + CODE.toUpperCase(Locale.ROOT) + ", thanks")));
    String b =
        "=?utf-8?B?"
            + Base64.getEncoder().encodeToString(("Grüße " + CODE).getBytes(StandardCharsets.UTF_8))
            + "?=";
    assertEquals(ACCEPT, decide(withSubject, data(b)));
    assertEquals(ACCEPT, decide(withSubject, data("=?iso-8859-1?Q?Gr=FC=DFe_" + CODE + "?=")));
  }

  @Test
  void subject_disabledOrNotAtData_abstains() {
    assertEquals(Optional.empty(), decide(subaddressOnly, data(CODE)));
    Transaction rcptWithHeaders =
        RuleProbe.tx(Stage.RCPT)
            .reversePath("<alice@example.org>")
            .forwardPath("<bob@example.com>")
            .headers(List.of(new Header("Subject", CODE)))
            .build();
    assertEquals(Optional.empty(), decide(withSubject, rcptWithHeaders));
  }

  @Test
  void subject_codeAfter64CandidateWords_isNotTried() {
    String decoy = "aaaaaaaaaaaaaaaaaa "; // looks like a code, is none: costs one MAC
    assertEquals(Optional.empty(), decide(withSubject, data(decoy.repeat(64) + CODE)));
    assertEquals(ACCEPT, decide(withSubject, data(decoy.repeat(63) + CODE)));
    assertEquals(
        ACCEPT,
        decide(withSubject, data("word ".repeat(500) + CODE)),
        "short words are no candidates");
  }

  @Test
  void usesHeaders_followsTheSubjectOption() {
    assertTrue(withSubject.usesHeaders());
    assertFalse(subaddressOnly.usesHeaders());
    assertThrows(IllegalStateException.class, () -> PassCodeRule.builder().build());
  }
}
