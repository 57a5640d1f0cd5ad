package org.smtpcr.auth;

import java.time.Duration;
import java.util.function.LongSupplier;

/** The time left for one check: a deadline on a nanosecond ticker. Not thread-safe. */
final class Budget {
  private final LongSupplier ticker;
  private final long deadline;

  Budget(LongSupplier ticker, Duration length) {
    this.ticker = ticker;
    this.deadline = ticker.getAsLong() + length.toNanos();
  }

  /** Nanoseconds left, at most {@code cap}; zero or less when the deadline has passed. */
  long remainingNanos(long cap) {
    return Math.min(cap, deadline - ticker.getAsLong());
  }

  boolean expired() {
    return deadline - ticker.getAsLong() <= 0;
  }
}
