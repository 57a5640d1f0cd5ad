package org.smtpcr.core.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A whitelist entry as a store lists it.
 *
 * @param key what the entry vouches for
 * @param expiresAt when the entry stops counting (exclusive: at that instant it is already
 *     expired); empty for an entry that never expires
 * @param addedAt when the entry was last added or renewed
 * @since 0.1.0
 */
public record WhitelistEntry(WhitelistKey key, Optional<Instant> expiresAt, Instant addedAt) {
  /** Checks that no component is null. */
  public WhitelistEntry {
    requireNonNull(key, "key");
    requireNonNull(expiresAt, "expiresAt");
    requireNonNull(addedAt, "addedAt");
  }

  /**
   * Whether the entry no longer counts at {@code now}.
   *
   * @param now the instant to check
   * @return true when an expiry is set and is not after {@code now}
   */
  public boolean isExpiredAt(Instant now) {
    requireNonNull(now, "now");
    return expiresAt.isPresent() && !expiresAt.get().isAfter(now);
  }
}
