package org.smtpcr.core.rules;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.smtpcr.core.Decision;
import org.smtpcr.core.spi.DecisionRule;
import org.smtpcr.core.spi.RuleContext;
import org.smtpcr.core.store.PairLookup;
import org.smtpcr.core.store.StoreException;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistStore;

/**
 * Accepts a (sender, recipient) pair that the {@link WhitelistStore} holds: confirmed through a
 * challenge, or whitelisted by domain. The store is asked about the {@linkplain WhitelistCandidates
 * candidate keys} of the pair through {@link RuleContext#lookUp}, one call per decision that the
 * {@link DenyListRule} of the same store shares. Decides at RCPT and DATA for non-null senders;
 * abstains otherwise. A {@link StoreException} propagates, so the engine answers {@code 451 4.3.0}.
 *
 * @since 0.1.0
 */
public final class WhitelistStoreRule implements DecisionRule {
  private final WhitelistStore store;

  private WhitelistStoreRule(WhitelistStore store) {
    this.store = store;
  }

  /**
   * The rule for {@code store}.
   *
   * @param store the whitelist store
   * @return the rule
   */
  public static WhitelistStoreRule of(WhitelistStore store) {
    return new WhitelistStoreRule(requireNonNull(store, "store"));
  }

  @Override
  public Optional<Decision> decide(RuleContext context) {
    // the deny-list rule earlier in the chain asked the same store: answered from that call
    Optional<WhitelistEntry> hit = context.lookUp(store).flatMap(PairLookup::entry);
    return hit.isPresent() ? context.admit(hit.get().authentication()) : Optional.empty();
  }

  @Override
  public String id() {
    return "whitelist-store";
  }

  @Override
  public String toString() {
    return "WhitelistStoreRule[" + store + "]";
  }
}
