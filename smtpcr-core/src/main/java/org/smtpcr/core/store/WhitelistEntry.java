package org.smtpcr.core.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import org.smtpcr.tokens.SenderAuthentication;

/**
 * A whitelist entry as a store lists it.
 *
 * @param key what the entry vouches for
 * @param expiresAt when the entry stops counting (exclusive: at that instant it is already
 *     expired); empty for an entry that never expires
 * @param addedAt when the entry was last added or renewed
 * @param authentication how the sender was authenticated when it was challenged, as the challenge
 *     page recorded it from the token; {@link SenderAuthentication#UNCHECKED} for entries added
 *     without one (by an operator, by outbound learning, from a v1 token, or before stores kept it)
 * @param origin who made the entry (since 0.3.0); {@link EntryOrigin#ADMIN} for entries stored
 *     before stores kept it
 * @since 0.1.0
 */
public record WhitelistEntry(
    WhitelistKey key,
    Optional<Instant> expiresAt,
    Instant addedAt,
    SenderAuthentication authentication,
    EntryOrigin origin) {
  /** Checks that no component is null. */
  public WhitelistEntry {
    requireNonNull(key, "key");
    requireNonNull(expiresAt, "expiresAt");
    requireNonNull(addedAt, "addedAt");
    requireNonNull(authentication, "authentication");
    requireNonNull(origin, "origin");
  }

  /**
   * An entry an administrator made ({@link EntryOrigin#ADMIN}).
   *
   * @param key what the entry vouches for
   * @param expiresAt when the entry stops counting; empty for never
   * @param addedAt when the entry was last added or renewed
   * @param authentication how the sender was authenticated when it was challenged
   */
  public WhitelistEntry(
      WhitelistKey key,
      Optional<Instant> expiresAt,
      Instant addedAt,
      SenderAuthentication authentication) {
    this(key, expiresAt, addedAt, authentication, EntryOrigin.ADMIN);
  }

  /**
   * An entry an administrator made that records {@link SenderAuthentication#UNCHECKED}.
   *
   * @param key what the entry vouches for
   * @param expiresAt when the entry stops counting; empty for never
   * @param addedAt when the entry was last added or renewed
   */
  public WhitelistEntry(WhitelistKey key, Optional<Instant> expiresAt, Instant addedAt) {
    this(key, expiresAt, addedAt, SenderAuthentication.UNCHECKED, EntryOrigin.ADMIN);
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
