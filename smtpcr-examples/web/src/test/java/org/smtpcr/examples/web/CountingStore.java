package org.smtpcr.examples.web;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.StoreException;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistPage;
import org.smtpcr.core.store.WhitelistStore;

/** An in-memory store that records every write, and can be made to fail. */
final class CountingStore implements WhitelistStore {
  private final WhitelistStore delegate = InMemoryWhitelistStore.builder().build();
  private final List<WhitelistKey> adds = new CopyOnWriteArrayList<>();
  private final List<Optional<Instant>> expiries = new CopyOnWriteArrayList<>();
  private final AtomicBoolean failing = new AtomicBoolean();

  void failWrites(boolean fail) {
    failing.set(fail);
  }

  List<WhitelistKey> adds() {
    return List.copyOf(adds);
  }

  List<Optional<Instant>> expiries() {
    return List.copyOf(expiries);
  }

  @Override
  public void add(WhitelistKey key, Optional<Instant> expiresAt) {
    if (failing.get()) {
      throw new StoreException("store is down (test)");
    }
    adds.add(key);
    expiries.add(expiresAt);
    delegate.add(key, expiresAt);
  }

  @Override
  public boolean contains(CanonicalAddress sender, CanonicalAddress recipient) {
    return delegate.contains(sender, recipient);
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
  public WhitelistPage list(Optional<WhitelistKey> after, int limit) {
    return delegate.list(after, limit);
  }

  @Override
  public long count() {
    return delegate.count();
  }

  @Override
  public long removeExpired() {
    return delegate.removeExpired();
  }
}
