package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.PairLookup;
import org.smtpcr.core.store.PostgresServer;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.runtime.CachingWhitelistStore;
import org.smtpcr.examples.runtime.OpenStore;
import org.smtpcr.examples.runtime.StoreSpec;

/**
 * The near cache's key filter on a real PostgreSQL, opened as every server opens its store ({@link
 * OpenStore}): it is built, a sender the store does not hold costs no query, and an entry or a
 * denial made by another process is seen within a second (a change takes the filter away until it
 * is built again, and the look-ups go to the database meanwhile).
 */
final class NearCacheFilterPostgresTest {
  /** The bound: every MX host sees a change within a second. */
  private static final Duration BOUND = Duration.ofSeconds(1);

  /** How long the listener may take to connect and the filter to be built. */
  private static final Duration START_BOUND = Duration.ofSeconds(60);

  private static final CanonicalAddress ALICE =
      CanonicalAddress.parseCanonical("alice@sender.example");
  private static final CanonicalAddress BOB = CanonicalAddress.parseCanonical("bob@example.com");
  private static final CanonicalAddress MALLORY =
      CanonicalAddress.parseCanonical("mallory@spam.example");
  private static final CanonicalAddress TRENT =
      CanonicalAddress.parseCanonical("trent@other.example");

  /** The store's look-ups that a decision makes. */
  private static final Set<String> LOOK_UPS =
      Set.of("lookUp", "findAny", "containsAny", "findDenial", "find");

  private final AtomicInteger queries = new AtomicInteger();

  /** {@code store}, counting the look-ups that reach it (each a query of the database). */
  private WhitelistStore counting(WhitelistStore store) {
    return (WhitelistStore)
        Proxy.newProxyInstance(
            WhitelistStore.class.getClassLoader(),
            new Class<?>[] {WhitelistStore.class},
            (proxy, method, args) -> {
              if (LOOK_UPS.contains(method.getName())) {
                queries.incrementAndGet();
              }
              try {
                return method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void filterBuilt_strangerCostsNoQuery_changesElsewhereSeenWithinASecond() throws Exception {
    try (PostgresServer pg = PostgresServer.startOrSkip()) {
      StoreSpec spec =
          StoreSpec.ofUrl("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres?user=smtpcr");
      assertEquals(CachingWhitelistStore.DEFAULT_FILTER_KEYS, spec.cacheFilterKeys());
      try (OpenStore one = OpenStore.open(spec, "filter-one", Clock.systemUTC(), this::counting);
          OpenStore two = OpenStore.open(spec, "filter-two")) {
        two.jdbc().migrate();
        two.jdbc().add(WhitelistKey.pair(ALICE, BOB));
        WhitelistStore store = one.store(); // starts the listener
        CachingWhitelistStore cache = one.cache().orElseThrow();
        await(cache::isFilterServing, "the key filter built", START_BOUND);
        assertEquals(1, cache.filterKeyCount());

        // a sender the store does not hold: no query, whatever is asked (polled: a listener
        // starved past its lease on a busy machine stops the cache for a moment, rightly)
        WhitelistCandidates stranger = WhitelistCandidates.of(MALLORY, BOB);
        await(
            () -> {
              int before = queries.get();
              long answered = cache.filterHitCount();
              assertEquals(
                  new PairLookup(Optional.empty(), Optional.empty()), store.lookUp(stranger));
              assertTrue(store.findAny(WhitelistCandidates.of(MALLORY, ALICE)).isEmpty());
              assertTrue(store.findDenial(WhitelistCandidates.of(TRENT, BOB)).isEmpty());
              return queries.get() == before && cache.filterHitCount() == answered + 3;
            },
            "stranger's look-ups answered by the filter, without a query",
            START_BOUND);

        // the held pair still goes to the database, and is found
        int before = queries.get();
        assertTrue(store.lookUp(WhitelistCandidates.of(ALICE, BOB)).entry().isPresent());
        assertEquals(before + 1, queries.get());

        // confirmed through another process's cache: seen within a second
        two.store().add(WhitelistKey.pair(MALLORY, BOB));
        await(() -> store.lookUp(stranger).entry().isPresent(), "the new entry", BOUND);

        // denied by a plain write to the database (no cache): seen within a second
        WhitelistCandidates trent = WhitelistCandidates.of(TRENT, BOB);
        two.jdbc().deny(WhitelistKey.globalDomain("other.example"));
        await(() -> store.lookUp(trent).denial().isPresent(), "the new denial", BOUND);

        // the filter is built again, with both new keys, and serves again
        await(
            () -> cache.isFilterServing() && cache.filterKeyCount() == 3,
            "the key filter built again",
            START_BOUND);
        await(
            () -> {
              int now = queries.get();
              long answered = cache.filterHitCount();
              assertTrue(store.lookUp(WhitelistCandidates.of(ALICE, TRENT)).entry().isEmpty());
              return queries.get() == now && cache.filterHitCount() == answered + 1;
            },
            "a stranger's look-up answered by the filter",
            START_BOUND);
        assertTrue(store.findDenial(trent).isPresent(), "the denial is let through");
      }
    }
  }

  /** Polls {@code condition} until it holds, or fails after {@code bound} (no sleep). */
  private static void await(BooleanSupplier condition, String what, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("no " + what + " within " + bound);
      }
      Thread.onSpinWait();
    }
  }
}
