package org.smtpcr.core.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.smtpcr.core.auth.Domains;

/**
 * When a rule's admission ({@link RuleContext#admit()}) counts for a sender that is not
 * authenticated. The default counts it only for an authenticated sender or one whose domain
 * publishes nothing, and honours a stored confirmation made for an unverified delivery when the
 * next one arrives the same way.
 *
 * @param admitUnauthenticated count every admission, as before 0.2.0 (unsafe: forgers get in)
 * @param honourUnverifiedConfirmations honour a confirmation recorded as unverified for a delivery
 *     that is unverified again
 * @param optionalDomains sender domains (with their subdomains) whose admissions count without
 *     authentication
 * @since 0.2.0
 */
public record AuthPolicy(
    boolean admitUnauthenticated,
    boolean honourUnverifiedConfirmations,
    List<String> optionalDomains) {
  private static final AuthPolicy DEFAULTS = new AuthPolicy(false, true, List.of());

  /** Normalizes the domains; throws {@code IllegalArgumentException} for one that is not valid. */
  public AuthPolicy {
    requireNonNull(optionalDomains, "optionalDomains");
    optionalDomains = optionalDomains.stream().map(Domains::normalize).toList();
  }

  /** The safe default: no unauthenticated admissions, same-way confirmations honoured. */
  public static AuthPolicy defaults() {
    return DEFAULTS;
  }

  /** True when {@code domain} is one of {@link #optionalDomains} or below one. */
  public boolean isOptional(String domain) {
    for (String d : optionalDomains) {
      if (domain.equals(d) || domain.endsWith("." + d)) {
        return true;
      }
    }
    return false;
  }
}
