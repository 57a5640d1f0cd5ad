package org.smtpcr.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.tokens.MutableClock;

/**
 * The behaviour every {@link WhitelistStore} must have; run against the in-memory store, H2 and
 * PostgreSQL by the subclasses.
 */
abstract class WhitelistStoreContract {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final CanonicalAddress ALICE = addr("alice@mail.example.org");
  static final CanonicalAddress BOB = addr("bob@example.com");
  static final CanonicalAddress CAROL = addr("carol@example.com");
  static final CanonicalAddress DAVE = addr("dave@example.org");

  final MutableClock clock = new MutableClock(T0);
  WhitelistStore store;

  /** A fresh, empty store on {@code clock}. */
  abstract WhitelistStore newStore(Clock clock);

  /** A second instance on the same data as the last {@link #newStore}, as another process has. */
  abstract WhitelistStore secondInstance(Clock clock);

  static CanonicalAddress addr(String s) {
    return CanonicalAddress.parseCanonical(s);
  }

  @BeforeEach
  void createStore() {
    store = newStore(clock);
  }

  @Test
  void contains_emptyStore_false() {
    assertFalse(store.contains(ALICE, BOB));
    assertEquals(0, store.count());
  }

  @Test
  void add_pair_coversThatPairOnly() {
    store.add(WhitelistKey.pair(ALICE, BOB));
    assertTrue(store.contains(ALICE, BOB));
    assertFalse(store.contains(ALICE, CAROL));
    assertFalse(store.contains(BOB, ALICE));
    assertFalse(store.contains(addr("alice2@mail.example.org"), BOB));
  }

  @Test
  void add_domainForRecipient_coversDomainAndSubdomainsForThatRecipientOnly() {
    store.add(WhitelistKey.domain("example.org", BOB));
    assertTrue(store.contains(DAVE, BOB));
    assertTrue(store.contains(ALICE, BOB), "subdomain mail.example.org");
    assertFalse(store.contains(DAVE, CAROL));
    assertFalse(store.contains(addr("eve@notexample.org"), BOB));
  }

  @Test
  void add_subdomain_doesNotCoverParentDomain() {
    store.add(WhitelistKey.globalDomain("mail.example.org"));
    assertTrue(store.contains(ALICE, BOB));
    assertFalse(store.contains(DAVE, BOB));
  }

  @Test
  void add_globalDomain_coversEveryRecipient() {
    store.add(WhitelistKey.globalDomain("example.org"));
    assertTrue(store.contains(ALICE, BOB));
    assertTrue(store.contains(DAVE, CAROL));
    assertFalse(store.contains(BOB, CAROL));
  }

  @Test
  void add_globalSender_coversEveryRecipient() {
    store.add(WhitelistKey.globalSender(ALICE));
    assertTrue(store.contains(ALICE, BOB));
    assertTrue(store.contains(ALICE, CAROL));
    assertFalse(store.contains(DAVE, BOB));
  }

  @Test
  void add_nonAsciiAddresses_roundTrip() {
    CanonicalAddress jorg = addr("jörg@xn--bcher-kva.example");
    CanonicalAddress quoted = addr("\"john doe\"@example.com");
    store.add(WhitelistKey.pair(jorg, quoted));
    assertTrue(store.contains(jorg, quoted));
    assertEquals(WhitelistKey.pair(jorg, quoted), store.list(Optional.empty(), 10).entries().get(0).key());
  }

  @Test
  void add_withExpiry_isNotFoundListedOrCountedFromTheExpiryInstantOn() {
    WhitelistKey k = WhitelistKey.pair(ALICE, BOB);
    store.add(k, Optional.of(T0.plusSeconds(60)));
    clock.advance(Duration.ofSeconds(59));
    assertTrue(store.contains(ALICE, BOB));
    assertTrue(store.find(k).isPresent());
    assertEquals(1, store.count());
    clock.advance(Duration.ofSeconds(1));
    assertFalse(store.contains(ALICE, BOB));
    assertEquals(Optional.empty(), store.find(k));
    assertEquals(0, store.count());
    assertEquals(List.of(), store.list(Optional.empty(), 10).entries());
  }

  @Test
  void add_existingKey_replacesExpiryAndAddedAt() {
    WhitelistKey k = WhitelistKey.pair(ALICE, BOB);
    store.add(k, Optional.of(T0.plusSeconds(60)));
    clock.advance(Duration.ofSeconds(30));
    store.add(k);
    clock.advance(Duration.ofDays(1));
    assertTrue(store.contains(ALICE, BOB), "renewed without expiry");
    WhitelistEntry e = store.find(k).orElseThrow();
    assertEquals(Optional.empty(), e.expiresAt());
    assertEquals(T0.plusSeconds(30), e.addedAt());

    store.add(k, Optional.of(clock.instant().plusSeconds(5)));
    clock.advance(Duration.ofSeconds(5));
    assertFalse(store.contains(ALICE, BOB), "renewed with an expiry that has passed");
    assertEquals(0, store.count());
  }

  @Test
  void find_keepsInstantsToTheMillisecond() {
    clock.advance(Duration.ofNanos(1_234_567));
    WhitelistKey k = WhitelistKey.globalDomain("example.org");
    store.add(k, Optional.of(T0.plus(Duration.ofDays(3)).plusNanos(999_999)));
    WhitelistEntry e = store.find(k).orElseThrow();
    assertEquals(k, e.key());
    assertEquals(Optional.of(T0.plus(Duration.ofDays(3))), e.expiresAt());
    assertEquals(T0.plusMillis(1), e.addedAt());
  }

  @Test
  void remove_presentKey_trueOnceThenFalse() {
    WhitelistKey k = WhitelistKey.pair(ALICE, BOB);
    store.add(k);
    assertTrue(store.remove(k));
    assertFalse(store.remove(k));
    assertFalse(store.contains(ALICE, BOB));
  }

  @Test
  void remove_expiredKey_false() {
    WhitelistKey k = WhitelistKey.pair(ALICE, BOB);
    store.add(k, Optional.of(T0.plusSeconds(1)));
    clock.advance(Duration.ofSeconds(2));
    assertFalse(store.remove(k));
  }

  @Test
  void removeExpired_deletesOnlyExpiredEntries() {
    store.add(WhitelistKey.pair(ALICE, BOB), Optional.of(T0.plusSeconds(10)));
    store.add(WhitelistKey.pair(ALICE, CAROL), Optional.of(T0.plusSeconds(20)));
    store.add(WhitelistKey.pair(DAVE, BOB));
    clock.advance(Duration.ofSeconds(15));
    assertEquals(1, store.removeExpired());
    assertEquals(0, store.removeExpired());
    assertEquals(2, store.count());
    clock.advance(Duration.ofSeconds(5));
    assertEquals(1, store.removeExpired());
    assertEquals(1, store.count());
    assertTrue(store.contains(DAVE, BOB));
  }

  @Test
  void list_pagesThroughAllEntriesInKeyOrderWithoutRepeats() {
    List<WhitelistKey> added = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      WhitelistKey k = WhitelistKey.pair(addr(String.format("s%02d@example.org", 24 - i)), i % 2 == 0 ? BOB : CAROL);
      store.add(k);
      added.add(k);
    }
    List<WhitelistKey> seen = new ArrayList<>();
    Optional<WhitelistKey> after = Optional.empty();
    int pages = 0;
    do {
      WhitelistPage page = store.list(after, 10);
      assertTrue(page.entries().size() <= 10);
      page.entries().forEach(e -> seen.add(e.key()));
      after = page.next();
      pages++;
    } while (after.isPresent());
    assertEquals(3, pages);
    added.sort(Comparator.comparing(WhitelistKey::sender).thenComparing(WhitelistKey::recipient));
    assertEquals(added, seen);
  }

  @Test
  void list_exactlyFullLastPage_hasNoNext() {
    store.add(WhitelistKey.pair(ALICE, BOB));
    store.add(WhitelistKey.pair(ALICE, CAROL));
    WhitelistPage page = store.list(Optional.empty(), 2);
    assertEquals(2, page.entries().size());
    assertEquals(Optional.empty(), page.next());
  }

  @Test
  void list_entriesAddedBeforeTheCursorMeanwhile_areNotRepeatedAndLaterOnesAreShown() {
    store.add(WhitelistKey.pair(addr("b@example.org"), BOB));
    store.add(WhitelistKey.pair(addr("d@example.org"), BOB));
    store.add(WhitelistKey.pair(addr("f@example.org"), BOB));
    WhitelistPage first = store.list(Optional.empty(), 2);
    assertEquals("d@example.org", first.next().orElseThrow().sender());
    store.add(WhitelistKey.pair(addr("a@example.org"), BOB));
    store.add(WhitelistKey.pair(addr("e@example.org"), BOB));
    WhitelistPage second = store.list(first.next(), 2);
    assertEquals(List.of("e@example.org", "f@example.org"),
        second.entries().stream().map(e -> e.key().sender()).toList());
    assertEquals(Optional.empty(), second.next());
  }

  @Test
  void list_skipsExpiredEntries() {
    store.add(WhitelistKey.pair(addr("a@example.org"), BOB), Optional.of(T0.plusSeconds(1)));
    store.add(WhitelistKey.pair(addr("b@example.org"), BOB));
    clock.advance(Duration.ofSeconds(1));
    WhitelistPage page = store.list(Optional.empty(), 1);
    assertEquals("b@example.org", page.entries().get(0).key().sender());
    assertEquals(Optional.empty(), page.next());
  }

  @Test
  void list_limitOutOfRange_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> store.list(Optional.empty(), 0));
    assertThrows(IllegalArgumentException.class,
        () -> store.list(Optional.empty(), WhitelistStore.MAX_PAGE_SIZE + 1));
  }

  @Test
  void secondInstance_seesTheSameEntries() {
    store.add(WhitelistKey.pair(ALICE, BOB));
    WhitelistStore other = secondInstance(clock);
    assertTrue(other.contains(ALICE, BOB));
    other.remove(WhitelistKey.pair(ALICE, BOB));
    assertFalse(store.contains(ALICE, BOB));
  }

  @Test
  void concurrentUpserts_fromTwoInstances_noErrorNoDuplicateRightCount() throws Exception {
    WhitelistStore other = secondInstance(clock);
    int threads = 4;
    int keys = 10;
    int rounds = 60;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        WhitelistStore s = t % 2 == 0 ? store : other;
        int thread = t;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < rounds; i++) {
            WhitelistKey k = WhitelistKey.pair(addr("sender" + (i % keys) + "@example.org"), BOB);
            s.add(k, (i + thread) % 2 == 0 ? Optional.empty() : Optional.of(T0.plus(Duration.ofDays(1))));
            assertTrue(s.contains(addr(k.sender()), BOB));
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(keys, store.count());
    assertEquals(keys, other.count());
    Set<WhitelistKey> listed = new HashSet<>();
    store.list(Optional.empty(), 100).entries().forEach(e -> assertTrue(listed.add(e.key())));
    assertEquals(keys, listed.size());
  }
}
