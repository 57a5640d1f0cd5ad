package org.smtpcr.core.internal;

import static java.util.Objects.requireNonNull;

/** Makes text safe for one log line: printable US-ASCII only, bounded. */
public final class LogSafe {
  /** Longest text returned, in characters. */
  public static final int MAX_LENGTH = 200;

  private LogSafe() {}

  /**
   * Returns {@code text} with every character outside printable US-ASCII replaced by {@code ?}, cut
   * to {@value #MAX_LENGTH} characters (ending in {@code ...} when cut). Only the first {@value
   * #MAX_LENGTH} characters are read.
   */
  public static String of(CharSequence text) {
    requireNonNull(text, "text");
    int n = Math.min(text.length(), MAX_LENGTH);
    StringBuilder sb = new StringBuilder(n + 3);
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (text.length() > MAX_LENGTH) {
      sb.setLength(MAX_LENGTH - 3);
      sb.append("...");
    }
    return sb.toString();
  }
}
