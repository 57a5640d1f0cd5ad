package org.smtpcr.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.spi.DecisionRule;
import org.smtpcr.core.spi.RuleChain;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.PassCodes;

final class StandardRulesTest {
  private static final PassCodes CODES = PassCodes.of(RuleProbe.RING);
  private static final AddressCanonicalizer CANON = AddressCanonicalizer.standard();

  private static RuleChain chain(StandardRules rules, AddressCanonicalizer canonicalizer) {
    RuleChain.Builder b =
        RuleChain.builder()
            .clock(RuleProbe.CLOCK)
            .canonicalizer(canonicalizer)
            .challengeTokens(
                ChallengeTokens.builder().keyRing(RuleProbe.RING).clock(RuleProbe.CLOCK).build())
            .challengeBase(URI.create("https://cr.example.com/"));
    rules.create(CODES, canonicalizer).forEach(b::rule);
    return b.build();
  }

  @Test
  void defaults_areTheDesignOrder_withoutOptionalRules() {
    assertEquals(
        List.of(
            StandardRules.EXEMPT_RECIPIENTS,
            StandardRules.TRUSTED_CLIENTS,
            StandardRules.NULL_SENDER,
            StandardRules.SENDER_AUTHENTICATION,
            StandardRules.PASS_CODE),
        List.copyOf(StandardRules.defaults().create(CODES, CANON).keySet()));
    assertFalse(StandardRules.defaults().usesHeaders());
  }

  @Test
  void everyKnob_addsItsRuleInTheDesignOrder() {
    StandardRules all =
        StandardRules.builder()
            .whitelistSender("friend@example.net")
            .whitelistStore(InMemoryWhitelistStore.builder().build())
            .recipientPassword("bob@example.com", "xyzzy-12")
            .subjectPassCodes(true)
            .build();
    assertEquals(
        List.of(
            StandardRules.EXEMPT_RECIPIENTS,
            StandardRules.TRUSTED_CLIENTS,
            StandardRules.NULL_SENDER,
            StandardRules.DENY_LIST,
            StandardRules.SENDER_AUTHENTICATION,
            StandardRules.STATIC_WHITELIST,
            StandardRules.WHITELIST_STORE,
            StandardRules.PASS_CODE,
            StandardRules.RECIPIENT_PASSWORD),
        List.copyOf(all.create(CODES, CANON).keySet()));
    assertTrue(all.usesHeaders());
  }

  @Test
  void oneKnob_trustedNetwork_changesOnlyThatRule() {
    StandardRules trusted = StandardRules.builder().trustedNetwork("198.51.100.0/24").build();
    assertEquals(
        StandardRules.defaults().create(CODES, CANON).keySet(),
        trusted.create(CODES, CANON).keySet());
    // RuleProbe's client is 198.51.100.7: inside the network
    DecisionOutcome in =
        chain(trusted, CANON).evaluate(RuleProbe.rcpt("<a@example.org>", "<bob@example.com>"));
    assertEquals(StandardRules.TRUSTED_CLIENTS, in.ruleId());
    assertEquals(Decision.accept(), in.decision());
    DecisionOutcome out =
        chain(StandardRules.defaults(), CANON)
            .evaluate(RuleProbe.rcpt("<a@example.org>", "<bob@example.com>"));
    assertEquals(DecisionOutcome.DEFAULT, out.ruleId());
    assertInstanceOf(Decision.Challenge.class, out.decision());
  }

  @Test
  void store_acceptsAConfirmedPair_underItsId() {
    InMemoryWhitelistStore store = InMemoryWhitelistStore.builder().clock(RuleProbe.CLOCK).build();
    store.add(
        WhitelistKey.pair(
            CanonicalAddress.parseCanonical("alice@example.org"),
            CanonicalAddress.parseCanonical("bob@example.com")));
    DecisionOutcome o =
        chain(StandardRules.builder().whitelistStore(store).build(), CANON)
            .evaluate(RuleProbe.rcpt("<alice@example.org>", "<bob@example.com>"));
    assertEquals(StandardRules.WHITELIST_STORE, o.ruleId());
  }

  /**
   * A store that counts the calls of the rules' look-up methods and fails {@code lookUp} while
   * {@code down}; everything else is the in-memory store's.
   */
  private static final class CountingStore {
    int lookUps;
    int others;
    boolean down;
    final org.smtpcr.core.store.WhitelistStore store;

    CountingStore(org.smtpcr.core.store.WhitelistStore delegate) {
      store =
          (org.smtpcr.core.store.WhitelistStore)
              java.lang.reflect.Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {org.smtpcr.core.store.WhitelistStore.class},
                  (proxy, method, args) -> {
                    switch (method.getName()) {
                      case "lookUp" -> {
                        lookUps++;
                        if (down) {
                          throw new org.smtpcr.core.store.StoreException("down");
                        }
                      }
                      case "findDenial", "findAny", "containsAny" -> others++;
                      default -> {}
                    }
                    try {
                      return method.invoke(delegate, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                      throw e.getCause();
                    }
                  });
    }
  }

  @Test
  void denyListAndStore_askTheStoreOncePerDecision_andAFailureIsNotKept() {
    InMemoryWhitelistStore memory = InMemoryWhitelistStore.builder().clock(RuleProbe.CLOCK).build();
    CanonicalAddress alice = CanonicalAddress.parseCanonical("alice@example.org");
    CanonicalAddress bob = CanonicalAddress.parseCanonical("bob@example.com");
    CanonicalAddress carol = CanonicalAddress.parseCanonical("carol@example.com");
    memory.add(WhitelistKey.pair(alice, bob));
    memory.deny(WhitelistKey.pair(alice, carol));
    CountingStore store = new CountingStore(memory);
    RuleChain chain = chain(StandardRules.builder().whitelistStore(store.store).build(), CANON);
    // whitelisted: the deny-list rule asked, the whitelist rule read the entry from that call
    assertEquals(
        StandardRules.WHITELIST_STORE,
        chain.evaluate(RuleProbe.rcpt("<alice@example.org>", "<bob@example.com>")).ruleId());
    assertEquals(1, store.lookUps);
    // denied: refused on the one call
    DecisionOutcome denied =
        chain.evaluate(RuleProbe.rcpt("<alice@example.org>", "<carol@example.com>"));
    assertEquals(StandardRules.DENY_LIST, denied.ruleId());
    assertInstanceOf(Decision.Reject.class, denied.decision());
    assertEquals(2, store.lookUps);
    // unknown: challenged after one call
    DecisionOutcome unknown =
        chain.evaluate(RuleProbe.rcpt("<dave@example.org>", "<bob@example.com>"));
    assertInstanceOf(Decision.Challenge.class, unknown.decision());
    assertEquals(3, store.lookUps);
    assertEquals(0, store.others);
    // a failing store: 451 at the deny list; the next decision asks again
    store.down = true;
    DecisionOutcome failed =
        chain.evaluate(RuleProbe.rcpt("<alice@example.org>", "<bob@example.com>"));
    assertTrue(failed.failed());
    assertEquals(451, assertInstanceOf(Decision.Defer.class, failed.decision()).reply().code());
    assertEquals(4, store.lookUps);
    store.down = false;
    assertEquals(
        StandardRules.WHITELIST_STORE,
        chain.evaluate(RuleProbe.rcpt("<alice@example.org>", "<bob@example.com>")).ruleId());
    assertEquals(5, store.lookUps);
  }

  @Test
  void lookUp_isKeptPerStore_andAChainWithOneRuleAsksOnce() {
    InMemoryWhitelistStore memoryA =
        InMemoryWhitelistStore.builder().clock(RuleProbe.CLOCK).build();
    InMemoryWhitelistStore memoryB =
        InMemoryWhitelistStore.builder().clock(RuleProbe.CLOCK).build();
    CanonicalAddress alice = CanonicalAddress.parseCanonical("alice@example.org");
    CanonicalAddress bob = CanonicalAddress.parseCanonical("bob@example.com");
    // denied in B only: a memo of A's answer must not stand for B's
    memoryB.deny(WhitelistKey.pair(alice, bob));
    memoryA.add(WhitelistKey.pair(alice, bob));
    CountingStore a = new CountingStore(memoryA);
    CountingStore b = new CountingStore(memoryB);
    RuleChain two =
        chain(
            StandardRules.builder()
                .whitelistStore(a.store)
                .addBefore(StandardRules.WHITELIST_STORE, "deny-b-first", DenyListRule.of(b.store))
                .build(),
            CANON);
    DecisionOutcome o = two.evaluate(RuleProbe.rcpt("<alice@example.org>", "<bob@example.com>"));
    assertEquals("deny-b-first", o.ruleId());
    assertInstanceOf(Decision.Reject.class, o.decision());
    assertEquals(1, a.lookUps);
    assertEquals(1, b.lookUps);
    // only the whitelist rule: one call, nothing else
    CountingStore only = new CountingStore(memoryA);
    RuleChain one =
        RuleChain.builder()
            .clock(RuleProbe.CLOCK)
            .canonicalizer(CANON)
            .challengeTokens(
                ChallengeTokens.builder().keyRing(RuleProbe.RING).clock(RuleProbe.CLOCK).build())
            .challengeBase(URI.create("https://cr.example.com/"))
            .rule(StandardRules.WHITELIST_STORE, WhitelistStoreRule.of(only.store))
            .build();
    assertEquals(
        StandardRules.WHITELIST_STORE,
        one.evaluate(RuleProbe.rcpt("<alice@example.org>", "<bob@example.com>")).ruleId());
    assertEquals(1, only.lookUps);
    assertEquals(0, only.others);
  }

  @Test
  void exemptions_useTheGivenCanonicalizer() {
    AddressCanonicalizer dash = AddressCanonicalizer.builder().subaddressSeparators("-").build();
    StandardRules rules =
        StandardRules.builder().exemptRecipient("support-desk@example.com").build();
    // with "-" as separator, support-desk@ is support@: the exemption covers support-anything@
    DecisionOutcome o =
        chain(rules, dash).evaluate(RuleProbe.rcpt("<a@example.org>", "<support-x@example.com>"));
    assertEquals(StandardRules.EXEMPT_RECIPIENTS, o.ruleId());
    DecisionOutcome plus =
        chain(rules, CANON).evaluate(RuleProbe.rcpt("<a@example.org>", "<support-x@example.com>"));
    assertEquals(DecisionOutcome.DEFAULT, plus.ruleId());
  }

  @Test
  void ownRules_goAfterTheBuiltIns_orBeforeOne() {
    DecisionRule never = ctx -> Optional.empty();
    StandardRules rules =
        StandardRules.builder()
            .add("last", never)
            .addBefore(StandardRules.NULL_SENDER, "before-null", never)
            .addBefore(
                StandardRules.WHITELIST_STORE,
                "before-store",
                never) // no store: goes after the built-ins
            .build();
    assertEquals(
        List.of(
            StandardRules.EXEMPT_RECIPIENTS,
            StandardRules.TRUSTED_CLIENTS,
            "before-null",
            StandardRules.NULL_SENDER,
            StandardRules.SENDER_AUTHENTICATION,
            StandardRules.PASS_CODE,
            "last",
            "before-store"),
        List.copyOf(rules.create(CODES, CANON).keySet()));
  }

  @Test
  void builder_refusesUnknownBuiltInsAndDuplicateIds() {
    DecisionRule never = ctx -> Optional.empty();
    assertThrows(
        IllegalArgumentException.class,
        () -> StandardRules.builder().addBefore("no-such-rule", "x", never));
    assertThrows(
        IllegalArgumentException.class,
        () -> StandardRules.builder().add(StandardRules.PASS_CODE, never));
    assertThrows(
        IllegalArgumentException.class,
        () -> StandardRules.builder().add("x", never).add("x", never));
    assertThrows(
        IllegalArgumentException.class,
        () -> StandardRules.builder().trustedNetwork("not a network"));
    assertThrows(
        IllegalArgumentException.class,
        () -> StandardRules.builder().whitelistSender("no at sign").build().create(CODES, CANON));
  }

  @Test
  @SuppressWarnings("deprecation") // the deprecated knob must keep working
  void acceptNullSender_false_refusesTheNullSender_true_acceptsAny() {
    Transaction tx =
        RuleProbe.tx(Stage.RCPT).reversePath("<>").forwardPath("<bob@example.com>").build();
    DecisionOutcome o =
        chain(StandardRules.builder().acceptNullSender(false).build(), CANON).evaluate(tx);
    assertEquals(StandardRules.NULL_SENDER, o.ruleId());
    assertInstanceOf(Decision.Reject.class, o.decision());
    Map<String, DecisionRule> rules =
        StandardRules.builder().acceptNullSender(true).build().create(CODES, CANON);
    assertEquals(NullSenderRule.accept(), rules.get(StandardRules.NULL_SENDER));
  }

  @Test
  void nullSender_defaultsToBounces_withTheOutboundCheckWhenAStoreIsConfigured() {
    assertEquals(
        NullSenderPolicy.BOUNCES,
        ((NullSenderRule)
                StandardRules.defaults().create(CODES, CANON).get(StandardRules.NULL_SENDER))
            .policy());
    InMemoryWhitelistStore store = InMemoryWhitelistStore.builder().build();
    assertEquals(
        "NullSenderRule.bounces(store)",
        StandardRules.builder()
            .whitelistStore(store)
            .build()
            .create(CODES, CANON)
            .get(StandardRules.NULL_SENDER)
            .toString());
    assertEquals(
        "NullSenderRule.bounces()",
        StandardRules.builder()
            .whitelistStore(store)
            .nullSenderNeedsOutbound(false)
            .build()
            .create(CODES, CANON)
            .get(StandardRules.NULL_SENDER)
            .toString());
    assertEquals(
        NullSenderRule.reject(),
        StandardRules.builder()
            .nullSender(NullSenderPolicy.REJECT)
            .build()
            .create(CODES, CANON)
            .get(StandardRules.NULL_SENDER));
  }
}
