package org.smtpcr.core.internal;

import java.util.Optional;
import org.smtpcr.core.auth.Domains;

/**
 * The reverse-path as the sender's authentication sees it: the address the client sent, not the
 * canonical one (which may have unwrapped SRS or BATV). One place for the engine, the chain and the
 * rule context.
 */
public final class EnvelopePaths {
  private EnvelopePaths() {}

  /** The reverse-path without angle brackets and surrounding space, as SPF checks it. */
  public static String address(String reversePath) {
    String p = reversePath.strip();
    if (p.startsWith("<") && p.endsWith(">") && p.length() >= 2) {
      p = p.substring(1, p.length() - 1);
    }
    return p;
  }

  /** The normalized domain of the reverse-path, if it has a valid one. */
  public static Optional<String> domain(String reversePath) {
    String path = address(reversePath);
    int at = path.lastIndexOf('@');
    return at > 0 ? Domains.tryNormalize(path.substring(at + 1)) : Optional.empty();
  }
}
