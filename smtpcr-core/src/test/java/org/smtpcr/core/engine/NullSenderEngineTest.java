package org.smtpcr.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpcr.core.Fixtures.BASE;
import static org.smtpcr.core.Fixtures.CLOCK;
import static org.smtpcr.core.Fixtures.T0;
import static org.smtpcr.core.Fixtures.mail;
import static org.smtpcr.core.Fixtures.rcpt;
import static org.smtpcr.core.Fixtures.tx;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.Header;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.reply.SmtpReply;
import org.smtpcr.core.rules.NullSenderPolicy;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.OutboundMarks;
import org.smtpcr.core.store.testing.UnavailableWhitelistStore;
import org.smtpcr.tokens.KeyRing;

/** The null sender under the default policy: one recipient, and only what looks like a bounce. */
final class NullSenderEngineTest {
  private static final String BOB = "<bob@example.com>";
  private static final Header DSN =
      new Header(
          "Content-Type", "multipart/report; report-type=delivery-status;\r\n boundary=\"a;b=c\"");
  private static final Header MDN =
      new Header(
          "Content-Type", "Multipart/Report; boundary=x; Report-Type=\"disposition-notification\"");
  private static final Header PLAIN = new Header("Content-Type", "text/plain; charset=utf-8");

  private final KeyRing ring = KeyRing.generate();
  private final InMemoryWhitelistStore store =
      InMemoryWhitelistStore.builder().clock(CLOCK).build();

  private DecisionEngine engine(StandardRules.Builder rules) {
    return DecisionEngine.builder()
        .keyRing(ring)
        .challengeBase(BASE)
        .clock(CLOCK)
        .rules(rules.build())
        .build();
  }

  private DecisionEngine engine() {
    return engine(StandardRules.builder().whitelistStore(store));
  }

  private static void assertReply(Decision d, int code, String status) {
    SmtpReply r = d.negativeReply().orElseThrow(() -> new AssertionError("accepted: " + d));
    assertEquals(code, r.code(), r::toString);
    assertEquals(status, r.enhancedStatus(), r::toString);
    assertTrue(r.link().isEmpty(), "no link for the null sender");
  }

  private void markOutbound(String localUser) {
    store.countIfUnder(
        List.of(
            OutboundMarks.mark(
                CanonicalAddress.parseCanonical(localUser), T0, Duration.ofDays(30))));
  }

  @Test
  void seesData_dsn_oneRecipientWaitsAndIsAccepted_aSecondGets452() {
    TransactionState t = engine().begin(mail("<>"), true);
    assertEquals(DecisionOutcome.PENDING, t.rcpt(BOB).ruleId());
    DecisionOutcome second = t.rcpt("<carol@example.com>");
    assertReply(second.decision(), 452, "4.5.3");
    assertEquals(StandardRules.NULL_SENDER, second.ruleId());
    String text = String.join(" ", second.decision().negativeReply().get().lines());
    assertTrue(text.contains("one recipient"), text);
    assertInstanceOf(Decision.Accept.class, t.endOfData(List.of(DSN)).decision());
  }

  @Test
  void seesData_mdn_isAccepted() {
    TransactionState t = engine().begin(mail("<>"), true);
    t.rcpt(BOB);
    assertInstanceOf(Decision.Accept.class, t.endOfData(List.of(MDN)).decision());
  }

  @Test
  void seesData_plainBody_isRefused550WithoutLink_sayingItMustBeANotification() {
    TransactionState t = engine().begin(mail("<>"), true);
    t.rcpt(BOB);
    Decision d = t.endOfData(List.of(PLAIN)).decision();
    assertReply(d, 550, "5.7.1");
    String text = String.join(" ", d.negativeReply().get().lines());
    assertTrue(text.contains("delivery or disposition notification"), text);
    TransactionState none = engine().begin(mail("<>"), true);
    none.rcpt(BOB);
    assertReply(none.endOfData(List.of()).decision(), 550, "5.7.1");
  }

  @Test
  void seesData_reportOfAnotherType_isRefused() {
    TransactionState t = engine().begin(mail("<>"), true);
    t.rcpt(BOB);
    assertReply(
        t.endOfData(List.of(new Header("Content-Type", "multipart/report; report-type=spam")))
            .decision(),
        550,
        "5.7.1");
  }

  @Test
  void seesData_spammerSendingOneTransactionPerRecipient_neverGetsThrough() {
    DecisionEngine e = engine();
    for (int i = 0; i < 20; i++) {
      TransactionState t = e.begin(mail("<>"), true);
      assertEquals(DecisionOutcome.PENDING, t.rcpt("<user" + i + "@example.com>").ruleId());
      assertReply(t.endOfData(List.of(PLAIN)).decision(), 550, "5.7.1");
    }
  }

  @Test
  void noData_spammerSendingOneTransactionPerRecipient_neverGetsThrough() {
    DecisionEngine e = engine();
    for (int i = 0; i < 20; i++) {
      Decision d = e.decide(rcpt("<>", "<user" + i + "@example.com>")).decision();
      assertReply(d, 550, "5.7.1");
    }
  }

  @Test
  void noData_recipientWhoSentMailRecently_getsItsBounce_once() {
    markOutbound("bob@example.com");
    DecisionEngine e = engine();
    assertInstanceOf(Decision.Accept.class, e.decide(rcpt("<>", BOB)).decision());
    Transaction second =
        tx(Stage.RCPT)
            .reversePath("<>")
            .forwardPath(BOB)
            .acceptedRecipients(List.of("<carol@example.com>"))
            .build();
    assertReply(e.decide(second).decision(), 452, "4.5.3");
  }

  @Test
  void noData_storeDown_defers451() {
    DecisionEngine e =
        engine(StandardRules.builder().whitelistStore(new UnavailableWhitelistStore("down")));
    DecisionOutcome o = e.decide(rcpt("<>", BOB));
    assertInstanceOf(Decision.Defer.class, o.decision());
    assertEquals(451, o.decision().negativeReply().get().code());
    assertTrue(o.failed());
  }

  @Test
  void noData_outboundCheckOff_acceptsOneRecipient() {
    DecisionEngine e =
        engine(StandardRules.builder().whitelistStore(store).nullSenderNeedsOutbound(false));
    assertInstanceOf(Decision.Accept.class, e.decide(rcpt("<>", BOB)).decision());
    TransactionState t = e.begin(mail("<>"), false);
    assertInstanceOf(Decision.Accept.class, t.rcpt(BOB).decision());
    assertReply(t.rcpt("<carol@example.com>").decision(), 452, "4.5.3");
  }

  @Test
  void postmaster_stillGetsEveryBounce() {
    TransactionState t = engine().begin(mail("<>"), true);
    assertInstanceOf(Decision.Accept.class, t.rcpt("<postmaster@example.com>").decision());
    assertEquals(List.of("<postmaster@example.com>"), t.acceptedRecipients());
  }

  @Test
  void any_acceptsEveryRecipientAndEveryBody_asBefore() {
    DecisionEngine e =
        engine(StandardRules.builder().whitelistStore(store).nullSender(NullSenderPolicy.ANY));
    TransactionState t = e.begin(mail("<>"), true);
    assertEquals(Decision.accept(), t.rcpt(BOB).decision());
    assertEquals(Decision.accept(), t.rcpt("<carol@example.com>").decision());
    assertInstanceOf(Decision.Accept.class, t.endOfData(List.of(PLAIN)).decision());
  }

  @Test
  void reject_refusesAtRcpt() {
    DecisionEngine e = engine(StandardRules.builder().nullSender(NullSenderPolicy.REJECT));
    assertReply(e.decide(rcpt("<>", BOB)).decision(), 550, "5.7.1");
    assertFalse(e.begin(mail("<>"), true).rcpt(BOB).decision() instanceof Decision.Accept);
  }
}
