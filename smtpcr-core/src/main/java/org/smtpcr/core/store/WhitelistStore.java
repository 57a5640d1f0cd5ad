package org.smtpcr.core.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import org.smtpcr.tokens.SenderAuthentication;

/**
 * Remembers who may write to whom: confirmed (sender, recipient) pairs and whitelisted sender
 * domains, for one recipient or for all, each optionally until an expiry instant. Expired entries
 * are never found, listed or counted; {@link #removeExpired()} deletes them.
 *
 * <p>Implement this to keep the whitelist somewhere else (a directory, a key-value store). A store
 * only keeps {@link WhitelistKey}s and looks them up: what an entry covers (a domain entry covers
 * its subdomains, a global entry every recipient) is decided once, in core, by {@link
 * WhitelistCandidates}. An implementation must be thread-safe, must treat keys as opaque
 * case-sensitive strings (they are canonical already), and must report every failure as {@link
 * StoreException} (or another unchecked exception): the decision engine then answers {@code 451
 * 4.3.0}, never a permanent error. The public test fixture {@code
 * org.smtpcr.core.store.testing.WhitelistStoreContract}, in this module's test jar, checks all of
 * this; {@code docs/stores.md} shows how to run it.
 *
 * @since 0.1.0
 */
public interface WhitelistStore {
  /** Largest page {@link #list(int)} and {@link #listAfter(WhitelistKey, int)} return. */
  int MAX_PAGE_SIZE = 1000;

  /**
   * Adds an entry that never expires, or renews an existing one, recording {@link
   * SenderAuthentication#UNCHECKED}: {@code add(key, SenderAuthentication.UNCHECKED)}. Entries an
   * operator adds by hand are of this kind.
   *
   * @param key what to whitelist
   * @throws StoreException if the store cannot write
   */
  default void add(WhitelistKey key) {
    add(key, SenderAuthentication.UNCHECKED);
  }

  /**
   * Adds an entry until {@code expiresAt}, or renews it, recording {@link
   * SenderAuthentication#UNCHECKED}: {@code add(key, expiresAt, SenderAuthentication.UNCHECKED)}.
   *
   * @param key what to whitelist
   * @param expiresAt when the entry stops counting (exclusive)
   * @throws StoreException if the store cannot write
   */
  default void add(WhitelistKey key, Instant expiresAt) {
    add(key, expiresAt, SenderAuthentication.UNCHECKED);
  }

  /**
   * Adds an entry that never expires, or renews an existing one: it becomes permanent, and its
   * added-at time and recorded authentication are replaced.
   *
   * @param key what to whitelist
   * @param authentication how the sender was authenticated when it was challenged (what the
   *     challenge token carried), kept with the entry
   * @throws StoreException if the store cannot write
   */
  void add(WhitelistKey key, SenderAuthentication authentication);

  /**
   * Adds an entry until {@code expiresAt}, or renews it when the key is present: the expiry, the
   * added-at time and the recorded authentication are replaced. Instants are kept to the
   * millisecond.
   *
   * @param key what to whitelist
   * @param expiresAt when the entry stops counting (exclusive)
   * @param authentication how the sender was authenticated when it was challenged (what the
   *     challenge token carried), kept with the entry
   * @throws StoreException if the store cannot write
   */
  void add(WhitelistKey key, Instant expiresAt, SenderAuthentication authentication);

  /**
   * Whether an unexpired entry is stored under any of the {@code candidates}. The rule that admits
   * whitelisted senders asks this with {@link WhitelistCandidates#of} for the sender and recipient
   * at hand. A store answers for exactly these keys: it does not expand them further.
   *
   * @param candidates the keys to look for
   * @return whether an unexpired entry exists under at least one of them
   * @throws StoreException if the store cannot read
   */
  boolean containsAny(WhitelistCandidates candidates);

  /**
   * The unexpired entry under the most specific of the {@code candidates} that has one: the same
   * matching as {@link #containsAny}, which answers whether this is present. When several
   * candidates hold an entry, the first in {@link WhitelistCandidates#keys()} order wins: the pair
   * before the sender for anyone, before the sender's domain for this recipient, before that domain
   * for anyone, then each parent domain the same way. The decision engine reads the entry's {@link
   * WhitelistEntry#authentication()} to compare it with the sender's standing now.
   *
   * <p>The default walks {@link WhitelistCandidates#keys()} with {@link #find}; a store that can
   * ask once for all candidates (as {@link #containsAny} does) should override it.
   *
   * @param candidates the keys to look for
   * @return the entry of the most specific candidate with an unexpired entry, or empty
   * @throws StoreException if the store cannot read
   */
  default Optional<WhitelistEntry> findAny(WhitelistCandidates candidates) {
    requireNonNull(candidates, "candidates");
    for (WhitelistKey k : candidates.keys()) {
      Optional<WhitelistEntry> e = find(k);
      if (e.isPresent()) {
        return e;
      }
    }
    return Optional.empty();
  }

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
   * The first page of unexpired entries in key order: by sender key, then recipient key (ASCII keys
   * in {@link String#compareTo} order; the order of other characters is the store's).
   *
   * @param limit the page size, 1 to {@value #MAX_PAGE_SIZE}
   * @return the page
   * @throws IllegalArgumentException if {@code limit} is out of range
   * @throws StoreException if the store cannot read
   */
  WhitelistPage list(int limit);

  /**
   * The page of unexpired entries that follows {@code after} in key order (keyset pagination: pass
   * the previous page's {@link WhitelistPage#next()}; entries added or removed meanwhile never make
   * a page repeat or skip an unchanged entry). {@code after} need not be stored.
   *
   * @param after list entries after this key
   * @param limit the page size, 1 to {@value #MAX_PAGE_SIZE}
   * @return the page
   * @throws IllegalArgumentException if {@code limit} is out of range
   * @throws StoreException if the store cannot read
   */
  WhitelistPage listAfter(WhitelistKey after, int limit);

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
