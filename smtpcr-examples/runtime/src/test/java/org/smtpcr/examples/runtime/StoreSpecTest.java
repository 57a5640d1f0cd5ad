package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class StoreSpecTest {
  private static StoreSpec parse(Map<String, String> values) {
    return StoreSpec.parse(name -> Optional.ofNullable(values.get(name)));
  }

  @Test
  void parse_urlOnly_defaultsAndInferredDriver() {
    StoreSpec s = StoreSpec.ofUrl("jdbc:postgresql://db.example.org/smtpcr");
    assertEquals("org.postgresql.Driver", s.driverClass());
    assertEquals(StoreSpec.DEFAULT_POOL_SIZE, s.poolSize());
    assertEquals(Duration.ofSeconds(1), s.connectionTimeout());
    assertEquals(Optional.empty(), s.user());
    assertEquals("org.h2.Driver", StoreSpec.ofUrl("jdbc:h2:mem:x").driverClass());
  }

  @Test
  void toString_showsNoUrlUserOrPassword() {
    StoreSpec s =
        parse(
            Map.of(
                "url",
                "jdbc:postgresql://db.example.org/smtpcr?password=urlsecret",
                "user",
                "mailadmin",
                "password",
                "pwsecret"));
    String text = s.toString();
    assertTrue(
        text.startsWith(
            "StoreSpec[jdbc:postgresql:..., driver=org.postgresql.Driver, user=set,"
                + " password=redacted"),
        text);
    assertFalse(
        text.contains("urlsecret")
            || text.contains("pwsecret")
            || text.contains("mailadmin")
            || text.contains("db.example.org"),
        text);
  }

  @Test
  void equals_sameSettingsEqual_differentPasswordsDiffer() {
    Map<String, String> a = Map.of("url", "jdbc:h2:mem:x", "password", "one");
    assertEquals(parse(a), parse(a));
    assertEquals(parse(a).hashCode(), parse(a).hashCode());
    assertNotEquals(parse(a), parse(Map.of("url", "jdbc:h2:mem:x", "password", "two")));
  }

  @Test
  void parse_badValues_namedWithoutEcho() {
    assertEquals(
        "the store poolSize must be 1..64, got 0",
        assertThrows(
                IllegalArgumentException.class,
                () -> parse(Map.of("url", "jdbc:h2:mem:x", "poolSize", "0")))
            .getMessage());
    assertEquals(
        "the store url must start with jdbc:<subprotocol>:",
        assertThrows(
                IllegalArgumentException.class,
                () -> parse(Map.of("url", "postgres://secret@db/x")))
            .getMessage());
    assertEquals(
        "the store connectionTimeout must be 250 ms to 1 min, got PT0.1S",
        assertThrows(
                IllegalArgumentException.class,
                () -> parse(Map.of("url", "jdbc:h2:mem:x", "connectionTimeout", "PT0.1S")))
            .getMessage());
    assertEquals(
        "the store password is too long or contains a control character",
        assertThrows(
                IllegalArgumentException.class,
                () -> parse(Map.of("url", "jdbc:h2:mem:x", "password", "a\nb")))
            .getMessage());
  }

  @Test
  void cache_autoIsOnForPostgresqlOnlyAndDefaultsAreSafe() {
    StoreSpec pg = StoreSpec.ofUrl("jdbc:postgresql://db.example.org/smtpcr");
    assertEquals(StoreSpec.Cache.AUTO, pg.cache());
    assertTrue(pg.isPostgresql());
    assertTrue(pg.cached());
    assertEquals(StoreSpec.DEFAULT_CACHE_SIZE, pg.cacheSize());
    assertEquals(StoreSpec.DEFAULT_CACHE_TTL, pg.cacheTtl());
    StoreSpec h2 = StoreSpec.ofUrl("jdbc:h2:mem:x");
    assertFalse(h2.isPostgresql());
    assertFalse(h2.cached());
    assertTrue(parse(Map.of("url", "jdbc:h2:mem:x", "cache", "on")).cached());
    assertFalse(
        parse(Map.of("url", "jdbc:postgresql://db.example.org/smtpcr", "cache", "OFF")).cached());
    StoreSpec tuned =
        parse(Map.of("url", "jdbc:postgresql://db/x", "cacheSize", "500", "cacheTtl", "30s"));
    assertEquals(500, tuned.cacheSize());
    assertEquals(Duration.ofSeconds(30), tuned.cacheTtl());
    assertNotEquals(tuned, StoreSpec.ofUrl("jdbc:postgresql://db/x"));
    assertTrue(tuned.toString().contains("cache=500/PT30S"), tuned::toString);
    assertTrue(h2.toString().contains("cache=off"), h2::toString);
  }

  @Test
  void cache_badValuesAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> parse(Map.of("url", "jdbc:h2:mem:x", "cache", "sometimes")));
    assertThrows(
        IllegalArgumentException.class,
        () -> parse(Map.of("url", "jdbc:h2:mem:x", "cacheSize", "0")));
    assertThrows(
        IllegalArgumentException.class,
        () -> parse(Map.of("url", "jdbc:h2:mem:x", "cacheTtl", "2d")));
  }

  @Test
  void cache_fromSettings_readsTheStoreKeys() {
    Settings s =
        Settings.read(
            SettingSource.of(
                propertiesOf(
                    Map.of(
                        "store.url", "jdbc:h2:mem:x",
                        "storeCache", "on",
                        "store.cacheSize", "7",
                        "store.cacheTtl", "1s"))));
    StoreSpec spec = StoreSpec.from(s).orElseThrow();
    assertTrue(spec.cached());
    assertEquals(7, spec.cacheSize());
    assertEquals(Duration.ofSeconds(1), spec.cacheTtl());
  }

  @Test
  void cacheFilterKeys_defaultZeroAndBounds() {
    StoreSpec pg = StoreSpec.ofUrl("jdbc:postgresql://db/x");
    assertEquals(CachingWhitelistStore.DEFAULT_FILTER_KEYS, pg.cacheFilterKeys());
    assertTrue(pg.toString().contains("cacheFilterKeys=1000000"), pg::toString);
    StoreSpec off = parse(Map.of("url", "jdbc:postgresql://db/x", "cacheFilterKeys", " 0 "));
    assertEquals(0, off.cacheFilterKeys());
    assertNotEquals(pg, off);
    assertNotEquals(pg.hashCode(), off.hashCode());
    assertEquals(
        off, parse(Map.of("url", "jdbc:postgresql://db/x", "cacheFilterKeys", "0")), "equals");
    String max = String.valueOf(CachingWhitelistStore.MAX_FILTER_KEYS);
    assertEquals(
        CachingWhitelistStore.MAX_FILTER_KEYS,
        parse(Map.of("url", "jdbc:postgresql://db/x", "cacheFilterKeys", max)).cacheFilterKeys());
    assertEquals(
        CachingWhitelistStore.DEFAULT_FILTER_KEYS,
        parse(Map.of("url", "jdbc:postgresql://db/x", "cacheFilterKeys", "")).cacheFilterKeys());
    assertFalse(
        StoreSpec.ofUrl("jdbc:h2:mem:x").toString().contains("cacheFilterKeys"),
        "no filter without a listening cache");
  }

  @Test
  void cacheFilterKeys_badValues_sayWhatIsWrong() {
    for (String bad :
        List.of(
            "-1",
            "1e6",
            "lots",
            "1,000",
            String.valueOf(CachingWhitelistStore.MAX_FILTER_KEYS + 1L),
            "99999999999")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> parse(Map.of("url", "jdbc:postgresql://db/x", "cacheFilterKeys", bad)),
              bad);
      assertTrue(e.getMessage().contains("cacheFilterKeys"), e::getMessage);
      assertTrue(e.getMessage().contains("0 to 100000000"), e::getMessage);
    }
  }

  @Test
  void cacheFilterKeys_fromSettings() {
    Settings s =
        Settings.read(
            SettingSource.of(
                propertiesOf(
                    Map.of(
                        "store.url", "jdbc:postgresql://db/x", "storeCacheFilterKeys", "5000"))));
    assertEquals(5000, StoreSpec.from(s).orElseThrow().cacheFilterKeys());
    assertEquals("--store-cache-filter-keys", Settings.STORE_CACHE_FILTER_KEYS.options().get(0));
  }

  private static java.util.Properties propertiesOf(Map<String, String> values) {
    java.util.Properties p = new java.util.Properties();
    p.putAll(values);
    return p;
  }
}
