package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import java.net.InetSocketAddress;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one grammar for setting values, whatever route they come by (a command-line option, a
 * properties file, James's XML):
 *
 * <ul>
 *   <li><b>durations</b>: a whole number and a unit, {@code 45s}, {@code 30m}, {@code 12h}, {@code
 *       7d}, {@code 2w}; or ISO-8601, {@code PT12H}, {@code P7D}. Never negative.
 *   <li><b>sizes</b> in bytes: a whole number with an optional binary unit, {@code 512k}, {@code
 *       10M}, {@code 1G} (1024-based; a trailing {@code B} is allowed: {@code 10MB}).
 *   <li><b>lists</b>: items separated by commas and/or white space; empty items are dropped.
 *   <li><b>booleans</b>: {@code true} or {@code false}, {@code on} or {@code off}, any case.
 *   <li><b>DNS servers</b>: an IP address with an optional port, {@code 192.0.2.53}, {@code
 *       127.0.0.1:5353}, {@code [2001:db8::53]:53}; the port defaults to 53. A name is not
 *       accepted: it would take DNS to find the DNS server.
 * </ul>
 *
 * <p>Every error is an {@link IllegalArgumentException} whose message starts with the setting's key
 * and names the expected form. A message never repeats the value, which may be long, hostile or
 * secret. Inputs are bounded ({@value #MAX_VALUE_LENGTH} characters for one value, {@value
 * #MAX_LIST_LENGTH} for a list, at most {@value #MAX_LIST_ITEMS} items).
 *
 * @since 0.1.0
 */
public final class SettingGrammar {
  /**
   * Longest value of a scalar setting (a duration, size, number or boolean).
   *
   * @since 0.1.0
   */
  public static final int MAX_VALUE_LENGTH = 32;

  /**
   * Longest text of a list setting.
   *
   * @since 0.1.0
   */
  public static final int MAX_LIST_LENGTH = 64 * 1024;

  /**
   * Most items in a list setting.
   *
   * @since 0.1.0
   */
  public static final int MAX_LIST_ITEMS = 1000;

  /** The expected form of a duration, as messages name it. */
  static final String DURATION_FORM = "a duration such as 45s, 30m, 12h, 7d, 2w or PT12H";

  // on and off are read too; messages keep naming the form they always named
  static final String BOOLEAN_FORM = "true or false";

  static final String DNS_SERVER_FORM =
      "an IP address with an optional port, such as 127.0.0.1:5353 or [2001:db8::53]:53";

  private static final int MAX_ADDRESS_LENGTH = 64;
  private static final Pattern DNS_SERVER =
      Pattern.compile("(?:\\[([0-9A-Fa-f:.]{2,45})]|([0-9.]{7,15}))(?::([0-9]{1,5}))?");

  static final String SIZE_FORM = "a size in bytes such as 65536, 512k or 10M";

  private static final Pattern SHORT_DURATION = Pattern.compile("([0-9]{1,18})\\s?([smhdw])");
  private static final Pattern SIZE = Pattern.compile("([0-9]{1,18}) ?([kmg]?)b?");
  private static final Pattern SEPARATORS = Pattern.compile("[,\\s]+");

  private SettingGrammar() {}

  /**
   * Parses a duration.
   *
   * @param key the setting's key, for the message
   * @param text the value
   * @return the duration, zero or positive
   * @throws IllegalArgumentException if {@code text} is not a duration of this grammar
   * @since 0.1.0
   */
  public static Duration duration(String key, CharSequence text) {
    String v = scalar(key, text, DURATION_FORM);
    Matcher m = SHORT_DURATION.matcher(v);
    Duration d;
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        d =
            switch (m.group(2)) {
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              case "d" -> Duration.ofDays(n);
              default -> Duration.ofDays(Math.multiplyExact(7, n));
            };
      } else if (v.startsWith("p")) {
        d = Duration.parse(v);
      } else {
        throw fail(key, DURATION_FORM);
      }
    } catch (DateTimeParseException e) {
      throw fail(key, DURATION_FORM);
    } catch (ArithmeticException | DateTimeException e) {
      throw new IllegalArgumentException(key + " is too long a duration; write " + DURATION_FORM);
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException(
          key + " must not be a negative duration; write " + DURATION_FORM);
    }
    return d;
  }

  /**
   * Parses a size in bytes.
   *
   * @param key the setting's key, for the message
   * @param text the value
   * @return the number of bytes, zero or positive
   * @throws IllegalArgumentException if {@code text} is not a size of this grammar or exceeds
   *     {@link Long#MAX_VALUE} bytes
   * @since 0.1.0
   */
  public static long size(String key, CharSequence text) {
    String v = scalar(key, text, SIZE_FORM);
    Matcher m = SIZE.matcher(v);
    if (!m.matches()) {
      throw fail(key, SIZE_FORM);
    }
    int shift =
        switch (m.group(2)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          default -> 0;
        };
    long n = Long.parseLong(m.group(1));
    if (n > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException(key + " is too large a size; write " + SIZE_FORM);
    }
    return n << shift;
  }

  /**
   * Parses a size that must fit an {@code int} and lie within {@code [min, max]}.
   *
   * @param key the setting's key, for the message
   * @param text the value
   * @param min the least allowed
   * @param max the most allowed
   * @return the number of bytes
   * @throws IllegalArgumentException if it is not a size or out of range
   * @since 0.1.0
   */
  public static int size(String key, CharSequence text, int min, int max) {
    long n = size(key, text);
    if (n < min || n > max) {
      throw new IllegalArgumentException(key + " must be " + min + " to " + max + " bytes");
    }
    return (int) n;
  }

  /**
   * Parses a whole number within {@code [min, max]}.
   *
   * @param key the setting's key, for the message
   * @param text the value
   * @param min the least allowed
   * @param max the most allowed
   * @return the number
   * @throws IllegalArgumentException if it is not a number or out of range
   * @since 0.1.0
   */
  public static int integer(String key, CharSequence text, int min, int max) {
    String form = "a whole number from " + min + " to " + max;
    String v = scalar(key, text, form);
    if (!v.matches("-?[0-9]{1,10}")) {
      throw fail(key, form);
    }
    long n = Long.parseLong(v);
    if (n < min || n > max) {
      throw fail(key, form);
    }
    return (int) n;
  }

  /**
   * Parses {@code true}/{@code on} or {@code false}/{@code off}, in any case.
   *
   * @param key the setting's key, for the message
   * @param text the value
   * @return the boolean
   * @throws IllegalArgumentException otherwise
   * @since 0.1.0
   */
  public static boolean bool(String key, CharSequence text) {
    String v = scalar(key, text, BOOLEAN_FORM);
    return switch (v) {
      case "true", "on" -> true;
      case "false", "off" -> false;
      default -> throw fail(key, BOOLEAN_FORM);
    };
  }

  /**
   * Parses the address of a DNS server: an IPv4 address or an IPv6 address in brackets, with an
   * optional {@code :PORT} (default 53). Never looks anything up.
   *
   * @param key the setting's key, for the message
   * @param text the value
   * @return the resolved socket address
   * @throws IllegalArgumentException if it is not such an address
   * @since 0.2.0
   */
  public static InetSocketAddress dnsServer(String key, CharSequence text) {
    requireNonNull(key, "key");
    requireNonNull(text, "text");
    if (text.length() > MAX_ADDRESS_LENGTH) {
      throw new IllegalArgumentException(
          key + " has more than " + MAX_ADDRESS_LENGTH + " characters; write " + DNS_SERVER_FORM);
    }
    Matcher m = DNS_SERVER.matcher(text.toString().strip());
    if (!m.matches()) {
      throw fail(key, DNS_SERVER_FORM);
    }
    String host = m.group(1) != null ? m.group(1) : m.group(2);
    int port = m.group(3) == null ? 53 : Integer.parseInt(m.group(3));
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(key + " must have a port from 1 to 65535");
    }
    if (!InetAddresses.isInetAddress(host) || (m.group(1) != null) != (host.indexOf(':') >= 0)) {
      throw fail(key, DNS_SERVER_FORM);
    }
    return new InetSocketAddress(InetAddresses.forString(host), port);
  }

  /**
   * Splits a list at commas and white space; empty items are dropped.
   *
   * @param key the setting's key, for the message
   * @param text the value
   * @return the items, in order
   * @throws IllegalArgumentException if the text is longer than {@value #MAX_LIST_LENGTH}
   *     characters or has more than {@value #MAX_LIST_ITEMS} items
   * @since 0.1.0
   */
  public static List<String> list(String key, CharSequence text) {
    requireNonNull(key, "key");
    requireNonNull(text, "text");
    if (text.length() > MAX_LIST_LENGTH) {
      throw new IllegalArgumentException(
          key
              + " has more than "
              + MAX_LIST_LENGTH
              + " characters; write a list separated by commas or spaces");
    }
    List<String> out = new ArrayList<>();
    for (String item : SEPARATORS.split(text.toString().strip())) {
      if (!item.isEmpty()) {
        out.add(item);
        if (out.size() > MAX_LIST_ITEMS) {
          throw new IllegalArgumentException(key + " has more than " + MAX_LIST_ITEMS + " entries");
        }
      }
    }
    return List.copyOf(out);
  }

  /** The value, stripped and lower-cased, checked for length. */
  private static String scalar(String key, CharSequence text, String form) {
    requireNonNull(key, "key");
    requireNonNull(text, "text");
    if (text.length() > MAX_VALUE_LENGTH) {
      throw new IllegalArgumentException(
          key + " has more than " + MAX_VALUE_LENGTH + " characters; write " + form);
    }
    String v = text.toString().strip().toLowerCase(Locale.ROOT);
    if (v.isEmpty()) {
      throw new IllegalArgumentException(key + " is empty; write " + form);
    }
    return v;
  }

  private static IllegalArgumentException fail(String key, String form) {
    return new IllegalArgumentException(key + " must be " + form);
  }
}
