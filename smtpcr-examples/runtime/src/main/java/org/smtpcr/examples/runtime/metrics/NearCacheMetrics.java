package org.smtpcr.examples.runtime.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.smtpcr.examples.runtime.CachingWhitelistStore;

/**
 * Meters of the whitelist store's near cache ({@link CachingWhitelistStore}):
 *
 * <ul>
 *   <li>{@code smtpcr.store.cache.lookups} (function counter; tag {@code result}: {@code hit} or
 *       {@code miss}): the decision look-ups the cache answered, and those that went to the store
 *       (also every look-up made while the cache did not serve);
 *   <li>{@code smtpcr.store.cache.serving} (gauge): 1 while the cache serves, 0 while its change
 *       listener is not connected and every look-up goes to the database;
 *   <li>{@code smtpcr.store.cache.filter.keys} (gauge): the keys in the {@linkplain
 *       CachingWhitelistStore.Builder#keyFilter key filter} that serves now, 0 while there is none
 *       (turned off, the store holds more keys than allowed, or not yet built again since the last
 *       change);
 *   <li>{@code smtpcr.store.cache.filter.answers} (function counter): the look-ups the key filter
 *       answered without the store, senders the store does not hold (also counted as hits).
 * </ul>
 *
 * <p>Put {@link TimedWhitelistStore} beneath the cache (as {@code OpenStore.open(spec, name, clock,
 * beneathCache)} does), so that the store's latency is the database's.
 *
 * @since 0.3.0
 */
public final class NearCacheMetrics {
  private NearCacheMetrics() {}

  /**
   * Registers the cache's meters in {@code registry}.
   *
   * @param cache the cache
   * @param registry where the meters are registered
   */
  public static void register(CachingWhitelistStore cache, MeterRegistry registry) {
    requireNonNull(cache, "cache");
    requireNonNull(registry, "registry");
    FunctionCounter.builder("smtpcr.store.cache.lookups", cache, CachingWhitelistStore::hitCount)
        .description("Decision look-ups of the whitelist store's near cache, by result")
        .tag("result", "hit")
        .register(registry);
    FunctionCounter.builder("smtpcr.store.cache.lookups", cache, CachingWhitelistStore::missCount)
        .description("Decision look-ups of the whitelist store's near cache, by result")
        .tag("result", "miss")
        .register(registry);
    Gauge.builder("smtpcr.store.cache.serving", cache, c -> c.isServing() ? 1 : 0)
        .description("1 while the near cache serves, 0 while every look-up goes to the database")
        .register(registry);
    Gauge.builder("smtpcr.store.cache.filter.keys", cache, CachingWhitelistStore::filterKeyCount)
        .description(
            "Keys in the near cache's key filter that serves now; 0 while there is none and every"
                + " look-up the cache cannot answer goes to the database")
        .register(registry);
    FunctionCounter.builder(
            "smtpcr.store.cache.filter.answers", cache, CachingWhitelistStore::filterHitCount)
        .description(
            "Look-ups the near cache's key filter answered without the database (also hits)")
        .register(registry);
  }
}
