package org.smtpcr.examples.policy;

import java.nio.charset.StandardCharsets;

/** Makes peer bytes safe for a log line: at most {@value #MAX} printable US-ASCII characters. */
final class Excerpt {
  static final int MAX = 40;

  private Excerpt() {}

  /** The first bytes, non-printable ones as {@code ?}, ending in {@code ...} when cut. */
  static String of(byte[] bytes) {
    int n = Math.min(bytes.length, MAX);
    StringBuilder sb = new StringBuilder(n + 3);
    for (int i = 0; i < n; i++) {
      int b = bytes[i] & 0xff;
      sb.append(b >= 0x20 && b < 0x7f ? (char) b : '?');
    }
    if (bytes.length > MAX) {
      sb.append("...");
    }
    return sb.toString();
  }

  /** The same for text. */
  static String of(String text) {
    return of(text.getBytes(StandardCharsets.UTF_8));
  }
}
