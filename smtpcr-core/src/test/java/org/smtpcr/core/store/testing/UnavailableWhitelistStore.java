package org.smtpcr.core.store.testing;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.smtpcr.core.store.Confirmation;
import org.smtpcr.core.store.EntryOrigin;
import org.smtpcr.core.store.RateBucket;
import org.smtpcr.core.store.StoreException;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistPage;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.tokens.SenderAuthentication;

/**
 * A store whose every read and write fails, as a database that is down: for tests that show a
 * failing store makes a temporary answer, never a permanent one. Each call throws a fresh exception
 * from the supplier.
 */
public final class UnavailableWhitelistStore implements WhitelistStore {
  private final Supplier<StoreException> failure;

  /** Fails every call with {@code new StoreException(message)}. */
  public UnavailableWhitelistStore(String message) {
    this(() -> new StoreException(message));
  }

  /** Fails every call with what {@code failure} makes. */
  public UnavailableWhitelistStore(Supplier<StoreException> failure) {
    this.failure = requireNonNull(failure, "failure");
  }

  @Override
  public void add(WhitelistKey key, SenderAuthentication authentication) {
    throw failure.get();
  }

  @Override
  public void add(WhitelistKey key, Instant expiresAt, SenderAuthentication authentication) {
    throw failure.get();
  }

  @Override
  public boolean containsAny(WhitelistCandidates candidates) {
    throw failure.get();
  }

  @Override
  public Optional<WhitelistEntry> findAny(WhitelistCandidates candidates) {
    throw failure.get();
  }

  @Override
  public Optional<WhitelistEntry> find(WhitelistKey key) {
    throw failure.get();
  }

  @Override
  public boolean remove(WhitelistKey key) {
    throw failure.get();
  }

  @Override
  public WhitelistPage list(int limit) {
    throw failure.get();
  }

  @Override
  public WhitelistPage listAfter(WhitelistKey after, int limit) {
    throw failure.get();
  }

  @Override
  public long count() {
    throw failure.get();
  }

  @Override
  public long removeExpired() {
    throw failure.get();
  }

  @Override
  public String toString() {
    return "UnavailableWhitelistStore";
  }

  @Override
  public Confirmation confirm(
      WhitelistKey key,
      Optional<Instant> expiresAt,
      SenderAuthentication authentication,
      EntryOrigin origin) {
    throw failure.get();
  }

  @Override
  public void deny(WhitelistKey key) {
    throw failure.get();
  }

  @Override
  public boolean removeDenial(WhitelistKey key) {
    throw failure.get();
  }

  @Override
  public Optional<WhitelistKey> findDenial(WhitelistCandidates candidates) {
    throw failure.get();
  }

  @Override
  public WhitelistPage listDenials(Optional<WhitelistKey> after, int limit) {
    throw failure.get();
  }

  @Override
  public Optional<RateBucket> countIfUnder(List<RateBucket> buckets) {
    throw failure.get();
  }

  @Override
  public long countOf(String key) {
    throw failure.get();
  }
}
