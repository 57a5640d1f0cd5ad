package org.smtpcr.core.store;

import java.time.Instant;
import java.util.Optional;
import org.smtpcr.tokens.SenderAuthentication;

/** How {@link WhitelistStore#confirm} renews an automatic entry; shared by the stores of core. */
final class Renewal {
  private Renewal() {}

  /** The later of two expiries, empty (never) being the latest. */
  static Optional<Instant> laterExpiry(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return Optional.empty();
    }
    return a.get().isAfter(b.get()) ? a : b;
  }

  /** What a renewed entry records: the new value, unless that would weaken the old one. */
  static SenderAuthentication stronger(SenderAuthentication old, SenderAuthentication now) {
    return old.isAuthenticated() && !now.isAuthenticated() ? old : now;
  }
}
