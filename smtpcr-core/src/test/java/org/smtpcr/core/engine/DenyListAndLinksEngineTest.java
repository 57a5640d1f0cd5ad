package org.smtpcr.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpcr.core.Fixtures.BASE;
import static org.smtpcr.core.Fixtures.CLOCK;
import static org.smtpcr.core.Fixtures.rcpt;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.reply.SmtpReply;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.testing.UnavailableWhitelistStore;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.PassCodes;

/** The deny list, links only for local domains, and a pair too long for a link. */
final class DenyListAndLinksEngineTest {
  private static final String ALICE = "<alice@example.org>";
  private static final String BOB = "<bob@example.com>";

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
    return engine(
        StandardRules.builder()
            .whitelistStore(store)
            .whitelistSender("alice@example.org")
            .recipientPassword("bob@example.com", "xyzzy-12"));
  }

  private static CanonicalAddress a(String s) {
    return CanonicalAddress.parseCanonical(s);
  }

  private static void assertNoLink550(DecisionOutcome o) {
    SmtpReply r =
        o.decision().negativeReply().orElseThrow(() -> new AssertionError("accepted: " + o));
    assertInstanceOf(Decision.Reject.class, o.decision());
    assertEquals(550, r.code());
    assertEquals("5.7.1", r.enhancedStatus());
    assertTrue(r.link().isEmpty());
  }

  @Test
  void denied_beatsStaticWhitelistStorePassCodeAndPassword_withANoLink550() {
    store.add(WhitelistKey.pair(a("alice@example.org"), a("bob@example.com")));
    store.deny(WhitelistKey.globalDomain("example.org"));
    DecisionEngine e = engine();
    DecisionOutcome plain = e.decide(rcpt(ALICE, BOB));
    assertNoLink550(plain);
    assertEquals(StandardRules.DENY_LIST, plain.ruleId());
    assertEquals(List.of("Message not accepted."), plain.decision().negativeReply().get().lines());
    String code = PassCodes.of(ring).compute("alice@example.org", "bob@example.com");
    assertNoLink550(e.decide(rcpt(ALICE, "<bob+" + code + "@example.com>")));
    assertNoLink550(e.decide(rcpt(ALICE, "<bob+xyzzy-12@example.com>")));
    assertNoLink550(e.decide(rcpt("<carol@sub.example.org>", BOB)));
  }

  @Test
  void denied_perRecipient_onlyForThatRecipient_andPostmasterStillFirst() {
    store.deny(WhitelistKey.pair(a("alice@example.org"), a("bob@example.com")));
    DecisionEngine e = engine();
    assertNoLink550(e.decide(rcpt(ALICE, BOB)));
    assertInstanceOf(
        Decision.Accept.class, e.decide(rcpt(ALICE, "<carol@example.com>")).decision());
    assertInstanceOf(
        Decision.Accept.class, e.decide(rcpt(ALICE, "<postmaster@example.com>")).decision());
  }

  @Test
  void denied_logsNoAddressOfItsOwn() {
    store.deny(WhitelistKey.globalDomain("example.org"));
    DecisionEngine e = engine();
    try (LogCapture log = new LogCapture()) {
      assertNoLink550(e.decide(rcpt(ALICE, BOB)));
      // the listener's decision line is the record, with the site's choice of addresses
      assertTrue(!log.text().contains("example.org"), log.text());
      assertTrue(!log.text().contains("bob@"), log.text());
    }
  }

  @Test
  void denyList_storeDown_defers451() {
    DecisionOutcome o =
        engine(StandardRules.builder().whitelistStore(new UnavailableWhitelistStore("down")))
            .decide(rcpt(ALICE, BOB));
    assertEquals(StandardRules.DENY_LIST, o.ruleId());
    assertEquals(451, o.decision().negativeReply().get().code());
    assertEquals("4.3.0", o.decision().negativeReply().get().enhancedStatus());
  }

  @Test
  void localDomains_linkOnlyForThemAndTheirSubdomains() {
    DecisionEngine e =
        engine(StandardRules.builder().whitelistStore(store).localDomain("Example.COM"));
    assertInstanceOf(Decision.Challenge.class, e.decide(rcpt(ALICE, BOB)).decision());
    assertInstanceOf(
        Decision.Challenge.class, e.decide(rcpt(ALICE, "<bob@mx.example.com>")).decision());
    assertNoLink550(e.decide(rcpt(ALICE, "<bob@elsewhere.example>")));
    assertNoLink550(e.decide(rcpt(ALICE, "<bob@notexample.com>")));
    // without local domains, as before
    assertInstanceOf(
        Decision.Challenge.class,
        engine(StandardRules.builder().whitelistStore(store))
            .decide(rcpt(ALICE, "<bob@elsewhere.example>"))
            .decision());
  }

  @Test
  void pairTooLongForAToken_gets550NamingPostmasterOfTheRecipientsDomain() {
    // a 250-character local part: the longest address there is (254 octets), fine for the MTA,
    // too long for a link to fit a reply line
    String longSender = "<" + "a".repeat(250) + "@a.b>";
    DecisionOutcome o =
        engine(StandardRules.builder().whitelistStore(store))
            .decide(rcpt(longSender, "<bob@mx.example.com>"));
    SmtpReply r = o.decision().negativeReply().orElseThrow();
    assertEquals(550, r.code());
    assertTrue(r.link().isEmpty());
    String text = String.join(" ", r.lines());
    assertTrue(text.contains("postmaster@mx.example.com"), text);
    for (String line : r.lines()) {
      assertTrue(line.length() <= 500, line);
    }
    // and postmaster is exempt
    assertInstanceOf(
        Decision.Accept.class,
        engine(StandardRules.builder().whitelistStore(store))
            .decide(rcpt(longSender, "<postmaster@mx.example.com>"))
            .decision());
  }
}
