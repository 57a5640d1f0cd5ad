package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    List<Thread> tickers =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("smtpcr-clock"))
            .toList();
    assertEquals(1, tickers.size(), tickers::toString);
    assertTrue(tickers.get(0).isDaemon(), "a daemon: it never keeps the JVM alive");
    assertEquals(
        null, tickers.get(0).getContextClassLoader(), "it holds no class loader of its first user");
  }

  @Test
  void theTime_moves() {
    // the ticker sets it every TICK_MILLIS; waited for without sleeping, within a bound that a
    // ticker that never wrote would run into
    long first = CoarseClock.currentTimeMillis();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (CoarseClock.currentTimeMillis() == first && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertTrue(CoarseClock.currentTimeMillis() > first, "the time did not move in 30 s");
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
