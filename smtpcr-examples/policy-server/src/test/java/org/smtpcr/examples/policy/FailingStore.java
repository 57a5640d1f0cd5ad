package org.smtpcr.examples.policy;

import java.time.Instant;
import java.util.Optional;
import org.smtpcr.core.store.StoreException;
import org.smtpcr.core.store.WhitelistCandidates;
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
  public void add(WhitelistKey key, org.smtpcr.tokens.SenderAuthentication authentication) {
    throw down();
  }

  @Override
  public void add(
      WhitelistKey key, Instant expiresAt, org.smtpcr.tokens.SenderAuthentication authentication) {
    throw down();
  }

  @Override
  public boolean containsAny(WhitelistCandidates candidates) {
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
  public WhitelistPage list(int limit) {
    throw down();
  }

  @Override
  public WhitelistPage listAfter(WhitelistKey after, int limit) {
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
