package org.smtpcr.examples.policy;

import java.time.Instant;
import java.util.Optional;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.StoreException;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistPage;
import org.smtpcr.core.store.WhitelistStore;

/** A store whose every read and write fails, as a database that is down. */
final class FailingStore implements WhitelistStore {
  private static StoreException down() {
    return new StoreException("database is down");
  }

  @Override
  public void add(WhitelistKey key, Optional<Instant> expiresAt) {
    throw down();
  }

  @Override
  public boolean contains(CanonicalAddress sender, CanonicalAddress recipient) {
    throw down();
  }

  @Override
  public Optional<WhitelistEntry> find(WhitelistKey key) {
    throw down();
  }

  @Override
  public boolean remove(WhitelistKey key) {
    throw down();
  }

  @Override
  public WhitelistPage list(Optional<WhitelistKey> after, int limit) {
    throw down();
  }

  @Override
  public long count() {
    throw down();
  }

  @Override
  public long removeExpired() {
    throw down();
  }
}
