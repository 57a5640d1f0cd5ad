package org.smtpcr.core.auth;

import com.google.common.net.InternetDomainName;
import java.net.IDN;
import java.util.Locale;

/**
 * Domain names as DMARC compares them: normalized, reduced to the organizational domain with the
 * public suffix list (RFC 7489 §3.2; Guava's copy of the list), and relaxed alignment.
 *
 * @since 0.2.0
 */
public final class Domains {
  private Domains() {}

  /** The longest domain name accepted (RFC 1035: 253 characters in text form). */
  public static final int MAX_LENGTH = 253;

  /**
   * Lowercase ASCII (A-labels), no trailing dot.
   *
   * @throws IllegalArgumentException if the name is empty, longer than {@value #MAX_LENGTH}, or has
   *     characters other than letters, digits, {@code -}, {@code _} and dots after IDN conversion;
   *     the message never repeats the name
   */
  public static String normalize(String domain) {
    String d = domain.strip();
    boolean rootDropped = d.endsWith(".");
    if (rootDropped) {
      d = d.substring(0, d.length() - 1);
    }
    if (d.isEmpty() || d.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("domain name is empty or longer than 253 characters");
    }
    d = asciiLabels(d).toLowerCase(Locale.ROOT);
    if (!rootDropped && d.endsWith(".")) {
      // the root written with one of IDN's other dots ("example\u3002"), which IDN makes "."
      d = d.substring(0, d.length() - 1);
    }
    if (d.endsWith(".")) {
      // a second root dot ("a..", "a\u3002."): an empty last label
      throw new IllegalArgumentException("domain name is not a valid IDN");
    }
    for (int i = 0; i < d.length(); i++) {
      char c = d.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) {
        throw new IllegalArgumentException("domain name has a character outside [a-z0-9._-]");
      }
    }
    if (d.isEmpty() || d.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("domain name is empty or longer than 253 characters");
    }
    return d;
  }

  /**
   * {@code d} with its labels as {@link IDN#toASCII(String, int)} makes them: an ASCII name, the
   * usual one, as it is, without IDN's copies of it; it throws for an empty label or one longer
   * than 63 characters, as IDN does.
   */
  private static String asciiLabels(String d) {
    if (d.endsWith(".")) {
      return viaIdn(d); // a second trailing dot: IDN's root label, left to IDN
    }
    int labelStart = 0;
    for (int i = 0; i <= d.length(); i++) {
      char c = i < d.length() ? d.charAt(i) : '.';
      if (c >= 0x80) {
        return viaIdn(d); // IDN's other dots, and labels to convert
      }
      if (c == '.') {
        int length = i - labelStart;
        if (length == 0 || length > 63) {
          throw new IllegalArgumentException("domain name is not a valid IDN");
        }
        labelStart = i + 1;
      }
    }
    return d;
  }

  private static String viaIdn(String d) {
    try {
      return IDN.toASCII(d, IDN.ALLOW_UNASSIGNED);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("domain name is not a valid IDN", e);
    }
  }

  /** {@link #normalize}, or empty when the name is not acceptable. */
  public static java.util.Optional<String> tryNormalize(String domain) {
    try {
      return java.util.Optional.of(normalize(domain));
    } catch (IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * The organizational domain: the public suffix plus one label ({@code mail.example.co.uk} →
   * {@code example.co.uk}). A name that is itself a public suffix, or not a valid domain name, is
   * its own organizational domain.
   */
  public static String organizational(String domain) {
    String d = tryNormalize(domain).orElse("");
    if (d.isEmpty()) {
      return d;
    }
    try {
      InternetDomainName name = InternetDomainName.from(d);
      if (name.isUnderPublicSuffix()) {
        return name.topPrivateDomain().toString();
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      // not a domain name Guava accepts: compare it as it is
    }
    return d;
  }

  /** Relaxed alignment (RFC 7489 §3.1): both names have the same organizational domain. */
  public static boolean aligned(String a, String b) {
    String oa = organizational(a);
    return !oa.isEmpty() && oa.equals(organizational(b));
  }
}
