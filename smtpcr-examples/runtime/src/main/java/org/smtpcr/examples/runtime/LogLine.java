package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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

  /** The digits of 0 to 255, each of an IPv4 address's numbers: written without dividing. */
  private static final byte[][] SMALL = new byte[256][];

  static {
    for (int i = 0; i < SMALL.length; i++) {
      SMALL[i] = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
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
    long b = bounds(address);
    String a = address.substring(start(b), end(b));
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

  /**
   * Where the address within a path as received starts and ends, packed as {@code start << 32 |
   * end}: without the white space around it ({@link String#strip()}'s), then without one pair of
   * angle brackets around it.
   */
  private static long bounds(String path) {
    int from = 0;
    int to = path.length();
    while (from < to && Character.isWhitespace(path.charAt(from))) {
      from++;
    }
    while (to > from && Character.isWhitespace(path.charAt(to - 1))) {
      to--;
    }
    if (to - from >= 2 && path.charAt(from) == '<' && path.charAt(to - 1) == '>') {
      from++;
      to--;
    }
    return (long) from << 32 | to;
  }

  private static int start(long bounds) {
    return (int) (bounds >>> 32);
  }

  private static int end(long bounds) {
    return (int) bounds;
  }

  /** The value, quoted when it must be. */
  static String quote(String value) {
    Builder b = new LogLine(LogAddresses.NONE, null).line();
    b.value(value);
    return b.toString();
  }

  /**
   * One line being written. Not thread-safe.
   *
   * @since 0.3.0
   */
  public final class Builder {
    /**
     * The line's bytes: every value is made printable US-ASCII, so a byte is a character. A
     * decision's line is about 300 of them: room for it without growing.
     */
    private byte[] bytes = new byte[512];

    private int length;

    /** Where the fields start: the first has no space in front, even after a head. */
    private int fieldsFrom;

    private Builder() {}

    /**
     * Adds {@code key=value}.
     *
     * @param key a field name of {@code [a-z_]}, written as given
     * @param value the value, made safe and quoted when needed
     * @return this line
     */
    public Builder add(String key, String value) {
      requireNonNull(value, "value");
      key(key);
      value(value);
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
      if (mode != LogAddresses.FULL) {
        String v = render(address);
        return v == null ? this : add(key, v);
      }
      // as render, without a string between: the address copied from within the path
      long b = bounds(address);
      if (start(b) == end(b)) {
        return add(key, "<>");
      }
      key(key);
      value(address, start(b), end(b));
      return this;
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
      if (mode == LogAddresses.FULL && address instanceof Inet4Address) {
        // the usual client: its four numbers written as they are, without a string between
        byte[] a = address.getAddress();
        key(key);
        for (int i = 0; i < a.length; i++) {
          if (i > 0) {
            put((byte) '.');
          }
          number(a[i] & 0xff);
        }
        return this;
      }
      return address(key, InetAddresses.toAddrString(address));
    }

    /**
     * Adds a duration in milliseconds with one decimal ({@code 0.4}), without a locale.
     *
     * @param key the field name
     * @param nanos the duration in nanoseconds; a negative one is written as 0.0
     * @return this line
     */
    Builder millis(String key, long nanos) {
      long tenths = Math.max(0, nanos) / 100_000;
      key(key);
      number(tenths / 10);
      put((byte) '.');
      return put((byte) ('0' + tenths % 10));
    }

    /** Empties the line for reuse. */
    Builder reset() {
      length = 0;
      fieldsFrom = 0;
      return this;
    }

    /**
     * Marks where the fields start: what was {@linkplain #put(byte[], int, int) put} before is a
     * head in front of them, which {@link #toString()} leaves out.
     */
    Builder fields() {
      fieldsFrom = length;
      return this;
    }

    /** Appends bytes as they are: a head or a line end, never what a peer sent. */
    Builder put(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, bytes, length, len);
      length += len;
      return this;
    }

    /** Appends one byte as it is. */
    Builder put(byte b) {
      ensure(1);
      bytes[length++] = b;
      return this;
    }

    /** The bytes written: {@link #length()} of them. */
    byte[] bytes() {
      return bytes;
    }

    /** How many bytes are written. */
    int length() {
      return length;
    }

    private void key(String key) {
      requireNonNull(key, "key");
      int n = key.length();
      ensure(n + 2);
      if (length > fieldsFrom) {
        bytes[length++] = ' ';
      }
      for (int i = 0; i < n; i++) {
        bytes[length++] = (byte) key.charAt(i);
      }
      bytes[length++] = '=';
    }

    /** Appends a number that is not negative, digit by digit. */
    private void number(long value) {
      if (value < SMALL.length) {
        byte[] d = SMALL[(int) value];
        put(d, 0, d.length);
        return;
      }
      int digits = 1;
      for (long v = value; v >= 10; v /= 10) {
        digits++;
      }
      ensure(digits);
      long v = value;
      for (int i = length + digits - 1; i >= length; i--) {
        bytes[i] = (byte) ('0' + v % 10);
        v /= 10;
      }
      length += digits;
    }

    /**
     * Appends {@code value} as {@link LogSafe#of} makes it safe, in double quotes (with {@code "}
     * and {@code \} escaped) when it is empty or holds a space, a quote or a backslash: in one pass
     * over the value, without building the safe string first (this runs for every field of every
     * decision).
     */
    void value(String value) {
      value(value, 0, value.length());
    }

    /** {@link #value(String)} of {@code value.substring(from, to)}, without making it. */
    private void value(String value, int from, int to) {
      int n = to - from;
      if (n > 0 && n <= LogSafe.MAX_LENGTH) {
        // the usual value: copied as it is, character by character, until one is not plain
        ensure(n);
        byte[] b = bytes;
        int at = length - from;
        int i = from;
        while (i < to) {
          char c = value.charAt(i);
          if (c >= 128 || !PLAIN[c]) {
            break;
          }
          b[at + i] = (byte) c;
          i++;
        }
        if (i == to) {
          length += n;
          return;
        }
      }
      escaped(value, from, to);
    }

    /**
     * {@link #value} of a value that is empty, too long, or holds a character that is not plain.
     */
    private void escaped(String value, int from, int to) {
      int n = to - from;
      boolean cut = n > LogSafe.MAX_LENGTH;
      // LogSafe keeps the first MAX_LENGTH - 3 characters of a longer value, then "..."
      int end = cut ? from + LogSafe.MAX_LENGTH - 3 : to;
      boolean quoted = n == 0;
      for (int i = from; !quoted && i < end; i++) {
        char c = value.charAt(i);
        quoted = c == ' ' || c == '"' || c == '\\';
      }
      // at most a backslash for each character, the quotes and the "..."
      ensure(2 * (end - from) + 5);
      if (quoted) {
        bytes[length++] = '"';
      }
      for (int i = from; i < end; i++) {
        char c = value.charAt(i);
        if (quoted && (c == '"' || c == '\\')) {
          bytes[length++] = '\\';
        }
        bytes[length++] = (byte) (c >= 0x20 && c < 0x7f ? c : '?');
      }
      if (cut) {
        bytes[length++] = '.';
        bytes[length++] = '.';
        bytes[length++] = '.';
      }
      if (quoted) {
        bytes[length++] = '"';
      }
    }

    private void ensure(int more) {
      if (length + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
      }
    }

    /** The line, without the head in front of its {@link #fields()}. */
    @Override
    public String toString() {
      return new String(bytes, fieldsFrom, length - fieldsFrom, StandardCharsets.ISO_8859_1);
    }
  }
}
