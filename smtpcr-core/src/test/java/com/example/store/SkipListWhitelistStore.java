package com.example.store;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
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
 * {@link WhitelistStore#findAny}'s default, which walks the candidates with {@code find}.
 */
final class SkipListWhitelistStore implements WhitelistStore {
  private static final Comparator<WhitelistKey> ORDER =
      Comparator.comparing(WhitelistKey::sender).thenComparing(WhitelistKey::recipient);

  private final ConcurrentNavigableMap<WhitelistKey, WhitelistEntry> entries =
      new ConcurrentSkipListMap<>(ORDER);
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
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void deny(WhitelistKey key) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public boolean removeDenial(WhitelistKey key) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public Optional<WhitelistKey> findDenial(WhitelistCandidates candidates) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public WhitelistPage listDenials(Optional<WhitelistKey> after, int limit) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public Optional<RateBucket> countIfUnder(List<RateBucket> buckets) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public long countOf(String key) {
    throw new UnsupportedOperationException("not yet");
  }
}
