package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The time read from memory: the system's, a little behind, in the clock's zone. */
final class CoarseClockTest {
  @Test
  void millis_isTheSystemsTime_neverAheadOfIt() {
    CoarseClock clock = CoarseClock.system(ZoneOffset.UTC);
    long before = System.currentTimeMillis();
    long coarse = clock.millis();
    long after = System.currentTimeMillis();
    // read by the ticker before this read: not after the system clock's time after it, and (a
    // bound no ticker misses even on a loaded machine) not a minute before the time before it
    assertTrue(coarse <= after, () -> coarse + " is ahead of " + after);
    assertTrue(coarse > before - 60_000, () -> coarse + " is far behind " + before);
    assertEquals(coarse, clock.instant().toEpochMilli(), 60_000.0);
  }

  @Test
  void theTicker_isOneDaemonThread() {
    CoarseClock.currentTimeMillis();
    long tickers =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("smtpcr-clock"))
            .peek(t -> assertTrue(t.isDaemon(), "a daemon: it never keeps the JVM alive"))
            .count();
    assertEquals(1, tickers);
  }

  @Test
  void zone_isKept_andEqualityFollowsIt() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    CoarseClock utc = CoarseClock.system(ZoneOffset.UTC);
    assertEquals(ZoneOffset.UTC, utc.getZone());
    assertEquals(paris, utc.withZone(paris).getZone());
    assertSame(utc, utc.withZone(ZoneOffset.UTC));
    assertEquals(CoarseClock.system(paris), utc.withZone(paris));
    assertEquals(CoarseClock.system(paris).hashCode(), utc.withZone(paris).hashCode());
    assertNotEquals(utc, utc.withZone(paris));
  }
}
