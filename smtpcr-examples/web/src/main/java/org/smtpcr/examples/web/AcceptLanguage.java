package org.smtpcr.examples.web;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code Accept-Language} request header (RFC 9110 §12.5.4): language ranges (RFC 4647 §2.1,
 * such as {@code de-CH} or {@code *}) with optional weights ({@code ;q=0.8}), and the choice of one
 * of the page's languages by RFC 4647 "lookup" (§3.4): the ranges in order of weight, each
 * shortened from the end until it names an available language.
 *
 * <p>Parsing is bounded: a header longer than {@value #MAX_LENGTH} characters or with more than
 * {@value #MAX_RANGES} elements is treated as absent; an element that is not a well-formed range
 * (or has a malformed weight) is skipped. Stateless and thread-safe.
 */
final class AcceptLanguage {
  /** Longest header looked at; a longer one counts as absent. */
  static final int MAX_LENGTH = 4096;

  /** Most elements looked at; a header with more counts as absent. */
  static final int MAX_RANGES = 32;

  private AcceptLanguage() {}

  /**
   * A language range and its weight.
   *
   * @param range the range in lower case, such as {@code de-ch}, or {@code *}
   * @param weight the weight in thousandths, 0 to 1000
   */
  record Range(String range, int weight) {}

  /**
   * The ranges of {@code header}, most wanted first (equal weights in the header's order); empty
   * for an absent, oversized or empty header.
   */
  static List<Range> parse(String header) {
    requireNonNull(header, "header");
    if (header.length() > MAX_LENGTH) {
      return List.of();
    }
    List<Range> out = new ArrayList<>();
    int elements = 0;
    int start = 0;
    while (start <= header.length()) {
      int comma = header.indexOf(',', start);
      int end = comma < 0 ? header.length() : comma;
      String element = header.substring(start, end).strip();
      if (!element.isEmpty()) {
        if (++elements > MAX_RANGES) {
          return List.of();
        }
        Range r = element(element);
        if (r != null) {
          out.add(r);
        }
      }
      start = end + 1;
    }
    out.sort(Comparator.comparingInt(Range::weight).reversed());
    return List.copyOf(out);
  }

  /**
   * The available language to use for {@code header}: for each range by weight (weight 0 means "not
   * this one"), the range itself if available, else the range shortened by its last subtag, and so
   * on; {@code *} and a header that names nothing available give empty (the caller's default).
   *
   * @param header the header's value, empty when absent
   * @param available the available languages as lower-case tags, such as {@code de} or {@code
   *     pt-br}
   * @return the chosen tag, as given in {@code available}
   */
  static Optional<String> choose(String header, Set<String> available) {
    requireNonNull(available, "available");
    List<Range> ranges = parse(header);
    for (Range r : ranges) {
      if (r.weight() == 0) {
        break; // sorted: the rest are refused too
      }
      if (r.range().equals("*")) {
        return Optional.empty();
      }
      String candidate = r.range();
      while (!candidate.isEmpty()) {
        if (available.contains(candidate) && !refused(ranges, candidate)) {
          return Optional.of(candidate);
        }
        int dash = candidate.lastIndexOf('-');
        candidate = dash < 0 ? "" : candidate.substring(0, dash);
        // RFC 4647 §3.4: a singleton left at the end goes too (de-x-foo -> de, not de-x)
        int lastDash = candidate.lastIndexOf('-');
        if (lastDash >= 0 && candidate.length() - lastDash == 2) {
          candidate = candidate.substring(0, lastDash);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean refused(List<Range> ranges, String tag) {
    for (Range r : ranges) {
      if (r.weight() == 0 && r.range().equals(tag)) {
        return true;
      }
    }
    return false;
  }

  /** One element, {@code range *( OWS ";" OWS parameter )}; null when malformed. */
  private static Range element(String element) {
    int semi = element.indexOf(';');
    String range = (semi < 0 ? element : element.substring(0, semi)).strip();
    if (!isRange(range)) {
      return null;
    }
    int weight = 1000;
    if (semi >= 0) {
      String param = element.substring(semi + 1).strip();
      if (param.length() < 2 || !param.regionMatches(true, 0, "q=", 0, 2)) {
        return null;
      }
      weight = weight(param.substring(2).strip());
      if (weight < 0) {
        return null;
      }
    }
    return new Range(range.toLowerCase(Locale.ROOT), weight);
  }

  /** {@code *} or {@code 1*8ALPHA *("-" 1*8alphanum)}, at most 128 characters. */
  private static boolean isRange(String s) {
    if (s.equals("*")) {
      return true;
    }
    if (s.isEmpty() || s.length() > 128) {
      return false;
    }
    int run = 0;
    boolean first = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '-') {
        if (run == 0) {
          return false;
        }
        run = 0;
        first = false;
      } else if (isAlpha(c) || (!first && c >= '0' && c <= '9')) {
        if (++run > 8) {
          return false;
        }
      } else {
        return false;
      }
    }
    return run > 0;
  }

  private static boolean isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** RFC 9110 qvalue: {@code 0[.ddd]} or {@code 1[.000]} in thousandths; -1 when malformed. */
  private static int weight(String q) {
    if (q.isEmpty() || q.length() > 5 || (q.charAt(0) != '0' && q.charAt(0) != '1')) {
      return -1;
    }
    int whole = q.charAt(0) - '0';
    int fraction = 0;
    if (q.length() > 1) {
      if (q.charAt(1) != '.') {
        return -1;
      }
      int scale = 100;
      for (int i = 2; i < q.length(); i++) {
        char c = q.charAt(i);
        if (c < '0' || c > '9') {
          return -1;
        }
        fraction += (c - '0') * scale;
        scale /= 10;
      }
    }
    int w = whole * 1000 + fraction;
    return w > 1000 ? -1 : w;
  }
}
