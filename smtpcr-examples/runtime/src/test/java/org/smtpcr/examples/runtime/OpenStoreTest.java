package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistKey;

/**
 * {@link OpenStore} on H2: no cache by default, a serving TTL-only cache with {@code cache=on}. The
 * PostgreSQL listener is proven in the cli module's {@code SharedPostgresCacheTest}.
 */
final class OpenStoreTest {
  private static final CanonicalAddress ALICE =
      CanonicalAddress.parseCanonical("alice@example.org");
  private static final CanonicalAddress BOB = CanonicalAddress.parseCanonical("bob@cr.example");

  @TempDir Path dir;

  private StoreSpec spec(String name, Map<String, String> more) {
    String url = "jdbc:h2:file:" + dir.resolve(name) + ";DB_CLOSE_DELAY=-1";
    return StoreSpec.parse(
        n -> n.equals(StoreSpec.URL) ? Optional.of(url) : Optional.ofNullable(more.get(n)),
        n -> Optional.empty());
  }

  @Test
  void h2ByDefault_decidesOnTheJdbcStore() {
    try (OpenStore s = OpenStore.open(spec("plain", Map.of()), "test-plain")) {
      assertSame(s.jdbc(), s.store());
      assertTrue(s.cache().isEmpty());
    }
  }

  @Test
  void h2WithCacheOn_servesAtOnceAndSeesItsOwnWrites() {
    try (OpenStore s =
        OpenStore.open(spec("cached", Map.of("cache", "on", "cacheTtl", "1s")), "test-cached")) {
      CachingWhitelistStore cache = assertInstanceOf(CachingWhitelistStore.class, s.store());
      assertTrue(cache.isServing());
      WhitelistCandidates pair = WhitelistCandidates.of(ALICE, BOB);
      assertFalse(s.store().containsAny(pair));
      s.store().add(WhitelistKey.pair(ALICE, BOB));
      assertTrue(s.store().containsAny(pair));
      assertTrue(s.store().containsAny(pair));
      assertTrue(cache.hitCount() >= 1);
    }
  }
}
