package org.smtpcr.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpcr.core.Fixtures.BASE;
import static org.smtpcr.core.Fixtures.CLOCK;
import static org.smtpcr.core.Fixtures.mail;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.Fixtures;
import org.smtpcr.core.Header;
import org.smtpcr.core.Stage;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.rules.NullSenderRule;
import org.smtpcr.core.rules.PassCodeRule;
import org.smtpcr.core.rules.RecipientPasswordRule;
import org.smtpcr.core.rules.WhitelistStoreRule;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.PassCodes;

final class TransactionStateTest {
  private static final String ALICE = "<alice@example.org>";
  private final KeyRing ring = KeyRing.generate();
  private final PassCodes codes = PassCodes.of(ring);
  private final InMemoryWhitelistStore store =
      InMemoryWhitelistStore.builder().clock(CLOCK).build();
  private final List<DecisionEvent> events = new CopyOnWriteArrayList<>();

  private DecisionEngine engine(boolean subject, WhitelistStore s) {
    return DecisionEngine.builder()
        .keyRing(ring)
        .challengeBase(BASE)
        .clock(CLOCK)
        .listener(events::add)
        .rule(NullSenderRule.accept())
        .rule(WhitelistStoreRule.of(s))
        .rule(PassCodeRule.builder().passCodes(codes).subject(subject).build())
        .build();
  }

  private DecisionEngine engine() {
    return engine(true, store);
  }

  private void whitelist(String sender, String recipient) {
    store.add(
        WhitelistKey.pair(
            CanonicalAddress.parseCanonical(sender), CanonicalAddress.parseCanonical(recipient)));
  }

  private static List<Header> subject(String s) {
    return List.of(new Header("From", "x"), new Header("Subject", s));
  }

  private static void assert452(Decision d) {
    Decision.Defer defer = assertInstanceOf(Decision.Defer.class, d);
    assertEquals(452, defer.reply().code());
    assertEquals("4.5.3", defer.reply().enhancedStatus());
  }

  private String code(String recipient) {
    return PassCodes.grouped(codes.compute("alice@example.org", recipient));
  }

  private DecisionEvent lastEvent() {
    return events.get(events.size() - 1);
  }

  @Test
  void rcpt_wouldBeChallenged_isPendingAndDecidedAtEndOfData() {
    DecisionEngine e = engine();
    assertTrue(e.decidesAtData());
    TransactionState t = e.begin(mail(ALICE));
    assertEquals(Decision.accept(), t.rcpt("<bob@example.com>").decision());
    assertEquals(DecisionOutcome.PENDING, lastEvent().ruleId());
    assertEquals(List.of("<bob@example.com>"), t.pendingRecipients());
    Decision.Challenge c =
        assertInstanceOf(Decision.Challenge.class, t.endOfData(subject("hello")).decision());
    assertEquals(550, c.reply().code());
    assertEquals(Stage.DATA, lastEvent().stage());
    assertEquals(DecisionOutcome.DEFAULT, lastEvent().ruleId());
    assertTrue(t.isFinished());
  }

  @Test
  void listener_seesTheClientEnvelopeAndQueueIdOfEachDecision() {
    TransactionState t =
        engine()
            .begin(
                Fixtures.tx(Stage.MAIL)
                    .reversePath(ALICE)
                    .clientName("mx.example.org")
                    .queueId("4Xy7Zq1AbC")
                    .build());
    t.rcpt("<bob@example.com>");
    DecisionContext atRcpt = lastEvent().context();
    assertEquals(Fixtures.CLIENT, atRcpt.clientAddress());
    assertEquals(Optional.of("mx.example.org"), atRcpt.clientName());
    assertEquals(Optional.of("mail.example.org"), atRcpt.helo());
    assertEquals(Optional.of(ALICE), atRcpt.reversePath());
    assertEquals(Optional.of("<bob@example.com>"), atRcpt.forwardPath());
    assertEquals(Optional.of("4Xy7Zq1AbC"), atRcpt.queueId());
    t.endOfData(subject("hello"));
    assertEquals(Stage.DATA, lastEvent().stage());
    assertEquals(Optional.of("<bob@example.com>"), lastEvent().context().forwardPath());
  }

  @Test
  void listener_endOfDataWithNothingPending_seesNoRecipient() {
    TransactionState t = engine().begin(mail(ALICE));
    t.endOfData(subject("hello"));
    assertEquals(Optional.empty(), lastEvent().context().forwardPath());
    assertEquals(Optional.of(ALICE), lastEvent().context().reversePath());
  }

  @Test
  void endOfData_passCodeInSubject_accepts() {
    TransactionState t = engine().begin(mail(ALICE));
    t.rcpt("<bob@example.com>").decision();
    assertEquals(
        Decision.accept(),
        t.endOfData(subject("Re: hello [" + code("bob@example.com") + "]")).decision());
    assertEquals("pass-code", lastEvent().ruleId());
  }

  @Test
  void endOfData_passCodeInAnEncodedWordSubject_accepts() {
    String text = "Grüße, mein Code: " + code("bob@example.com").toUpperCase(Locale.ROOT);
    String encoded =
        "=?UTF-8?B?"
            + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8))
            + "?=";
    TransactionState t = engine().begin(mail(ALICE));
    t.rcpt("<bob@example.com>").decision();
    assertEquals(Decision.accept(), t.endOfData(subject(encoded)).decision());
  }

  @Test
  void rcpt_acceptedOutrightAfterPending_gets452() {
    whitelist("alice@example.org", "carol@example.com");
    TransactionState t = engine().begin(mail(ALICE));
    assertEquals(Decision.accept(), t.rcpt("<bob@example.com>").decision());
    assert452(t.rcpt("<carol@example.com>").decision());
    assertEquals(DecisionOutcome.PENDING_MIX, lastEvent().ruleId());
    assertEquals(List.of(), t.acceptedRecipients());
    assertEquals(List.of("<bob@example.com>"), t.pendingRecipients());
  }

  @Test
  void rcpt_pendingAfterAcceptedOutright_gets452AndDataAccepts() {
    whitelist("alice@example.org", "carol@example.com");
    TransactionState t = engine().begin(mail(ALICE));
    assertEquals(Decision.accept(), t.rcpt("<carol@example.com>").decision());
    assert452(t.rcpt("<bob@example.com>").decision());
    assertEquals(List.of("<carol@example.com>"), t.acceptedRecipients());
    assertEquals(Decision.accept(), t.endOfData(subject("anything")).decision());
    assertEquals(DecisionOutcome.RCPT, lastEvent().ruleId());
  }

  @Test
  void rcpt_aSecondRecipientWaitingForTheSubject_gets452_soOneChallengeNeverRefusesAnother() {
    TransactionState t = engine().begin(mail(ALICE));
    assertEquals(DecisionOutcome.PENDING, t.rcpt("<bob@example.com>").ruleId());
    assert452(t.rcpt("<dave@example.com>").decision());
    assertEquals(DecisionOutcome.PENDING_MIX, lastEvent().ruleId());
    assertEquals(List.of("<bob@example.com>"), t.pendingRecipients());
    assertEquals(
        Decision.accept(), t.endOfData(subject("code " + code("bob@example.com"))).decision());
  }

  @Test
  void endOfData_theOneWaitingRecipientWithoutCode_isChallenged() {
    TransactionState t = engine().begin(mail(ALICE));
    t.rcpt("<dave@example.com>").decision();
    Decision.Challenge c =
        assertInstanceOf(Decision.Challenge.class, t.endOfData(subject("no code")).decision());
    assertTrue(
        String.join(" ", c.reply().lines()).contains("dave@example.com"),
        c.reply().lines().toString());
  }

  @Test
  void endOfData_pendingDeferred_defersTheMessage() {
    DecisionEngine e =
        DecisionEngine.builder()
            .keyRing(ring)
            .challengeBase(BASE)
            .clock(CLOCK)
            .listener(events::add)
            .rule(
                "flaky",
                ctx ->
                    ctx.stage() == Stage.DATA
                            && ctx.transaction().forwardPath().orElseThrow().contains("dave")
                        ? java.util.Optional.of(ctx.defer())
                        : java.util.Optional.empty())
            .rule(PassCodeRule.builder().passCodes(codes).subject(true).build())
            .build();
    TransactionState t = e.begin(mail(ALICE));
    t.rcpt("<dave@example.com>").decision();
    Decision.Defer d =
        assertInstanceOf(Decision.Defer.class, t.endOfData(subject("no code")).decision());
    assertEquals(451, d.reply().code());
    assertEquals("flaky", lastEvent().ruleId());
  }

  @Test
  void rcpt_storeDown_defers451AndKeepsNoPendingRecipient() {
    DecisionEngine e = engine(true, DecisionEngineFailureTest.downStore());
    TransactionState t = e.begin(mail(ALICE));
    Decision.Defer d =
        assertInstanceOf(Decision.Defer.class, t.rcpt("<bob@example.com>").decision());
    assertEquals(451, d.reply().code());
    assertEquals(List.of(), t.pendingRecipients());
  }

  @Test
  void endOfData_ruleThrowsAtData_defers451NeverA5yz() {
    DecisionEngine e =
        DecisionEngine.builder()
            .keyRing(ring)
            .challengeBase(BASE)
            .clock(CLOCK)
            .listener(events::add)
            .rule(
                "data-bug",
                ctx -> {
                  if (ctx.stage() == Stage.DATA) {
                    throw new IllegalStateException("bug");
                  }
                  return java.util.Optional.empty();
                })
            .rule(PassCodeRule.builder().passCodes(codes).subject(true).build())
            .build();
    TransactionState t = e.begin(mail(ALICE));
    t.rcpt("<bob@example.com>").decision();
    Decision.Defer d = assertInstanceOf(Decision.Defer.class, t.endOfData(subject("x")).decision());
    assertEquals(451, d.reply().code());
    assertTrue(lastEvent().failed());
  }

  @Test
  void rcpt_withoutHeaderRules_challengesAtOnce() {
    TransactionState t = engine(false, store).begin(mail(ALICE));
    assertInstanceOf(Decision.Challenge.class, t.rcpt("<bob@example.com>").decision());
    assertEquals(List.of(), t.pendingRecipients());
    assertEquals(Decision.accept(), t.endOfData(List.of()).decision());
  }

  @Test
  void endOfData_recipientPasswordInSubject_accepts() {
    DecisionEngine e =
        DecisionEngine.builder()
            .keyRing(ring)
            .challengeBase(BASE)
            .clock(CLOCK)
            .rule(
                RecipientPasswordRule.builder()
                    .password("bob@example.com", "xyzzy-42")
                    .subject(true)
                    .build())
            .build();
    TransactionState t = e.begin(mail(ALICE));
    assertEquals(Decision.accept(), t.rcpt("<bob@example.com>").decision());
    assertEquals(Decision.accept(), t.endOfData(subject("the password is XYZZY-42.")).decision());
  }

  @Test
  void rcpt_moreThanTheLimit_gets452() {
    store.add(WhitelistKey.globalSender(CanonicalAddress.parseCanonical("alice@example.org")));
    TransactionState t = engine().begin(mail(ALICE));
    for (int i = 0; i < TransactionState.MAX_RECIPIENTS; i++) {
      assertEquals(Decision.accept(), t.rcpt("<r" + i + "@example.com>").decision());
    }
    assert452(t.rcpt("<one-more@example.com>").decision());
    assertEquals(DecisionOutcome.RECIPIENT_LIMIT, lastEvent().ruleId());
  }

  @Test
  void stateMachine_misuse_throwsIllegalState() {
    TransactionState t = engine().begin(mail(ALICE));
    t.endOfData(List.of()).decision();
    assertThrows(IllegalStateException.class, () -> t.endOfData(List.of()).decision());
    assertThrows(IllegalStateException.class, () -> t.rcpt("<bob@example.com>").decision());
    assertThrows(
        IllegalArgumentException.class, () -> engine().begin(Fixtures.tx(Stage.HELO).build()));
  }
}
