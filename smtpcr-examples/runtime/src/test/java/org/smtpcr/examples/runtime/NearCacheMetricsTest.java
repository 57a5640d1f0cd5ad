package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.examples.runtime.metrics.NearCacheMetrics;

/**
 * {@link NearCacheMetrics} on a listening cache with a key filter (here, in the cache's package,
 * where the test plays its change listener).
 */
final class NearCacheMetricsTest {
  private static final CanonicalAddress ALICE =
      CanonicalAddress.parseCanonical("alice@example.org");
  private static final CanonicalAddress BOB = CanonicalAddress.parseCanonical("bob@cr.example");
  private static final CanonicalAddress MALLORY =
      CanonicalAddress.parseCanonical("mallory@spam.example");

  private final MovingClock clock = new MovingClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final MeterRegistry registry = new SimpleMeterRegistry();

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  @Test
  void filterKeysAndAnswers_showTheFilterWorking() {
    InMemoryWhitelistStore database = InMemoryWhitelistStore.builder().clock(clock).build();
    database.add(WhitelistKey.pair(ALICE, BOB));
    database.deny(WhitelistKey.globalDomain("denied.example"));
    CachingWhitelistStore cache =
        CachingWhitelistStore.builder()
            .store(database)
            .ttl(Duration.ofMinutes(5))
            .clock(clock)
            .keyFilter(1000)
            .filterExecutor(Runnable::run)
            .buildListening();
    NearCacheMetrics.register(cache, registry);
    assertEquals(0.0, gauge("smtpcr.store.cache.filter.keys"), "not listening yet");
    assertEquals(0.0, gauge("smtpcr.store.cache.serving"));

    cache.listening();
    assertEquals(1.0, gauge("smtpcr.store.cache.serving"));
    assertEquals(2.0, gauge("smtpcr.store.cache.filter.keys"));
    cache.lookUp(WhitelistCandidates.of(MALLORY, BOB));
    cache.containsAny(WhitelistCandidates.of(MALLORY, ALICE));
    cache.lookUp(WhitelistCandidates.of(ALICE, BOB));
    assertEquals(2.0, counter("smtpcr.store.cache.filter.answers"));
    assertEquals(2.0, counter("smtpcr.store.cache.lookups", "result", "hit"));
    assertEquals(1.0, counter("smtpcr.store.cache.lookups", "result", "miss"));

    cache.lost();
    assertEquals(0.0, gauge("smtpcr.store.cache.filter.keys"), "not serving");
    assertEquals(2.0, counter("smtpcr.store.cache.filter.answers"));
  }

  @Test
  void withoutAFilter_theGaugeIsZero() {
    CachingWhitelistStore cache =
        CachingWhitelistStore.builder()
            .store(InMemoryWhitelistStore.builder().clock(clock).build())
            .clock(clock)
            .build();
    NearCacheMetrics.register(cache, registry);
    assertEquals(0.0, gauge("smtpcr.store.cache.filter.keys"));
    assertEquals(0.0, counter("smtpcr.store.cache.filter.answers"));
    assertEquals(1.0, gauge("smtpcr.store.cache.serving"));
  }
}
