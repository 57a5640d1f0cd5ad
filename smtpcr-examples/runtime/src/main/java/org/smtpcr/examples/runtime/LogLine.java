package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.smtpcr.core.internal.LogSafe;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.Stamps;

/**
 * Writes one log line of {@code key=value} fields, the style Postfix administrators grep (Postgrey
 * writes {@code action=greylist, reason=new, client_name=…}). Every value is {@linkplain LogSafe
 * made safe} (printable US-ASCII, at most 200 characters) and put in double quotes, with {@code "}
 * and {@code \} escaped by a backslash, when it is empty or holds a space, a quote or a backslash:
 * nothing a peer sends can end the line or add a field. Addresses go through {@link
 * Builder#address(String, String)} under the site's {@link LogAddresses} choice.
 *
 * <p>A {@code LogLine} is immutable and thread-safe; its {@link Builder}s are not.
 *
 * @since 0.3.0
 */
public final class LogLine {
  /** The HKDF purpose of the key that hashes addresses: no other key of the site equals it. */
  private static final String HASH_PURPOSE = "log-address";

  /** Hex digits of the tag kept in a hashed address: 64 bits. */
  private static final int HASH_HEX = 16;

  /**
   * The characters a value may hold without quotes or replacement: printable US-ASCII but the
   * space, {@code "} and {@code \}.
   */
  private static final boolean[] PLAIN = new boolean[128];

  static {
    for (char c = 0x21; c < 0x7f; c++) {
      PLAIN[c] = c != '"' && c != '\\';
    }
  }

  private final LogAddresses mode;
  private final Stamps hashes; // null unless HASH

  private LogLine(LogAddresses mode, Stamps hashes) {
    this.mode = mode;
    this.hashes = hashes;
  }

  /**
   * Lines that write addresses as {@code mode} says.
   *
   * @param mode full, hash or none
   * @param ring the site's key ring: the key that hashes addresses is derived from it
   * @return the line writer
   */
  public static LogLine of(LogAddresses mode, KeyRing ring) {
    requireNonNull(mode, "mode");
    requireNonNull(ring, "ring");
    return new LogLine(mode, mode == LogAddresses.HASH ? Stamps.of(ring, HASH_PURPOSE) : null);
  }

  /**
   * Lines that write addresses as {@link Settings#LOG_ADDRESSES} says.
   *
   * @param settings the settings
   * @param ring the site's key ring
   * @return the line writer
   */
  public static LogLine from(Settings settings, KeyRing ring) {
    requireNonNull(settings, "settings");
    return of(settings.get(Settings.LOG_ADDRESSES), ring);
  }

  /**
   * How addresses are written.
   *
   * @return the mode
   */
  public LogAddresses addresses() {
    return mode;
  }

  /**
   * Starts a line.
   *
   * @return an empty line
   */
  public Builder line() {
    return new Builder();
  }

  /**
   * An address as this site logs it: the address, its keyed hash, or empty (leave the field out).
   * The null sender ({@code <>} or the empty string) is written as {@code <>} in every mode but
   * none. Angle brackets around a path are dropped; the hash is of the address in lower case, so
   * that the case a peer chose does not change it.
   *
   * @param address an address or path as received
   * @return the value to write, or null to leave the field out
   */
  String render(String address) {
    if (mode == LogAddresses.NONE) {
      return null;
    }
    String a = address.strip();
    if (a.length() >= 2 && a.charAt(0) == '<' && a.charAt(a.length() - 1) == '>') {
      a = a.substring(1, a.length() - 1);
    }
    if (a.isEmpty()) {
      return "<>";
    }
    if (mode == LogAddresses.FULL) {
      return a;
    }
    String stamp = hashes.sign(a.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    // the stamp is the key id (one hex digit) and the tag: keep the id as the label
    return "h" + stamp.charAt(0) + ":" + stamp.substring(1, 1 + HASH_HEX);
  }

  private static boolean isPlain(char c) {
    return c < 128 && PLAIN[c];
  }

  /** The value, quoted when it must be. */
  static String quote(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 8);
    appendValue(sb, value);
    return sb.toString();
  }

  /**
   * Appends {@code value} as {@link LogSafe#of} makes it safe, in double quotes (with {@code "} and
   * {@code \} escaped) when it is empty or holds a space, a quote or a backslash: in one pass over
   * the value, without building the safe string first (this runs for every field of every
   * decision).
   */
  static void appendValue(StringBuilder sb, String value) {
    int length = value.length();
    boolean cut = length > LogSafe.MAX_LENGTH;
    // LogSafe keeps the first MAX_LENGTH - 3 characters of a longer value, then "..."
    int n = cut ? LogSafe.MAX_LENGTH - 3 : length;
    int plainTo = 0;
    while (plainTo < n && isPlain(value.charAt(plainTo))) {
      plainTo++;
    }
    boolean quoted = length == 0;
    for (int i = plainTo; !quoted && i < n; i++) {
      char c = value.charAt(i);
      quoted = c == ' ' || c == '"' || c == '\\';
    }
    if (quoted) {
      sb.append('"');
    }
    if (plainTo == n) {
      // the usual value: copied as it is, in one go
      sb.append(value, 0, n);
    } else {
      for (int i = 0; i < n; i++) {
        char c = value.charAt(i);
        if (quoted && (c == '"' || c == '\\')) {
          sb.append('\\');
        }
        sb.append(c >= 0x20 && c < 0x7f ? c : '?');
      }
    }
    if (cut) {
      sb.append("...");
    }
    if (quoted) {
      sb.append('"');
    }
  }

  /**
   * One line being written. Not thread-safe.
   *
   * @since 0.3.0
   */
  public final class Builder {
    // a decision's line is about 300 characters: room for it without growing
    private final StringBuilder sb = new StringBuilder(512);

    private Builder() {}

    /**
     * Adds {@code key=value}.
     *
     * @param key a field name of {@code [a-z_]}, written as given
     * @param value the value, made safe and quoted when needed
     * @return this line
     */
    public Builder add(String key, String value) {
      requireNonNull(key, "key");
      requireNonNull(value, "value");
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(key).append('=');
      appendValue(sb, value);
      return this;
    }

    /**
     * Adds an address field as the site logs addresses; in mode none, nothing.
     *
     * @param key the field name
     * @param address an address or path as received
     * @return this line
     */
    public Builder address(String key, String address) {
      requireNonNull(address, "address");
      String v = render(address);
      return v == null ? this : add(key, v);
    }

    /**
     * Adds an IP address field as the site logs addresses; in mode none, nothing.
     *
     * @param key the field name
     * @param address the IP address
     * @return this line
     */
    public Builder address(String key, InetAddress address) {
      requireNonNull(address, "address");
      return address(key, InetAddresses.toAddrString(address));
    }

    /** The line. */
    @Override
    public String toString() {
      return sb.toString();
    }
  }
}
