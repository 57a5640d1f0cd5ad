package org.smtpcr.core.rules;

import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.smtpcr.core.Decision;
import org.smtpcr.core.spi.DecisionRule;
import org.smtpcr.core.spi.RuleContext;

/**
 * Accepts transactions from trusted clients: authenticated sessions (SMTP AUTH: the MTA's own users
 * submitting mail) and clients in configured IPv4/IPv6 networks (relays, monitoring). Decides at
 * every stage.
 *
 * <pre>{@code
 * DecisionRule trusted = TrustedClientsRule.builder()
 *     .network("192.0.2.0/24")
 *     .network("2001:db8::/32")
 *     .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class TrustedClientsRule implements DecisionRule {
  private static final TrustedClientsRule AUTHENTICATED = builder().build();

  private final boolean authenticatedSessions;
  private final List<IpNetwork> networks;

  private TrustedClientsRule(boolean authenticatedSessions, List<IpNetwork> networks) {
    this.authenticatedSessions = authenticatedSessions;
    this.networks = List.copyOf(networks);
  }

  /**
   * The rule that trusts authenticated sessions and no network.
   *
   * @return the rule
   */
  public static TrustedClientsRule authenticated() {
    return AUTHENTICATED;
  }

  /**
   * Starts a builder that trusts authenticated sessions and no network.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Optional<Decision> decide(RuleContext context) {
    var tx = context.transaction();
    if (authenticatedSessions && tx.authenticatedUser().isPresent()) {
      return Optional.of(context.accept());
    }
    for (IpNetwork n : networks) {
      if (n.contains(tx.clientAddress())) {
        return Optional.of(context.accept());
      }
    }
    return Optional.empty();
  }

  @Override
  public String id() {
    return "trusted-clients";
  }

  /**
   * The networks this rule trusts.
   *
   * @return the networks in the order given
   */
  public List<IpNetwork> networks() {
    return networks;
  }

  @Override
  public String toString() {
    return "TrustedClientsRule[authenticated="
        + authenticatedSessions
        + ", networks="
        + networks
        + "]";
  }

  /**
   * Builds a {@link TrustedClientsRule}. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private Boolean authenticatedSessions;
    private final List<IpNetwork> networks = new ArrayList<>();

    private Builder() {}

    /**
     * Whether authenticated sessions are trusted (default true).
     *
     * @param trust false to judge authenticated sessions like any other
     * @return this builder
     */
    public Builder authenticatedSessions(boolean trust) {
      checkState(this.authenticatedSessions == null, "authenticatedSessions was already set");
      this.authenticatedSessions = trust;
      return this;
    }

    /**
     * Trusts a network.
     *
     * @param cidr such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; see {@link IpNetwork#parse}
     * @return this builder
     * @throws IllegalArgumentException if {@code cidr} is not a network
     */
    public Builder network(String cidr) {
      return network(IpNetwork.parse(requireNonNull(cidr, "cidr")));
    }

    /**
     * Trusts a network.
     *
     * @param network the network
     * @return this builder
     */
    public Builder network(IpNetwork network) {
      networks.add(requireNonNull(network, "network"));
      return this;
    }

    /**
     * Builds the rule.
     *
     * @return the rule
     */
    public TrustedClientsRule build() {
      return new TrustedClientsRule(
          authenticatedSessions == null || authenticatedSessions, networks);
    }
  }
}
