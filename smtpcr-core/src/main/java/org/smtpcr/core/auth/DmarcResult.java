package org.smtpcr.core.auth;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * The DMARC evaluation of a message (RFC 7489): the RFC5322.From domain, the result and the policy
 * that domain publishes.
 *
 * @param fromDomain the From: domain, lowercase ASCII without a trailing dot
 * @param result pass when an aligned SPF or DKIM pass exists
 * @param policy the published policy ({@code sp=} for a subdomain when present)
 * @since 0.2.0
 */
public record DmarcResult(String fromDomain, Result result, DmarcPolicy policy) {
  /** The DMARC result, named as in {@code Authentication-Results}. */
  public enum Result {
    /** An aligned SPF or DKIM pass. */
    PASS,
    /** No aligned pass, and the domain publishes a policy. */
    FAIL,
    /** The domain publishes no policy. */
    NONE,
    /** A transient failure. */
    TEMPERROR,
    /** The record cannot be interpreted. */
    PERMERROR;

    /** The lowercase keyword. */
    public String keyword() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Checks and normalizes the domain. */
  public DmarcResult {
    requireNonNull(fromDomain, "fromDomain");
    requireNonNull(result, "result");
    requireNonNull(policy, "policy");
    fromDomain = Domains.normalize(fromDomain);
  }
}
