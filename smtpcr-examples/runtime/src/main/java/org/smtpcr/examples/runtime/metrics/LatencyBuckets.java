package org.smtpcr.examples.runtime.metrics;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The bucket bounds of the runtime's timers: 10 µs to 10 s at 1, 2.5 and 5 in each decade, then 30
 * s. A decision answered from memory takes microseconds, a database's answer a fraction of a
 * millisecond, a DNS query or a pool that waits for a connection seconds; Micrometer's own buckets
 * for a timer start at 1 ms, which put nearly every decision and every healthy database answer in
 * the first bucket, and are 69 series for each timer where these are 21.
 */
final class LatencyBuckets {
  /** The bounds in microseconds. */
  private static final long[] MICROS = {
    10,
    25,
    50,
    100,
    250,
    500,
    1_000,
    2_500,
    5_000,
    10_000,
    25_000,
    50_000,
    100_000,
    250_000,
    500_000,
    1_000_000,
    2_500_000,
    5_000_000,
    10_000_000,
    30_000_000
  };

  private LatencyBuckets() {}

  /**
   * {@code timer} with these buckets, published as a histogram.
   *
   * @param timer the timer's builder
   * @return the builder
   */
  static Timer.Builder on(Timer.Builder timer) {
    return timer.serviceLevelObjectives(bounds());
  }

  /** The bounds, in increasing order. */
  static Duration[] bounds() {
    Duration[] b = new Duration[MICROS.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = Duration.ofNanos(MICROS[i] * 1_000);
    }
    return b;
  }
}
