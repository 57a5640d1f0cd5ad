package org.smtpcr.core.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import org.smtpcr.tokens.SenderAuthentication;

/**
 * One entry an administrator adds in bulk ({@link WhitelistStore#addAll}): what {@link
 * WhitelistStore#add(WhitelistKey, Instant, SenderAuthentication)} takes, as a value. Its origin is
 * always {@link EntryOrigin#ADMIN} and its added-at time is the time of the write.
 *
 * @param key what to whitelist
 * @param expiresAt when the entry stops counting (exclusive); empty for never
 * @param authentication how the sender was authenticated when it was challenged, kept with the
 *     entry; {@link SenderAuthentication#UNCHECKED} when nobody knows
 * @since 0.3.0
 */
public record WhitelistAddition(
    WhitelistKey key, Optional<Instant> expiresAt, SenderAuthentication authentication) {
  /** Checks that no component is null. */
  public WhitelistAddition {
    requireNonNull(key, "key");
    requireNonNull(expiresAt, "expiresAt");
    requireNonNull(authentication, "authentication");
  }

  /**
   * What adding {@code entry} again would add: its key, expiry and authentication (not its origin
   * or added-at time).
   *
   * @param entry an entry a store listed
   * @return the addition
   */
  public static WhitelistAddition from(WhitelistEntry entry) {
    requireNonNull(entry, "entry");
    return new WhitelistAddition(entry.key(), entry.expiresAt(), entry.authentication());
  }
}
