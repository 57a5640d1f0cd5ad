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

/**
 * Accepts mail to recipients that must always be reachable: {@code postmaster} (RFC 5321 §4.5.1)
 * and {@code abuse} (RFC 2142) at any domain, plus configured local parts and addresses. Decides at
 * RCPT and DATA; abstains otherwise.
 *
 * <pre>{@code
 * DecisionRule exempt = ExemptRecipientsRule.builder()
 *     .localPart("hostmaster")
 *     .address("support@example.com")
 *     .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class ExemptRecipientsRule implements DecisionRule {
  /** The local parts exempt by default. */
  public static final Set<String> STANDARD_LOCAL_PARTS = Set.of("postmaster", "abuse");

  private static final ExemptRecipientsRule STANDARD = builder().build();

  private final Set<String> localParts;
  private final Set<String> addresses;

  private ExemptRecipientsRule(Set<String> localParts, Set<String> addresses) {
    this.localParts = Set.copyOf(localParts);
    this.addresses = Set.copyOf(addresses);
  }

  /**
   * The rule for {@code postmaster} and {@code abuse} only.
   *
   * @return the standard rule
   */
  public static ExemptRecipientsRule standard() {
    return STANDARD;
  }

  /**
   * Starts a builder that includes the standard local parts.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Optional<Decision> decide(RuleContext context) {
    Optional<ParsedAddress> rcpt = context.recipient();
    if (rcpt.isEmpty()) {
      return Optional.empty();
    }
    var a = rcpt.get().canonical();
    if (localParts.contains(a.localPart())
        || (!addresses.isEmpty() && addresses.contains(a.value()))) {
      return Optional.of(context.accept());
    }
    return Optional.empty();
  }

  @Override
  public String id() {
    return "exempt-recipients";
  }

  @Override
  public String toString() {
    return "ExemptRecipientsRule[localParts="
        + localParts
        + ", "
        + addresses.size()
        + " addresses]";
  }

  /**
   * Builds an {@link ExemptRecipientsRule}. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final Set<String> localParts = new HashSet<>();
    private final Set<String> addresses = new HashSet<>();
    private AddressCanonicalizer canonicalizer;
    private Boolean standard;

    private Builder() {}

    /**
     * The canonicalizer for configured addresses (default {@link AddressCanonicalizer#standard()});
     * set it before adding addresses.
     *
     * @param canonicalizer the engine's canonicalizer
     * @return this builder
     */
    public Builder canonicalizer(AddressCanonicalizer canonicalizer) {
      checkState(
          localParts.isEmpty() && addresses.isEmpty(),
          "set the canonicalizer before adding addresses");
      checkState(this.canonicalizer == null, "canonicalizer was already set");
      this.canonicalizer = requireNonNull(canonicalizer, "canonicalizer");
      return this;
    }

    /**
     * Whether {@code postmaster} and {@code abuse} are exempt (default true).
     *
     * @param include false to leave them out
     * @return this builder
     */
    public Builder standardLocalParts(boolean include) {
      checkState(this.standard == null, "standardLocalParts was already set");
      this.standard = include;
      return this;
    }

    /**
     * Exempts a local part at every domain, such as {@code hostmaster}.
     *
     * @param localPart the local part
     * @return this builder
     * @throws IllegalArgumentException if it is not a valid local part
     */
    public Builder localPart(String localPart) {
      requireNonNull(localPart, "localPart");
      localParts.add(Config.localPart(canonicalizer(), localPart));
      return this;
    }

    /**
     * Exempts one address.
     *
     * @param address the address, with or without angle brackets
     * @return this builder
     * @throws IllegalArgumentException if it is not a valid address
     */
    public Builder address(String address) {
      requireNonNull(address, "address");
      addresses.add(Config.address(canonicalizer(), address, "exempt recipient").value());
      return this;
    }

    /**
     * Builds the rule.
     *
     * @return the rule
     */
    public ExemptRecipientsRule build() {
      Set<String> lp = new HashSet<>(localParts);
      if (standard == null || standard) {
        lp.addAll(STANDARD_LOCAL_PARTS);
      }
      return new ExemptRecipientsRule(lp, addresses);
    }

    /**
     * Configured addresses are recipients: canonicalized as the engine canonicalizes forward-paths.
     */
    private AddressCanonicalizer canonicalizer() {
      if (canonicalizer == null) {
        canonicalizer = AddressCanonicalizer.standard();
      }
      return canonicalizer.forRecipients();
    }
  }
}
