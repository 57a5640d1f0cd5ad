package org.smtpcr.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.store.testing.WhitelistStoreContract;

/** The store contract, and the bound, on the in-memory store. */
final class InMemoryWhitelistStoreTest extends WhitelistStoreContract {
  @Override
  protected WhitelistStore newStore(Clock clock) {
    return InMemoryWhitelistStore.builder().clock(clock).build();
  }

  @Test
  void add_fullWithEvictOldest_evictsTheLeastRecentlyAddedKey() {
    InMemoryWhitelistStore s =
        InMemoryWhitelistStore.builder().clock(clock()).maxEntries(2).build();
    WhitelistKey a = WhitelistKey.pair(ALICE, BOB);
    WhitelistKey b = WhitelistKey.pair(ALICE, CAROL);
    WhitelistKey c = WhitelistKey.pair(DAVE, BOB);
    s.add(a);
    s.add(b);
    s.add(a); // renews a: b is now the oldest
    s.add(c);
    assertEquals(2, s.count());
    assertTrue(covers(s, ALICE, BOB));
    assertFalse(covers(s, ALICE, CAROL));
    assertTrue(covers(s, DAVE, BOB));
  }

  @Test
  void add_fullWithRefuse_throwsStoreExceptionAndKeepsEntries() {
    InMemoryWhitelistStore s =
        InMemoryWhitelistStore.builder()
            .clock(clock())
            .maxEntries(1)
            .whenFull(InMemoryWhitelistStore.WhenFull.REFUSE)
            .build();
    s.add(WhitelistKey.pair(ALICE, BOB));
    StoreException e =
        assertThrows(StoreException.class, () -> s.add(WhitelistKey.pair(DAVE, BOB)));
    assertTrue(e.getMessage().contains("full"));
    s.add(WhitelistKey.pair(ALICE, BOB), T0.plusSeconds(5)); // renewing fits
    assertTrue(covers(s, ALICE, BOB));
  }

  @Test
  void add_fullButExpiredEntries_dropsExpiredFirst() {
    InMemoryWhitelistStore s =
        InMemoryWhitelistStore.builder()
            .clock(clock())
            .maxEntries(1)
            .whenFull(InMemoryWhitelistStore.WhenFull.REFUSE)
            .build();
    s.add(WhitelistKey.pair(ALICE, BOB), T0.plusSeconds(5));
    advanceClock(Duration.ofSeconds(5));
    s.add(WhitelistKey.pair(DAVE, BOB));
    assertTrue(covers(s, DAVE, BOB));
    assertEquals(1, s.count());
  }

  @Test
  void add_full_expiryOfAnEntryAddedLaterOrRenewed_isStillFound() {
    InMemoryWhitelistStore s =
        InMemoryWhitelistStore.builder()
            .clock(clock())
            .maxEntries(3)
            .whenFull(InMemoryWhitelistStore.WhenFull.REFUSE)
            .build();
    s.add(WhitelistKey.pair(ALICE, BOB), T0.plusSeconds(60));
    s.add(WhitelistKey.pair(ALICE, CAROL));
    s.add(WhitelistKey.pair(DAVE, CAROL), T0.plusSeconds(10)); // expires before the first
    assertThrows(
        StoreException.class, () -> s.add(WhitelistKey.pair(DAVE, BOB)), "nothing has expired yet");

    advanceClock(Duration.ofSeconds(10));
    s.add(WhitelistKey.pair(DAVE, BOB)); // the entry added last has expired: it makes room
    assertFalse(covers(s, DAVE, CAROL));
    assertTrue(covers(s, DAVE, BOB));

    s.add(WhitelistKey.pair(ALICE, CAROL), T0.plusSeconds(20)); // renewed with an expiry
    advanceClock(Duration.ofSeconds(10));
    s.add(WhitelistKey.pair(CAROL, BOB));
    assertFalse(covers(s, ALICE, CAROL), "the renewed entry's expiry counts");
    assertTrue(covers(s, CAROL, BOB));
    assertTrue(covers(s, ALICE, BOB));
    assertEquals(3, s.count());
  }

  @Test
  void contains_clockBeyondTheMillisecondRange_expiringEntriesAreExpired() {
    InMemoryWhitelistStore s =
        InMemoryWhitelistStore.builder()
            .clock(Clock.fixed(java.time.Instant.MAX, java.time.ZoneOffset.UTC))
            .build();
    s.add(WhitelistKey.pair(ALICE, BOB));
    s.add(WhitelistKey.pair(ALICE, CAROL), java.time.Instant.MAX.minusSeconds(1));
    assertTrue(covers(s, ALICE, BOB));
    assertFalse(covers(s, ALICE, CAROL));
  }

  @Test
  void builder_optionSetTwice_throwsIllegalState() {
    assertThrows(
        IllegalStateException.class,
        () -> InMemoryWhitelistStore.builder().maxEntries(1).maxEntries(2));
    assertThrows(
        IllegalArgumentException.class, () -> InMemoryWhitelistStore.builder().maxEntries(0));
  }
}
