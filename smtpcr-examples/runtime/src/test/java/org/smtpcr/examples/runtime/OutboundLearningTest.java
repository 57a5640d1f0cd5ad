package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.EntryOrigin;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.OutboundMarks;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.tokens.SenderAuthentication;

final class OutboundLearningTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final WhitelistKey KEY =
      WhitelistKey.pair(
          CanonicalAddress.parseCanonical("carol@elsewhere.example"),
          CanonicalAddress.parseCanonical("bob@cr.example"));

  private final WhitelistStore store = InMemoryWhitelistStore.builder().clock(CLOCK).build();

  @Test
  void learn_byDefault_writesALearnedEntryFor365DaysAndMarksTheSender() {
    OutboundLearning l = OutboundLearning.of(store, AddressCanonicalizer.standard(), CLOCK);
    assertTrue(l.learn("<bob+tag@cr.example>", "<Carol@Elsewhere.Example>"));
    WhitelistEntry e = store.find(KEY).orElseThrow();
    assertEquals(Optional.of(NOW.plus(Duration.ofDays(365))), e.expiresAt());
    assertEquals(EntryOrigin.LEARNED, e.origin());
    assertEquals(SenderAuthentication.UNCHECKED, e.authentication());
    assertTrue(
        OutboundMarks.sentRecently(store, CanonicalAddress.parseCanonical("bob@cr.example")));
    assertTrue(l.learn("<bob@cr.example>", "<carol@elsewhere.example>"), "renewed");
  }

  @Test
  void learn_settingsDefault_is365Days() {
    OutboundLearning l = OutboundLearning.of(Settings.defaults(), store, CLOCK);
    assertEquals(Optional.of(Duration.ofDays(365)), l.lifetime());
  }

  @Test
  void learn_forGood_explicitlyConfigured_writesWithoutExpiry() {
    Settings forever =
        Settings.read(SettingSource.of(java.util.Map.of("learnLifetime", "forever")));
    OutboundLearning l = OutboundLearning.of(forever, store, CLOCK);
    assertEquals(Optional.empty(), l.lifetime());
    assertTrue(l.learn("<bob@cr.example>", "<carol@elsewhere.example>"));
    assertEquals(Optional.empty(), store.find(KEY).orElseThrow().expiresAt());
  }

  @Test
  void learn_neverOverwritesAnAdministratorsEntry() {
    OutboundLearning l = OutboundLearning.of(store, AddressCanonicalizer.standard(), CLOCK);
    Instant shortened = NOW.plus(Duration.ofDays(1));
    store.add(KEY, shortened); // an administrator shortened it
    assertFalse(l.learn("<bob@cr.example>", "<carol@elsewhere.example>"));
    WhitelistEntry e = store.find(KEY).orElseThrow();
    assertEquals(Optional.of(shortened), e.expiresAt());
    assertEquals(EntryOrigin.ADMIN, e.origin());
  }

  @Test
  void learn_withLifetime_refreshesButNeverShortensAPermanentEntry() {
    OutboundLearning l =
        OutboundLearning.of(store, AddressCanonicalizer.standard(), CLOCK)
            .withLifetime(Duration.ofDays(30));
    assertTrue(l.learn("<bob@cr.example>", "<carol@elsewhere.example>"));
    assertEquals(
        Optional.of(NOW.plus(Duration.ofDays(30))), store.find(KEY).orElseThrow().expiresAt());
    store.add(KEY); // confirmed for good by an administrator
    assertFalse(l.learn("<bob@cr.example>", "<carol@elsewhere.example>"));
    assertEquals(Optional.empty(), store.find(KEY).orElseThrow().expiresAt());
  }

  @Test
  void learn_senderOutsideLocalDomains_learnsNothing() {
    OutboundLearning l =
        OutboundLearning.of(
            Settings.builder().set(Settings.LOCAL_DOMAINS, List.of("cr.example")).build(),
            store,
            CLOCK);
    assertFalse(l.learn("<bob@victim.example>", "<carol@elsewhere.example>"));
    assertEquals(0, store.count());
    assertFalse(
        OutboundMarks.sentRecently(store, CanonicalAddress.parseCanonical("bob@victim.example")));
    assertTrue(l.learn("<bob@mail.cr.example>", "<carol@elsewhere.example>"), "a subdomain");
  }

  @Test
  void learn_nullOrInvalidAddresses_learnNothing() {
    OutboundLearning l = OutboundLearning.of(store, AddressCanonicalizer.standard(), CLOCK);
    assertFalse(l.learn("<>", "<carol@elsewhere.example>"));
    assertFalse(l.learn("<bob@cr.example>", "not an address"));
    assertTrue(store.find(KEY).isEmpty());
  }
}
