package org.smtpcr.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpcr.core.rules.RuleProbe.decide;
import static org.smtpcr.core.rules.RuleProbe.rcpt;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.StoreException;
import org.smtpcr.core.store.WhitelistKey;

final class WhitelistStoreRuleTest {
  private final InMemoryWhitelistStore store =
      InMemoryWhitelistStore.builder().clock(RuleProbe.CLOCK).build();

  @Test
  void storedPair_accepts_unknownPair_abstains() {
    store.add(
        WhitelistKey.pair(
            CanonicalAddress.parseCanonical("alice@example.org"),
            CanonicalAddress.parseCanonical("bob@example.com")));
    WhitelistStoreRule r = WhitelistStoreRule.of(store);
    assertEquals(
        Optional.of(Decision.accept()),
        decide(r, rcpt("<Alice@Example.org>", "<bob+z@example.com>")));
    assertEquals(Optional.empty(), decide(r, rcpt("<alice@example.org>", "<carol@example.com>")));
    assertEquals(Optional.empty(), decide(r, rcpt("<>", "<bob@example.com>")));
  }

  @Test
  void storeThrows_engineDefers451WithThisRuleId() {
    InMemoryWhitelistStore full =
        InMemoryWhitelistStore.builder()
            .maxEntries(1)
            .whenFull(InMemoryWhitelistStore.WhenFull.REFUSE)
            .build();
    WhitelistStoreRule r = WhitelistStoreRule.of(new ForwardingFailingStore(full));
    DecisionOutcome e = RuleProbe.event(r, rcpt("<alice@example.org>", "<bob@example.com>"));
    assertTrue(e.failed());
    assertEquals(451, assertInstanceOf(Decision.Defer.class, e.decision()).reply().code());
  }

  /** Delegates everything but {@code containsAny} and {@code findAny}, which fail. */
  private static final class ForwardingFailingStore
      implements org.smtpcr.core.store.WhitelistStore {
    private final org.smtpcr.core.store.WhitelistStore delegate;

    ForwardingFailingStore(org.smtpcr.core.store.WhitelistStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public void add(WhitelistKey key, org.smtpcr.tokens.SenderAuthentication authentication) {
      delegate.add(key, authentication);
    }

    @Override
    public void add(
        WhitelistKey key,
        java.time.Instant expiresAt,
        org.smtpcr.tokens.SenderAuthentication authentication) {
      delegate.add(key, expiresAt, authentication);
    }

    @Override
    public boolean containsAny(org.smtpcr.core.store.WhitelistCandidates candidates) {
      throw new StoreException("down");
    }

    @Override
    public Optional<org.smtpcr.core.store.WhitelistEntry> findAny(
        org.smtpcr.core.store.WhitelistCandidates candidates) {
      throw new StoreException("down");
    }

    @Override
    public Optional<org.smtpcr.core.store.WhitelistEntry> find(WhitelistKey key) {
      return delegate.find(key);
    }

    @Override
    public boolean remove(WhitelistKey key) {
      return delegate.remove(key);
    }

    @Override
    public org.smtpcr.core.store.WhitelistPage list(int limit) {
      return delegate.list(limit);
    }

    @Override
    public org.smtpcr.core.store.WhitelistPage listAfter(WhitelistKey after, int limit) {
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
    public org.smtpcr.core.store.Confirmation confirm(
        WhitelistKey key,
        Optional<java.time.Instant> expiresAt,
        org.smtpcr.tokens.SenderAuthentication authentication,
        org.smtpcr.core.store.EntryOrigin origin) {
      return delegate.confirm(key, expiresAt, authentication, origin);
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
    public Optional<WhitelistKey> findDenial(org.smtpcr.core.store.WhitelistCandidates candidates) {
      return delegate.findDenial(candidates);
    }

    @Override
    public org.smtpcr.core.store.WhitelistPage listDenials(
        Optional<WhitelistKey> after, int limit) {
      return delegate.listDenials(after, limit);
    }

    @Override
    public Optional<org.smtpcr.core.store.RateBucket> countIfUnder(
        java.util.List<org.smtpcr.core.store.RateBucket> buckets) {
      return delegate.countIfUnder(buckets);
    }

    @Override
    public long countOf(String key) {
      return delegate.countOf(key);
    }
  }
}
