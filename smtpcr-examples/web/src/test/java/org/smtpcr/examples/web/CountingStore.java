package org.smtpcr.examples.web;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.smtpcr.core.store.Confirmation;
import org.smtpcr.core.store.EntryOrigin;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.RateBucket;
import org.smtpcr.core.store.StoreException;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistPage;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.tokens.SenderAuthentication;

/**
 * An in-memory store that records every write (adds, and confirmations that create or renew), and
 * can be made to fail.
 */
final class CountingStore implements WhitelistStore {
  private final WhitelistStore delegate;
  private final List<WhitelistKey> adds = new CopyOnWriteArrayList<>();
  private final List<Optional<Instant>> expiries = new CopyOnWriteArrayList<>();
  private final List<SenderAuthentication> authentications = new CopyOnWriteArrayList<>();
  private final AtomicBoolean failing = new AtomicBoolean();

  CountingStore() {
    this(Clock.systemUTC());
  }

  /** A store whose entries and counter windows end by {@code clock}. */
  CountingStore(Clock clock) {
    this.delegate = InMemoryWhitelistStore.builder().clock(clock).build();
  }

  void failWrites(boolean fail) {
    failing.set(fail);
  }

  List<WhitelistKey> adds() {
    return List.copyOf(adds);
  }

  List<Optional<Instant>> expiries() {
    return List.copyOf(expiries);
  }

  List<SenderAuthentication> authentications() {
    return List.copyOf(authentications);
  }

  @Override
  public void add(WhitelistKey key, SenderAuthentication authentication) {
    record(key, Optional.empty(), authentication);
    delegate.add(key, authentication);
  }

  @Override
  public void add(WhitelistKey key, Instant expiresAt, SenderAuthentication authentication) {
    record(key, Optional.of(expiresAt), authentication);
    delegate.add(key, expiresAt, authentication);
  }

  private void record(
      WhitelistKey key, Optional<Instant> expiresAt, SenderAuthentication authentication) {
    if (failing.get()) {
      throw new StoreException("store is down (test)");
    }
    adds.add(key);
    expiries.add(expiresAt);
    authentications.add(authentication);
  }

  @Override
  public boolean containsAny(WhitelistCandidates candidates) {
    return delegate.containsAny(candidates);
  }

  @Override
  public Optional<WhitelistEntry> findAny(WhitelistCandidates candidates) {
    return delegate.findAny(candidates);
  }

  @Override
  public Optional<WhitelistEntry> find(WhitelistKey key) {
    return delegate.find(key);
  }

  @Override
  public boolean remove(WhitelistKey key) {
    return delegate.remove(key);
  }

  @Override
  public WhitelistPage list(int limit) {
    return delegate.list(limit);
  }

  @Override
  public WhitelistPage listAfter(WhitelistKey after, int limit) {
    return delegate.listAfter(after, limit);
  }

  @Override
  public long count() {
    return delegate.count();
  }

  @Override
  public long removeExpired() {
    return delegate.removeExpired();
  }

  @Override
  public Confirmation confirm(
      WhitelistKey key,
      Optional<Instant> expiresAt,
      SenderAuthentication authentication,
      EntryOrigin origin) {
    if (failing.get()) {
      throw new StoreException("store is down (test)");
    }
    Confirmation c = delegate.confirm(key, expiresAt, authentication, origin);
    if (c != Confirmation.KEPT) {
      adds.add(key);
      expiries.add(expiresAt);
      authentications.add(authentication);
    }
    return c;
  }

  @Override
  public void deny(WhitelistKey key) {
    delegate.deny(key);
  }

  @Override
  public boolean removeDenial(WhitelistKey key) {
    return delegate.removeDenial(key);
  }

  @Override
  public Optional<WhitelistKey> findDenial(WhitelistCandidates candidates) {
    return delegate.findDenial(candidates);
  }

  @Override
  public WhitelistPage listDenials(Optional<WhitelistKey> after, int limit) {
    return delegate.listDenials(after, limit);
  }

  @Override
  public Optional<RateBucket> countIfUnder(List<RateBucket> buckets) {
    if (failing.get()) {
      throw new StoreException("store is down (test)");
    }
    return delegate.countIfUnder(buckets);
  }

  @Override
  public long countOf(String key) {
    return delegate.countOf(key);
  }
}
