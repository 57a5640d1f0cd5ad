package org.smtpcr.tokens;

import java.util.Locale;
import java.util.Optional;

/**
 * How the sender of a challenged message was authenticated when the challenge was minted. A version
 * 2 challenge token carries it, so the challenge page, which sees only the token, can record it
 * with the confirmed pair, and a later delivery can be compared with it.
 *
 * <p>The wire code of each value is part of the token format (see {@code docs/token-format.md});
 * the keyword is what stores and command output show.
 *
 * @since 0.2.0
 */
public enum SenderAuthentication {
  /** Nobody checked: no evaluator ran. Version 1 tokens mean this. */
  UNCHECKED(0, "unchecked"),
  /** SPF {@code pass} for the MAIL FROM domain (RFC 7208). */
  SPF_PASS(1, "spf"),
  /** A valid DKIM signature whose {@code d=} domain aligns with the MAIL FROM domain (RFC 6376). */
  DKIM_PASS(2, "dkim"),
  /** The sender's domain publishes neither SPF nor DMARC nor a DKIM signature: nothing can tell. */
  NOTHING_PUBLISHED(3, "none-published"),
  /**
   * The domain publishes something, but this delivery passed none of it (SPF softfail, neutral).
   */
  UNVERIFIED(4, "unverified");

  private final int code;
  private final String keyword;

  SenderAuthentication(int code, String keyword) {
    this.code = code;
    this.keyword = keyword;
  }

  /** The 3-bit code a version 2 token carries in its flags byte. */
  public int code() {
    return code;
  }

  /** The lowercase keyword stores and command output use, e.g. {@code spf}. */
  public String keyword() {
    return keyword;
  }

  /** True for {@link #SPF_PASS} and {@link #DKIM_PASS}. */
  public boolean isAuthenticated() {
    return this == SPF_PASS || this == DKIM_PASS;
  }

  /** The value with this wire code, if any. */
  public static Optional<SenderAuthentication> ofCode(int code) {
    for (SenderAuthentication a : values()) {
      if (a.code == code) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** The value with this keyword (case-insensitive), if any. */
  public static Optional<SenderAuthentication> ofKeyword(String keyword) {
    String k = keyword.toLowerCase(Locale.ROOT);
    for (SenderAuthentication a : values()) {
      if (a.keyword.equals(k)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
