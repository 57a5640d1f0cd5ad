package org.smtpcr.examples.web;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.smtpcr.core.rules.IpNetwork;

/**
 * Finds the client's address behind trusted reverse proxies. One configured header, {@code
 * X-Forwarded-For} (the default) or {@code Forwarded} (RFC 7239), counts, and only when the
 * connection's peer is in a configured proxy network (never both: a proxy passes the other header
 * through from the client unchanged, so preferring one that is present would let a client name
 * itself); then the header is read from the right (the end our proxies wrote), skipping addresses
 * of trusted proxies, and the first other address is the client. An entry that is not an address
 * ({@code unknown}, an obfuscated name, garbage) ends the walk at the proxy that wrote it, so such
 * clients share that proxy's limits rather than escape them. Everything left of the client's entry
 * is the client's own text and is never parsed.
 *
 * <p>Bounded: at most {@value #MAX_HOPS} entries and {@value #MAX_HEADER_CHARS} characters of the
 * headers are looked at (the HTTP server bounds the whole request head too). Immutable and
 * thread-safe.
 */
final class ClientAddresses {
  /** Entries examined from the right at most. */
  static final int MAX_HOPS = 32;

  /** Characters of the joined header values examined from the right at most. */
  static final int MAX_HEADER_CHARS = 8192;

  private static final ClientAddresses NONE = new ClientAddresses(List.of(), false);

  private final List<IpNetwork> proxies;
  private final boolean rfc7239;

  private ClientAddresses(List<IpNetwork> proxies, boolean rfc7239) {
    this.proxies = List.copyOf(proxies);
    this.rfc7239 = rfc7239;
  }

  /** No trusted proxy: the peer is always the client. */
  static ClientAddresses none() {
    return NONE;
  }

  /**
   * Trusts proxies in these networks.
   *
   * @param networks CIDR networks, such as {@code 10.0.0.0/8} or {@code ::1}
   * @throws IllegalArgumentException if one is not a network
   */
  static ClientAddresses trusting(List<String> networks) {
    return trusting(networks, false);
  }

  /**
   * Trusts proxies in these networks, reading the client from one header.
   *
   * @param networks CIDR networks, such as {@code 10.0.0.0/8} or {@code ::1}
   * @param rfc7239 true to read {@code Forwarded}, false to read {@code X-Forwarded-For}
   * @throws IllegalArgumentException if one is not a network
   */
  static ClientAddresses trusting(List<String> networks, boolean rfc7239) {
    List<IpNetwork> parsed = new ArrayList<>();
    for (String n : networks) {
      parsed.add(IpNetwork.parse(requireNonNull(n, "network")));
    }
    return new ClientAddresses(parsed, rfc7239);
  }

  boolean isEmpty() {
    return proxies.isEmpty();
  }

  /** Whether {@code peer} is a trusted proxy. */
  boolean isTrustedProxy(InetAddress peer) {
    for (IpNetwork n : proxies) {
      if (n.contains(peer)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client's address.
   *
   * @param peer the address of the connection's peer
   * @param forwarded the values of the {@code Forwarded} header lines, in order
   * @param xForwardedFor the values of the {@code X-Forwarded-For} header lines, in order
   * @return the peer, unless it is a trusted proxy and the headers name the client
   */
  InetAddress resolve(InetAddress peer, List<String> forwarded, List<String> xForwardedFor) {
    requireNonNull(peer, "peer");
    if (!isTrustedProxy(peer)) {
      return peer;
    }
    String joined = join(rfc7239 ? forwarded : xForwardedFor);
    InetAddress client = peer;
    int end = joined.length();
    for (int hop = 0; hop < MAX_HOPS && end > 0; hop++) {
      int start = elementStart(joined, end, rfc7239);
      if (start < 0) {
        return client; // cut off by the bound: nothing more we can read safely
      }
      String element = joined.substring(start, end);
      Optional<InetAddress> a = rfc7239 ? forwardedFor(element) : node(element.strip());
      if (a.isEmpty()) {
        return client;
      }
      client = a.get();
      if (!isTrustedProxy(client)) {
        return client;
      }
      end = start - 1; // skip the comma
    }
    return client;
  }

  private static String join(List<String> values) {
    String joined = String.join(",", values);
    return joined.length() <= MAX_HEADER_CHARS
        ? joined
        : "\u0000" + joined.substring(joined.length() - MAX_HEADER_CHARS);
  }

  /**
   * Where the list element ending at {@code end} starts (after its comma), scanning to the left;
   * commas in quoted strings (RFC 7239) do not count. -1 when the element reaches the bound's cut.
   */
  private static int elementStart(String s, int end, boolean quotes) {
    boolean quoted = false;
    for (int i = end - 1; i >= 0; i--) {
      char c = s.charAt(i);
      if (c == '\u0000') {
        return -1;
      } else if (quotes && c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        return i + 1;
      }
    }
    return 0;
  }

  /** The {@code for=} node of one {@code Forwarded} element, if it is an address. */
  private static Optional<InetAddress> forwardedFor(String element) {
    Optional<InetAddress> found = Optional.empty();
    int count = 0;
    for (String pair : element.split(";", 16)) {
      int eq = pair.indexOf('=');
      if (eq < 0) {
        continue;
      }
      if (pair.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("for")) {
        count++;
        String v = pair.substring(eq + 1).strip();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
          v = v.substring(1, v.length() - 1);
        }
        found = node(v);
      }
    }
    return count == 1 ? found : Optional.empty();
  }

  /**
   * An address in one of the forms proxies write: {@code 192.0.2.1}, {@code 192.0.2.1:4711}, {@code
   * 2001:db8::1}, {@code [2001:db8::1]}, {@code [2001:db8::1]:4711}.
   */
  static Optional<InetAddress> node(String v) {
    if (v.isEmpty() || v.length() > IpNetwork.MAX_LENGTH + 8) {
      return Optional.empty();
    }
    String host = v;
    if (v.startsWith("[")) {
      int close = v.indexOf(']');
      if (close < 0 || !port(v.substring(close + 1))) {
        return Optional.empty();
      }
      host = v.substring(1, close);
      if (host.indexOf(':') < 0) {
        return Optional.empty();
      }
    } else {
      int colon = v.indexOf(':');
      if (colon >= 0 && v.indexOf(':', colon + 1) < 0) {
        if (!port(v.substring(colon))) {
          return Optional.empty();
        }
        host = v.substring(0, colon); // IPv4 with a port
      }
    }
    if (host.isEmpty() || host.indexOf('/') >= 0 || host.indexOf('%') >= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(IpNetwork.parse(host).address());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Empty, or {@code :} and 1..5 digits. */
  private static boolean port(String s) {
    if (s.isEmpty()) {
      return true;
    }
    if (s.charAt(0) != ':' || s.length() < 2 || s.length() > 6) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "ClientAddresses[proxies="
        + proxies
        + ", header="
        + (rfc7239 ? "Forwarded" : "X-Forwarded-For")
        + "]";
  }
}
