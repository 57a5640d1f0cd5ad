package org.smtpcr.core.rules;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;
import org.smtpcr.core.auth.AuthStanding;
import org.smtpcr.core.spi.DecisionRule;
import org.smtpcr.core.spi.RuleContext;

/**
 * Acts on what the sender's own domain says, before any rule that admits: SPF {@code fail} rejects
 * with {@code 550 5.7.23} and no link (RFC 7372; a link is never minted for a sender its domain
 * calls forged), and DNS trouble answers {@code 451 4.4.3}. Everything else abstains; the admitting
 * rules then count only for a sender the {@link RuleContext#admit()} gate lets through.
 *
 * <p>A client in a trusted-forwarder network is not judged by SPF (see {@link
 * RuleContext#disregardSpf()}). The null sender is left to the null-sender rule.
 *
 * @since 0.2.0
 */
public final class SenderAuthenticationRule implements DecisionRule {
  private final boolean rejectForged;
  private final List<IpNetwork> trustedForwarders;

  private SenderAuthenticationRule(Builder b) {
    this.rejectForged = b.rejectForged;
    this.trustedForwarders = List.copyOf(b.trustedForwarders);
  }

  /** A builder: SPF {@code fail} rejects, no trusted forwarders. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Optional<Decision> decide(RuleContext context) {
    if (context.stage().compareTo(Stage.RCPT) < 0 || context.isNullSender()) {
      return Optional.empty();
    }
    if (context.sender().isEmpty()) {
      return Optional.empty();
    }
    for (IpNetwork n : trustedForwarders) {
      if (n.contains(context.transaction().clientAddress())) {
        context.disregardSpf();
        break;
      }
    }
    AuthStanding s = context.standing();
    if (s == AuthStanding.FORGED && rejectForged) {
      return Optional.of(context.rejectForged());
    }
    if (s == AuthStanding.TEMPORARY) {
      return Optional.of(context.deferAuthentication());
    }
    return Optional.empty();
  }

  @Override
  public String id() {
    return "sender-authentication";
  }

  @Override
  public String toString() {
    return "SenderAuthenticationRule[rejectForged="
        + rejectForged
        + ", trustedForwarders="
        + trustedForwarders
        + "]";
  }

  /** Builds a {@link SenderAuthenticationRule}. */
  public static final class Builder {
    private boolean rejectForged = true;
    private final List<IpNetwork> trustedForwarders = new ArrayList<>();

    private Builder() {}

    /** Whether SPF {@code fail} rejects; default true. */
    public Builder rejectForged(boolean reject) {
      this.rejectForged = reject;
      return this;
    }

    /** A network of forwarders whose deliveries are not judged by SPF. */
    public Builder trustedForwarder(IpNetwork network) {
      trustedForwarders.add(requireNonNull(network, "network"));
      return this;
    }

    /** The rule. */
    public SenderAuthenticationRule build() {
      return new SenderAuthenticationRule(this);
    }
  }
}
