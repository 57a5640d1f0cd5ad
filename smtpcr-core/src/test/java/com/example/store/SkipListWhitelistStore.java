package com.example.store;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.smtpcr.core.store.Confirmation;
import org.smtpcr.core.store.EntryOrigin;
import org.smtpcr.core.store.RateBucket;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistPage;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.tokens.SenderAuthentication;

/**
 * A whitelist store written the way a third party writes one: outside SMTPCR's packages, from its
 * public API only, with a sorted concurrent map standing in for a key-value service (Redis, LDAP).
 * It looks up exactly the candidate keys core hands it; it knows nothing about domains. It keeps
 * {@link WhitelistStore#findAny}'s default, which walks the candidates with {@code find}. Each
 * {@code add} records an administrator's entry (the four-argument {@link WhitelistEntry}
 * constructor); {@code confirm} is a compare-and-set loop on the map, the deny list a second map,
 * and the counters a map under one lock.
 */
final class SkipListWhitelistStore implements WhitelistStore {
  private static final Comparator<WhitelistKey> ORDER =
      Comparator.comparing(WhitelistKey::sender).thenComparing(WhitelistKey::recipient);

  private final ConcurrentNavigableMap<WhitelistKey, WhitelistEntry> entries =
      new ConcurrentSkipListMap<>(ORDER);
  private final ConcurrentNavigableMap<WhitelistKey, Instant> denials =
      new ConcurrentSkipListMap<>(ORDER);
  private final Map<Window, Long> counters = new HashMap<>(); // guarded by itself
  private final Clock clock;

  SkipListWhitelistStore(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  @Override
  public void add(WhitelistKey key, SenderAuthentication authentication) {
    requireNonNull(key, "key");
    requireNonNull(authentication, "authentication");
    entries.put(key, new WhitelistEntry(key, Optional.empty(), now(), authentication));
  }

  @Override
  public void add(WhitelistKey key, Instant expiresAt, SenderAuthentication authentication) {
    requireNonNull(key, "key");
    requireNonNull(expiresAt, "expiresAt");
    requireNonNull(authentication, "authentication");
    entries.put(
        key,
        new WhitelistEntry(
            key, Optional.of(expiresAt.truncatedTo(ChronoUnit.MILLIS)), now(), authentication));
  }

  @Override
  public boolean containsAny(WhitelistCandidates candidates) {
    requireNonNull(candidates, "candidates");
    Instant now = now();
    for (WhitelistKey k : candidates.keys()) {
      WhitelistEntry e = entries.get(k);
      if (e != null && !e.isExpiredAt(now)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Optional<WhitelistEntry> find(WhitelistKey key) {
    requireNonNull(key, "key");
    return Optional.ofNullable(entries.get(key)).filter(e -> !e.isExpiredAt(now()));
  }

  @Override
  public boolean remove(WhitelistKey key) {
    requireNonNull(key, "key");
    WhitelistEntry e = entries.remove(key);
    return e != null && !e.isExpiredAt(now());
  }

  @Override
  public WhitelistPage list(int limit) {
    return page(entries, limit);
  }

  @Override
  public WhitelistPage listAfter(WhitelistKey after, int limit) {
    requireNonNull(after, "after");
    return page(entries.tailMap(after, false), limit);
  }

  private WhitelistPage page(Map<WhitelistKey, WhitelistEntry> from, int limit) {
    if (limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_PAGE_SIZE + ", got " + limit);
    }
    Instant now = now();
    List<WhitelistEntry> page = new ArrayList<>();
    for (WhitelistEntry e : from.values()) {
      if (e.isExpiredAt(now)) {
        continue;
      }
      if (page.size() == limit) {
        return new WhitelistPage(page, Optional.of(page.get(limit - 1).key()));
      }
      page.add(e);
    }
    return new WhitelistPage(page, Optional.empty());
  }

  @Override
  public long count() {
    Instant now = now();
    return entries.values().stream().filter(e -> !e.isExpiredAt(now)).count();
  }

  @Override
  public long removeExpired() {
    Instant now = now();
    long removed = 0;
    for (Map.Entry<WhitelistKey, WhitelistEntry> e : entries.entrySet()) {
      // remove only the entry seen, not one a concurrent add put in its place
      if (e.getValue().isExpiredAt(now) && entries.remove(e.getKey(), e.getValue())) {
        removed++;
      }
    }
    synchronized (counters) {
      int windows = counters.size();
      counters.keySet().removeIf(w -> !w.end().isAfter(now));
      removed += windows - counters.size();
    }
    return removed;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
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
    if (origin == EntryOrigin.ADMIN) {
      throw new IllegalArgumentException("confirm records automatic entries; use add");
    }
    Optional<Instant> expiry = expiresAt.map(t -> t.truncatedTo(ChronoUnit.MILLIS));
    Instant now = now();
    // compare-and-set: read the entry, decide, and write only if nobody changed it meanwhile
    while (true) {
      WhitelistEntry old = entries.get(key);
      if (old == null || old.isExpiredAt(now)) {
        WhitelistEntry fresh = new WhitelistEntry(key, expiry, now, authentication, origin);
        boolean written =
            old == null
                ? entries.putIfAbsent(key, fresh) == null
                : entries.replace(key, old, fresh);
        if (written) {
          return Confirmation.CREATED;
        }
      } else if (old.origin() == EntryOrigin.ADMIN) {
        return Confirmation.KEPT;
      } else {
        WhitelistEntry renewed =
            new WhitelistEntry(
                key,
                later(old.expiresAt(), expiry),
                now,
                old.authentication().isAuthenticated() && !authentication.isAuthenticated()
                    ? old.authentication()
                    : authentication,
                old.origin());
        if (entries.replace(key, old, renewed)) {
          return Confirmation.RENEWED;
        }
      }
    }
  }

  /** The later of two expiries, empty (never) being the latest. */
  private static Optional<Instant> later(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return Optional.empty();
    }
    return a.get().isAfter(b.get()) ? a : b;
  }

  @Override
  public void deny(WhitelistKey key) {
    requireNonNull(key, "key");
    denials.putIfAbsent(key, now());
  }

  @Override
  public boolean removeDenial(WhitelistKey key) {
    requireNonNull(key, "key");
    return denials.remove(key) != null;
  }

  @Override
  public Optional<WhitelistKey> findDenial(WhitelistCandidates candidates) {
    requireNonNull(candidates, "candidates");
    for (WhitelistKey k : candidates.keys()) {
      if (denials.containsKey(k)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  @Override
  public WhitelistPage listDenials(Optional<WhitelistKey> after, int limit) {
    requireNonNull(after, "after");
    if (limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_PAGE_SIZE + ", got " + limit);
    }
    Map<WhitelistKey, Instant> from =
        after.isPresent() ? denials.tailMap(after.get(), false) : denials;
    List<WhitelistEntry> page = new ArrayList<>();
    for (Map.Entry<WhitelistKey, Instant> e : from.entrySet()) {
      if (page.size() == limit) {
        return new WhitelistPage(page, Optional.of(page.get(limit - 1).key()));
      }
      page.add(new WhitelistEntry(e.getKey(), Optional.empty(), e.getValue()));
    }
    return new WhitelistPage(page, Optional.empty());
  }

  @Override
  public Optional<RateBucket> countIfUnder(List<RateBucket> buckets) {
    requireNonNull(buckets, "buckets");
    if (buckets.size() > 16) {
      throw new IllegalArgumentException("at most 16 buckets, got " + buckets.size());
    }
    buckets.forEach(b -> requireNonNull(b, "bucket"));
    Instant now = now();
    // all or nothing: one lock around the check and the counting (a key-value service would use a
    // transaction or a server-side script)
    synchronized (counters) {
      List<Window> open = new ArrayList<>();
      for (RateBucket b : buckets) {
        Window w = new Window(b.key(), b.windowEnd().truncatedTo(ChronoUnit.MILLIS));
        if (!w.end().isAfter(now)) {
          continue; // ended: counts as empty, not written
        }
        if (counters.getOrDefault(w, 0L) >= b.limit()) {
          return Optional.of(b);
        }
        open.add(w);
      }
      open.forEach(w -> counters.merge(w, 1L, Long::sum));
      return Optional.empty();
    }
  }

  @Override
  public long countOf(String key) {
    requireNonNull(key, "key");
    Instant now = now();
    synchronized (counters) {
      long sum = 0;
      for (Map.Entry<Window, Long> e : counters.entrySet()) {
        if (e.getKey().key().equals(key) && e.getKey().end().isAfter(now)) {
          sum += e.getValue();
        }
      }
      return sum;
    }
  }

  /** A counter window: its key and end. */
  private record Window(String key, Instant end) {}
}
