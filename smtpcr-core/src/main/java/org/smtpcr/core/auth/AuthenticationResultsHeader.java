package org.smtpcr.core.auth;

import java.util.Optional;
import java.util.Set;

/** Placeholder: the RFC 8601 parser lands from the auth branch (take theirs on merge). */
public final class AuthenticationResultsHeader {
  private AuthenticationResultsHeader() {}

  /** Placeholder. */
  public static Optional<AuthenticationResults> parse(String value, Set<String> trusted) {
    return Optional.empty();
  }
}
