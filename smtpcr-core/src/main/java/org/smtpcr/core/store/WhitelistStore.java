package org.smtpcr.core.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.smtpcr.tokens.SenderAuthentication;

/**
 * Remembers who may write to whom: confirmed (sender, recipient) pairs and whitelisted sender
 * domains, for one recipient or for all, each optionally until an expiry instant. Expired entries
 * are never found, listed or counted; {@link #removeExpired()} deletes them.
 *
 * <p>The same store keeps two more things every front end of a site must share (since 0.3.0):
 *
 * <ul>
 *   <li>the <b>deny list</b>: keys (the same shapes as whitelist keys) whose senders are refused
 *       before any whitelist, pass code or recipient password counts, and which the challenge page
 *       refuses to confirm ({@link #deny}, {@link #findDenial}, {@link #listDenials});
 *   <li><b>counters</b>: events counted per key in windows with an end ({@link #countIfUnder},
 *       {@link #countOf}), for the page's confirmation limits and for remembering which local users
 *       sent mail recently.
 * </ul>
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
   * Adds an entry an administrator makes ({@link EntryOrigin#ADMIN}; every {@code add} method
   * records that origin) that never expires, or replaces an existing one, recording {@link
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
   * Adds an entry that never expires, or replaces an existing one: it becomes permanent, and its
   * added-at time and recorded authentication are replaced; its origin becomes {@link
   * EntryOrigin#ADMIN}.
   *
   * @param key what to whitelist
   * @param authentication how the sender was authenticated when it was challenged (what the
   *     challenge token carried), kept with the entry
   * @throws StoreException if the store cannot write
   */
  void add(WhitelistKey key, SenderAuthentication authentication);

  /**
   * Adds an entry until {@code expiresAt}, or replaces it when the key is present: the expiry, the
   * added-at time and the recorded authentication are replaced, and its origin becomes {@link
   * EntryOrigin#ADMIN} (an administrator who shortens a page's entry owns it from then on).
   * Instants are kept to the millisecond.
   *
   * @param key what to whitelist
   * @param expiresAt when the entry stops counting (exclusive)
   * @param authentication how the sender was authenticated when it was challenged (what the
   *     challenge token carried), kept with the entry
   * @throws StoreException if the store cannot write
   */
  void add(WhitelistKey key, Instant expiresAt, SenderAuthentication authentication);

  /**
   * Adds or replaces every entry of {@code additions}, in list order (a later addition of a key
   * replaces an earlier one), as {@link #add(WhitelistKey, Instant, SenderAuthentication)} or
   * {@link #add(WhitelistKey, SenderAuthentication)} would: each becomes an {@link
   * EntryOrigin#ADMIN} entry added now. This is what {@code smtpcr whitelist import} calls.
   *
   * <p>The default adds them one by one: when it fails midway, the additions before the failure
   * stay. A store that can write them together should override it, atomically if it can: {@link
   * JdbcWhitelistStore} writes them in JDBC batches in one transaction, all or nothing.
   *
   * @param additions the entries to add; may be empty
   * @throws StoreException if the store cannot write
   * @since 0.3.0
   */
  default void addAll(List<WhitelistAddition> additions) {
    requireNonNull(additions, "additions");
    List<WhitelistAddition> copy = List.copyOf(additions);
    for (WhitelistAddition a : copy) {
      if (a.expiresAt().isPresent()) {
        add(a.key(), a.expiresAt().get(), a.authentication());
      } else {
        add(a.key(), a.authentication());
      }
    }
  }

  /**
   * Records an automatic confirmation, atomically: the page's when a sender passes the check, or
   * outbound learning's. It never overwrites what an administrator made:
   *
   * <ul>
   *   <li>no unexpired entry under {@code key}: one is created with these values ({@link
   *       Confirmation#CREATED});
   *   <li>an unexpired entry of origin {@link EntryOrigin#ADMIN}: nothing is written ({@link
   *       Confirmation#KEPT});
   *   <li>an unexpired automatic entry: it is renewed ({@link Confirmation#RENEWED}); it keeps its
   *       origin, expires at the later of its old expiry and {@code expiresAt} (empty meaning
   *       never), its added-at time becomes now, and its authentication becomes {@code
   *       authentication} unless the old one {@linkplain SenderAuthentication#isAuthenticated() is
   *       authenticated} and the new one is not (a confirmation never weakens what an entry
   *       recorded).
   * </ul>
   *
   * <p>It does not look at the deny list: the caller checks {@link #findDenial} first.
   *
   * @param key what to whitelist
   * @param expiresAt when a created entry stops counting; empty for never
   * @param authentication how the sender was authenticated when it was challenged
   * @param origin {@link EntryOrigin#PAGE} or {@link EntryOrigin#LEARNED}
   * @return what was done
   * @throws IllegalArgumentException if {@code origin} is {@link EntryOrigin#ADMIN} (use {@link
   *     #add})
   * @throws StoreException if the store cannot read or write
   * @since 0.3.0
   */
  Confirmation confirm(
      WhitelistKey key,
      Optional<Instant> expiresAt,
      SenderAuthentication authentication,
      EntryOrigin origin);

  /**
   * Puts {@code key} on the deny list, or leaves it there. A deny entry has the shape of a
   * whitelist key (a sender address or {@code @domain}, for one recipient or {@link
   * WhitelistKey#ANY_RECIPIENT}) and never expires; it is independent of the whitelist entry under
   * the same key, which stays but no longer counts.
   *
   * @param key what to deny
   * @throws StoreException if the store cannot write
   * @since 0.3.0
   */
  void deny(WhitelistKey key);

  /**
   * Takes {@code key} off the deny list.
   *
   * @param key the exact key
   * @return whether it was there
   * @throws StoreException if the store cannot write
   * @since 0.3.0
   */
  boolean removeDenial(WhitelistKey key);

  /**
   * The first of the {@code candidates}, in {@link WhitelistCandidates#keys()} order, that is on
   * the deny list: the same matching as {@link #findAny} (a domain denial covers its subdomains, a
   * global one every recipient).
   *
   * @param candidates the keys to look for
   * @return the denied key that matched, or empty
   * @throws StoreException if the store cannot read
   * @since 0.3.0
   */
  Optional<WhitelistKey> findDenial(WhitelistCandidates candidates);

  /**
   * Both look-ups a decision makes for one pair, {@link #findDenial} and {@link #findAny}, asked
   * together: a store that keeps its data elsewhere answers them in one round trip ({@link
   * JdbcWhitelistStore} with one query). A near cache in front of a shared store loads both answers
   * with this when the deny rule asks the first, so that a sender never seen before costs one round
   * trip, not two.
   *
   * <p>The default asks {@link #findDenial}, then {@link #findAny}.
   *
   * @param candidates the keys to look for
   * @return both answers
   * @throws StoreException if the store cannot read
   * @since 0.3.0
   */
  default PairLookup lookUp(WhitelistCandidates candidates) {
    requireNonNull(candidates, "candidates");
    Optional<WhitelistKey> denial = findDenial(candidates);
    return new PairLookup(denial, findAny(candidates));
  }

  /**
   * A page of the deny list in key order (the same order as {@link #list}), after {@code after}
   * when it is present. Each entry has {@link EntryOrigin#ADMIN}, no expiry, {@link
   * SenderAuthentication#UNCHECKED} and the time it was denied as its added-at time.
   *
   * @param after list keys after this one; empty for the first page
   * @param limit the page size, 1 to {@value #MAX_PAGE_SIZE}
   * @return the page
   * @throws IllegalArgumentException if {@code limit} is out of range
   * @throws StoreException if the store cannot read
   * @since 0.3.0
   */
  WhitelistPage listDenials(Optional<WhitelistKey> after, int limit);

  /**
   * Counts one event in every bucket if none of them is full, atomically; otherwise counts nothing.
   * A bucket is full when its window (key and end) already holds {@link RateBucket#limit()} events.
   * Buckets whose window has ended (end not after now) count as empty and are not written.
   *
   * @param buckets the buckets, at most 16
   * @return empty when the event was counted, or the first full bucket
   * @throws IllegalArgumentException if there are more than 16 buckets
   * @throws StoreException if the store cannot read or write
   * @since 0.3.0
   */
  Optional<RateBucket> countIfUnder(List<RateBucket> buckets);

  /**
   * How many events are counted under {@code key} in windows that have not ended.
   *
   * @param key a bucket key
   * @return the sum over the key's open windows; 0 when there is none
   * @throws StoreException if the store cannot read
   * @since 0.3.0
   */
  long countOf(String key);

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
   * Deletes every expired entry, and every counter window that has ended.
   *
   * @return how many entries and windows were deleted
   * @throws StoreException if the store cannot write
   */
  long removeExpired();
}
