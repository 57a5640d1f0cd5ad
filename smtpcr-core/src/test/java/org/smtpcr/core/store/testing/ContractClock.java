package org.smtpcr.core.store.testing;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** The contract's UTC clock, advanced by the tests so that none sleeps. Thread-safe. */
final class ContractClock extends Clock {
  private final AtomicReference<Instant> now;

  ContractClock(Instant start) {
    this.now = new AtomicReference<>(requireNonNull(start, "start"));
  }

  void advance(Duration d) {
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

  /** Refused: a store works in instants; a zone would be a mistake to catch. */
  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("UTC only");
  }
}
