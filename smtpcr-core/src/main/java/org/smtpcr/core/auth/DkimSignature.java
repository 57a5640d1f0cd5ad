package org.smtpcr.core.auth;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * The result of verifying one DKIM signature (RFC 6376): the signing domain {@code d=} and the
 * outcome, named as in {@code Authentication-Results} (RFC 8601 §2.7.1).
 *
 * @param domain the {@code d=} domain; normalized by {@link Domains#normalize}, which rejects names
 *     that are not domain names
 * @param result the outcome
 * @since 0.2.0
 */
public record DkimSignature(String domain, Result result) {
  /** The outcome of one signature. */
  public enum Result {
    /** The signature verified. */
    PASS,
    /** The signature did not verify (body or header hash mismatch, bad signature). */
    FAIL,
    /** The signature could not be processed for a policy reason (e.g. expired, weak key). */
    POLICY,
    /** The signature is syntactically broken, or its key record is unusable. */
    NEUTRAL,
    /** The key could not be fetched for a transient reason. */
    TEMPERROR,
    /** The key record is missing or unusable. */
    PERMERROR;

    /** The lowercase keyword, e.g. {@code pass}. */
    public String keyword() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Checks and normalizes the domain. */
  public DkimSignature {
    requireNonNull(domain, "domain");
    requireNonNull(result, "result");
    domain = Domains.normalize(domain);
  }
}
