package org.smtpcr.tokens;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock that tests set and advance by hand, so that no test sleeps. Thread-safe. Shared with
 * the other modules' tests through this module's test jar.
 */
public final class MutableClock extends Clock {
  private final AtomicReference<Instant> now;

  public MutableClock(Instant start) {
    this.now = new AtomicReference<>(requireNonNull(start, "start"));
  }

  public static MutableClock atEpochSecond(long seconds) {
    return new MutableClock(Instant.ofEpochSecond(seconds));
  }

  public void set(Instant instant) {
    now.set(requireNonNull(instant, "instant"));
  }

  public void setEpochSecond(long seconds) {
    set(Instant.ofEpochSecond(seconds));
  }

  public void advance(Duration d) {
    requireNonNull(d, "d");
    now.updateAndGet(t -> t.plus(d));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** Refused: the code under test works in instants; a zone would be a mistake to catch. */
  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("UTC only");
  }
}
