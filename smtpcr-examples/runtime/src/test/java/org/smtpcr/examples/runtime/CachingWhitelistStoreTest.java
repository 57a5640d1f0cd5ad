package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.PairLookup;
import org.smtpcr.core.store.RateBucket;
import org.smtpcr.core.store.StoreException;
import org.smtpcr.core.store.WhitelistAddition;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistPage;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.tokens.SenderAuthentication;

/**
 * The near cache on an in-memory store that stands for the shared database: writes made "by another
 * process" go to that store directly, and the change source is the test calling {@code
 * listening()}, {@code changed()} and {@code lost()}. Time is a clock the test moves; nothing
 * sleeps.
 */
final class CachingWhitelistStoreTest {
  private static final CanonicalAddress ALICE =
      CanonicalAddress.parseCanonical("alice@example.org");
  private static final CanonicalAddress BOB = CanonicalAddress.parseCanonical("bob@cr.example");
  private static final WhitelistCandidates PAIR = WhitelistCandidates.of(ALICE, BOB);
  private static final WhitelistKey KEY = WhitelistKey.pair(ALICE, BOB);

  private final MovingClock clock = new MovingClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryWhitelistStore database =
      InMemoryWhitelistStore.builder().clock(clock).build();
  private final CountingStore counted = new CountingStore(database);

  private CachingWhitelistStore listening() {
    CachingWhitelistStore cache =
        CachingWhitelistStore.builder()
            .store(counted)
            .ttl(Duration.ofMinutes(5))
            .clock(clock)
            .buildListening();
    cache.listening();
    return cache;
  }

  @Test
  void repeatedLookup_isAnsweredFromTheCache() {
    database.add(KEY);
    CachingWhitelistStore cache = listening();
    assertTrue(cache.containsAny(PAIR));
    assertTrue(cache.containsAny(PAIR));
    assertTrue(cache.findAny(PAIR).isPresent());
    assertEquals(1, counted.reads.get());
    assertEquals(2, cache.hitCount());
    assertEquals(1, cache.missCount());
  }

  @Test
  void withoutWaiting_cachedAnswer_isServedFromMemory() {
    database.add(KEY);
    CachingWhitelistStore cache = listening();
    assertTrue(cache.lookUp(PAIR).entry().isPresent());
    int before = counted.reads.get() + counted.lookUps.get();

    PairLookup answer = CachingWhitelistStore.withoutWaiting(() -> cache.lookUp(PAIR));

    assertTrue(answer.entry().isPresent());
    assertEquals(before, counted.reads.get() + counted.lookUps.get());
  }

  @Test
  void withoutWaiting_miss_throwsWouldWaitBeforeAskingTheStore() {
    database.add(KEY);
    CachingWhitelistStore cache = listening();

    assertThrows(
        CachingWhitelistStore.WouldWait.class,
        () -> CachingWhitelistStore.withoutWaiting(() -> cache.lookUp(PAIR)));
    assertThrows(
        CachingWhitelistStore.WouldWait.class,
        () -> CachingWhitelistStore.withoutWaiting(() -> cache.findDenial(PAIR)));
    assertThrows(
        CachingWhitelistStore.WouldWait.class,
        () -> CachingWhitelistStore.withoutWaiting(() -> cache.findAny(PAIR)));
    assertEquals(0, counted.reads.get() + counted.denialReads.get() + counted.lookUps.get());
    assertEquals(0, cache.missCount());
  }

  @Test
  void withoutWaiting_writeOrUncachedRead_throwsWouldWaitAndChangesNothing() {
    CachingWhitelistStore cache = listening();

    assertThrows(
        CachingWhitelistStore.WouldWait.class,
        () ->
            CachingWhitelistStore.withoutWaiting(
                () -> {
                  cache.add(KEY, SenderAuthentication.UNCHECKED);
                  return null;
                }));
    assertThrows(
        CachingWhitelistStore.WouldWait.class,
        () -> CachingWhitelistStore.withoutWaiting(cache::count));
    assertFalse(database.containsAny(PAIR));
  }

  @Test
  void withoutWaiting_afterItReturnsOrThrows_theThreadMayWaitAgain() {
    database.add(KEY);
    CachingWhitelistStore cache = listening();
    assertThrows(
        CachingWhitelistStore.WouldWait.class,
        () -> CachingWhitelistStore.withoutWaiting(() -> cache.lookUp(PAIR)));

    assertTrue(cache.lookUp(PAIR).entry().isPresent());
    assertEquals(1, counted.lookUps.get());
    assertEquals(1, cache.missCount());
  }

  @Test
  void withoutWaiting_cacheNotServing_throwsWouldWait() {
    CachingWhitelistStore cache =
        CachingWhitelistStore.builder().store(counted).clock(clock).buildListening();

    assertThrows(
        CachingWhitelistStore.WouldWait.class,
        () -> CachingWhitelistStore.withoutWaiting(() -> cache.lookUp(PAIR)));
  }

  @Test
  void beforeListening_everyLookupGoesToTheStore() {
    CachingWhitelistStore cache =
        CachingWhitelistStore.builder().store(counted).clock(clock).buildListening();
    assertFalse(cache.isServing());
    cache.containsAny(PAIR);
    cache.containsAny(PAIR);
    assertEquals(2, counted.reads.get());
  }

  @Test
  void confirmationElsewhere_isSeenOnceNotified() {
    CachingWhitelistStore cache = listening();
    assertFalse(cache.containsAny(PAIR));
    database.add(KEY); // another MX host, or the page
    cache.changed();
    assertTrue(cache.containsAny(PAIR));
  }

  @Test
  void removalElsewhere_isSeenOnceNotified() {
    database.add(KEY);
    CachingWhitelistStore cache = listening();
    assertTrue(cache.containsAny(PAIR));
    assertTrue(cache.find(KEY).isPresent());
    database.remove(KEY);
    cache.changed();
    assertFalse(cache.containsAny(PAIR));
    assertFalse(cache.find(KEY).isPresent());
  }

  @Test
  void denyElsewhere_isSeenOnceNotified() {
    CachingWhitelistStore cache = listening();
    assertEquals(Optional.empty(), cache.findDenial(PAIR));
    assertEquals(Optional.empty(), cache.findDenial(PAIR));
    assertEquals(1, counted.denialReads.get());
    database.deny(WhitelistKey.globalDomain("example.org"));
    cache.changed();
    assertEquals(Optional.of(WhitelistKey.globalDomain("example.org")), cache.findDenial(PAIR));
  }

  @Test
  void denialMiss_loadsBothAnswersInOneLookUp() {
    database.add(KEY);
    CachingWhitelistStore cache = listening();
    assertEquals(Optional.empty(), cache.findDenial(PAIR));
    assertTrue(cache.findAny(PAIR).isPresent());
    assertEquals(1, counted.lookUps.get(), "one look-up of the store answers both");
    assertEquals(1, counted.reads.get());
    assertEquals(1, cache.hitCount());
    assertEquals(1, cache.missCount());
    assertEquals(new PairLookup(Optional.empty(), database.findAny(PAIR)), cache.lookUp(PAIR));
    assertEquals(1, counted.lookUps.get(), "both answers from the cache");
    database.remove(KEY);
    database.deny(KEY);
    cache.changed();
    assertEquals(Optional.of(KEY), cache.findDenial(PAIR));
    assertFalse(cache.findAny(PAIR).isPresent());
    assertEquals(2, counted.lookUps.get());
  }

  @Test
  void changeDuringACombinedLoad_neitherAnswerIsKept() {
    CachingWhitelistStore cache = listening();
    AtomicReference<Runnable> duringRead = new AtomicReference<>();
    counted.duringRead =
        () -> Optional.ofNullable(duringRead.getAndSet(null)).ifPresent(Runnable::run);
    duringRead.set(
        () -> {
          // the database answered "absent" already; then the page confirms and the notice comes
          database.add(KEY);
          cache.changed();
        });
    assertEquals(Optional.empty(), cache.findDenial(PAIR));
    assertTrue(cache.findAny(PAIR).isPresent(), "not the absent answer from before the change");
    assertEquals(2, counted.reads.get());
  }

  @Test
  void notServing_aCombinedLoadKeepsNothing() {
    database.add(KEY);
    CachingWhitelistStore cache =
        CachingWhitelistStore.builder().store(counted).clock(clock).buildListening();
    cache.findDenial(PAIR);
    cache.findAny(PAIR);
    assertEquals(1, counted.lookUps.get());
    assertEquals(2, counted.reads.get(), "findAny went to the store");
    assertEquals(0, cache.hitCount());
  }

  @Test
  void lostListener_storeDown_failsRatherThanAStaleAccept() {
    database.add(KEY);
    CachingWhitelistStore cache = listening();
    assertTrue(cache.containsAny(PAIR));
    database.remove(KEY); // removed, then the database goes away before this host hears of it
    counted.down = true;
    cache.lost();
    assertFalse(cache.isServing());
    assertThrows(StoreException.class, () -> cache.containsAny(PAIR));
    assertThrows(StoreException.class, () -> cache.findDenial(PAIR));
    counted.down = false;
    assertFalse(cache.containsAny(PAIR));
    assertEquals(0, cache.hitCount());
  }

  @Test
  void lostListener_nothingIsCachedUntilItListensAgain() {
    CachingWhitelistStore cache = listening();
    cache.lost();
    cache.containsAny(PAIR);
    cache.containsAny(PAIR);
    assertEquals(2, counted.reads.get());
    cache.listening();
    cache.containsAny(PAIR);
    cache.containsAny(PAIR);
    assertEquals(3, counted.reads.get());
  }

  @Test
  void localWrites_clearTheCacheAtOnce() {
    CachingWhitelistStore cache = listening();
    assertFalse(cache.containsAny(PAIR));
    cache.add(KEY);
    assertTrue(cache.containsAny(PAIR));
    cache.remove(KEY);
    assertFalse(cache.containsAny(PAIR));
    cache.deny(KEY);
    assertTrue(cache.findDenial(PAIR).isPresent());
    assertTrue(cache.removeDenial(KEY));
    assertFalse(cache.findDenial(PAIR).isPresent());
    cache.addAll(
        List.of(new WhitelistAddition(KEY, Optional.empty(), SenderAuthentication.UNCHECKED)));
    assertTrue(cache.containsAny(PAIR));
  }

  @Test
  void failedWrite_stillClears() {
    CachingWhitelistStore cache = listening();
    assertFalse(cache.containsAny(PAIR));
    database.add(KEY); // committed before the local write failed, say
    counted.down = true;
    assertThrows(StoreException.class, () -> cache.remove(KEY));
    counted.down = false;
    assertTrue(cache.containsAny(PAIR));
  }

  @Test
  void expiredEntry_isNeverServedFromTheCache() {
    database.add(KEY, clock.instant().plusSeconds(10));
    CachingWhitelistStore cache = listening();
    assertTrue(cache.containsAny(PAIR));
    clock.advance(Duration.ofSeconds(9));
    assertTrue(cache.containsAny(PAIR));
    clock.advance(Duration.ofSeconds(1));
    assertFalse(cache.containsAny(PAIR));
    assertFalse(cache.find(KEY).isPresent());
  }

  @Test
  void withoutListener_anAnswerLastsTheTtl() {
    CachingWhitelistStore cache =
        CachingWhitelistStore.builder()
            .store(counted)
            .ttl(Duration.ofSeconds(1))
            .clock(clock)
            .build();
    assertTrue(cache.isServing());
    assertFalse(cache.containsAny(PAIR));
    database.add(KEY);
    clock.advance(Duration.ofMillis(999));
    assertFalse(cache.containsAny(PAIR)); // within the bound: not seen yet
    clock.advance(Duration.ofMillis(1));
    assertTrue(cache.containsAny(PAIR));
  }

  @Test
  void changeDuringALoad_theOldAnswerIsNotKept() {
    CachingWhitelistStore cache = listening();
    AtomicReference<Runnable> duringRead = new AtomicReference<>();
    counted.duringRead =
        () -> Optional.ofNullable(duringRead.getAndSet(null)).ifPresent(Runnable::run);
    duringRead.set(
        () -> {
          // the database answered "absent" already; then the page confirms and the notice comes
          database.add(KEY);
          cache.changed();
        });
    assertFalse(cache.containsAny(PAIR));
    assertTrue(cache.containsAny(PAIR));
  }

  @Test
  void listenerLostDuringALoad_theAnswerIsNotServedOnceItListensAgain() {
    database.add(KEY);
    CachingWhitelistStore cache = listening();
    AtomicReference<Runnable> duringRead = new AtomicReference<>();
    counted.duringRead =
        () -> Optional.ofNullable(duringRead.getAndSet(null)).ifPresent(Runnable::run);
    duringRead.set(
        () -> {
          // the connection drops while the look-up is out; meanwhile another host removes the pair
          cache.lost();
          database.remove(KEY);
          cache.listening();
        });
    assertTrue(cache.containsAny(PAIR), "the database's answer at the time");
    assertFalse(cache.containsAny(PAIR), "not the answer from before the loss");
    assertEquals(2, counted.reads.get());
  }

  @Test
  void aListenerThatIsNotHeardFrom_stopsTheCacheWhenItsLeaseRunsOut() {
    database.add(KEY);
    CachingWhitelistStore cache = listening();
    assertTrue(cache.containsAny(PAIR));
    clock.advance(CachingWhitelistStore.LEASE.minusMillis(1));
    assertTrue(cache.isServing());
    assertTrue(cache.containsAny(PAIR));
    assertEquals(1, counted.reads.get(), "served within the lease");
    clock.advance(Duration.ofMillis(1));
    assertFalse(cache.isServing(), "the lease ran out: nobody said the connection is alive");
    // another host removes the pair, and this host's listener hears nothing: no stale accept
    database.remove(KEY);
    assertFalse(cache.containsAny(PAIR));
    assertEquals(2, counted.reads.get());
    cache.alive();
    assertTrue(cache.isServing(), "renewed");
  }

  @Test
  void aStoreThatFailsOnceTheLeaseRanOut_failsRatherThanServingAStaleAccept() {
    database.add(KEY);
    CachingWhitelistStore cache = listening();
    assertTrue(cache.containsAny(PAIR));
    clock.advance(CachingWhitelistStore.LEASE);
    counted.duringRead =
        () -> {
          throw new org.smtpcr.core.store.StoreException("database down");
        };
    assertThrows(org.smtpcr.core.store.StoreException.class, () -> cache.containsAny(PAIR));
  }

  @Test
  void sizeIsBounded_answersStayRight() {
    CachingWhitelistStore cache =
        CachingWhitelistStore.builder().store(counted).maximumSize(1).clock(clock).buildListening();
    cache.listening();
    WhitelistCandidates other =
        WhitelistCandidates.of(CanonicalAddress.parseCanonical("carol@example.net"), BOB);
    database.add(KEY);
    for (int i = 0; i < 5; i++) {
      assertTrue(cache.containsAny(PAIR));
      assertFalse(cache.containsAny(other));
    }
    assertTrue(counted.reads.get() > 2, "a cache of one answer cannot hold two");
  }

  @Test
  void builder_refusesBadValues() {
    assertThrows(IllegalStateException.class, () -> CachingWhitelistStore.builder().build());
    assertThrows(
        IllegalArgumentException.class, () -> CachingWhitelistStore.builder().maximumSize(0));
    assertThrows(
        IllegalArgumentException.class, () -> CachingWhitelistStore.builder().ttl(Duration.ZERO));
    assertThrows(
        IllegalStateException.class,
        () ->
            CachingWhitelistStore.builder().ttl(Duration.ofSeconds(1)).ttl(Duration.ofSeconds(1)));
  }

  // ---- the key filter ----

  private static final CanonicalAddress MALLORY =
      CanonicalAddress.parseCanonical("mallory@spam.example");
  private static final WhitelistCandidates STRANGER = WhitelistCandidates.of(MALLORY, BOB);
  private static final WhitelistKey STRANGER_KEY = WhitelistKey.pair(MALLORY, BOB);

  /** Builds of the key filter, run when the test says so. */
  private final List<Runnable> builds = new ArrayList<>();

  /** A listening cache with a key filter of at most {@code maxKeys}, built on this thread. */
  private CachingWhitelistStore filtered(int maxKeys) {
    CachingWhitelistStore cache =
        CachingWhitelistStore.builder()
            .store(counted)
            .ttl(Duration.ofMinutes(5))
            .clock(clock)
            .keyFilter(maxKeys)
            .filterExecutor(Runnable::run)
            .buildListening();
    cache.listening();
    return cache;
  }

  /** A listening cache with a key filter whose builds wait in {@link #builds}. */
  private CachingWhitelistStore filteredByHand() {
    CachingWhitelistStore cache =
        CachingWhitelistStore.builder()
            .store(counted)
            .ttl(Duration.ofMinutes(5))
            .clock(clock)
            .keyFilter(1000)
            .filterExecutor(builds::add)
            .buildListening();
    cache.listening();
    return cache;
  }

  private void runBuilds() {
    while (!builds.isEmpty()) {
      builds.remove(0).run();
    }
  }

  /** The whitelist and deny-list reads the store answered (a combined look-up is two). */
  private int storeReads() {
    return counted.reads.get() + counted.denialReads.get();
  }

  @Test
  void filter_aSenderTheStoreDoesNotHold_isAnsweredWithoutAskingIt() {
    database.add(KEY);
    database.deny(WhitelistKey.globalDomain("denied.example"));
    CachingWhitelistStore cache = filtered(1000);
    assertTrue(cache.isFilterServing());
    assertEquals(2, cache.filterKeyCount());

    assertEquals(new PairLookup(Optional.empty(), Optional.empty()), cache.lookUp(STRANGER));
    assertFalse(cache.containsAny(STRANGER));
    assertTrue(cache.findAny(STRANGER).isEmpty());
    assertTrue(cache.findDenial(STRANGER).isEmpty());
    assertTrue(cache.find(STRANGER_KEY).isEmpty());

    assertEquals(0, storeReads());
    assertEquals(0, cache.missCount());
    assertEquals(5, cache.filterHitCount());
    assertEquals(5, cache.hitCount());
  }

  @Test
  void filter_heldPairAndDomainAndGlobalEntries_stillGoToTheStoreAndAreFound() {
    CanonicalAddress carol = CanonicalAddress.parseCanonical("carol@lists.partner.example");
    CanonicalAddress dave = CanonicalAddress.parseCanonical("dave@anywhere.example");
    database.add(KEY);
    database.add(WhitelistKey.domain("partner.example", BOB));
    database.add(WhitelistKey.globalSender(dave));
    CachingWhitelistStore cache = filtered(1000);
    assertTrue(cache.isFilterServing());

    assertEquals(KEY, cache.lookUp(PAIR).entry().orElseThrow().key());
    assertEquals(
        WhitelistKey.domain("partner.example", BOB),
        cache.findAny(WhitelistCandidates.of(carol, BOB)).orElseThrow().key());
    CanonicalAddress erin = CanonicalAddress.parseCanonical("erin@cr.example");
    assertTrue(cache.containsAny(WhitelistCandidates.of(dave, erin)));
    assertTrue(cache.find(KEY).isPresent());
    assertEquals(0, cache.filterHitCount());
    assertEquals(4, cache.missCount());
  }

  @Test
  void filter_aDenyEntry_letsTheLookUpThroughToTheDenial() {
    WhitelistKey denied = WhitelistKey.globalDomain("spam.example");
    database.deny(denied);
    CachingWhitelistStore cache = filtered(1000);
    assertTrue(cache.isFilterServing());

    assertEquals(Optional.of(denied), cache.lookUp(STRANGER).denial());
    assertEquals(Optional.of(denied), cache.findDenial(STRANGER));
    assertEquals(0, cache.filterHitCount());
    assertEquals(1, counted.lookUps.get());
  }

  @Test
  void filter_afterAChange_isNotUsedUntilBuiltAgain_thenFindsTheNewEntry() {
    database.add(KEY);
    CachingWhitelistStore cache = filteredByHand();
    assertFalse(cache.isFilterServing(), "not built yet");
    runBuilds();
    assertTrue(cache.isFilterServing());
    assertFalse(cache.containsAny(STRANGER));
    assertEquals(0, storeReads());

    database.add(STRANGER_KEY); // by another process
    cache.changed();
    assertFalse(cache.isFilterServing());
    assertEquals(0, cache.filterKeyCount());
    assertTrue(cache.containsAny(STRANGER), "asked the store: the old filter is not used");
    assertEquals(1, storeReads());

    runBuilds();
    assertTrue(cache.isFilterServing());
    assertEquals(2, cache.filterKeyCount());
    cache.changed(); // forget the cached answer; the build it asks for waits
    runBuilds();
    assertTrue(cache.lookUp(STRANGER).entry().isPresent());
    assertEquals(3, storeReads());
  }

  @Test
  void filter_aBuildDuringWhichAChangeHappens_isNotInstalled() {
    database.add(KEY);
    CachingWhitelistStore cache = filteredByHand();
    // another process adds the stranger just after the build read the list, and the change is
    // heard while the build still runs
    AtomicInteger pages = new AtomicInteger();
    counted.duringList =
        () -> {
          if (pages.incrementAndGet() == 1) {
            database.add(STRANGER_KEY);
            cache.changed();
          }
        };
    builds.remove(0).run();
    counted.duringList = () -> {};
    assertFalse(cache.isFilterServing(), "a filter without the stranger would deny the entry");
    assertTrue(cache.lookUp(STRANGER).entry().isPresent());

    runBuilds(); // the build the change asked for
    assertTrue(cache.isFilterServing());
    cache.changed();
    runBuilds();
    assertTrue(cache.findAny(STRANGER).isPresent());
  }

  @Test
  void filter_aLocalWriteDuringABuild_discardsIt() {
    CachingWhitelistStore cache = filteredByHand();
    counted.duringList =
        () -> {
          counted.duringList = () -> {};
          cache.add(STRANGER_KEY, SenderAuthentication.UNCHECKED);
        };
    builds.remove(0).run();
    assertFalse(cache.isFilterServing());
    assertTrue(cache.containsAny(STRANGER));
    runBuilds();
    assertTrue(cache.isFilterServing());
    assertTrue(cache.find(STRANGER_KEY).isPresent());
  }

  @Test
  void filter_moreKeysThanAllowed_noFilter() {
    database.add(KEY);
    database.add(WhitelistKey.globalDomain("one.example"));
    database.add(WhitelistKey.globalDomain("two.example"));
    CachingWhitelistStore cache = filtered(2);
    assertFalse(cache.isFilterServing());
    assertEquals(0, cache.filterKeyCount());
    assertFalse(cache.containsAny(STRANGER));
    assertEquals(1, storeReads());
    assertEquals(0, cache.filterHitCount());
  }

  @Test
  void filter_denialsBeyondTheLimit_noFilter() {
    database.add(KEY);
    database.deny(WhitelistKey.globalDomain("one.example"));
    database.deny(WhitelistKey.globalDomain("two.example"));
    CachingWhitelistStore cache = filtered(2); // count() says 1; the deny list makes it 3
    assertFalse(cache.isFilterServing());
    assertFalse(cache.containsAny(STRANGER));
    assertEquals(1, storeReads());
  }

  @Test
  void filter_aDenyListFarLargerThanTheWhitelist_isSizedForIt_andStillAnswersStrangers() {
    // the filter is first sized by count(), the whitelist's: 20,000 denials would fill a filter
    // sized for one entry, and it would let nearly every stranger through to the store
    database.add(KEY);
    for (int i = 0; i < 20_000; i++) {
      database.deny(WhitelistKey.globalDomain("d" + i + ".example"));
    }
    CachingWhitelistStore cache = filtered(100_000);
    assertTrue(cache.isFilterServing());
    assertEquals(20_001, cache.filterKeyCount());
    int before = storeReads();
    int answered = 0;
    for (int i = 0; i < 200; i++) {
      WhitelistCandidates c =
          WhitelistCandidates.of(
              CanonicalAddress.parseCanonical("s" + i + "@stranger" + i + ".test"), BOB);
      if (cache.lookUp(c).equals(new PairLookup(Optional.empty(), Optional.empty()))
          && storeReads() == before) {
        answered++;
      }
    }
    assertTrue(answered >= 190, "strangers answered by the filter: " + answered + " of 200");
  }

  @Test
  void filter_stopped_asTheStoreCloses_isDroppedAndNeverBuiltAgain() {
    database.add(KEY);
    CachingWhitelistStore cache = filtered(1000);
    assertTrue(cache.isFilterServing());
    cache.stopFilter();
    assertFalse(cache.isFilterServing());
    int before = storeReads();
    cache.changed();
    cache.listening();
    assertFalse(cache.isFilterServing());
    assertEquals(before, storeReads(), "no build read the store");
    assertFalse(cache.containsAny(STRANGER)); // asked of the store, as without a filter
    assertEquals(before + 1, storeReads());
  }

  @Test
  void filter_aStoreThatFailsDuringTheBuild_leavesNoFilter_andIsTriedAgainLater() {
    database.add(KEY);
    counted.down = true;
    CachingWhitelistStore cache = filtered(1000);
    assertFalse(cache.isFilterServing());
    assertThrows(StoreException.class, () -> cache.lookUp(STRANGER));
    assertThrows(StoreException.class, () -> cache.containsAny(STRANGER));
    assertEquals(0, cache.hitCount());

    counted.down = false;
    assertFalse(cache.containsAny(STRANGER));
    assertEquals(1, storeReads());
    cache.alive();
    assertFalse(cache.isFilterServing(), "not tried again at once");

    clock.advance(CachingWhitelistStore.FILTER_RETRY);
    cache.alive();
    assertTrue(cache.isFilterServing());
    assertTrue(cache.findDenial(WhitelistCandidates.of(MALLORY, ALICE)).isEmpty());
    assertEquals(1, cache.filterHitCount());
  }

  @Test
  void filter_aStoreThatFailsHalfWay_leavesNoFilter() {
    database.add(KEY);
    counted.duringList = () -> counted.down = true;
    CachingWhitelistStore cache = filtered(1000);
    counted.duringList = () -> {};
    assertFalse(cache.isFilterServing());
    assertThrows(StoreException.class, () -> cache.lookUp(STRANGER));
  }

  @Test
  void filter_withoutWaiting_answersAStrangerFromMemory() {
    database.add(KEY);
    CachingWhitelistStore cache = filtered(1000);
    PairLookup answer = CachingWhitelistStore.withoutWaiting(() -> cache.lookUp(STRANGER));
    assertEquals(new PairLookup(Optional.empty(), Optional.empty()), answer);
    assertFalse(CachingWhitelistStore.withoutWaiting(() -> cache.containsAny(STRANGER)));
    assertThrows(
        CachingWhitelistStore.WouldWait.class,
        () -> CachingWhitelistStore.withoutWaiting(() -> cache.lookUp(PAIR)));
    assertEquals(0, storeReads());
  }

  @Test
  void filter_notServing_isNeverUsed() {
    database.add(KEY);
    CachingWhitelistStore cache = filtered(1000);
    assertTrue(cache.isFilterServing());

    // the lease runs out: nothing is cleared, but nothing is served either
    clock.advance(CachingWhitelistStore.LEASE);
    assertFalse(cache.isFilterServing());
    assertEquals(0, cache.filterKeyCount());
    assertFalse(cache.containsAny(STRANGER));
    assertEquals(1, storeReads());
    cache.alive();
    assertFalse(cache.containsAny(STRANGER));
    assertEquals(1, storeReads(), "served again once renewed");

    cache.lost();
    assertFalse(cache.isFilterServing());
    assertTrue(cache.lookUp(STRANGER).entry().isEmpty());
    assertEquals(3, storeReads());
    int listed = counted.listReads.get();
    cache.changed();
    assertEquals(listed, counted.listReads.get(), "no build while not serving");
  }

  @Test
  void filter_withoutAListener_isNeverBuilt() {
    database.add(KEY);
    CachingWhitelistStore cache =
        CachingWhitelistStore.builder()
            .store(counted)
            .clock(clock)
            .keyFilter(1000)
            .filterExecutor(
                r -> {
                  throw new AssertionError("a filter build was asked for");
                })
            .build();
    cache.add(STRANGER_KEY, SenderAuthentication.UNCHECKED);
    cache.invalidateAll();
    assertFalse(cache.isFilterServing());
    assertTrue(cache.containsAny(STRANGER));
    assertFalse(cache.containsAny(WhitelistCandidates.of(MALLORY, ALICE)));
    assertEquals(0, counted.listReads.get());
    assertEquals(0, cache.filterHitCount());
  }

  @Test
  void filter_off_byDefault() {
    CachingWhitelistStore cache = listening();
    assertFalse(cache.isFilterServing());
    assertFalse(cache.containsAny(STRANGER));
    assertEquals(1, storeReads());
    assertEquals(0, counted.listReads.get());
  }

  @Test
  void filter_keyFilter_refusesBadValues() {
    assertThrows(
        IllegalArgumentException.class, () -> CachingWhitelistStore.builder().keyFilter(-1));
    assertThrows(
        IllegalArgumentException.class,
        () -> CachingWhitelistStore.builder().keyFilter(CachingWhitelistStore.MAX_FILTER_KEYS + 1));
  }

  /** A store that counts look-ups and can be "down". */
  private static final class CountingStore implements WhitelistStore {
    private final WhitelistStore store;
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger denialReads = new AtomicInteger();
    final AtomicInteger lookUps = new AtomicInteger();
    volatile boolean down;
    volatile Runnable duringRead = () -> {};

    /** Pages and counts read (the key filter's builds). */
    final AtomicInteger listReads = new AtomicInteger();

    /** Runs after each page of a list has been read, before it is returned. */
    volatile Runnable duringList = () -> {};

    CountingStore(WhitelistStore store) {
      this.store = store;
    }

    private void check() {
      if (down) {
        throw new StoreException("the database is down");
      }
    }

    @Override
    public Optional<WhitelistEntry> findAny(WhitelistCandidates candidates) {
      check();
      reads.incrementAndGet();
      Optional<WhitelistEntry> e = store.findAny(candidates);
      duringRead.run();
      return e;
    }

    @Override
    public boolean containsAny(WhitelistCandidates candidates) {
      return findAny(candidates).isPresent();
    }

    @Override
    public Optional<WhitelistEntry> find(WhitelistKey key) {
      check();
      reads.incrementAndGet();
      return store.find(key);
    }

    /** One call, as a database answers it in one round trip; each answer counted as before. */
    @Override
    public PairLookup lookUp(WhitelistCandidates candidates) {
      check();
      lookUps.incrementAndGet();
      Optional<WhitelistKey> denial = findDenial(candidates);
      return new PairLookup(denial, findAny(candidates));
    }

    @Override
    public Optional<WhitelistKey> findDenial(WhitelistCandidates candidates) {
      check();
      denialReads.incrementAndGet();
      return store.findDenial(candidates);
    }

    @Override
    public void add(WhitelistKey key, SenderAuthentication authentication) {
      check();
      store.add(key, authentication);
    }

    @Override
    public void add(WhitelistKey key, Instant expiresAt, SenderAuthentication authentication) {
      check();
      store.add(key, expiresAt, authentication);
    }

    @Override
    public org.smtpcr.core.store.Confirmation confirm(
        WhitelistKey key,
        Optional<Instant> expiresAt,
        SenderAuthentication authentication,
        org.smtpcr.core.store.EntryOrigin origin) {
      check();
      return store.confirm(key, expiresAt, authentication, origin);
    }

    @Override
    public void deny(WhitelistKey key) {
      check();
      store.deny(key);
    }

    @Override
    public boolean removeDenial(WhitelistKey key) {
      check();
      return store.removeDenial(key);
    }

    @Override
    public WhitelistPage listDenials(Optional<WhitelistKey> after, int limit) {
      check();
      listReads.incrementAndGet();
      WhitelistPage page = store.listDenials(after, limit);
      duringList.run();
      return page;
    }

    @Override
    public Optional<RateBucket> countIfUnder(List<RateBucket> buckets) {
      return store.countIfUnder(buckets);
    }

    @Override
    public long countOf(String key) {
      return store.countOf(key);
    }

    @Override
    public boolean remove(WhitelistKey key) {
      check();
      return store.remove(key);
    }

    @Override
    public WhitelistPage list(int limit) {
      check();
      listReads.incrementAndGet();
      WhitelistPage page = store.list(limit);
      duringList.run();
      return page;
    }

    @Override
    public WhitelistPage listAfter(WhitelistKey after, int limit) {
      check();
      listReads.incrementAndGet();
      WhitelistPage page = store.listAfter(after, limit);
      duringList.run();
      return page;
    }

    @Override
    public long count() {
      check();
      listReads.incrementAndGet();
      return store.count();
    }

    @Override
    public long removeExpired() {
      return store.removeExpired();
    }
  }
}
