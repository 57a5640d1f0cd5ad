package org.smtpcr.core.auth;

import java.util.Locale;

/**
 * What a domain publishes at {@code _dmarc.<domain>} (RFC 7489 §6.3 {@code p=}), or that it
 * publishes nothing, or that the look-up failed for a transient reason.
 *
 * @since 0.2.0
 */
public enum DmarcPolicy {
  /** No DMARC record, at the domain or its organizational domain. */
  ABSENT,
  /** {@code p=none}: monitor only. */
  NONE,
  /** {@code p=quarantine}. */
  QUARANTINE,
  /** {@code p=reject}. */
  REJECT,
  /** The look-up failed for a transient reason. */
  TEMPERROR;

  /** True for {@code quarantine} and {@code reject}: the domain asks receivers to act. */
  public boolean demandsAuthentication() {
    return this == QUARANTINE || this == REJECT;
  }

  /** The lowercase keyword, e.g. {@code reject}. */
  public String keyword() {
    return name().toLowerCase(Locale.ROOT);
  }
}
