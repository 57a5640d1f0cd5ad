package org.smtpcr.auth;

import java.util.Optional;
import org.smtpcr.core.auth.Domains;

/**
 * The RFC5322.From domain (RFC 7489 §6.6.1): the domain of the one mailbox in a From: value,
 * comments and quoted strings skipped. Empty for a group, several mailboxes, or no domain at all.
 */
final class FromDomain {
  /** Longest From: value looked at, in characters. */
  static final int MAX_CHARS = 4096;

  private FromDomain() {}

  static Optional<String> of(String value) {
    if (value.length() > MAX_CHARS) {
      return Optional.empty();
    }
    // drop comments and quoted strings (their content can hold '@', '<', ',')
    StringBuilder sb = new StringBuilder(value.length());
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && (quoted || depth > 0)) {
        i++;
        continue;
      }
      if (quoted) {
        quoted = c != '"';
        continue;
      }
      if (c == '(') {
        depth++;
      } else if (c == ')' && depth > 0) {
        depth--;
      } else if (depth == 0) {
        if (c == '"') {
          quoted = true;
        } else {
          sb.append(c);
        }
      }
    }
    String s = sb.toString();
    if (s.indexOf(',') >= 0 || s.indexOf(';') >= 0 || s.indexOf(':') >= 0) {
      return Optional.empty(); // several mailboxes, or a group
    }
    int lt = s.lastIndexOf('<');
    if (lt >= 0) {
      int gt = s.indexOf('>', lt);
      if (gt < 0 || s.indexOf('<') != lt) {
        return Optional.empty();
      }
      s = s.substring(lt + 1, gt);
    }
    s = s.strip();
    int at = s.lastIndexOf('@');
    if (at <= 0 || at == s.length() - 1) {
      return Optional.empty();
    }
    String domain = s.substring(at + 1).strip();
    if (domain.startsWith("[") || domain.indexOf('.') < 0) {
      return Optional.empty();
    }
    return Domains.tryNormalize(domain);
  }
}
