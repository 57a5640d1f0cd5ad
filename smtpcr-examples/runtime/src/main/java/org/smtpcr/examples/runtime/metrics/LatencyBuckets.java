package org.smtpcr.examples.runtime.metrics;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The bucket bounds of the runtime's timers: 10 µs to 30 s, 1, 2.5 and 5 in each decade. A decision
 * answered from memory takes microseconds, a database's answer a fraction of a millisecond, a DNS
 * query or a pool that waits for a connection seconds; Micrometer's own buckets for a timer start
 * at 1 ms, which put nearly every decision and every healthy database answer in the first bucket,
 * and are 69 series for each timer where these are 21.
 */
final class LatencyBuckets {
  private static final Duration[] BOUNDS = bounds();

  private LatencyBuckets() {}

  /**
   * {@code timer} with these buckets, published as a histogram.
   *
   * @param timer the timer's builder
   * @return the builder
   */
  static Timer.Builder on(Timer.Builder timer) {
    return timer.serviceLevelObjectives(BOUNDS.clone());
  }

  /** The bounds, for tests. */
  static Duration[] bounds() {
    long[] steps = {10_000L, 25_000L, 50_000L};
    Duration[] b = new Duration[20];
    int n = 0;
    for (long decade = 1; n < b.length - 1; decade *= 10) {
      for (long s : steps) {
        if (n < b.length - 1) {
          b[n++] = Duration.ofNanos(s * decade);
        }
      }
    }
    b[n] = Duration.ofSeconds(30);
    return b;
  }
}
