package org.smtpcr.auth;

/**
 * Makes text from the network safe for one log line: printable US-ASCII only, bounded. The same
 * idea as core's internal {@code LogSafe}, which this module may not use.
 */
final class LogSafe {
  static final int MAX_LENGTH = 200;

  private LogSafe() {}

  static String of(CharSequence text) {
    if (text == null) {
      return "null";
    }
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
