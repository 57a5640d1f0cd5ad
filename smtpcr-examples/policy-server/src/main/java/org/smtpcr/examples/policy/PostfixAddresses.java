package org.smtpcr.examples.policy;

/**
 * Postfix's internal address form to the external form the engine parses. Postfix hands a policy
 * server the {@code sender} and {@code recipient} in its internal form, with the local part
 * unquoted: {@code "john doe"@example.org} arrives as {@code john doe@example.org}. This quotes the
 * local part again where RFC 5321 requires it (as Postfix's own {@code quote_821_local} does): the
 * local part is what comes before the last {@code @}; unless it is a dot-atom (RFC 5322 atext,
 * extended to non-ASCII by RFC 6531, in runs separated by single dots) it is put in double quotes,
 * with {@code "} and {@code \} escaped by a backslash. The domain is left as it is.
 */
final class PostfixAddresses {
  private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

  private PostfixAddresses() {}

  /**
   * The external form of {@code internal}.
   *
   * @param internal an address as Postfix's policy protocol sends it; empty for the null sender
   * @return the address with its local part quoted where needed; empty stays empty
   */
  static String external(String internal) {
    if (internal.isEmpty()) {
      return internal;
    }
    int at = internal.lastIndexOf('@');
    String local = at < 0 ? internal : internal.substring(0, at);
    String rest = at < 0 ? "" : internal.substring(at);
    if (isDotAtom(local)) {
      return internal;
    }
    StringBuilder sb = new StringBuilder(internal.length() + 4).append('"');
    for (int i = 0; i < local.length(); i++) {
      char c = local.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('"').append(rest).toString();
  }

  private static boolean isDotAtom(String s) {
    if (s.isEmpty() || s.charAt(0) == '.' || s.charAt(s.length() - 1) == '.') {
      return false;
    }
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (cp == '.') {
        if (s.charAt(i + 1) == '.') {
          return false;
        }
      } else if (!isAtext(cp)) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  private static boolean isAtext(int cp) {
    if (cp < 0x80) {
      return (cp >= 'a' && cp <= 'z')
          || (cp >= 'A' && cp <= 'Z')
          || (cp >= '0' && cp <= '9')
          || ATEXT_SPECIALS.indexOf(cp) >= 0;
    }
    // RFC 6531 UTF8-non-ascii; what the engine's parser refuses (controls, spaces) gets quoted
    return !Character.isISOControl(cp)
        && !Character.isWhitespace(cp)
        && !Character.isSpaceChar(cp)
        && Character.getType(cp) != Character.SURROGATE;
  }
}
