package org.smtpcr.examples.web;

import org.smtpcr.examples.web.check.CheckHtml;

/** HTML escaping for text and attribute values. */
final class Html {
  private Html() {}

  /**
   * Escapes {@code s} for use in element text and in double- or single-quoted attribute values:
   * {@code & < > " '} become character references, and control characters (which a canonical
   * address never holds, but a page must not trust that) become U+FFFD.
   */
  static String escape(CharSequence s) {
    return CheckHtml.escape(s);
  }
}
