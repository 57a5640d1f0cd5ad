package org.smtpcr.core.store;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.smtpcr.tokens.SenderAuthentication;

/**
 * A whitelist kept in memory, for tests and for callers who persist the whitelist elsewhere.
 * Nothing survives a restart.
 *
 * <p>The store is bounded by {@linkplain Builder#maxEntries(int) a number of entries} (default
 * {@value #DEFAULT_MAX_ENTRIES}). When a new key is added to a full store, expired entries are
 * dropped first; if it is still full, the {@linkplain WhenFull policy} decides: by default the
 * oldest entry (the one added or renewed longest ago) is evicted, or the add is refused with a
 * {@link StoreException}. Renewing a key that is present never evicts anything.
 *
 * <p>Thread-safe. {@link #containsAny}, {@link #findAny} and {@link #find} take no lock: they read
 * a concurrent index, so a {@code containsAny} that runs while other threads add and remove entries
 * sees each key it looks up as it was before or after each write, not the whole store at one
 * instant. Writes are exclusive; {@link #list} and {@link #count} read under a shared lock. Time
 * comes from the injected {@link Clock}.
 *
 * @since 0.1.0
 */
public final class InMemoryWhitelistStore implements WhitelistStore {
  /** Entries held when no bound is configured. */
  public static final int DEFAULT_MAX_ENTRIES = 100_000;

  /**
   * What {@link #add} does when a new key would exceed the bound after expired entries were
   * dropped.
   *
   * @since 0.1.0
   */
  public enum WhenFull {
    /** Throw {@link StoreException}; nothing is removed. */
    REFUSE,
    /** Remove the entry that was added or renewed longest ago (the default). */
    EVICT_OLDEST
  }

  private static final Comparator<WhitelistKey> ORDER =
      Comparator.comparing(WhitelistKey::sender).thenComparing(WhitelistKey::recipient);

  private final int maxEntries;
  private final WhenFull whenFull;
  private final Clock clock;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final TreeMap<WhitelistKey, WhitelistEntry> entries = new TreeMap<>(ORDER);

  /**
   * The entries of {@link #entries} for look-ups, by recipient key and then sender key; same
   * content, changed under the write lock, read without a lock. Recipient first: the recipients are
   * our own users, few and asked about again and again, so a look-up searches one user's (small,
   * often cached) table instead of one big table.
   */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Indexed>> index =
      new ConcurrentHashMap<>();

  private final LinkedHashSet<WhitelistKey> byAge = new LinkedHashSet<>(); // oldest first

  /** The deny list: key to the time it was denied. Guarded by {@link #lock}. */
  private final TreeMap<WhitelistKey, Instant> denials = new TreeMap<>(ORDER);

  /** Counter windows and their counts. Guarded by {@link #lock}. */
  private final Map<Window, Long> counters = new HashMap<>();

  /**
   * No entry expires before this (null: none expires); may be earlier than the truth, never later.
   */
  private Instant earliestExpiry;

  private InMemoryWhitelistStore(Builder b) {
    this.maxEntries = b.maxEntries;
    this.whenFull = b.whenFull;
    this.clock = b.clock;
  }

  /**
   * Starts a builder; every option has a default.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void add(WhitelistKey key, SenderAuthentication authentication) {
    requireNonNull(key, "key");
    requireNonNull(authentication, "authentication");
    put(key, Optional.empty(), authentication, EntryOrigin.ADMIN);
  }

  @Override
  public void add(WhitelistKey key, Instant expiresAt, SenderAuthentication authentication) {
    requireNonNull(key, "key");
    requireNonNull(expiresAt, "expiresAt");
    requireNonNull(authentication, "authentication");
    put(
        key,
        Optional.of(expiresAt.truncatedTo(ChronoUnit.MILLIS)),
        authentication,
        EntryOrigin.ADMIN);
  }

  @Override
  public Confirmation confirm(
      WhitelistKey key,
      Optional<Instant> expiresAt,
      SenderAuthentication authentication,
      EntryOrigin origin) {
    requireNonNull(key, "key");
    requireNonNull(expiresAt, "expiresAt");
    requireNonNull(authentication, "authentication");
    requireNonNull(origin, "origin");
    checkArgument(origin != EntryOrigin.ADMIN, "confirm records automatic entries; use add");
    Optional<Instant> expiry = expiresAt.map(t -> t.truncatedTo(ChronoUnit.MILLIS));
    Instant now = now();
    lock.writeLock().lock();
    try {
      WhitelistEntry old = entries.get(key);
      if (old == null || old.isExpiredAt(now)) {
        putLocked(key, expiry, authentication, origin, now);
        return Confirmation.CREATED;
      }
      if (old.origin() == EntryOrigin.ADMIN) {
        return Confirmation.KEPT;
      }
      putLocked(
          key,
          Renewal.laterExpiry(old.expiresAt(), expiry),
          Renewal.stronger(old.authentication(), authentication),
          old.origin(),
          now);
      return Confirmation.RENEWED;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void put(
      WhitelistKey key,
      Optional<Instant> expiresAt,
      SenderAuthentication authentication,
      EntryOrigin origin) {
    Instant now = now();
    lock.writeLock().lock();
    try {
      putLocked(key, expiresAt, authentication, origin, now);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void putLocked(
      WhitelistKey key,
      Optional<Instant> expiresAt,
      SenderAuthentication authentication,
      EntryOrigin origin,
      Instant now) {
    WhitelistEntry entry = new WhitelistEntry(key, expiresAt, now, authentication, origin);
    if (entries.containsKey(key)) {
      byAge.remove(key);
    } else if (entries.size() >= maxEntries) {
      if (earliestExpiry != null && !earliestExpiry.isAfter(now)) {
        removeExpiredLocked(now); // something may have expired: only then read every entry
      }
      if (entries.size() >= maxEntries) {
        if (whenFull == WhenFull.REFUSE) {
          throw new StoreException(
              "in-memory whitelist store is full (" + maxEntries + " entries)");
        }
        Iterator<WhitelistKey> oldest = byAge.iterator();
        WhitelistKey evicted = oldest.next();
        entries.remove(evicted);
        unindex(evicted);
        oldest.remove();
      }
    }
    entries.put(key, entry);
    entry
        .expiresAt()
        .ifPresent(
            t -> {
              if (earliestExpiry == null || t.isBefore(earliestExpiry)) {
                earliestExpiry = t;
              }
            });
    index
        .computeIfAbsent(key.recipient(), r -> new ConcurrentHashMap<>())
        .put(key.sender(), new Indexed(entry));
    byAge.add(key);
  }

  @Override
  public void deny(WhitelistKey key) {
    requireNonNull(key, "key");
    Instant now = now();
    lock.writeLock().lock();
    try {
      if (!denials.containsKey(key) && denials.size() >= maxEntries) {
        throw new StoreException("in-memory deny list is full (" + maxEntries + " entries)");
      }
      denials.putIfAbsent(key, now);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public boolean removeDenial(WhitelistKey key) {
    requireNonNull(key, "key");
    lock.writeLock().lock();
    try {
      return denials.remove(key) != null;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public Optional<WhitelistKey> findDenial(WhitelistCandidates candidates) {
    requireNonNull(candidates, "candidates");
    lock.readLock().lock();
    try {
      if (denials.isEmpty()) {
        return Optional.empty();
      }
      for (WhitelistKey k : candidates.keys()) {
        if (denials.containsKey(k)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public WhitelistPage listDenials(Optional<WhitelistKey> after, int limit) {
    requireNonNull(after, "after");
    checkArgument(
        limit >= 1 && limit <= MAX_PAGE_SIZE, "limit must be 1..%s, got %s", MAX_PAGE_SIZE, limit);
    List<WhitelistEntry> page = new ArrayList<>(Math.min(limit, 64));
    boolean more = false;
    lock.readLock().lock();
    try {
      Map<WhitelistKey, Instant> tail =
          after.isPresent() ? denials.tailMap(after.get(), false) : denials;
      for (Map.Entry<WhitelistKey, Instant> e : tail.entrySet()) {
        if (page.size() == limit) {
          more = true;
          break;
        }
        page.add(new WhitelistEntry(e.getKey(), Optional.empty(), e.getValue()));
      }
    } finally {
      lock.readLock().unlock();
    }
    Optional<WhitelistKey> next =
        more ? Optional.of(page.get(page.size() - 1).key()) : Optional.empty();
    return new WhitelistPage(page, next);
  }

  @Override
  public Optional<RateBucket> countIfUnder(List<RateBucket> buckets) {
    requireNonNull(buckets, "buckets");
    checkArgument(buckets.size() <= 16, "at most 16 buckets, got %s", buckets.size());
    Instant now = now();
    lock.writeLock().lock();
    try {
      List<Window> open = new ArrayList<>(buckets.size());
      for (RateBucket b : buckets) {
        requireNonNull(b, "bucket");
        Window w = new Window(b.key(), b.windowEnd().truncatedTo(ChronoUnit.MILLIS));
        if (!w.end().isAfter(now)) {
          continue; // ended (as kept, to the millisecond): counts as empty, not written
        }
        if (counters.getOrDefault(w, 0L) >= b.limit()) {
          return Optional.of(b);
        }
        open.add(w);
      }
      long fresh = open.stream().filter(w -> !counters.containsKey(w)).distinct().count();
      if (counters.size() + fresh > maxEntries) {
        counters.keySet().removeIf(w -> !w.end().isAfter(now));
        if (counters.size() + fresh > maxEntries) {
          throw new StoreException("in-memory counters are full (" + maxEntries + " windows)");
        }
      }
      for (Window w : open) {
        counters.merge(w, 1L, Long::sum);
      }
      return Optional.empty();
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public long countOf(String key) {
    requireNonNull(key, "key");
    Instant now = now();
    lock.readLock().lock();
    try {
      long sum = 0;
      for (Map.Entry<Window, Long> e : counters.entrySet()) {
        if (e.getKey().key().equals(key) && e.getKey().end().isAfter(now)) {
          sum += e.getValue();
        }
      }
      return sum;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** A counter window: its key and end. */
  private record Window(String key, Instant end) {}

  @Override
  public boolean containsAny(WhitelistCandidates candidates) {
    requireNonNull(candidates, "candidates");
    // no lock: the index is a concurrent map. The recipient keys are (recipient, *): look up each
    // one's table once, then the sender keys in the candidates' order (most specific first)
    List<String> recipients = candidates.recipientKeys();
    Map<String, Indexed> toRecipient = index.get(recipients.get(0));
    Map<String, Indexed> toAnyone = index.get(recipients.get(1));
    if (toRecipient == null && toAnyone == null) {
      return false;
    }
    for (String s : candidates.senderKeys()) {
      if (live(s, toRecipient, toAnyone)) {
        return true;
      }
    }
    return false;
  }

  /** Whether an unexpired entry vouches for sender key {@code s} in either table (null: none). */
  private boolean live(String s, Map<String, Indexed> toRecipient, Map<String, Indexed> toAnyone) {
    return liveEntry(s, toRecipient, toAnyone) != null;
  }

  /**
   * The unexpired entry for sender key {@code s}, for the recipient before for anyone; null if
   * none.
   */
  private WhitelistEntry liveEntry(
      String s, Map<String, Indexed> toRecipient, Map<String, Indexed> toAnyone) {
    Indexed e;
    if (toRecipient != null && (e = toRecipient.get(s)) != null && e.isLive(clock)) {
      return e.entry;
    }
    if (toAnyone != null && (e = toAnyone.get(s)) != null && e.isLive(clock)) {
      return e.entry;
    }
    return null;
  }

  @Override
  public Optional<WhitelistEntry> findAny(WhitelistCandidates candidates) {
    requireNonNull(candidates, "candidates");
    // as containsAny, in the candidates' order: each sender key for the recipient, then for anyone
    List<String> recipients = candidates.recipientKeys();
    Map<String, Indexed> toRecipient = index.get(recipients.get(0));
    Map<String, Indexed> toAnyone = index.get(recipients.get(1));
    if (toRecipient == null && toAnyone == null) {
      return Optional.empty();
    }
    for (String s : candidates.senderKeys()) {
      WhitelistEntry e = liveEntry(s, toRecipient, toAnyone);
      if (e != null) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /**
   * Removes {@code key} from the index, and its recipient's table when that becomes empty; under
   * the write lock.
   */
  private void unindex(WhitelistKey key) {
    Map<String, Indexed> forRecipient = index.get(key.recipient());
    if (forRecipient != null) {
      forRecipient.remove(key.sender());
      if (forRecipient.isEmpty()) {
        index.remove(key.recipient());
      }
    }
  }

  @Override
  public Optional<WhitelistEntry> find(WhitelistKey key) {
    requireNonNull(key, "key");
    Map<String, Indexed> forRecipient = index.get(key.recipient());
    Indexed e = forRecipient == null ? null : forRecipient.get(key.sender());
    return e != null && e.isLive(clock) ? Optional.of(e.entry) : Optional.empty();
  }

  @Override
  public boolean remove(WhitelistKey key) {
    requireNonNull(key, "key");
    Instant now = now();
    lock.writeLock().lock();
    try {
      WhitelistEntry e = entries.remove(key);
      if (e == null) {
        return false;
      }
      unindex(key);
      byAge.remove(key);
      return !e.isExpiredAt(now);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public WhitelistPage list(int limit) {
    return page(Optional.empty(), limit);
  }

  @Override
  public WhitelistPage listAfter(WhitelistKey after, int limit) {
    requireNonNull(after, "after");
    return page(Optional.of(after), limit);
  }

  private WhitelistPage page(Optional<WhitelistKey> after, int limit) {
    checkArgument(
        limit >= 1 && limit <= MAX_PAGE_SIZE, "limit must be 1..%s, got %s", MAX_PAGE_SIZE, limit);
    Instant now = now();
    List<WhitelistEntry> page = new ArrayList<>(Math.min(limit, 64));
    boolean more = false;
    lock.readLock().lock();
    try {
      Map<WhitelistKey, WhitelistEntry> tail =
          after.isPresent() ? entries.tailMap(after.get(), false) : entries;
      for (WhitelistEntry e : tail.values()) {
        if (e.isExpiredAt(now)) {
          continue;
        }
        if (page.size() == limit) {
          more = true;
          break;
        }
        page.add(e);
      }
    } finally {
      lock.readLock().unlock();
    }
    Optional<WhitelistKey> next =
        more ? Optional.of(page.get(page.size() - 1).key()) : Optional.empty();
    return new WhitelistPage(page, next);
  }

  @Override
  public long count() {
    Instant now = now();
    lock.readLock().lock();
    try {
      return entries.values().stream().filter(e -> !e.isExpiredAt(now)).count();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long removeExpired() {
    Instant now = now();
    lock.writeLock().lock();
    try {
      int windows = counters.size();
      counters.keySet().removeIf(w -> !w.end().isAfter(now));
      return (long) removeExpiredLocked(now) + (windows - counters.size());
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "InMemoryWhitelistStore[maxEntries=" + maxEntries + ", whenFull=" + whenFull + "]";
  }

  private int removeExpiredLocked(Instant now) {
    int removed = 0;
    Instant earliest = null;
    for (Iterator<WhitelistEntry> it = entries.values().iterator(); it.hasNext(); ) {
      WhitelistEntry e = it.next();
      if (e.isExpiredAt(now)) {
        it.remove();
        unindex(e.key());
        byAge.remove(e.key());
        removed++;
      } else if (e.expiresAt().isPresent()
          && (earliest == null || e.expiresAt().get().isBefore(earliest))) {
        earliest = e.expiresAt().get();
      }
    }
    earliestExpiry = earliest;
    return removed;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** An entry in the index, with its expiry as a number for the look-ups. */
  private static final class Indexed {
    final WhitelistEntry entry;
    final long expiresAtMillis; // Long.MAX_VALUE: never

    Indexed(WhitelistEntry entry) {
      this.entry = entry;
      this.expiresAtMillis = entry.expiresAt().map(Indexed::millis).orElse(Long.MAX_VALUE);
    }

    /** Epoch milliseconds, saturated for instants beyond a long's range (before now, or never). */
    private static long millis(Instant t) {
      try {
        return t.toEpochMilli();
      } catch (ArithmeticException e) {
        return t.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE - 1;
      }
    }

    /**
     * {@code !entry.isExpiredAt(now)} with now in whole milliseconds, as {@link #now()} gives it.
     */
    boolean isLive(Clock clock) {
      return expiresAtMillis == Long.MAX_VALUE || expiresAtMillis > nowMillis(clock);
    }

    private static long nowMillis(Clock clock) {
      try {
        return clock.millis();
      } catch (ArithmeticException e) {
        return millis(clock.instant()); // a clock beyond a long's milliseconds
      }
    }
  }

  /**
   * Builds an {@link InMemoryWhitelistStore}. Each option may be set once. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private int maxEntries;
    private WhenFull whenFull;
    private Clock clock;

    private Builder() {}

    /**
     * The most entries held (default {@value InMemoryWhitelistStore#DEFAULT_MAX_ENTRIES}).
     *
     * @param maxEntries at least 1
     * @return this builder
     */
    public Builder maxEntries(int maxEntries) {
      checkState(this.maxEntries == 0, "maxEntries was already set");
      checkArgument(maxEntries >= 1, "maxEntries must be at least 1, got %s", maxEntries);
      this.maxEntries = maxEntries;
      return this;
    }

    /**
     * What to do when a new key does not fit (default {@link WhenFull#EVICT_OLDEST}).
     *
     * @param whenFull the policy
     * @return this builder
     */
    public Builder whenFull(WhenFull whenFull) {
      checkState(this.whenFull == null, "whenFull was already set");
      this.whenFull = requireNonNull(whenFull, "whenFull");
      return this;
    }

    /**
     * The clock for added-at times and expiry checks (default: the system UTC clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      checkState(this.clock == null, "clock was already set");
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the store.
     *
     * @return an empty store
     */
    public InMemoryWhitelistStore build() {
      if (maxEntries == 0) {
        maxEntries = DEFAULT_MAX_ENTRIES;
      }
      if (whenFull == null) {
        whenFull = WhenFull.EVICT_OLDEST;
      }
      if (clock == null) {
        clock = Clock.systemUTC();
      }
      return new InMemoryWhitelistStore(this);
    }
  }
}
