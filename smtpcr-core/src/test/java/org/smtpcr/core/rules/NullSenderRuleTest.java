package org.smtpcr.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.smtpcr.core.rules.RuleProbe.decide;
import static org.smtpcr.core.rules.RuleProbe.rcpt;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;

final class NullSenderRuleTest {
  @Test
  void accept_nullSenderInBothSpellings_acceptsAtMailAndRcpt() {
    assertEquals(
        Optional.of(Decision.accept()),
        decide(NullSenderRule.accept(), rcpt("<>", "<bob@example.com>")));
    assertEquals(
        Optional.of(Decision.accept()),
        decide(NullSenderRule.accept(), rcpt("", "<bob@example.com>")));
    assertEquals(
        Optional.of(Decision.accept()),
        decide(NullSenderRule.accept(), RuleProbe.tx(Stage.MAIL).reversePath("<>").build()));
  }

  @Test
  void accept_realSender_abstains() {
    assertEquals(
        Optional.empty(),
        decide(NullSenderRule.accept(), rcpt("<a@example.org>", "<bob@example.com>")));
  }

  @Test
  void reject_nullSender_rejectedAtRcptButNotAtMail() {
    Decision d = decide(NullSenderRule.reject(), rcpt("<>", "<bob@example.com>")).orElseThrow();
    assertEquals(550, assertInstanceOf(Decision.Reject.class, d).reply().code());
    assertEquals(
        Optional.empty(),
        decide(NullSenderRule.reject(), RuleProbe.tx(Stage.MAIL).reversePath("<>").build()));
  }
}
