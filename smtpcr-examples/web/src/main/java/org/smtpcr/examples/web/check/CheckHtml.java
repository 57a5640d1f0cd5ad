package org.smtpcr.examples.web.check;

/**
 * HTML escaping for the text a check puts in its form.
 *
 * @since 0.4.0
 */
public final class CheckHtml {
  private CheckHtml() {}

  /**
   * Escapes {@code s} for use in element text and in double- or single-quoted attribute values:
   * {@code & < > " '} become character references, and control characters and lone surrogates
   * become U+FFFD.
   *
   * @param s the text
   * @return the escaped text
   */
  public static String escape(CharSequence s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> {
          if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029') {
            sb.append('\ufffd');
          } else if (Character.isSurrogate(c)) {
            boolean paired =
                Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
              sb.append(c).append(s.charAt(++i));
            } else {
              sb.append('\ufffd');
            }
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
