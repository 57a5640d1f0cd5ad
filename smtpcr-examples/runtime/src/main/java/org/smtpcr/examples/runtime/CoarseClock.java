package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The system's time in milliseconds read from memory: a thread of its own ({@code smtpcr-clock}, a
 * daemon, one per JVM, started by the first use) reads the system clock every {@value #TICK_MILLIS}
 * ms, and {@link #millis()} returns what it read last, so it is up to that much behind the system
 * clock (while the thread is scheduled in time: on a machine too busy to run it, as late as it is).
 *
 * <p>For what is read once or more per decision and needs no finer time: the time stamp in front of
 * a log line ({@code HH:mm:ss}) and the time the metrics' timers rotate their maximum and histogram
 * by. Reading the system clock costs about 20 ns a time on a virtual machine, and a decision that
 * is logged and counted read it five more times; this clock costs a memory read, at the price of
 * one wake-up every {@value #TICK_MILLIS} ms. Never for durations: those need {@link
 * System#nanoTime()}.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.3.0
 */
public final class CoarseClock extends Clock {
  /** How often the time is read from the system clock, in milliseconds. */
  public static final long TICK_MILLIS = 20;

  private final ZoneId zone;

  private CoarseClock(ZoneId zone) {
    this.zone = zone;
  }

  /**
   * The coarse system clock in {@code zone}.
   *
   * @param zone the zone, for {@link #getZone()}
   * @return the clock
   */
  public static CoarseClock system(ZoneId zone) {
    return new CoarseClock(requireNonNull(zone, "zone"));
  }

  /**
   * The system clock's milliseconds as last read, up to {@value #TICK_MILLIS} ms ago.
   *
   * @return milliseconds since the epoch
   */
  public static long currentTimeMillis() {
    return Ticker.now;
  }

  @Override
  public long millis() {
    return Ticker.now;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public CoarseClock withZone(ZoneId zone) {
    return zone.equals(this.zone) ? this : new CoarseClock(requireNonNull(zone, "zone"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CoarseClock c && c.zone.equals(zone);
  }

  @Override
  public int hashCode() {
    return zone.hashCode() + 1;
  }

  @Override
  public String toString() {
    return "CoarseClock[" + zone + ", " + TICK_MILLIS + " ms]";
  }

  /** The thread and the time it read: started when the class is first used. */
  private static final class Ticker {
    static volatile long now = System.currentTimeMillis();

    static {
      Thread t =
          new Thread(
              () -> {
                long tick = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
                while (true) {
                  LockSupport.parkNanos(tick);
                  // nothing stops it; an interrupt would only make it spin
                  Thread.interrupted();
                  now = System.currentTimeMillis();
                }
              },
              "smtpcr-clock");
      t.setDaemon(true);
      // it lives as long as the JVM: it keeps no class loader of whoever used the clock first
      t.setContextClassLoader(null);
      t.start();
    }

    private Ticker() {}
  }
}
