package org.smtpcr.examples.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A UTC clock the test sets or moves; nothing in a test sleeps. Thread-safe. */
final class MovingClock extends Clock {
  private final AtomicReference<Instant> now;

  MovingClock(Instant start) {
    now = new AtomicReference<>(start);
  }

  void advance(Duration d) {
    now.updateAndGet(t -> t.plus(d));
  }

  void set(Instant instant) {
    now.set(instant);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** Always UTC: the stores and caches under test read instants only. */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
