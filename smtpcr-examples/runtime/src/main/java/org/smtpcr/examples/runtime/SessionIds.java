package org.smtpcr.examples.runtime;

import java.util.Optional;

/**
 * Session ids as {@link org.smtpcr.core.Transaction} accepts them and logs may show them: the
 * printable US-ASCII characters of the MTA's id ({@code !} to {@code ~}), at most {@value
 * #MAX_LENGTH} of them.
 *
 * @since 0.1.0
 */
public final class SessionIds {
  /**
   * Most characters kept.
   *
   * @since 0.1.0
   */
  public static final int MAX_LENGTH = 64;

  private SessionIds() {}

  /**
   * The MTA's session id, kept to printable US-ASCII and cut at {@value #MAX_LENGTH} characters.
   *
   * @param id the MTA's id; may be null or hostile
   * @return the safe id, or empty when none is left
   * @since 0.1.0
   */
  public static Optional<String> sanitize(CharSequence id) {
    if (id == null) {
      return Optional.empty();
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < id.length() && sb.length() < MAX_LENGTH; i++) {
      char c = id.charAt(i);
      if (c > 0x20 && c < 0x7f) {
        sb.append(c);
      }
    }
    return sb.length() == 0 ? Optional.empty() : Optional.of(sb.toString());
  }
}
