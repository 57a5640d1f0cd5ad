package org.smtpcr.core.rules;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.smtpcr.core.internal.IpLiterals;

/**
 * An IPv4 or IPv6 network in CIDR notation, such as {@code 192.0.2.0/24} or {@code 2001:db8::/32}.
 * Host bits are cleared ({@code 192.0.2.7/24} is {@code 192.0.2.0/24}). IPv4-mapped IPv6 addresses
 * ({@code ::ffff:192.0.2.7}) are treated as the IPv4 addresses they carry, both as networks and as
 * clients. Parsing never asks DNS.
 *
 * @param address the network address, host bits zero
 * @param prefixLength the number of leading bits that are fixed: 0..32 for IPv4, 0..128 for IPv6
 * @since 0.1.0
 */
public record IpNetwork(InetAddress address, int prefixLength) {
  /**
   * Longest text {@link #parse(String)} reads: an IPv6 literal with embedded IPv4 and {@code /128}.
   */
  public static final int MAX_LENGTH = IpLiterals.MAX_LENGTH + 4;

  /**
   * Checks the prefix length and clears the host bits.
   *
   * @throws IllegalArgumentException if the prefix length is out of range for the address family
   */
  public IpNetwork {
    requireNonNull(address, "address");
    byte[] b = normalize(address);
    checkArgument(
        prefixLength >= 0 && prefixLength <= b.length * 8,
        "prefix length must be 0..%s, got %s",
        b.length * 8,
        prefixLength);
    mask(b, prefixLength);
    address = byAddress(b);
  }

  /**
   * Parses {@code address/prefix}, or a bare address (a network of one address).
   *
   * @param text such as {@code 10.0.0.0/8}, {@code 2001:db8::/32}, {@code ::ffff:10.0.0.0/104} or
   *     {@code 192.0.2.1}; IPv4 parts in decimal without leading zeros; at most {@value
   *     #MAX_LENGTH} characters
   * @return the network
   * @throws IllegalArgumentException if {@code text} is not such a network; the message does not
   *     contain the text
   */
  public static IpNetwork parse(String text) {
    requireNonNull(text, "text");
    checkArgument(
        !text.isEmpty() && text.length() <= MAX_LENGTH,
        "a CIDR network has 1..%s characters, got %s",
        MAX_LENGTH,
        text.length());
    int slash = text.indexOf('/');
    String addr = slash < 0 ? text : text.substring(0, slash);
    InetAddress a = IpLiterals.parse(addr);
    boolean ipv6Text = addr.indexOf(':') >= 0;
    int bits = a instanceof Inet4Address && !ipv6Text ? 32 : 128;
    int prefix = bits;
    if (slash >= 0) {
      prefix = parsePrefix(text.substring(slash + 1), bits);
    }
    if (a instanceof Inet4Address && ipv6Text) {
      // ::ffff:a.b.c.d/p names the IPv4 network a.b.c.d/(p - 96)
      checkArgument(prefix >= 96, "an IPv4-mapped network needs a prefix length of at least 96");
      prefix -= 96;
    }
    return new IpNetwork(a, prefix);
  }

  /**
   * Whether {@code candidate} is in this network.
   *
   * @param candidate an address; IPv4-mapped IPv6 addresses count as IPv4
   * @return true if its first {@link #prefixLength()} bits equal the network's
   */
  public boolean contains(InetAddress candidate) {
    requireNonNull(candidate, "candidate");
    byte[] net = address.getAddress();
    byte[] c = normalize(candidate);
    if (c.length != net.length) {
      return false;
    }
    mask(c, prefixLength);
    return Arrays.equals(net, c);
  }

  /** Returns the CIDR notation, such as {@code 2001:db8::/32}. */
  @Override
  public String toString() {
    return InetAddresses.toAddrString(address) + "/" + prefixLength;
  }

  private static int parsePrefix(String p, int bits) {
    checkArgument(!p.isEmpty() && p.length() <= 3, "prefix length must be 1 to 3 decimal digits");
    int v = 0;
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      checkArgument(c >= '0' && c <= '9', "prefix length must be decimal digits");
      v = v * 10 + (c - '0');
    }
    checkArgument(p.charAt(0) != '0' || p.length() == 1, "prefix length has a leading zero");
    checkArgument(v <= bits, "prefix length must be 0..%s, got %s", bits, v);
    return v;
  }

  /** The address bytes, an IPv4-mapped IPv6 address as its 4 IPv4 bytes. */
  private static byte[] normalize(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length == 16) {
      boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = b[i] == 0;
      }
      if (mapped) {
        return Arrays.copyOfRange(b, 12, 16);
      }
    }
    return b;
  }

  private static void mask(byte[] b, int prefixLength) {
    for (int i = 0; i < b.length; i++) {
      int keep = Math.max(0, Math.min(8, prefixLength - 8 * i));
      b[i] &= (byte) (0xff << (8 - keep));
    }
  }

  private static InetAddress byAddress(byte[] b) {
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("address must have 4 or 16 bytes", e);
    }
  }
}
