package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistStore;

final class OutboundLearningTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final WhitelistKey KEY =
      WhitelistKey.pair(
          CanonicalAddress.parseCanonical("carol@elsewhere.example"),
          CanonicalAddress.parseCanonical("bob@cr.example"));

  private final WhitelistStore store = InMemoryWhitelistStore.builder().clock(CLOCK).build();

  @Test
  void learn_withoutLifetime_writesForGood() {
    OutboundLearning l = OutboundLearning.of(store, AddressCanonicalizer.standard(), CLOCK);
    assertTrue(l.learn("<bob+tag@cr.example>", "<Carol@Elsewhere.Example>"));
    assertEquals(Optional.empty(), store.find(KEY).orElseThrow().expiresAt());
    assertFalse(l.learn("<bob@cr.example>", "<carol@elsewhere.example>"), "already for good");
  }

  @Test
  void learn_withLifetime_refreshesButNeverShortensAPermanentEntry() {
    OutboundLearning l =
        OutboundLearning.of(store, AddressCanonicalizer.standard(), CLOCK)
            .withLifetime(Duration.ofDays(365));
    assertTrue(l.learn("<bob@cr.example>", "<carol@elsewhere.example>"));
    assertEquals(
        Optional.of(NOW.plus(Duration.ofDays(365))), store.find(KEY).orElseThrow().expiresAt());
    store.add(KEY); // confirmed for good, e.g. on the challenge page
    assertFalse(l.learn("<bob@cr.example>", "<carol@elsewhere.example>"));
    assertEquals(Optional.empty(), store.find(KEY).orElseThrow().expiresAt());
  }

  @Test
  void learn_nullOrInvalidAddresses_learnNothing() {
    OutboundLearning l = OutboundLearning.of(store, AddressCanonicalizer.standard(), CLOCK);
    assertFalse(l.learn("<>", "<carol@elsewhere.example>"));
    assertFalse(l.learn("<bob@cr.example>", "not an address"));
    assertTrue(store.find(KEY).isEmpty());
  }
}
