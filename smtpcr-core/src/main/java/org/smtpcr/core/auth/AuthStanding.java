package org.smtpcr.core.auth;

import org.smtpcr.tokens.SenderAuthentication;

/**
 * What the authentication results say about the envelope sender, the one fact the rules act on.
 * Derived by {@link AuthenticationResults#standing(String)}.
 *
 * @since 0.2.0
 */
public enum AuthStanding {
  /** SPF {@code pass} for the MAIL FROM domain. */
  SPF_PASS,
  /** A DKIM {@code pass} with a {@code d=} aligned with the MAIL FROM domain. */
  DKIM_PASS,
  /** The sender's domain publishes no SPF, no DMARC and signed nothing: nothing could tell. */
  NOTHING_PUBLISHED,
  /**
   * The domain publishes SPF but this delivery did not pass it ({@code softfail}, {@code neutral},
   * {@code permerror}), and no DMARC policy demands more.
   */
  UNVERIFIED,
  /** Not authenticated, and the domain's DMARC policy is {@code quarantine} or {@code reject}. */
  PROTECTED,
  /** SPF {@code fail}: the domain itself says this client may not use it. */
  FORGED,
  /** DNS trouble ({@code temperror}, a time-out): ask again later. */
  TEMPORARY,
  /** Nothing was checked: no evaluator ran and the route handed in nothing. */
  UNCHECKED;

  /** True for {@link #SPF_PASS} and {@link #DKIM_PASS}. */
  public boolean isAuthenticated() {
    return this == SPF_PASS || this == DKIM_PASS;
  }

  /**
   * What a challenge minted now records about the sender: the token and, once confirmed, the
   * whitelist entry carry it. {@link #PROTECTED}, {@link #FORGED} and {@link #TEMPORARY} are never
   * challenged and record {@link SenderAuthentication#UNVERIFIED}.
   */
  public SenderAuthentication recorded() {
    return switch (this) {
      case SPF_PASS -> SenderAuthentication.SPF_PASS;
      case DKIM_PASS -> SenderAuthentication.DKIM_PASS;
      case NOTHING_PUBLISHED -> SenderAuthentication.NOTHING_PUBLISHED;
      case UNCHECKED -> SenderAuthentication.UNCHECKED;
      default -> SenderAuthentication.UNVERIFIED;
    };
  }
}
