package org.smtpcr.core.rules;

import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.smtpcr.core.Decision;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.ParsedAddress;
import org.smtpcr.core.spi.DecisionRule;
import org.smtpcr.core.spi.RuleContext;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistKey;

/**
 * Accepts senders whitelisted in configuration: single addresses or whole domains (with their
 * subdomains), for every recipient or for one. Matching uses canonical addresses, so {@code
 * <Alice+news@Example.ORG>} matches a configured {@code alice@example.org}. Decides at RCPT and
 * DATA for non-null senders; abstains otherwise.
 *
 * <pre>{@code
 * DecisionRule whitelist = StaticWhitelistRule.builder()
 *     .senderDomain("example.org")                       // anyone at example.org or below, to anyone
 *     .sender("alice@example.net")                       // to anyone
 *     .senderFor("bob@example.com", "carol@example.edu") // to bob only
 *     .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class StaticWhitelistRule implements DecisionRule {
  private final Set<WhitelistKey> keys;

  private StaticWhitelistRule(Set<WhitelistKey> keys) {
    this.keys = Set.copyOf(keys);
  }

  /**
   * Starts a builder with an empty whitelist.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Optional<Decision> decide(RuleContext context) {
    Optional<ParsedAddress> rcpt = context.recipient();
    if (rcpt.isEmpty() || keys.isEmpty()) {
      return Optional.empty();
    }
    Optional<ParsedAddress> sender = context.sender();
    if (sender.isEmpty()) {
      return Optional.empty();
    }
    for (WhitelistKey k :
        WhitelistCandidates.of(sender.get().canonical(), rcpt.get().canonical()).keys()) {
      if (keys.contains(k)) {
        return context.admit();
      }
    }
    return Optional.empty();
  }

  @Override
  public String id() {
    return "static-whitelist";
  }

  @Override
  public String toString() {
    return "StaticWhitelistRule[" + keys.size() + " entries]";
  }

  /**
   * Builds a {@link StaticWhitelistRule}. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final Set<WhitelistKey> keys = new HashSet<>();
    private AddressCanonicalizer canonicalizer;

    private Builder() {}

    /**
     * The canonicalizer for configured addresses (default {@link AddressCanonicalizer#standard()});
     * set it before adding entries.
     *
     * @param canonicalizer the engine's canonicalizer
     * @return this builder
     */
    public Builder canonicalizer(AddressCanonicalizer canonicalizer) {
      checkState(keys.isEmpty(), "set the canonicalizer before adding entries");
      checkState(this.canonicalizer == null, "canonicalizer was already set");
      this.canonicalizer = requireNonNull(canonicalizer, "canonicalizer");
      return this;
    }

    /**
     * Whitelists one sender for every recipient.
     *
     * @param sender the sender address
     * @return this builder
     * @throws IllegalArgumentException if it is not a valid address
     */
    public Builder sender(String sender) {
      requireNonNull(sender, "sender");
      keys.add(WhitelistKey.globalSender(Config.address(c(), sender, "sender")));
      return this;
    }

    /**
     * Whitelists a domain and its subdomains for every recipient.
     *
     * @param domain such as {@code example.org} (a leading {@code @} is ignored)
     * @return this builder
     * @throws IllegalArgumentException if it is not a valid domain
     */
    public Builder senderDomain(String domain) {
      requireNonNull(domain, "domain");
      keys.add(WhitelistKey.globalDomain(Config.domain(c(), domain)));
      return this;
    }

    /**
     * Whitelists one sender for one recipient.
     *
     * @param recipient the recipient address
     * @param sender the sender address
     * @return this builder
     * @throws IllegalArgumentException if an address is not valid
     */
    public Builder senderFor(String recipient, String sender) {
      requireNonNull(recipient, "recipient");
      requireNonNull(sender, "sender");
      keys.add(
          WhitelistKey.pair(
              Config.address(c(), sender, "sender"),
              Config.address(c().forRecipients(), recipient, "recipient")));
      return this;
    }

    /**
     * Whitelists a domain and its subdomains for one recipient.
     *
     * @param recipient the recipient address
     * @param domain the sender domain
     * @return this builder
     * @throws IllegalArgumentException if the address or domain is not valid
     */
    public Builder senderDomainFor(String recipient, String domain) {
      requireNonNull(recipient, "recipient");
      requireNonNull(domain, "domain");
      keys.add(
          WhitelistKey.domain(
              Config.domain(c(), domain),
              Config.address(c().forRecipients(), recipient, "recipient")));
      return this;
    }

    /**
     * Builds the rule.
     *
     * @return the rule
     */
    public StaticWhitelistRule build() {
      return new StaticWhitelistRule(keys);
    }

    private AddressCanonicalizer c() {
      if (canonicalizer == null) {
        canonicalizer = AddressCanonicalizer.standard();
      }
      return canonicalizer;
    }
  }
}
