package org.smtpcr.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.smtpcr.core.rules.RuleProbe.decide;
import static org.smtpcr.core.rules.RuleProbe.rcpt;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;

final class StaticWhitelistRuleTest {
  private static final Optional<Decision> ACCEPT = Optional.of(Decision.accept());

  @Test
  void sender_globalAddress_acceptedForEveryRecipientCanonically() {
    StaticWhitelistRule r = StaticWhitelistRule.builder().sender("alice@example.org").build();
    assertEquals(ACCEPT, decide(r, rcpt("<Alice+lists@EXAMPLE.org>", "<bob@example.com>")));
    assertEquals(ACCEPT, decide(r, rcpt("<alice@example.org>", "<carol@example.com>")));
    assertEquals(Optional.empty(), decide(r, rcpt("<alicia@example.org>", "<bob@example.com>")));
  }

  @Test
  void senderDomain_coversSubdomainsButNotLookalikes() {
    StaticWhitelistRule r = StaticWhitelistRule.builder().senderDomain("@Example.ORG.").build();
    assertEquals(ACCEPT, decide(r, rcpt("<x@example.org>", "<bob@example.com>")));
    assertEquals(ACCEPT, decide(r, rcpt("<x@lists.eu.example.org>", "<bob@example.com>")));
    assertEquals(Optional.empty(), decide(r, rcpt("<x@badexample.org>", "<bob@example.com>")));
    assertEquals(
        Optional.empty(), decide(r, rcpt("<x@example.org.evil.test>", "<bob@example.com>")));
  }

  @Test
  void perRecipient_entriesApplyToThatRecipientOnly() {
    StaticWhitelistRule r =
        StaticWhitelistRule.builder()
            .senderFor("bob@example.com", "alice@example.org")
            .senderDomainFor("carol@example.com", "example.net")
            .build();
    assertEquals(ACCEPT, decide(r, rcpt("<alice@example.org>", "<bob+x@example.com>")));
    assertEquals(Optional.empty(), decide(r, rcpt("<alice@example.org>", "<carol@example.com>")));
    assertEquals(ACCEPT, decide(r, rcpt("<dave@mx.example.net>", "<carol@example.com>")));
    assertEquals(Optional.empty(), decide(r, rcpt("<dave@example.net>", "<bob@example.com>")));
  }

  @Test
  void nullSenderOrEmptyList_abstains() {
    assertEquals(
        Optional.empty(),
        decide(
            StaticWhitelistRule.builder().senderDomain("example.org").build(),
            rcpt("<>", "<bob@example.com>")));
    assertEquals(
        Optional.empty(),
        decide(StaticWhitelistRule.builder().build(), rcpt("<a@example.org>", "<b@c.de>")));
  }

  @Test
  void builder_invalidEntries_refusedAndToStringShowsNoAddresses() {
    assertThrows(
        IllegalArgumentException.class,
        () -> StaticWhitelistRule.builder().sender("not an address"));
    assertThrows(
        IllegalArgumentException.class,
        () -> StaticWhitelistRule.builder().senderDomain("bad..domain"));
    assertThrows(
        IllegalArgumentException.class,
        () -> StaticWhitelistRule.builder().senderFor("x", "a@b.c"));
    String s = StaticWhitelistRule.builder().sender("alice@example.org").build().toString();
    assertFalse(s.contains("alice"), s);
  }
}
