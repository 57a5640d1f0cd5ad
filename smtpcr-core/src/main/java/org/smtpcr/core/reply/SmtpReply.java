package org.smtpcr.core.reply;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.base.Strings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * An SMTP reply (RFC 5321 §4.2) with an enhanced status code (RFC 3463, RFC 2034), as a model that
 * each target renders: a reply code, an enhanced status, prose and an optional link; immutable and
 * validated so that it can be put on the wire as it is.
 *
 * <p>The prose is one or more lines of text ({@link #proseLines()}; {@link ReplyFormatter} puts
 * each sentence on a line of its own). The link ({@link #link()}), when there is one, is an
 * absolute URI that stands alone on its own line after the prose and is never split. Targets render
 * from these parts: {@link #toWire()} the multi-line RFC 5321 text, {@link PostfixReplies} the
 * one-line Postfix policy action, {@link MilterReplies} a milter reply; a target that must shorten
 * the text shortens the prose and keeps {@link #link()} whole, without looking for the link in the
 * text.
 *
 * <p>Rules checked by {@link #of(int, String, List)}:
 *
 * <ul>
 *   <li>the code is in 200..599 and its second digit is 0..5 (RFC 5321 §4.2.1);
 *   <li>for 2yz, 4yz and 5yz the enhanced status is {@code class.subject.detail} (1 to 3 digits
 *       each, no leading zeros) and its class equals the code's first digit;
 *   <li>3yz replies (e.g. {@code 354}) carry no enhanced status, since RFC 3463 defines only the
 *       classes 2, 4 and 5: their enhanced status must be the empty string, and {@link
 *       #enhancedStatus()} returns it;
 *   <li>there is at least one line, each line is printable US-ASCII (0x20..0x7E; no tab, CR, LF or
 *       NUL) and the wire line {@code "NNN-x.y.z text" CRLF} has at most 512 octets (§4.5.3.1.5);
 *   <li>a link ({@link #withLink(int, String, List, String)}) is, in addition, not empty, has no
 *       space and starts with a scheme and {@code :} (RFC 3986).
 * </ul>
 *
 * Every wire line carries the same enhanced status. Peer-supplied text must be sanitized before it
 * reaches a reply; {@link ReplyFormatter} does that.
 *
 * @since 0.1.0
 */
public final class SmtpReply {

  /** Maximum length of a reply line including the CRLF (RFC 5321 §4.5.3.1.5). */
  public static final int MAX_LINE_OCTETS = 512;

  private final int code;
  private final String enhancedStatus;
  private final List<String> prose;
  private final Optional<String> link;

  /** The text lines on the wire: the prose lines, then the link. */
  private final List<String> lines;

  private SmtpReply(int code, String enhancedStatus, List<String> prose, Optional<String> link) {
    this.code = code;
    this.enhancedStatus = enhancedStatus;
    this.prose = prose;
    this.link = link;
    if (link.isEmpty()) {
      this.lines = prose;
    } else {
      List<String> all = new ArrayList<>(prose.size() + 1);
      all.addAll(prose);
      all.add(link.get());
      this.lines = Collections.unmodifiableList(all);
    }
  }

  /**
   * Creates a reply of prose only, without a link.
   *
   * @param code reply code, 200..599
   * @param enhancedStatus enhanced status such as {@code 5.7.1}; the empty string for 3yz codes
   * @param lines the text lines, at least one; each printable US-ASCII and short enough that its
   *     wire form fits in 512 octets
   * @return the reply
   * @throws IllegalArgumentException if a rule above is broken; the message names the rule and the
   *     line number, never the text
   */
  public static SmtpReply of(int code, String enhancedStatus, List<String> lines) {
    requireNonNull(enhancedStatus, "enhancedStatus");
    requireNonNull(lines, "lines");
    checkStatus(code, enhancedStatus);
    List<String> copy = List.copyOf(lines);
    checkArgument(!copy.isEmpty(), "a reply needs at least one line");
    checkLines(copy, enhancedStatus);
    return new SmtpReply(code, enhancedStatus, copy, Optional.empty());
  }

  /**
   * Creates a reply of prose followed by a link on a line of its own, e.g. a challenge.
   *
   * @param code reply code, 200..599
   * @param enhancedStatus enhanced status such as {@code 5.7.1}; the empty string for 3yz codes
   * @param proseLines the text lines before the link, possibly none; each printable US-ASCII and
   *     short enough that its wire form fits in 512 octets
   * @param link an absolute URI as US-ASCII text: a scheme, {@code :}, then printable characters
   *     without spaces; short enough that its wire line fits in 512 octets
   * @return the reply
   * @throws IllegalArgumentException if a rule above is broken; the message names the rule, never
   *     the text or the link
   */
  public static SmtpReply withLink(
      int code, String enhancedStatus, List<String> proseLines, String link) {
    requireNonNull(enhancedStatus, "enhancedStatus");
    requireNonNull(proseLines, "proseLines");
    requireNonNull(link, "link");
    checkStatus(code, enhancedStatus);
    List<String> copy = List.copyOf(proseLines);
    checkLines(copy, enhancedStatus);
    checkArgument(startsWithScheme(link), "a link must be absolute: a scheme, then ':'");
    for (int i = 0; i < link.length(); i++) {
      char c = link.charAt(i);
      checkArgument(
          c > 0x20 && c < 0x7F,
          "the link has a character that is not printable US-ASCII or is a space at index %s",
          i);
    }
    int max = maxTextLength(enhancedStatus);
    checkArgument(
        link.length() <= max,
        "the link is %s characters; with the prefix and CRLF a line may hold at most %s",
        link.length(),
        max);
    return new SmtpReply(code, enhancedStatus, copy, Optional.of(link));
  }

  private static void checkStatus(int code, String enhancedStatus) {
    checkArgument(code >= 200 && code <= 599, "reply code must be in 200..599, got %s", code);
    checkArgument(code / 10 % 10 <= 5, "second digit of reply code %s must be 0..5", code);
    int klass = code / 100;
    if (klass == 3) {
      checkArgument(
          enhancedStatus.isEmpty(),
          "3yz replies carry no enhanced status (RFC 3463 has classes 2, 4, 5 only)");
    } else {
      checkArgument(
          isEnhancedStatus(enhancedStatus),
          "enhanced status must be class.subject.detail with class 2, 4 or 5 and 1-3 digit parts");
      checkArgument(
          enhancedStatus.charAt(0) - '0' == klass,
          "enhanced status class %s does not match reply code %s",
          enhancedStatus.charAt(0),
          code);
    }
  }

  private static void checkLines(List<String> lines, String enhancedStatus) {
    int overhead = prefixLength(enhancedStatus) + 2;
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n);
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c < 0x20 || c > 0x7E) {
          throw new IllegalArgumentException(
              Strings.lenientFormat(
                  "line %s has a character that is not printable US-ASCII at index %s", n + 1, i));
        }
      }
      if (line.length() + overhead > MAX_LINE_OCTETS) {
        throw new IllegalArgumentException(
            Strings.lenientFormat(
                "line %s is %s characters; with the %s-octet prefix and CRLF a line may hold at most %s",
                n + 1, line.length(), overhead - 2, MAX_LINE_OCTETS - overhead));
      }
    }
  }

  /** RFC 3986 scheme ({@code ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )}) followed by {@code :}. */
  static boolean startsWithScheme(String link) {
    if (link.isEmpty() || !isAsciiLetter(link.charAt(0))) {
      return false;
    }
    for (int i = 1; i < link.length(); i++) {
      char c = link.charAt(i);
      if (c == ':') {
        return true;
      }
      if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
        return false;
      }
    }
    return false;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /**
   * For {@link ReplyFormatter}: prose lines and a link it has built to the rules {@link #of(int,
   * String, List)} and {@link #withLink(int, String, List, String)} check (printable US-ASCII,
   * within the line limit, at least one line) with a status it checked when it was built; not
   * checked again.
   */
  static SmtpReply checked(
      int code, String enhancedStatus, List<String> proseLines, Optional<String> link) {
    return new SmtpReply(code, enhancedStatus, List.copyOf(proseLines), link);
  }

  /**
   * Creates a reply; see {@link #of(int, String, List)}.
   *
   * @param code reply code, 200..599
   * @param enhancedStatus enhanced status such as {@code 5.7.1}; the empty string for 3yz codes
   * @param lines the text lines, at least one
   * @return the reply
   * @throws IllegalArgumentException if a rule of {@link #of(int, String, List)} is broken
   */
  public static SmtpReply of(int code, String enhancedStatus, String... lines) {
    requireNonNull(lines, "lines");
    return of(code, enhancedStatus, List.of(lines));
  }

  /**
   * Whether {@code s} is {@code class.subject.detail}: class 2, 4 or 5, then two parts of 1 to 3
   * digits without leading zeros (a lone {@code 0} is allowed).
   */
  private static boolean isEnhancedStatus(String s) {
    int n = s.length();
    if (n < 5 || n > 9) {
      return false;
    }
    char k = s.charAt(0);
    if ((k != '2' && k != '4' && k != '5') || s.charAt(1) != '.') {
      return false;
    }
    int end = digits(s, 2);
    if (end < 0 || end >= n || s.charAt(end) != '.') {
      return false;
    }
    return digits(s, end + 1) == n;
  }

  /** The end of a 1..3-digit number without leading zeros at {@code start}, or -1. */
  private static int digits(String s, int start) {
    int n = s.length();
    if (start >= n) {
      return -1;
    }
    char c = s.charAt(start);
    if (c == '0') {
      return start + 1;
    }
    if (c < '1' || c > '9') {
      return -1;
    }
    int i = start + 1;
    while (i < n && i < start + 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i;
  }

  /**
   * Returns the number of characters in front of the text on each wire line: {@code "NNN-x.y.z "}
   * (or {@code "NNN-"} without an enhanced status).
   */
  static int prefixLength(String enhancedStatus) {
    return enhancedStatus.isEmpty() ? 4 : 4 + enhancedStatus.length() + 1;
  }

  /**
   * Returns the maximum number of text characters a line can hold for an enhanced status.
   *
   * @param enhancedStatus the enhanced status, or the empty string
   * @return {@code 512 - prefix - 2}
   */
  static int maxTextLength(String enhancedStatus) {
    return MAX_LINE_OCTETS - prefixLength(enhancedStatus) - 2;
  }

  /**
   * Returns the reply code.
   *
   * @return 200..599
   */
  public int code() {
    return code;
  }

  /**
   * Returns the enhanced status code, e.g. {@code 5.7.1}; the empty string for 3yz replies.
   *
   * @return the enhanced status
   */
  public String enhancedStatus() {
    return enhancedStatus;
  }

  /**
   * Returns the text lines as the wire carries them, without codes: the prose lines, then the link
   * if there is one.
   *
   * @return an unmodifiable, non-empty list
   */
  public List<String> lines() {
    return lines;
  }

  /**
   * Returns the prose lines: the text without the link.
   *
   * @return an unmodifiable list; empty only when the reply is a link alone
   */
  public List<String> proseLines() {
    return prose;
  }

  /**
   * Returns the prose as one text: its lines joined by single spaces; for targets that put a reply
   * on one line.
   *
   * @return the prose, possibly empty when the reply is a link alone
   */
  public String prose() {
    return prose.size() == 1 ? prose.get(0) : String.join(" ", prose);
  }

  /**
   * Returns the link that stands on its own line after the prose, e.g. a challenge link. Targets
   * that shorten a reply keep it whole.
   *
   * @return the absolute link as US-ASCII text, or empty when the reply has none
   */
  public Optional<String> link() {
    return link;
  }

  /**
   * Returns whether this is a positive reply (2yz completion or 3yz intermediate).
   *
   * @return true for codes below 400
   */
  public boolean isPositive() {
    return code < 400;
  }

  /**
   * Returns whether this is a negative reply (4yz or 5yz).
   *
   * @return true for codes from 400
   */
  public boolean isNegative() {
    return code >= 400;
  }

  /**
   * Returns whether this is a transient negative reply (4yz): the sender should retry.
   *
   * @return true for 4yz
   */
  public boolean isTransient() {
    return code / 100 == 4;
  }

  /**
   * Returns whether this is a permanent negative reply (5yz).
   *
   * @return true for 5yz
   */
  public boolean isPermanent() {
    return code / 100 == 5;
  }

  /**
   * Returns the reply as RFC 5321 sends it: every line {@code "NNN-x.y.z text"} but the last, which
   * is {@code "NNN x.y.z text"}, each ended by CRLF; e.g. {@code "550-5.7.1 a\r\n550 5.7.1 b\r\n"}.
   *
   * @return the wire text, including the final CRLF
   */
  public String toWire() {
    int size = 0;
    for (int i = 0; i < lines.size(); i++) {
      size += lines.get(i).length() + enhancedStatus.length() + 7; // "NNN-" " " CRLF
    }
    StringBuilder sb = new StringBuilder(size);
    for (int i = 0; i < lines.size(); i++) {
      appendLine(sb, i == lines.size() - 1 ? ' ' : '-', lines.get(i)).append("\r\n");
    }
    return sb.toString();
  }

  /** Appends {@code NNN<sep>x.y.z text} (no line end). */
  StringBuilder appendLine(StringBuilder sb, char separator, String text) {
    sb.append(code).append(separator);
    if (!enhancedStatus.isEmpty()) {
      sb.append(enhancedStatus);
      if (!text.isEmpty()) {
        sb.append(' ');
      }
    }
    return sb.append(text);
  }

  /** Compares code, enhanced status, prose lines and link. */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SmtpReply other)) {
      return false;
    }
    return code == other.code
        && enhancedStatus.equals(other.enhancedStatus)
        && prose.equals(other.prose)
        && link.equals(other.link);
  }

  /** Hashes code, enhanced status, prose lines and link. */
  @Override
  public int hashCode() {
    return ((31 * code + enhancedStatus.hashCode()) * 31 + prose.hashCode()) * 31 + link.hashCode();
  }

  /**
   * Returns code, enhanced status and line count, e.g. {@code SmtpReply[550 5.7.1, 3 lines]}, and
   * whether the last line is a link. The text and the link are left out: the link is a secret, and
   * the prose may name addresses.
   */
  @Override
  public String toString() {
    return "SmtpReply["
        + code
        + (enhancedStatus.isEmpty() ? "" : " " + enhancedStatus)
        + ", "
        + lines.size()
        + (lines.size() == 1 ? " line" : " lines")
        + (link.isPresent() ? ", link]" : "]");
  }
}
