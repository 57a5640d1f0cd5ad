package org.smtpcr.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpcr.core.Fixtures.BASE;
import static org.smtpcr.core.Fixtures.CLOCK;
import static org.smtpcr.core.Fixtures.T0;
import static org.smtpcr.core.Fixtures.rcpt;
import static org.smtpcr.core.Fixtures.tx;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.Fixtures;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.reply.SmtpReply;
import org.smtpcr.core.rules.NullSenderRule;
import org.smtpcr.core.rules.PassCodeRule;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.spi.DecisionRule;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.tokens.ChallengeClaims;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.PassCodes;

final class DecisionEngineTest {
  private final KeyRing ring = KeyRing.generate();
  private final InMemoryWhitelistStore store =
      InMemoryWhitelistStore.builder().clock(CLOCK).build();
  private final List<DecisionEvent> events = new CopyOnWriteArrayList<>();

  private DecisionEngine.Builder builder() {
    return DecisionEngine.builder()
        .keyRing(ring)
        .challengeBase(BASE)
        .clock(CLOCK)
        .listener(events::add);
  }

  private DecisionEngine engine() {
    return builder().rules(StandardRules.builder().whitelistStore(store).build()).build();
  }

  private DecisionEvent lastEvent() {
    return events.get(events.size() - 1);
  }

  private ChallengeClaims verify(URI link) {
    String s = link.toString();
    assertTrue(s.startsWith("https://cr.example.com/c/"), s);
    return ChallengeTokens.builder()
        .keyRing(ring)
        .clock(CLOCK)
        .build()
        .verify(s.substring(s.lastIndexOf('/') + 1));
  }

  @Test
  void decide_unknownSender_challengesWithALinkSignedForTheCanonicalPair() {
    Decision d = engine().decide(rcpt("<Alice+news@Example.ORG>", "<Bob@EXAMPLE.com.>")).decision();
    Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, d);
    assertEquals(550, c.reply().code());
    assertEquals("5.7.1", c.reply().enhancedStatus());
    List<String> lines = c.reply().lines();
    assertEquals(
        c.link().toASCIIString(),
        lines.get(lines.size() - 1),
        "the link stands alone on the last line");
    assertEquals(c.linkText(), c.link().toASCIIString(), "the text and the parsed link agree");
    ChallengeClaims claims = verify(c.link());
    assertEquals("alice@example.org", claims.sender());
    assertEquals("bob@example.com", claims.recipient());
    assertEquals(T0, claims.issuedAt());
    assertEquals(Duration.ofDays(7), claims.lifetime());
    assertEquals(DecisionOutcome.DEFAULT, lastEvent().ruleId());
    assertEquals(Stage.RCPT, lastEvent().stage());
    assertEquals("t1", lastEvent().sessionId());
    assertFalse(lastEvent().failed());
  }

  @Test
  void decide_srsSenderAndSrsRecipient_unwrapsOnlyTheSenderOfATrustedForwarder() {
    Transaction srs =
        rcpt(
            "<SRS0=HHH=TT=example.org=alice@forwarder.example>",
            "<SRS0=HHH=TT=elsewhere.example=bob@example.com>");
    DecisionEngine trusting =
        builder()
            .rules(
                StandardRules.builder()
                    .whitelistStore(store)
                    .trustedForwarder(Fixtures.CLIENT.getHostAddress() + "/32")
                    .build())
            .build();
    ChallengeClaims claims =
        verify(assertInstanceOf(Decision.Challenge.class, trusting.decide(srs).decision()).link());
    assertEquals("alice@example.org", claims.sender());
    assertEquals(
        "srs0=hhh=tt=elsewhere.example=bob@example.com",
        claims.recipient(),
        "a recipient is our own mailbox: an SRS forward-path is not unwrapped to another domain");
    ChallengeClaims untrusted =
        verify(assertInstanceOf(Decision.Challenge.class, engine().decide(srs).decision()).link());
    assertEquals(
        "srs0=hhh=tt=example.org=alice@forwarder.example",
        untrusted.sender(),
        "from a client that is no trusted forwarder, an SRS address is the sender as written");
  }

  @Test
  void decide_configuredLifetime_isInTheToken() {
    DecisionEngine e = builder().challengeLifetime(Duration.ofHours(36)).build();
    Decision.Challenge c =
        assertInstanceOf(
            Decision.Challenge.class,
            e.decide(rcpt("<alice@example.org>", "<bob@example.com>")).decision());
    assertEquals(Duration.ofHours(36), verify(c.link()).lifetime());
  }

  @Test
  void decide_baseWithoutTrailingSlash_linkStillHasOne() {
    DecisionEngine e =
        DecisionEngine.builder()
            .keyRing(ring)
            .clock(CLOCK)
            .challengeBase(URI.create("https://cr.example.com/smtpcr"))
            .build();
    Decision.Challenge c =
        assertInstanceOf(
            Decision.Challenge.class,
            e.decide(rcpt("<alice@example.org>", "<bob@example.com>")).decision());
    assertTrue(
        c.link().toString().startsWith("https://cr.example.com/smtpcr/c/"), c.link().toString());
  }

  @Test
  void decide_pairInTheStore_accepts() {
    store.add(
        WhitelistKey.pair(
            CanonicalAddress.parseCanonical("alice@example.org"),
            CanonicalAddress.parseCanonical("bob@example.com")));
    assertEquals(
        Decision.accept(),
        engine().decide(rcpt("<ALICE+x@example.org>", "<bob+y@example.com>")).decision());
    assertEquals("whitelist-store", lastEvent().ruleId());
  }

  @Test
  void decide_defaultChain_hasDesignOrder() {
    assertEquals(
        List.of(
            "exempt-recipients",
            "trusted-clients",
            "null-sender",
            "deny-list",
            "sender-authentication",
            "whitelist-store",
            "pass-code"),
        engine().ruleIds());
    assertEquals(
        List.of(
            "exempt-recipients",
            "trusted-clients",
            "null-sender",
            "sender-authentication",
            "pass-code"),
        builder().build().ruleIds());
    assertFalse(engine().decidesAtData());
  }

  @Test
  void decide_defaultChain_acceptsExemptTrustedNullAndPassCode() {
    DecisionEngine e = engine();
    assertEquals(
        Decision.accept(),
        e.decide(rcpt("<spammer@example.net>", "<postmaster@example.com>")).decision());
    assertEquals("exempt-recipients", lastEvent().ruleId());
    assertEquals(
        Decision.accept(),
        e.decide(
                tx(Stage.RCPT)
                    .authenticatedUser("ann")
                    .reversePath("<ann@example.com>")
                    .forwardPath("<x@example.net>")
                    .build())
            .decision());
    assertEquals("trusted-clients", lastEvent().ruleId());
    // a bounce to bob, who sent nothing recently, on a route that does not see the message
    assertInstanceOf(Decision.Reject.class, e.decide(rcpt("<>", "<bob@example.com>")).decision());
    assertEquals("null-sender", lastEvent().ruleId());
    String code = PassCodes.of(ring).compute("alice@example.org", "bob@example.com");
    assertEquals(
        Decision.accept(),
        e.decide(
                rcpt(
                    "<alice@example.org>",
                    "<bob+" + PassCodes.grouped(code).toUpperCase(Locale.ROOT) + "@example.com>"))
            .decision());
    assertEquals("pass-code", lastEvent().ruleId());
  }

  @Test
  void decide_wrongPassCode_challenges() {
    String code = PassCodes.of(ring).compute("mallory@example.org", "bob@example.com");
    assertInstanceOf(
        Decision.Challenge.class,
        engine().decide(rcpt("<alice@example.org>", "<bob+" + code + "@example.com>")).decision());
  }

  @Test
  void decide_beforeRcpt_defaultIsAccept() {
    DecisionEngine e = engine();
    assertEquals(Decision.accept(), e.decide(tx(Stage.CONNECT).build()).decision());
    assertEquals(Decision.accept(), e.decide(tx(Stage.HELO).build()).decision());
    assertEquals(Decision.accept(), e.decide(Fixtures.mail("<alice@example.org>")).decision());
    assertEquals(DecisionOutcome.DEFAULT, lastEvent().ruleId());
    assertEquals(Stage.MAIL, lastEvent().stage());
  }

  @Test
  void decide_unreadableAddresses_areDeferred451WithTheRightStatus_neverA5xx() {
    DecisionEngine e = engine();
    Decision.Defer r =
        assertInstanceOf(
            Decision.Defer.class, e.decide(rcpt("<alice@example.org>", "<bob@@x>")).decision());
    assertEquals(451, r.reply().code());
    assertEquals("4.1.3", r.reply().enhancedStatus());
    assertEquals(DecisionOutcome.INVALID_ADDRESS, lastEvent().ruleId());
    assertFalse(lastEvent().failed(), "not a failure of a rule or store");
    Decision.Defer s =
        assertInstanceOf(
            Decision.Defer.class,
            e.decide(rcpt("<a b@example.org>", "<bob@example.com>")).decision());
    assertEquals(451, s.reply().code());
    assertEquals("4.1.7", s.reply().enhancedStatus());
  }

  @Test
  void decide_invalidSenderButAuthenticated_acceptsBecauseNoRuleNeededTheAddress() {
    assertEquals(
        Decision.accept(),
        engine()
            .decide(
                tx(Stage.RCPT)
                    .authenticatedUser("ann")
                    .reversePath("<not valid>")
                    .forwardPath("<x@example.net>")
                    .build())
            .decision());
  }

  @Test
  void decide_pairTooLongForAToken_rejectsWithoutLink() {
    String sender = "s".repeat(150) + "@" + "d".repeat(40) + ".example.org";
    String recipient = "r".repeat(150) + "@" + "e".repeat(40) + ".example.com";
    Decision.Reject r =
        assertInstanceOf(
            Decision.Reject.class, engine().decide(rcpt(sender, recipient)).decision());
    assertEquals(550, r.reply().code());
    assertTrue(r.reply().lines().stream().noneMatch(l -> l.contains("https://")));
    assertEquals(DecisionOutcome.DEFAULT, lastEvent().ruleId());
  }

  @Test
  void decide_linkTooLongForAReplyLine_rejectsWithoutLink() {
    // 150 + 150 bytes fit a token (at most 350) but make a 520-character token: no 512-octet line
    // holds it
    String sender = "s".repeat(100) + "@" + "d".repeat(37) + ".example.org";
    String recipient = "r".repeat(100) + "@" + "e".repeat(37) + ".example.com";
    assertEquals(150, sender.length());
    ChallengeTokens.of(ring).mint(sender, recipient);
    Decision.Reject r =
        assertInstanceOf(
            Decision.Reject.class, engine().decide(rcpt(sender, recipient)).decision());
    assertEquals(550, r.reply().code());
  }

  @Test
  void decide_nullSenderWithoutItsRule_isRejectedNotChallenged() {
    DecisionEngine e =
        builder().rule(PassCodeRule.builder().passCodes(PassCodes.of(ring)).build()).build();
    assertInstanceOf(Decision.Reject.class, e.decide(rcpt("<>", "<bob@example.com>")).decision());
    DecisionEngine r = builder().rule(NullSenderRule.reject()).build();
    assertEquals(Decision.accept(), r.decide(Fixtures.mail("<>")).decision());
    assertInstanceOf(Decision.Reject.class, r.decide(rcpt("<>", "<bob@example.com>")).decision());
    assertEquals("null-sender", lastEvent().ruleId());
  }

  @Test
  void decide_customRuleFirst_winsOverTheRest() {
    DecisionEngine e =
        builder()
            .rule(
                "helo-check",
                ctx ->
                    ctx.transaction().helo().filter(h -> h.endsWith(".org")).map(h -> ctx.reject()))
            .rule(DecisionRule.acceptAll())
            .build();
    assertInstanceOf(
        Decision.Reject.class, e.decide(rcpt("<a@example.org>", "<b@example.com>")).decision());
    assertEquals("helo-check", lastEvent().ruleId());
    Transaction other =
        Transaction.builder()
            .stage(Stage.RCPT)
            .clientAddress(Fixtures.CLIENT)
            .helo("mx.example.com")
            .reversePath("<a@example.org>")
            .forwardPath("<b@example.com>")
            .build();
    assertEquals(Decision.accept(), e.decide(other).decision());
    assertEquals("accept-all", lastEvent().ruleId());
  }

  @Test
  void listener_throwing_doesNotChangeTheDecisionAndTheNextListenerStillRuns() {
    List<DecisionEvent> seen = new CopyOnWriteArrayList<>();
    DecisionListener bad =
        ev -> {
          throw new IllegalStateException("listener bug");
        };
    DecisionEngine e =
        DecisionEngine.builder()
            .keyRing(ring)
            .challengeBase(BASE)
            .clock(CLOCK)
            .listener(bad.andThen(seen::add))
            .build();
    assertInstanceOf(
        Decision.Challenge.class,
        e.decide(rcpt("<alice@example.org>", "<bob@example.com>")).decision());
    assertEquals(1, seen.size());
    assertTrue(seen.get(0).elapsedNanos() >= 0);
  }

  @Test
  void builder_challengeBase_httpsOrLoopbackHttpOnly() {
    DecisionEngine.Builder b = DecisionEngine.builder();
    assertThrows(
        IllegalArgumentException.class,
        () -> b.challengeBase(URI.create("http://cr.example.com/")));
    assertThrows(
        IllegalArgumentException.class,
        () -> b.challengeBase(URI.create("http://127.0.0.1.example.com/")));
    assertThrows(
        IllegalArgumentException.class, () -> b.challengeBase(URI.create("ftp://cr.example.com/")));
    assertThrows(
        IllegalArgumentException.class,
        () -> b.challengeBase(URI.create("https://u:p@cr.example.com/")));
    assertThrows(
        IllegalArgumentException.class,
        () -> b.challengeBase(URI.create("https://cr.example.com/?a=b")));
    assertThrows(
        IllegalArgumentException.class,
        () -> b.challengeBase(URI.create("https://cr.example.com/#x")));
    assertThrows(IllegalArgumentException.class, () -> b.challengeBase(URI.create("/relative/")));
    assertThrows(
        IllegalArgumentException.class,
        () -> b.challengeBase(URI.create("https://cr.example.com/" + "p".repeat(200))));
    for (String ok :
        List.of(
            "http://localhost:8080/",
            "http://127.0.0.2/cr/",
            "http://[::1]:8080/",
            "https://cr.example.com")) {
      DecisionEngine.builder().challengeBase(URI.create(ok));
    }
  }

  @Test
  void builder_misconfiguration_isRefused() {
    assertThrows(
        IllegalStateException.class, () -> DecisionEngine.builder().challengeBase(BASE).build());
    assertThrows(IllegalStateException.class, () -> DecisionEngine.builder().keyRing(ring).build());
    assertThrows(
        IllegalStateException.class,
        () ->
            builder()
                .rules(StandardRules.builder().whitelistStore(store).build())
                .rule(DecisionRule.acceptAll())
                .build());
    assertThrows(IllegalArgumentException.class, () -> builder().rule(ctx -> Optional.empty()));
    assertThrows(
        IllegalArgumentException.class, () -> builder().rule("default", DecisionRule.acceptAll()));
    assertThrows(
        IllegalArgumentException.class, () -> builder().rule("bad id", DecisionRule.acceptAll()));
    assertThrows(
        IllegalArgumentException.class,
        () -> builder().rule(DecisionRule.acceptAll()).rule(DecisionRule.acceptAll()));
    assertThrows(
        IllegalArgumentException.class,
        () -> builder().failureReply(SmtpReply.of(554, "5.3.0", "no")));
    assertThrows(
        IllegalArgumentException.class, () -> builder().challengeLifetime(Duration.ofSeconds(59)));
    assertThrows(IllegalStateException.class, () -> builder().clock(CLOCK));
  }

  @Test
  void toString_namesRulesAndBaseButNoKeys() {
    String s = engine().toString();
    assertTrue(s.contains("whitelist-store"), s);
    assertTrue(s.contains("https://cr.example.com/"), s);
    assertFalse(s.contains(ring.activeKey().fingerprint()), s);
  }

  @Test
  void decide_outcomeNamesTheDecidingRule_sameAsTheListenerHears() {
    store.add(
        org.smtpcr.core.store.WhitelistKey.pair(
            org.smtpcr.core.address.CanonicalAddress.parseCanonical("alice@example.org"),
            org.smtpcr.core.address.CanonicalAddress.parseCanonical("bob@example.com")));
    DecisionOutcome o = engine().decide(rcpt("<alice@example.org>", "<bob@example.com>"));
    assertEquals(StandardRules.WHITELIST_STORE, o.ruleId());
    assertFalse(o.failed());
    assertEquals(o.ruleId(), lastEvent().ruleId());
    assertEquals(o.decision(), lastEvent().decision());
  }

  @Test
  void canonicalizer_isTheConfiguredOne_andTheStandardRulesUseIt() {
    org.smtpcr.core.address.AddressCanonicalizer dash =
        org.smtpcr.core.address.AddressCanonicalizer.builder().subaddressSeparators("-").build();
    DecisionEngine e =
        builder()
            .canonicalizer(dash)
            .rules(StandardRules.builder().exemptRecipient("help-desk@example.com").build())
            .build();
    assertSame(dash, e.canonicalizer());
    assertEquals(
        StandardRules.EXEMPT_RECIPIENTS,
        e.decide(rcpt("<alice@example.org>", "<help-other@example.com>")).ruleId());
    assertSame(org.smtpcr.core.address.AddressCanonicalizer.standard(), engine().canonicalizer());
  }
}
