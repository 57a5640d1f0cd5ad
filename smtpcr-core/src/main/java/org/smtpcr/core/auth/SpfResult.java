package org.smtpcr.core.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * The result of an SPF check (RFC 7208 §2.6), named as in {@code Received-SPF} and {@code
 * Authentication-Results}.
 *
 * @since 0.2.0
 */
public enum SpfResult {
  /** No SPF record, or no checkable domain. */
  NONE,
  /** The domain makes no assertion about this client ({@code ?all}). */
  NEUTRAL,
  /** The client is authorized. */
  PASS,
  /** The client is explicitly not authorized ({@code -all}). */
  FAIL,
  /** The client is probably not authorized ({@code ~all}). */
  SOFTFAIL,
  /** A transient error, usually DNS: try again later. */
  TEMPERROR,
  /** The domain's record cannot be interpreted. */
  PERMERROR;

  /** The lowercase keyword, e.g. {@code softfail}. */
  public String keyword() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The result with this keyword (case-insensitive), if any. */
  public static Optional<SpfResult> ofKeyword(String keyword) {
    for (SpfResult r : values()) {
      if (r.name().equalsIgnoreCase(keyword)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
