package org.smtpcr.examples.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.reply.PostfixReplies;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.reply.ReplyKind;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.store.EntryOrigin;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.OutboundMarks;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.testing.UnavailableWhitelistStore;
import org.smtpcr.examples.runtime.EnforcementMode;
import org.smtpcr.examples.runtime.OutboundLearning;
import org.smtpcr.tokens.ChallengeClaims;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;

final class PolicyDeciderTest {
  private static final Pattern LINK = Pattern.compile("https://cr\\.example/c/([a-z2-7]+)$");

  private final KeyRing keys = KeyRing.generate();
  private final InMemoryWhitelistStore store = Fixtures.store();
  private final DecisionEngine engine = Fixtures.engine(keys, store);

  private PolicyDecider decider(boolean learn, Optional<String> header) {
    return new PolicyDecider(
        engine,
        learn
            ? Optional.of(
                OutboundLearning.of(store, AddressCanonicalizer.standard(), Clock.systemUTC()))
            : Optional.empty(),
        header);
  }

  private String decide(PolicyDecider d, Map<String, String> attributes) {
    return d.decide(PolicyRequest.from(attributes), new PolicyDecider.Session());
  }

  private static CanonicalAddress c(String a) {
    return CanonicalAddress.parseCanonical(a);
  }

  @Test
  void decide_unknownSender_challengesWithVerifiableLink() {
    String action =
        decide(
            decider(true, Optional.empty()),
            Fixtures.rcpt("Alice@Sender.Example", "bob+x@cr.test"));
    assertTrue(action.startsWith("550 5.7.1 "), action);
    Matcher m = LINK.matcher(action);
    assertTrue(m.find(), action);
    ChallengeClaims claims = ChallengeTokens.of(keys).verify(m.group(1));
    assertEquals("alice@sender.example", claims.sender());
    assertEquals("bob@cr.test", claims.recipient());
    assertTrue(
        postfixLineLength(action, "bob+x@cr.test") <= PostfixReplies.POSTFIX_LINE_LIMIT, action);
  }

  /**
   * The length in bytes of the line Postfix sends for {@code action} when it names {@code named} in
   * front.
   */
  private static int postfixLineLength(String action, String named) {
    return action.length()
        + named.getBytes(StandardCharsets.UTF_8).length
        + 2
        + PostfixReplies.POSTFIX_PREFIX.length();
  }

  @Test
  void decide_observeMode_wouldBeChallenge_isDunnoOrPrependNeverARefusal() {
    PolicyDecider plain =
        new PolicyDecider(
            engine,
            Optional.empty(),
            Optional.empty(),
            new TransactionRecipients(Clock.systemUTC()),
            EnforcementMode.OBSERVE);
    PolicyDecider header =
        new PolicyDecider(
            engine,
            Optional.empty(),
            Optional.of("X-SMTPCR"),
            new TransactionRecipients(Clock.systemUTC()),
            EnforcementMode.OBSERVE);
    try (LogCapture log = new LogCapture()) {
      assertEquals("DUNNO", decide(plain, Fixtures.rcpt("alice@sender.example", "bob@cr.test")));
      assertEquals(
          "PREPEND X-SMTPCR: would-challenge (default)",
          decide(header, Fixtures.rcpt("alice@sender.example", "bob@cr.test")));
      assertFalse(log.text().contains("alice"), log.text());
    }
    store.add(WhitelistKey.pair(c("alice@sender.example"), c("bob@cr.test")));
    assertEquals(
        "PREPEND X-SMTPCR: pass (whitelist-store)",
        decide(header, Fixtures.rcpt("alice@sender.example", "bob@cr.test")));
  }

  @Test
  void decide_observeModeStoreDown_isDunnoNeverADelay() {
    DecisionEngine failing =
        DecisionEngine.builder()
            .keyRing(keys)
            .challengeBase(Fixtures.BASE)
            .rules(
                StandardRules.builder()
                    .whitelistStore(new UnavailableWhitelistStore("database is down"))
                    .build())
            .build();
    PolicyDecider observe =
        new PolicyDecider(
            failing,
            Optional.empty(),
            Optional.of("X-SMTPCR"),
            new TransactionRecipients(Clock.systemUTC()),
            EnforcementMode.OBSERVE);
    assertEquals(
        "PREPEND X-SMTPCR: would-defer (deny-list)",
        decide(observe, Fixtures.rcpt("alice@sender.example", "bob@cr.test")));
    PolicyDecider enforce = new PolicyDecider(failing, Optional.empty(), Optional.empty());
    assertTrue(
        decide(enforce, Fixtures.rcpt("alice@sender.example", "bob@cr.test")).startsWith("451 "));
    // no client address: a failure of the policy server's own, DUNNO too
    Map<String, String> noClient =
        Fixtures.with(Fixtures.rcpt("alice@sender.example", "bob@cr.test"), "client_address", "");
    assertEquals("DUNNO", decide(observe, noClient));
  }

  @Test
  void decide_whitelistedPair_isDunno() {
    store.add(WhitelistKey.pair(c("alice@sender.example"), c("bob@cr.test")));
    assertEquals(
        "DUNNO",
        decide(
            decider(true, Optional.empty()), Fixtures.rcpt("alice@sender.example", "bob@cr.test")));
  }

  @Test
  void decide_nullSender_isDunnoForARecentSender_elseRefusedWithoutLink() {
    store.countIfUnder(
        List.of(
            OutboundMarks.mark(
                c("bob@cr.test"), java.time.Instant.now(), java.time.Duration.ofDays(1))));
    assertEquals(
        "DUNNO", decide(decider(true, Optional.empty()), Fixtures.rcpt("", "bob@cr.test")));
    String carol = decide(decider(true, Optional.empty()), Fixtures.rcpt("", "carol@cr.test"));
    assertTrue(carol.startsWith("550 5.7.1 "), carol);
    assertFalse(LINK.matcher(carol).find(), carol);
  }

  @Test
  void decide_postmaster_isDunno() {
    assertEquals(
        "DUNNO",
        decide(
            decider(true, Optional.empty()),
            Fixtures.rcpt("spam@bad.example", "Postmaster@CR.TEST")));
  }

  @Test
  void decide_otherProtocolStates_areDunno() {
    PolicyDecider d = decider(true, Optional.empty());
    for (String state :
        new String[] {
          "CONNECT", "EHLO", "HELO", "MAIL", "DATA", "END-OF-MESSAGE", "VRFY", "ETRN", ""
        }) {
      assertEquals(
          "DUNNO",
          decide(
              d,
              Fixtures.with(
                  Fixtures.rcpt("spam@bad.example", "bob@cr.test"), "protocol_state", state)),
          state);
    }
  }

  @Test
  void decide_otherRequestType_isDunno() {
    assertEquals(
        "DUNNO",
        decide(
            decider(true, Optional.empty()),
            Fixtures.with(
                Fixtures.rcpt("spam@bad.example", "bob@cr.test"), "request", "something_else")));
  }

  @Test
  void decide_invalidClientAddress_defersTemporarily() {
    assertEquals(
        PolicyDecider.FAILURE_ACTION,
        decide(
            decider(true, Optional.empty()),
            Fixtures.with(
                Fixtures.rcpt("spam@bad.example", "bob@cr.test"), "client_address", "unknown")));
  }

  @Test
  void decide_clientAddressForms_literalsDecidedEverythingElseDeferred() {
    Map<String, String> bounce =
        Fixtures.rcpt("", "postmaster@cr.test"); // DUNNO once the address is usable
    PolicyDecider d = decider(false, Optional.empty());
    for (String usable : List.of("192.0.2.10", "2001:db8::1", "::ffff:192.0.2.1", "::1")) {
      assertEquals("DUNNO", decide(d, Fixtures.with(bounce, "client_address", usable)), usable);
    }
    for (String unusable :
        List.of(
            "",
            "unknown",
            "192.0.2.300",
            "mail.example",
            "fe80::1%nosuchif0",
            "::ffff:192.0.2.1%1",
            "[192.0.2.1]",
            "1".repeat(65))) {
      assertEquals(
          PolicyDecider.FAILURE_ACTION,
          decide(d, Fixtures.with(bounce, "client_address", unusable)),
          unusable);
    }
  }

  @Test
  void decide_unreadableRecipient_isDeferredNeverRejectedPermanently_withoutEcho() {
    try (LogCapture log = new LogCapture()) {
      String action =
          decide(
              decider(true, Optional.empty()), Fixtures.rcpt("a@b.example", "bob@cr.test\u0000x"));
      assertTrue(action.startsWith("451 4.1.3 "), action);
      assertFalse(action.contains("\u0000"));
      assertFalse(log.text().contains("\u0000"));
    }
  }

  @Test
  void decide_storeDown_defersTemporarily() {
    DecisionEngine failing =
        DecisionEngine.builder()
            .keyRing(keys)
            .challengeBase(Fixtures.BASE)
            .rules(
                StandardRules.builder()
                    .whitelistStore(new UnavailableWhitelistStore("database is down"))
                    .build())
            .build();
    PolicyDecider d = new PolicyDecider(failing, Optional.empty(), Optional.empty());
    String action = decide(d, Fixtures.rcpt("alice@sender.example", "bob@cr.test"));
    assertTrue(action.startsWith("451 4.3.0"), action);
  }

  @Test
  void decide_authenticatedUser_learnsRecipientAsSenderToUserOnceTheMessageIsAccepted() {
    PolicyDecider d = decider(true, Optional.empty());
    Map<String, String> rcpt =
        Fixtures.with(
            Fixtures.rcpt("Bob+Lists@CR.TEST", "Carol+news@Remote.Example"),
            "sasl_username",
            "bob");
    WhitelistKey key = WhitelistKey.pair(c("carol@remote.example"), c("bob@cr.test"));
    assertEquals("DUNNO", decide(d, rcpt));
    assertTrue(store.find(key).isEmpty(), "nothing is learned before the message is accepted");
    assertEquals("DUNNO", decide(d, Fixtures.endOfMessage(rcpt)));
    WhitelistEntry learned = store.find(key).orElseThrow();
    assertEquals(EntryOrigin.LEARNED, learned.origin());
    assertTrue(learned.expiresAt().isPresent(), "learned entries expire by default");
    assertTrue(OutboundMarks.sentRecently(store, c("bob@cr.test")), "bob is marked as a sender");
    // and carol's answer is now accepted without a challenge
    assertEquals(
        "DUNNO",
        decide(
            decider(true, Optional.empty()), Fixtures.rcpt("carol@remote.example", "bob@cr.test")));
  }

  @Test
  void decide_rcptThenRset_learnsNothing() {
    PolicyDecider d = decider(true, Optional.empty());
    Map<String, String> rcpt =
        Fixtures.with(Fixtures.rcpt("bob@cr.test", "carol@remote.example"), "sasl_username", "bob");
    assertEquals("DUNNO", decide(d, rcpt));
    // RSET: the next transaction has another instance, and its message names another recipient
    Map<String, String> next =
        Fixtures.with(
            Fixtures.with(rcpt, "recipient", "dave@remote.example"),
            "instance",
            "360.6b0b0369.b2517.1");
    assertEquals("DUNNO", decide(d, next));
    assertEquals("DUNNO", decide(d, Fixtures.endOfMessage(next)));
    assertTrue(
        store.find(WhitelistKey.pair(c("carol@remote.example"), c("bob@cr.test"))).isEmpty(),
        "the recipient of the abandoned transaction is not learned");
    assertTrue(
        store.find(WhitelistKey.pair(c("dave@remote.example"), c("bob@cr.test"))).isPresent());
  }

  @Test
  void decide_endOfMessageWithSeveralRecipients_learnsEachAcceptedOne() {
    PolicyDecider d = decider(true, Optional.empty());
    Map<String, String> first =
        Fixtures.with(Fixtures.rcpt("bob@cr.test", "carol@remote.example"), "sasl_username", "bob");
    // "dave x"@remote.example in Postfix's internal form
    Map<String, String> second = Fixtures.with(first, "recipient", "dave x@remote.example");
    assertEquals("DUNNO", decide(d, first));
    assertEquals("DUNNO", decide(d, second));
    // with several recipients Postfix sends an empty recipient at END-OF-MESSAGE
    assertEquals("DUNNO", decide(d, Fixtures.with(Fixtures.endOfMessage(first), "recipient", "")));
    assertTrue(
        store.find(WhitelistKey.pair(c("carol@remote.example"), c("bob@cr.test"))).isPresent());
    assertTrue(
        store
            .find(WhitelistKey.pair(c("\"dave x\"@remote.example"), c("bob@cr.test")))
            .isPresent());
  }

  @Test
  void decide_senderOutsideLocalDomains_learnsNothing() {
    PolicyDecider d =
        new PolicyDecider(
            engine,
            Optional.of(
                OutboundLearning.of(store, AddressCanonicalizer.standard(), Clock.systemUTC())
                    .withLocalDomains(List.of("cr.test"))),
            Optional.empty());
    Map<String, String> foreign =
        Fixtures.with(
            Fixtures.rcpt("someone@victim.example", "carol@remote.example"),
            "sasl_username",
            "bob");
    assertEquals("DUNNO", decide(d, foreign));
    assertEquals("DUNNO", decide(d, Fixtures.endOfMessage(foreign)));
    assertEquals(0, store.count());
    Map<String, String> local =
        Fixtures.with(
            Fixtures.with(foreign, "sender", "bob@sub.cr.test"),
            "instance",
            "360.6b0b0369.b2517.1");
    assertEquals("DUNNO", decide(d, local));
    assertEquals("DUNNO", decide(d, Fixtures.endOfMessage(local)));
    assertEquals(1, store.count());
  }

  @Test
  void decide_adminEntry_isNeverOverwrittenByLearning() {
    WhitelistKey key = WhitelistKey.pair(c("carol@remote.example"), c("bob@cr.test"));
    java.time.Instant shortened = java.time.Instant.now().plusSeconds(3600);
    store.add(key, shortened);
    PolicyDecider d = decider(true, Optional.empty());
    Map<String, String> rcpt =
        Fixtures.with(Fixtures.rcpt("bob@cr.test", "carol@remote.example"), "sasl_username", "bob");
    decide(d, rcpt);
    decide(d, Fixtures.endOfMessage(rcpt));
    WhitelistEntry e = store.find(key).orElseThrow();
    assertEquals(EntryOrigin.ADMIN, e.origin());
    assertEquals(
        Optional.of(shortened.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)), e.expiresAt());
  }

  @Test
  void decide_authenticatedUserLearningOff_learnsNothing() {
    Map<String, String> out =
        Fixtures.with(Fixtures.rcpt("bob@cr.test", "carol@remote.example"), "sasl_username", "bob");
    PolicyDecider d = decider(false, Optional.empty());
    assertEquals("DUNNO", decide(d, out));
    assertEquals("DUNNO", decide(d, Fixtures.endOfMessage(out)));
    assertEquals(0, store.count());
  }

  @Test
  void decide_authenticatedNullSender_learnsNothing() {
    Map<String, String> out =
        Fixtures.with(Fixtures.rcpt("", "carol@remote.example"), "sasl_username", "bob");
    PolicyDecider d = decider(true, Optional.empty());
    assertEquals("DUNNO", decide(d, out));
    assertEquals("DUNNO", decide(d, Fixtures.endOfMessage(out)));
    assertEquals(0, store.count());
  }

  @Test
  void decide_prependHeaderOn_namesTheDecidingRule() {
    store.add(WhitelistKey.pair(c("alice@sender.example"), c("bob@cr.test")));
    store.countIfUnder(
        List.of(
            OutboundMarks.mark(
                c("bob@cr.test"), java.time.Instant.now(), java.time.Duration.ofDays(1))));
    PolicyDecider d = decider(true, Optional.of("X-SMTPCR"));
    assertEquals(
        "PREPEND X-SMTPCR: pass (whitelist-store)",
        decide(d, Fixtures.rcpt("alice@sender.example", "bob@cr.test")));
    assertEquals(
        "PREPEND X-SMTPCR: pass (null-sender)",
        decide(
            d,
            Fixtures.with(Fixtures.rcpt("", "bob@cr.test"), "instance", "360.6b0b0369.b2517.9")));
  }

  @Test
  void decide_prependHeaderSecondRecipientOfSameMessage_isDunno() {
    store.add(WhitelistKey.pair(c("alice@sender.example"), c("bob@cr.test")));
    store.add(WhitelistKey.pair(c("alice@sender.example"), c("carol@cr.test")));
    PolicyDecider d = decider(true, Optional.of("X-SMTPCR"));
    PolicyDecider.Session session = new PolicyDecider.Session();
    Map<String, String> first = Fixtures.rcpt("alice@sender.example", "bob@cr.test");
    Map<String, String> second = Fixtures.rcpt("alice@sender.example", "carol@cr.test");
    assertEquals(
        "PREPEND X-SMTPCR: pass (whitelist-store)", d.decide(PolicyRequest.from(first), session));
    assertEquals("DUNNO", d.decide(PolicyRequest.from(second), session));
    Map<String, String> nextMessage = Fixtures.with(second, "instance", "360.6b0b0369.b2517.1");
    assertEquals(
        "PREPEND X-SMTPCR: pass (whitelist-store)",
        d.decide(PolicyRequest.from(nextMessage), session));
  }

  @Test
  void decide_challengeBaseTooLongForPostfix_rejectsWithoutLink() {
    // the longest base the engine takes, and a recipient of 100 characters, which the token carries
    // and Postfix's prefix names: no room left for the link
    URI longBase = URI.create("https://cr.example/" + "p".repeat(180) + "/");
    DecisionEngine e =
        DecisionEngine.builder()
            .keyRing(keys)
            .challengeBase(longBase)
            .rules(StandardRules.builder().whitelistStore(store).build())
            .build();
    PolicyDecider d = new PolicyDecider(e, Optional.empty(), Optional.empty());
    String rcpt = "r".repeat(60) + "@" + "d".repeat(31) + ".cr.test";
    String action = decide(d, Fixtures.rcpt("alice@sender.example", rcpt));
    assertTrue(action.startsWith("550 5.7.1 "), action);
    assertFalse(action.contains("https://"), action);
  }

  @Test
  void decide_unknownSenderEverydayRecipient_keepsTheWholeTextBeforeTheLink() {
    // room is reserved for this recipient, not for a 254-character one: nothing is cut
    String action =
        decide(
            decider(false, Optional.empty()), Fixtures.rcpt("alice@sender.example", "bob@cr.test"));
    assertTrue(
        action.matches(
            "550 5\\.7\\.1 <bob@cr\\.test> only accepts mail from senders who have confirmed they are a"
                + " person\\. Confirm here, then send your message again: https://cr\\.example/c/[a-z2-7]+"),
        action);
  }

  @Test
  void decide_unknownSenderLongRecipient_shortensTheTextKeepsTheLink() {
    String rcpt = "r".repeat(60) + "@" + "d".repeat(11) + ".cr.test"; // 80 characters
    String action =
        decide(decider(false, Optional.empty()), Fixtures.rcpt("alice@sender.example", rcpt));
    assertTrue(
        action.matches("550 5\\.7\\.1 .*\\.\\.\\. https://cr\\.example/c/[a-z2-7]+"), action);
    assertTrue(postfixLineLength(action, rcpt) <= PostfixReplies.POSTFIX_LINE_LIMIT, action);
  }

  @Test
  void decide_longHeloName_roomForIt_PostfixMayNameItInstead() {
    // a policy service under smtpd_helo_restrictions is asked at RCPT (smtpd_delay_reject) and
    // Postfix then names the HELO name, here far longer than the recipient
    String helo =
        "mx."
            + "h".repeat(60)
            + "."
            + "e".repeat(60)
            + "."
            + "l".repeat(60)
            + "."
            + "o".repeat(60)
            + ".example";
    Map<String, String> request =
        Fixtures.with(Fixtures.rcpt("alice@sender.example", "bob@cr.test"), "helo_name", helo);
    String action = decide(decider(false, Optional.empty()), request);
    assertTrue(action.matches("550 5\\.7\\.1 .* https://cr\\.example/c/[a-z2-7]+"), action);
    // room for the recipient alone would leave the whole text, and Postfix would cut into the link
    assertTrue(postfixLineLength(action, helo) <= PostfixReplies.POSTFIX_LINE_LIMIT, action);
  }

  @Test
  void decide_linkDoesNotFitTwice_warnsOnceWithoutTheName() {
    URI longBase = URI.create("https://cr.example/" + "p".repeat(180) + "/");
    DecisionEngine e =
        DecisionEngine.builder()
            .keyRing(keys)
            .challengeBase(longBase)
            .rules(StandardRules.builder().whitelistStore(store).build())
            .build();
    PolicyDecider d = new PolicyDecider(e, Optional.empty(), Optional.empty());
    String rcpt = "secret" + "r".repeat(54) + "@" + "d".repeat(31) + ".cr.test";
    try (LogCapture log = new LogCapture()) {
      decide(d, Fixtures.rcpt("alice@sender.example", rcpt));
      decide(d, Fixtures.rcpt("alice@sender.example", rcpt));
      assertEquals(1, log.count("WARN"), log.text());
      assertTrue(log.text().contains("after the 100-character name Postfix prints"), log.text());
      assertFalse(log.text().contains("secret"), "the name itself is the peer's: " + log.text());
    }
  }

  @Test
  void decide_challengeTemplateWithoutText_stillRefusesPermanently() {
    // a link alone that does not fit, and no text to fall back on: the code alone, not a 451
    URI longBase = URI.create("https://cr.example/" + "p".repeat(180) + "/");
    DecisionEngine e =
        DecisionEngine.builder()
            .keyRing(keys)
            .challengeBase(longBase)
            .rules(StandardRules.builder().whitelistStore(store).build())
            .replyFormatter(ReplyFormatter.builder().template(ReplyKind.CHALLENGE, "").build())
            .build();
    PolicyDecider d = new PolicyDecider(e, Optional.empty(), Optional.empty());
    String rcpt = "r".repeat(60) + "@" + "d".repeat(31) + ".cr.test";
    assertEquals("550 5.7.1", decide(d, Fixtures.rcpt("alice@sender.example", rcpt)));
  }

  @Test
  void decide_hostileValues_neverPutALineBreakInTheAction() {
    PolicyDecider d = decider(true, Optional.empty());
    String[] hostile = {
      "a\rb@c.example",
      "\u2028x@y.example",
      "<>\u0000",
      "x".repeat(2000) + "@y.example",
      "\"q u\"@ex.example"
    };
    for (String h : hostile) {
      for (String field :
          new String[] {"sender", "recipient", "helo_name", "instance", "client_address"}) {
        String action =
            decide(
                d, Fixtures.with(Fixtures.rcpt("alice@sender.example", "bob@cr.test"), field, h));
        assertTrue(action.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f), action);
      }
    }
  }

  @Test
  void decide_deferTextEndingInALongUrl_isShortenedProseNotALinkThatDoesNotFit() {
    // the operator's text ends in a URL that wraps onto a line of its own, longer than the room
    // left
    // after a 100-character recipient: the reply has no link, so the URL is prose and is shortened;
    // no warning about a challenge link
    String status = "https://status.example/" + "s".repeat(377); // 400 characters
    DecisionEngine failing =
        DecisionEngine.builder()
            .keyRing(keys)
            .challengeBase(Fixtures.BASE)
            .rules(
                StandardRules.builder()
                    .whitelistStore(new UnavailableWhitelistStore("database is down"))
                    .build())
            .replyFormatter(
                ReplyFormatter.builder()
                    .template(ReplyKind.DEFER, "Try again later; see " + status)
                    .build())
            .build();
    PolicyDecider d = new PolicyDecider(failing, Optional.empty(), Optional.empty());
    try (LogCapture log = new LogCapture()) {
      String rcpt = "r".repeat(60) + "@" + "d".repeat(31) + ".cr.test";
      String action = decide(d, Fixtures.rcpt("alice@sender.example", rcpt));
      assertEquals("451 4.3.0 Try again later; see...", action);
      assertFalse(log.text().contains("challenge link"), log.text());
    }
  }

  @Test
  void decide_internalFormQuotedLocalPart_challengedForTheQuotedSender() {
    // "john doe"@sender.example, as Postfix sends it
    String action =
        decide(
            decider(true, Optional.empty()),
            Fixtures.rcpt("john doe@sender.example", "bob@cr.test"));
    assertTrue(action.startsWith("550 5.7.1 "), action);
    Matcher m = LINK.matcher(action);
    assertTrue(m.find(), action);
    assertEquals(
        "\"john doe\"@sender.example", ChallengeTokens.of(keys).verify(m.group(1)).sender());
  }

  @Test
  void decide_unreadableAddress_isDeferredWithWarning_neverDunnoNorPermanent() {
    try (LogCapture logs = new LogCapture()) {
      // Postfix takes a domain label longer than 63 characters; the engine's parser does not. A
      // DUNNO would let such a sender past the challenge; a 5xx would lose the mail
      String sender =
          decide(
              decider(true, Optional.empty()),
              Fixtures.rcpt("alice@" + "a".repeat(64) + ".example", "bob@cr.test"));
      assertTrue(sender.startsWith("451 4.1.7 "), sender);
      String recipient =
          decide(
              decider(true, Optional.empty()),
              Fixtures.rcpt("alice@sender.example", "bob@" + "b".repeat(64) + ".test"));
      assertTrue(recipient.startsWith("451 4.1.3 "), recipient);
      assertTrue(logs.text().contains("WARN"), logs.text());
      assertTrue(logs.text().contains("could not be read (sender address"), logs.text());
      assertTrue(logs.text().contains("could not be read (recipient address"), logs.text());
    }
  }

  @Test
  void decide_nullSenderSecondRecipientOfTheSameInstance_is452() {
    store.countIfUnder(
        List.of(
            OutboundMarks.mark(
                c("bob@cr.test"), java.time.Instant.now(), java.time.Duration.ofDays(1))));
    store.countIfUnder(
        List.of(
            OutboundMarks.mark(
                c("carol@cr.test"), java.time.Instant.now(), java.time.Duration.ofDays(1))));
    PolicyDecider d = decider(true, Optional.empty());
    assertEquals("DUNNO", decide(d, Fixtures.rcpt("", "bob@cr.test")));
    String second = decide(d, Fixtures.rcpt("", "carol@cr.test"));
    assertTrue(second.startsWith("452 4.5.3 "), second);
    // another transaction: one recipient again
    assertEquals(
        "DUNNO",
        decide(
            d,
            Fixtures.with(Fixtures.rcpt("", "carol@cr.test"), "instance", "360.6b0b0369.b2517.1")));
  }

  @Test
  void decide_nullSenderAskedTwiceForItsOnlyRecipient_isNotCountedAgainstItself() {
    // check_policy_service in two restriction lists: Postfix asks twice for one RCPT
    store.countIfUnder(
        List.of(
            OutboundMarks.mark(
                c("bob@cr.test"), java.time.Instant.now(), java.time.Duration.ofDays(1))));
    PolicyDecider d = decider(true, Optional.empty());
    assertEquals("DUNNO", decide(d, Fixtures.rcpt("", "bob@cr.test")));
    assertEquals("DUNNO", decide(d, Fixtures.rcpt("", "bob@cr.test")));
    String second = decide(d, Fixtures.rcpt("", "carol@cr.test"));
    assertTrue(second.startsWith("452 4.5.3 "), second);
  }

  @Test
  void decide_nullSenderToRecipientWithoutOutboundMark_isRefused() {
    String action = decide(decider(true, Optional.empty()), Fixtures.rcpt("", "dave@cr.test"));
    assertTrue(action.startsWith("550 5.7.1 "), action);
  }
}
