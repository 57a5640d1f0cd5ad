package org.smtpcr.core.store;

import java.time.Instant;
import java.util.Optional;
import org.smtpcr.core.address.CanonicalAddress;

/**
 * Remembers who may write to whom: confirmed (sender, recipient) pairs and whitelisted sender
 * domains, for one recipient or for all, each optionally until an expiry instant. Expired entries
 * are never found, listed or counted; {@link #removeExpired()} deletes them.
 *
 * <p>Implement this to keep the whitelist somewhere else (a directory, a key-value store). An
 * implementation must be thread-safe, must treat keys as opaque case-sensitive strings (they are
 * canonical already), and must report every failure as {@link StoreException} (or another
 * unchecked exception): the decision engine then answers {@code 451 4.3.0}, never a permanent
 * error.
 *
 * @since 0.1.0
 */
public interface WhitelistStore {
  /**
   * Largest page {@link #list(Optional, int)} returns.
   */
  int MAX_PAGE_SIZE = 1000;

  /**
   * Adds an entry, or renews it when the key is present: the expiry and the added-at time are
   * replaced. Instants are kept to the millisecond.
   *
   * @param key what to whitelist
   * @param expiresAt when the entry stops counting; empty for never
   * @throws StoreException if the store cannot write
   */
  void add(WhitelistKey key, Optional<Instant> expiresAt);

  /**
   * Adds an entry that never expires, or makes an existing one permanent.
   *
   * @param key what to whitelist
   * @throws StoreException if the store cannot write
   */
  default void add(WhitelistKey key) {
    add(key, Optional.empty());
  }

  /**
   * Whether {@code sender} may write to {@code recipient}: true when an unexpired entry exists for
   * the pair, for the sender address with any recipient, or for the sender's domain or one of its
   * parent domains (with this recipient or any).
   *
   * @param sender the canonical sender
   * @param recipient the canonical recipient
   * @return whether an unexpired entry covers the pair
   * @throws StoreException if the store cannot read
   */
  boolean contains(CanonicalAddress sender, CanonicalAddress recipient);

  /**
   * The unexpired entry stored under exactly {@code key}.
   *
   * @param key the key
   * @return the entry, or empty when absent or expired
   * @throws StoreException if the store cannot read
   */
  Optional<WhitelistEntry> find(WhitelistKey key);

  /**
   * Removes the entry stored under exactly {@code key}.
   *
   * @param key the key
   * @return whether an unexpired entry was removed
   * @throws StoreException if the store cannot write
   */
  boolean remove(WhitelistKey key);

  /**
   * One page of unexpired entries in key order (keyset pagination: pass the page's
   * {@link WhitelistPage#next()} as {@code after} to get the following one; entries added or
   * removed meanwhile never make a page repeat or skip an unchanged entry).
   *
   * @param after list entries after this key; empty for the first page
   * @param limit the page size, 1 to {@value #MAX_PAGE_SIZE}
   * @return the page
   * @throws IllegalArgumentException if {@code limit} is out of range
   * @throws StoreException if the store cannot read
   */
  WhitelistPage list(Optional<WhitelistKey> after, int limit);

  /**
   * The number of unexpired entries.
   *
   * @return the count
   * @throws StoreException if the store cannot read
   */
  long count();

  /**
   * Deletes every expired entry.
   *
   * @return how many entries were deleted
   * @throws StoreException if the store cannot write
   */
  long removeExpired();
}
