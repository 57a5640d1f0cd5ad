package org.smtpcr.core.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Parses IP address literals strictly and without ever asking DNS (unlike {@code
 * InetAddress.getByName}, which resolves anything that is not a literal).
 */
public final class IpLiterals {
  /** Longest literal accepted: an IPv6 address with an embedded IPv4 address has 45 characters. */
  public static final int MAX_LENGTH = 45;

  private IpLiterals() {}

  /**
   * Parses a dotted-quad IPv4 address (four decimal parts 0..255, no leading zeros) or an IPv6
   * address (RFC 4291 text forms, no zone id, no brackets). An IPv4-mapped IPv6 address yields an
   * IPv4 address, as everywhere in the JDK.
   *
   * @throws IllegalArgumentException if {@code text} is not such a literal; the message does not
   *     contain the text
   */
  public static InetAddress parse(String text) {
    requireNonNull(text, "text");
    checkArgument(
        !text.isEmpty() && text.length() <= MAX_LENGTH,
        "an IP address literal has 1..%s characters, got %s",
        MAX_LENGTH,
        text.length());
    byte[] bytes = text.indexOf(':') >= 0 ? ipv6(text) : ipv4(text);
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "not an IP address literal", e); // unreachable: 4 or 16 bytes
    }
  }

  /**
   * Whether {@code host} (as in a URI: IPv6 in brackets) names this machine's loopback interface.
   */
  public static boolean isLoopbackHost(String host) {
    requireNonNull(host, "host");
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.equals("localhost.")) {
      return true;
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    try {
      return parse(h).isLoopbackAddress();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] ipv4(String s) {
    byte[] out = new byte[4];
    int part = 0;
    int i = 0;
    while (true) {
      int start = i;
      int v = 0;
      while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        v = v * 10 + (s.charAt(i) - '0');
        i++;
        checkArgument(i - start <= 3, "IPv4 address part has more than 3 digits");
      }
      checkArgument(i > start, "IPv4 address part is empty or not a decimal number");
      checkArgument(
          s.charAt(start) != '0' || i - start == 1, "IPv4 address part has a leading zero");
      checkArgument(v <= 255, "IPv4 address part exceeds 255");
      out[part++] = (byte) v;
      if (part == 4) {
        checkArgument(i == s.length(), "IPv4 address has more than four parts or trailing text");
        return out;
      }
      checkArgument(
          i < s.length() && s.charAt(i) == '.', "IPv4 address needs four dot-separated parts");
      i++;
    }
  }

  private static byte[] ipv6(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9')
              || (c >= 'a' && c <= 'f')
              || (c >= 'A' && c <= 'F')
              || c == ':'
              || c == '.';
      checkArgument(ok, "IPv6 address contains a character other than hex digits, ':' and '.'");
    }
    // Guava parses literals only, never DNS; it rejects zone ids, brackets and malformed text
    checkArgument(InetAddresses.isInetAddress(s), "not a valid IPv6 address");
    byte[] b = InetAddresses.forString(s).getAddress();
    if (b.length == 4) {
      // Guava returned ::ffff:a.b.c.d as IPv4; rebuild the 16 bytes (getByAddress maps them back)
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xff;
      mapped[11] = (byte) 0xff;
      System.arraycopy(b, 0, mapped, 12, 4);
      return mapped;
    }
    return b;
  }
}
