package org.smtpcr.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpcr.core.Fixtures.BASE;
import static org.smtpcr.core.Fixtures.CLIENT;
import static org.smtpcr.core.Fixtures.CLOCK;
import static org.smtpcr.core.Fixtures.ip;
import static org.smtpcr.core.Fixtures.tx;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.Header;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.auth.AuthenticationResults;
import org.smtpcr.core.auth.DkimSignature;
import org.smtpcr.core.auth.DmarcPolicy;
import org.smtpcr.core.auth.SenderAuthenticator;
import org.smtpcr.core.auth.SpfResult;
import org.smtpcr.core.reply.SmtpReply;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.tokens.KeyRing;

/**
 * The engine with a sender authenticator: what SPF, DKIM and DMARC results do to decisions. The
 * authenticator here is a scripted stand-in inside this module; smtpcr-auth tests the real one
 * against a real DNS server.
 */
final class SenderAuthenticationEngineTest {
  private static final String ALICE = "<alice@example.org>";
  private static final String BOB = "<bob@example.com>";

  private final KeyRing ring = KeyRing.generate();
  private final InMemoryWhitelistStore store =
      InMemoryWhitelistStore.builder().clock(CLOCK).build();

  /** Answers with fixed results and counts the calls. */
  private static final class Scripted implements SenderAuthenticator {
    final AuthenticationResults atRcpt;
    final AuthenticationResults message;
    final AtomicInteger senderCalls = new AtomicInteger();
    final AtomicInteger messageCalls = new AtomicInteger();

    Scripted(AuthenticationResults atRcpt, AuthenticationResults message) {
      this.atRcpt = atRcpt;
      this.message = message;
    }

    @Override
    public AuthenticationResults checkSender(InetAddress client, String helo, String mailFrom) {
      senderCalls.incrementAndGet();
      return atRcpt;
    }

    @Override
    public AuthenticationResults checkMessage(
        AuthenticationResults known, String mailFrom, InputStream message) throws IOException {
      messageCalls.incrementAndGet();
      message.readAllBytes();
      return known.merge(this.message.toBuilder().messageChecked(true).build());
    }
  }

  private static AuthenticationResults spf(SpfResult r, DmarcPolicy policy) {
    return AuthenticationResults.builder()
        .spfMailFrom(r)
        .spfHelo(SpfResult.NONE)
        .senderPolicy(policy)
        .build();
  }

  private static AuthenticationResults dkim(String domain, DkimSignature.Result r) {
    return AuthenticationResults.builder().dkim(new DkimSignature(domain, r)).build();
  }

  private DecisionEngine engine(SenderAuthenticator a) {
    return engine(a, StandardRules.builder().whitelistStore(store));
  }

  private DecisionEngine engine(SenderAuthenticator a, StandardRules.Builder rules) {
    return DecisionEngine.builder()
        .keyRing(ring)
        .challengeBase(BASE)
        .clock(CLOCK)
        .authenticator(a)
        .rules(rules.build())
        .build();
  }

  private void whitelist(String sender, String recipient) {
    store.add(
        WhitelistKey.pair(
            CanonicalAddress.parseCanonical(sender), CanonicalAddress.parseCanonical(recipient)));
  }

  private static Transaction rcpt(String from, String to) {
    return tx(Stage.RCPT).reversePath(from).forwardPath(to).build();
  }

  private static void assertReply(Decision d, int code, String enhanced) {
    SmtpReply r = d.negativeReply().orElseThrow(() -> new AssertionError("accepted: " + d));
    assertEquals(code, r.code(), r.toString());
    assertEquals(enhanced, r.enhancedStatus(), r.toString());
  }

  private static InputStream message() {
    return new ByteArrayInputStream(
        "From: alice@example.org\r\nSubject: hi\r\n\r\nbody\r\n"
            .getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void spfFail_rejects5723_withoutALink_evenForAWhitelistedPair() {
    whitelist("alice@example.org", "bob@example.com");
    DecisionOutcome o =
        engine(
                new Scripted(
                    spf(SpfResult.FAIL, DmarcPolicy.ABSENT),
                    dkim("x.test", DkimSignature.Result.PASS)))
            .decide(rcpt(ALICE, BOB));
    Decision.Reject r = assertInstanceOf(Decision.Reject.class, o.decision());
    assertReply(r, 550, "5.7.23");
    assertTrue(r.reply().link().isEmpty());
    assertEquals(StandardRules.SENDER_AUTHENTICATION, o.ruleId());
  }

  @Test
  void spfTemperror_defers443() {
    DecisionOutcome o =
        engine(
                new Scripted(
                    spf(SpfResult.TEMPERROR, DmarcPolicy.ABSENT),
                    AuthenticationResults.notChecked()))
            .decide(rcpt(ALICE, BOB));
    assertInstanceOf(Decision.Defer.class, o.decision());
    assertReply(o.decision(), 451, "4.4.3");
  }

  @Test
  void authenticatorThatThrows_defers443_neverA5xx() {
    SenderAuthenticator broken =
        new SenderAuthenticator() {
          @Override
          public AuthenticationResults checkSender(InetAddress c, String h, String m) {
            throw new IllegalStateException("resolver exploded");
          }

          @Override
          public AuthenticationResults checkMessage(
              AuthenticationResults k, String m, InputStream in) throws IOException {
            throw new IOException("also broken");
          }
        };
    Decision d = engine(broken).decide(rcpt(ALICE, BOB)).decision();
    assertReply(d, 451, "4.4.3");
  }

  @Test
  void spfPass_whitelistedPair_accepts() {
    whitelist("alice@example.org", "bob@example.com");
    DecisionOutcome o =
        engine(
                new Scripted(
                    spf(SpfResult.PASS, DmarcPolicy.REJECT), AuthenticationResults.notChecked()))
            .decide(rcpt(ALICE, BOB));
    assertInstanceOf(Decision.Accept.class, o.decision());
    assertEquals(StandardRules.WHITELIST_STORE, o.ruleId());
  }

  @Test
  void nothingPublished_whitelistedPair_accepts() {
    whitelist("alice@example.org", "bob@example.com");
    Decision d =
        engine(
                new Scripted(
                    spf(SpfResult.NONE, DmarcPolicy.ABSENT), AuthenticationResults.notChecked()))
            .decide(rcpt(ALICE, BOB))
            .decision();
    assertInstanceOf(Decision.Accept.class, d);
  }

  @Test
  void softfail_whitelistedPair_withoutDATA_isRefused5726_notSentBackToThePage() {
    whitelist("alice@example.org", "bob@example.com");
    DecisionOutcome o =
        engine(
                new Scripted(
                    spf(SpfResult.SOFTFAIL, DmarcPolicy.NONE), AuthenticationResults.notChecked()))
            .decide(rcpt(ALICE, BOB));
    Decision.Reject r = assertInstanceOf(Decision.Reject.class, o.decision());
    assertReply(r, 550, "5.7.26");
    assertTrue(r.reply().link().isEmpty());
    assertEquals(StandardRules.WHITELIST_STORE, o.ruleId());
  }

  @Test
  void softfail_unknownPair_isChallengedWithALink() {
    Decision d =
        engine(
                new Scripted(
                    spf(SpfResult.SOFTFAIL, DmarcPolicy.NONE), AuthenticationResults.notChecked()))
            .decide(rcpt(ALICE, BOB))
            .decision();
    assertInstanceOf(Decision.Challenge.class, d);
  }

  @Test
  void dmarcRejectDomain_notAuthenticated_getsNoLink() {
    DecisionOutcome o =
        engine(
                new Scripted(
                    spf(SpfResult.SOFTFAIL, DmarcPolicy.REJECT),
                    AuthenticationResults.notChecked()))
            .decide(rcpt(ALICE, BOB));
    Decision.Reject r = assertInstanceOf(Decision.Reject.class, o.decision());
    assertReply(r, 550, "5.7.26");
    assertTrue(r.reply().link().isEmpty());
  }

  @Test
  void softfail_whitelistedPair_seenAtDATA_alignedDkimPass_accepts() {
    whitelist("alice@example.org", "bob@example.com");
    Scripted a =
        new Scripted(
            spf(SpfResult.SOFTFAIL, DmarcPolicy.REJECT),
            dkim("mail.example.org", DkimSignature.Result.PASS));
    TransactionState t = engine(a).begin(tx(Stage.MAIL).reversePath(ALICE).build());
    DecisionOutcome atRcpt = t.rcpt(BOB);
    assertInstanceOf(Decision.Accept.class, atRcpt.decision());
    assertEquals(DecisionOutcome.PENDING, atRcpt.ruleId());
    DecisionOutcome end = t.endOfData(List.of(new Header("Subject", "hi")), message());
    assertInstanceOf(Decision.Accept.class, end.decision());
    assertEquals(StandardRules.WHITELIST_STORE, end.ruleId());
    assertEquals(1, a.messageCalls.get());
  }

  @Test
  void softfail_whitelistedPair_seenAtDATA_dkimNotAligned_isRefused5726() {
    whitelist("alice@example.org", "bob@example.com");
    Scripted a =
        new Scripted(
            spf(SpfResult.SOFTFAIL, DmarcPolicy.NONE),
            dkim("bulk.example", DkimSignature.Result.PASS));
    TransactionState t = engine(a).begin(tx(Stage.MAIL).reversePath(ALICE).build());
    assertEquals(DecisionOutcome.PENDING, t.rcpt(BOB).ruleId());
    Decision d = t.endOfData(List.of(), message()).decision();
    assertReply(d, 550, "5.7.26");
  }

  @Test
  void softfail_whitelistedPair_seenAtDATA_dkimFails_isRefused5726() {
    whitelist("alice@example.org", "bob@example.com");
    Scripted a =
        new Scripted(
            spf(SpfResult.SOFTFAIL, DmarcPolicy.NONE),
            dkim("example.org", DkimSignature.Result.FAIL));
    TransactionState t = engine(a).begin(tx(Stage.MAIL).reversePath(ALICE).build());
    t.rcpt(BOB);
    assertReply(t.endOfData(List.of(), message()).decision(), 550, "5.7.26");
  }

  @Test
  void authenticator_isAskedOncePerTransaction_andNotForTrustedOrExemptRecipients() {
    Scripted a =
        new Scripted(spf(SpfResult.SOFTFAIL, DmarcPolicy.NONE), AuthenticationResults.notChecked());
    DecisionEngine e = engine(a);
    TransactionState t = e.begin(tx(Stage.MAIL).reversePath(ALICE).build());
    t.rcpt("<postmaster@example.com>");
    assertEquals(0, a.senderCalls.get(), "postmaster is exempt before any DNS");
    t.rcpt(BOB);
    t.rcpt("<carol@example.com>");
    assertEquals(1, a.senderCalls.get());
    e.decide(tx(Stage.RCPT).reversePath(ALICE).forwardPath(BOB).authenticatedUser("alice").build());
    assertEquals(1, a.senderCalls.get(), "an authenticated session costs no DNS");
  }

  @Test
  void resultsHandedInByTheRoute_areUsed_withoutAskingTheAuthenticator() {
    whitelist("alice@example.org", "bob@example.com");
    Scripted a =
        new Scripted(spf(SpfResult.FAIL, DmarcPolicy.ABSENT), AuthenticationResults.notChecked());
    Transaction t =
        tx(Stage.RCPT)
            .reversePath(ALICE)
            .forwardPath(BOB)
            .authentication(spf(SpfResult.PASS, DmarcPolicy.NONE))
            .build();
    assertInstanceOf(Decision.Accept.class, engine(a).decide(t).decision());
    assertEquals(0, a.senderCalls.get());
  }

  @Test
  void trustedForwarder_isNotJudgedBySpf() {
    whitelist("alice@example.org", "bob@example.com");
    Scripted a =
        new Scripted(spf(SpfResult.FAIL, DmarcPolicy.REJECT), AuthenticationResults.notChecked());
    Decision d =
        engine(a, StandardRules.builder().whitelistStore(store).trustedForwarder("192.0.2.0/24"))
            .decide(rcpt(ALICE, BOB))
            .decision();
    assertInstanceOf(Decision.Accept.class, d);
  }

  @Test
  void authenticationOptionalDomain_admitsItsUnverifiedSenders() {
    whitelist("alice@example.org", "bob@example.com");
    Scripted a =
        new Scripted(spf(SpfResult.SOFTFAIL, DmarcPolicy.NONE), AuthenticationResults.notChecked());
    Decision d =
        engine(
                a,
                StandardRules.builder()
                    .whitelistStore(store)
                    .authenticationOptionalDomain("example.org"))
            .decide(rcpt(ALICE, BOB))
            .decision();
    assertInstanceOf(Decision.Accept.class, d);
  }

  @Test
  void admitUnauthenticated_restoresTheOldBehaviour() {
    whitelist("alice@example.org", "bob@example.com");
    Scripted a =
        new Scripted(
            spf(SpfResult.SOFTFAIL, DmarcPolicy.REJECT), AuthenticationResults.notChecked());
    Decision d =
        engine(a, StandardRules.builder().whitelistStore(store).admitUnauthenticated(true))
            .decide(rcpt(ALICE, BOB))
            .decision();
    assertInstanceOf(Decision.Accept.class, d);
  }

  @Test
  void srsWrappedSender_fromAnUntrustedClient_doesNotMatchTheUnwrappedSendersEntry() {
    whitelist("alice@example.org", "bob@example.com");
    Scripted a =
        new Scripted(spf(SpfResult.PASS, DmarcPolicy.ABSENT), AuthenticationResults.notChecked());
    Decision d =
        engine(a).decide(rcpt("<SRS0=abcd=TT=example.org=alice@attacker.example>", BOB)).decision();
    assertInstanceOf(Decision.Challenge.class, d, "a forged SRS address is a stranger");
  }

  @Test
  void srsWrappedSender_fromATrustedForwarder_matchesTheUnwrappedSendersEntry() {
    whitelist("alice@example.org", "bob@example.com");
    Scripted a =
        new Scripted(spf(SpfResult.PASS, DmarcPolicy.ABSENT), AuthenticationResults.notChecked());
    DecisionEngine e =
        engine(
            a,
            StandardRules.builder()
                .whitelistStore(store)
                .trustedForwarder(CLIENT.getHostAddress() + "/32"));
    DecisionOutcome o = e.decide(rcpt("<SRS0=abcd=TT=example.org=alice@forwarder.example>", BOB));
    assertInstanceOf(Decision.Accept.class, o.decision());
    assertEquals(StandardRules.WHITELIST_STORE, o.ruleId());
  }

  @Test
  void passCode_counts_onlyForAnAuthenticatedSender() {
    String code =
        org.smtpcr.tokens.PassCodes.of(ring).compute("alice@example.org", "bob@example.com");
    Transaction withCode = rcpt(ALICE, "<bob+" + code + "@example.com>");
    Decision forged =
        engine(
                new Scripted(
                    spf(SpfResult.SOFTFAIL, DmarcPolicy.QUARANTINE),
                    AuthenticationResults.notChecked()))
            .decide(withCode)
            .decision();
    assertReply(forged, 550, "5.7.26");
    Decision authentic =
        engine(
                new Scripted(
                    spf(SpfResult.PASS, DmarcPolicy.QUARANTINE),
                    AuthenticationResults.notChecked()))
            .decide(withCode)
            .decision();
    assertInstanceOf(Decision.Accept.class, authentic);
  }

  @Test
  void helloFail_withoutMailFromRecord_isForged() {
    AuthenticationResults r =
        AuthenticationResults.builder()
            .spfMailFrom(SpfResult.NONE)
            .spfHelo(SpfResult.FAIL)
            .senderPolicy(DmarcPolicy.ABSENT)
            .build();
    assertReply(
        engine(new Scripted(r, AuthenticationResults.notChecked()))
            .decide(rcpt(ALICE, BOB))
            .decision(),
        550,
        "5.7.23");
  }

  @Test
  void clientAddressIsWhatTheAuthenticatorSees() {
    InetAddress[] seen = new InetAddress[1];
    SenderAuthenticator a =
        new SenderAuthenticator() {
          @Override
          public AuthenticationResults checkSender(InetAddress c, String h, String m) {
            seen[0] = c;
            assertEquals("alice@example.org", m);
            assertEquals("mail.example.org", h);
            return spf(SpfResult.NONE, DmarcPolicy.ABSENT);
          }

          @Override
          public AuthenticationResults checkMessage(
              AuthenticationResults k, String m, InputStream in) {
            return k;
          }
        };
    engine(a).decide(rcpt(ALICE, BOB));
    assertEquals(ip("192.0.2.10"), seen[0]);
  }

  @Test
  void challenge_recordsTheStandingInAVersion2Token() {
    Decision.Challenge c =
        assertInstanceOf(
            Decision.Challenge.class,
            engine(
                    new Scripted(
                        spf(SpfResult.PASS, DmarcPolicy.NONE), AuthenticationResults.notChecked()))
                .decide(rcpt(ALICE, BOB))
                .decision());
    String link = c.linkText();
    org.smtpcr.tokens.ChallengeClaims claims =
        org.smtpcr.tokens.ChallengeTokens.builder()
            .keyRing(ring)
            .clock(CLOCK)
            .build()
            .verify(link.substring(link.lastIndexOf('/') + 1));
    assertEquals(org.smtpcr.tokens.SenderAuthentication.SPF_PASS, claims.authentication());
  }

  @Test
  void confirmationRecordedAsUnverified_countsForTheNextUnverifiedDelivery_sameWay() {
    store.add(
        WhitelistKey.pair(
            CanonicalAddress.parseCanonical("alice@example.org"),
            CanonicalAddress.parseCanonical("bob@example.com")),
        org.smtpcr.tokens.SenderAuthentication.UNVERIFIED);
    Scripted softfail =
        new Scripted(spf(SpfResult.SOFTFAIL, DmarcPolicy.NONE), AuthenticationResults.notChecked());
    assertInstanceOf(Decision.Accept.class, engine(softfail).decide(rcpt(ALICE, BOB)).decision());
    Decision off =
        engine(
                softfail,
                StandardRules.builder().whitelistStore(store).honourUnverifiedConfirmations(false))
            .decide(rcpt(ALICE, BOB))
            .decision();
    assertReply(off, 550, "5.7.26");
    Scripted dmarcReject =
        new Scripted(
            spf(SpfResult.SOFTFAIL, DmarcPolicy.REJECT), AuthenticationResults.notChecked());
    assertReply(engine(dmarcReject).decide(rcpt(ALICE, BOB)).decision(), 550, "5.7.26");
  }

  @Test
  void trustedAuthenticationResults_aboveTheFirstForeignReceived_count_forgedOnesBelowDoNot() {
    whitelist("alice@example.org", "bob@example.com");
    AuthenticationResults softfail =
        AuthenticationResults.builder()
            .spfMailFrom(SpfResult.SOFTFAIL)
            .senderPolicy(DmarcPolicy.NONE)
            .build();
    DecisionEngine e =
        DecisionEngine.builder()
            .keyRing(ring)
            .challengeBase(BASE)
            .clock(CLOCK)
            .trustAuthenticationResults("mx.example.com")
            .rules(StandardRules.builder().whitelistStore(store).build())
            .build();
    Header ar =
        new Header(
            "Authentication-Results",
            "mx.example.com; dkim=pass header.d=example.org header.s=s1; spf=softfail"
                + " smtp.mailfrom=alice@example.org");
    Header received = new Header("Received", "from relay.example by mx.example.com");

    TransactionState trusted =
        e.begin(tx(Stage.MAIL).reversePath(ALICE).authentication(softfail).build());
    assertEquals(DecisionOutcome.PENDING, trusted.rcpt(BOB).ruleId());
    assertInstanceOf(Decision.Accept.class, trusted.endOfData(List.of(ar, received)).decision());

    Header ours = new Header("Received", "from mx.example.com by smtpcr.example.com");
    TransactionState belowOurReceived =
        e.begin(tx(Stage.MAIL).reversePath(ALICE).authentication(softfail).build());
    belowOurReceived.rcpt(BOB);
    assertInstanceOf(
        Decision.Accept.class, belowOurReceived.endOfData(List.of(ours, ar, received)).decision());

    TransactionState forged =
        e.begin(tx(Stage.MAIL).reversePath(ALICE).authentication(softfail).build());
    forged.rcpt(BOB);
    assertReply(forged.endOfData(List.of(ours, received, ar)).decision(), 550, "5.7.26");
  }

  @Test
  void srsWrappedSender_confirmedAsUnverified_isNotHonouredForAForgedWrapper() {
    store.add(
        WhitelistKey.pair(
            CanonicalAddress.parseCanonical("ceo@bank.example"),
            CanonicalAddress.parseCanonical("bob@example.com")),
        org.smtpcr.tokens.SenderAuthentication.UNVERIFIED);
    Scripted a =
        new Scripted(spf(SpfResult.PASS, DmarcPolicy.ABSENT), AuthenticationResults.notChecked());
    String srs = "<SRS0=abcd=TT=bank.example=ceo@attacker.example>";
    Decision d = engine(a).decide(rcpt(srs, BOB)).decision();
    assertInstanceOf(Decision.Challenge.class, d, "the SRS address as written is a stranger");
  }

  @Test
  void subjectPassCodes_aHeldHitAndARecipientWaitingForTheSubject_neverShareOneMessage() {
    whitelist("alice@example.org", "bob@example.com");
    Scripted a =
        new Scripted(
            spf(SpfResult.SOFTFAIL, DmarcPolicy.NONE),
            dkim("example.org", DkimSignature.Result.PASS));
    TransactionState t =
        engine(a, StandardRules.builder().whitelistStore(store).subjectPassCodes(true))
            .begin(tx(Stage.MAIL).reversePath(ALICE).build());
    assertEquals(DecisionOutcome.PENDING, t.rcpt(BOB).ruleId());
    assertReply(t.rcpt("<carol@example.com>").decision(), 452, "4.5.3");
    assertInstanceOf(
        Decision.Accept.class,
        t.endOfData(List.of(new Header("Subject", "hello")), message()).decision(),
        "bob, admitted by DKIM, is not refused because of carol's challenge");
  }

  @Test
  void aHeldHitAndAChallenge_neverShareOneMessage_theLaterIsRetriedApart() {
    whitelist("alice@example.org", "bob@example.com");
    Scripted a =
        new Scripted(
            spf(SpfResult.SOFTFAIL, DmarcPolicy.NONE),
            dkim("example.org", DkimSignature.Result.PASS));
    TransactionState t = engine(a).begin(tx(Stage.MAIL).reversePath(ALICE).build());
    assertEquals(DecisionOutcome.PENDING, t.rcpt(BOB).ruleId());
    DecisionOutcome carol = t.rcpt("<carol@example.com>");
    assertReply(carol.decision(), 452, "4.5.3");
    assertInstanceOf(Decision.Accept.class, t.endOfData(List.of(), message()).decision());
  }

  @Test
  void anIntegrationThatNeverSeesData_getsEveryAnswerAtRcpt() {
    whitelist("alice@example.org", "bob@example.com");
    Scripted a =
        new Scripted(spf(SpfResult.SOFTFAIL, DmarcPolicy.NONE), AuthenticationResults.notChecked());
    TransactionState t = engine(a).begin(tx(Stage.MAIL).reversePath(ALICE).build(), false);
    assertReply(t.rcpt(BOB).decision(), 550, "5.7.26");
    assertInstanceOf(Decision.Challenge.class, t.rcpt("<carol@example.com>").decision());
  }
}
