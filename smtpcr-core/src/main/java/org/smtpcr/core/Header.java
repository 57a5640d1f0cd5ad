package org.smtpcr.core;

import static java.util.Objects.requireNonNull;

/**
 * One message header field as the MTA received it at the end of DATA.
 *
 * @param name the field name, such as {@code Subject}; compared case-insensitively
 * @param value the raw field body: possibly folded and with RFC 2047 encoded words, which the
 *     engine unfolds and decodes where it needs to
 * @since 0.1.0
 */
public record Header(String name, String value) {
  /** Checks that no component is null. */
  public Header {
    requireNonNull(name, "name");
    requireNonNull(value, "value");
  }

  /** Returns the name only: header values may carry personal data. */
  @Override
  public String toString() {
    return "Header[" + name + ", " + value.length() + " chars]";
  }
}
