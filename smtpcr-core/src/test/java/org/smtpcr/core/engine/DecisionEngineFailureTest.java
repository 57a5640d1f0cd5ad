package org.smtpcr.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpcr.core.Fixtures.BASE;
import static org.smtpcr.core.Fixtures.CLOCK;
import static org.smtpcr.core.Fixtures.rcpt;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Fixtures;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.reply.ReplyKind;
import org.smtpcr.core.reply.SmtpReply;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.rules.WhitelistStoreRule;
import org.smtpcr.core.store.StoreException;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.core.store.testing.UnavailableWhitelistStore;
import org.smtpcr.tokens.KeyRing;

/** A rule, store or listener that fails never makes the engine refuse mail for good. */
final class DecisionEngineFailureTest {
  private static final KeyRing RING = KeyRing.generate();
  private final List<DecisionEvent> events = new CopyOnWriteArrayList<>();

  private DecisionEngine.Builder builder() {
    return DecisionEngine.builder()
        .keyRing(RING)
        .challengeBase(BASE)
        .clock(CLOCK)
        .listener(events::add);
  }

  /** A store whose every method fails like a database that is down, with a cause naming a pair. */
  static WhitelistStore downStore() {
    return new UnavailableWhitelistStore(
        () ->
            new StoreException(
                "whitelist store could not look up a pair (SQLState 08001, error code 0)",
                new IllegalStateException("Connection refused: alice@example.org")));
  }

  private static void assertDefer451(Decision d) {
    Decision.Defer defer = assertInstanceOf(Decision.Defer.class, d);
    assertEquals(451, defer.reply().code());
    assertEquals("4.3.0", defer.reply().enhancedStatus());
  }

  @Test
  void decide_throwingRule_defers451AndReportsTheRule() {
    DecisionEngine e =
        builder()
            .rule(
                "broken",
                ctx -> {
                  throw new IllegalStateException("bug");
                })
            .build();
    assertDefer451(e.decide(rcpt("<alice@example.org>", "<bob@example.com>")).decision());
    DecisionEvent ev = events.get(0);
    assertEquals("broken", ev.ruleId());
    assertTrue(ev.failed());
  }

  @Test
  void decide_storeDown_defers451() {
    DecisionEngine e =
        builder().rules(StandardRules.builder().whitelistStore(downStore()).build()).build();
    assertDefer451(e.decide(rcpt("<alice@example.org>", "<bob@example.com>")).decision());
    assertEquals("deny-list", events.get(0).ruleId(), "the first rule that asks the store");
    assertTrue(events.get(0).failed());
  }

  @Test
  void decide_ruleReturningNull_defers451() {
    DecisionEngine e = builder().rule("null-returner", ctx -> null).build();
    assertDefer451(e.decide(rcpt("<alice@example.org>", "<bob@example.com>")).decision());
  }

  @Test
  void decide_ruleThrowingItsOwnInvalidAddressException_isAFailureNot553() {
    DecisionEngine e =
        builder()
            .rule(
                "parser",
                ctx -> {
                  throw new InvalidAddressException("rule's own parse");
                })
            .build();
    assertDefer451(e.decide(rcpt("<alice@example.org>", "<bob@example.com>")).decision());
    assertTrue(events.get(0).failed());
  }

  @Test
  void decide_ruleCallingChallengeBeforeRcpt_isAFailureNotACrash() {
    DecisionEngine e = builder().rule("early", ctx -> Optional.of(ctx.challenge())).build();
    assertDefer451(e.decide(Fixtures.mail("<alice@example.org>")).decision());
  }

  @Test
  void decide_configuredFailureReply_isUsed() {
    SmtpReply r = SmtpReply.of(421, "4.3.2", "Service not available, closing channel");
    DecisionEngine e =
        builder()
            .failureReply(r)
            .rule(
                "broken",
                ctx -> {
                  throw new StoreException("x");
                })
            .build();
    assertEquals(
        new Decision.Defer(r),
        e.decide(rcpt("<alice@example.org>", "<bob@example.com>")).decision());
  }

  @Test
  void decide_formatterDeferStatus_isUsedForFailures() {
    ReplyFormatter f = ReplyFormatter.builder().status(ReplyKind.DEFER, 450, "4.7.1").build();
    DecisionEngine e =
        builder()
            .replyFormatter(f)
            .rule(
                "broken",
                ctx -> {
                  throw new StoreException("x");
                })
            .build();
    Decision.Defer d =
        assertInstanceOf(
            Decision.Defer.class, e.decide(rcpt("<a@example.org>", "<b@example.com>")).decision());
    assertEquals(450, d.reply().code());
  }

  @Test
  void failureLog_warnHasRuleIdAndClassButNoAddressOrMessage() {
    DecisionEngine e = builder().rule("leaky", WhitelistStoreRule.of(downStore())).build();
    String log;
    try (LogCapture capture = new LogCapture()) {
      assertDefer451(e.decide(rcpt("<alice@example.org>", "<bob@example.com>")).decision());
      log = capture.text();
    }
    String warn =
        log.lines()
            .filter(l -> l.contains("WARN"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(log));
    assertTrue(warn.contains("leaky"), warn);
    assertTrue(warn.contains(StoreException.class.getName()), warn);
    assertTrue(warn.contains("451 4.3.0"), warn);
    assertFalse(log.contains("alice@"), log);
    assertFalse(log.contains("bob@"), log);
    assertFalse(log.contains("Connection refused"), log);
  }

  @Test
  void engineLogs_neverContainTheKeyOrToken() {
    String log;
    Decision d;
    try (LogCapture capture = new LogCapture()) {
      d =
          DecisionEngine.builder()
              .keyRing(RING)
              .challengeBase(BASE)
              .clock(CLOCK)
              .build()
              .decide(rcpt("<alice@example.org>", "<bob@example.com>"))
              .decision();
      log = capture.text();
    }
    String link = assertInstanceOf(Decision.Challenge.class, d).link().toString();
    String token = link.substring(link.lastIndexOf('/') + 1);
    assertFalse(log.contains(token.substring(0, 20)), log);
    assertFalse(log.contains(RING.activeKey().fingerprint()), log);
  }
}
