package org.smtpcr.core.reply;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.base.Strings;
import java.util.List;

/**
 * An SMTP reply (RFC 5321 §4.2) with an enhanced status code (RFC 3463, RFC 2034): a reply code, an
 * enhanced status and one or more lines of text, immutable and validated so that it can be put on
 * the wire as it is.
 *
 * <p>Rules checked by {@link #of(int, String, List)}:
 * <ul>
 *   <li>the code is in 200..599 and its second digit is 0..5 (RFC 5321 §4.2.1);</li>
 *   <li>for 2yz, 4yz and 5yz the enhanced status is {@code class.subject.detail} (1 to 3 digits each,
 *       no leading zeros) and its class equals the code's first digit;</li>
 *   <li>3yz replies (e.g. {@code 354}) carry no enhanced status, since RFC 3463 defines only the
 *       classes 2, 4 and 5: their enhanced status must be the empty string, and
 *       {@link #enhancedStatus()} returns it;</li>
 *   <li>there is at least one line, each line is printable US-ASCII (0x20..0x7E; no tab, CR, LF or
 *       NUL) and the wire line {@code "NNN-x.y.z text" CRLF} has at most 512 octets (§4.5.3.1.5).</li>
 * </ul>
 * Every wire line carries the same enhanced status. Peer-supplied text must be sanitized before it
 * reaches a reply; {@link ReplyFormatter} does that.
 *
 * @since 0.1.0
 */
public final class SmtpReply {

  /**
   * Maximum length of a reply line including the CRLF (RFC 5321 §4.5.3.1.5).
   *
   * @since 0.1.0
   */
  public static final int MAX_LINE_OCTETS = 512;

  private final int code;
  private final String enhancedStatus;
  private final List<String> lines;

  private SmtpReply(int code, String enhancedStatus, List<String> lines) {
    this.code = code;
    this.enhancedStatus = enhancedStatus;
    this.lines = lines;
  }

  /**
   * Creates a reply.
   *
   * @param code reply code, 200..599
   * @param enhancedStatus enhanced status such as {@code 5.7.1}; the empty string for 3yz codes
   * @param lines the text lines, at least one; each printable US-ASCII and short enough that its wire
   *     form fits in 512 octets
   * @return the reply
   * @throws IllegalArgumentException if a rule above is broken; the message names the rule and the
   *     line number, never the text
   * @since 0.1.0
   */
  public static SmtpReply of(int code, String enhancedStatus, List<String> lines) {
    requireNonNull(enhancedStatus, "enhancedStatus");
    requireNonNull(lines, "lines");
    checkArgument(code >= 200 && code <= 599, "reply code must be in 200..599, got %s", code);
    checkArgument(code / 10 % 10 <= 5, "second digit of reply code %s must be 0..5", code);
    int klass = code / 100;
    if (klass == 3) {
      checkArgument(enhancedStatus.isEmpty(),
          "3yz replies carry no enhanced status (RFC 3463 has classes 2, 4, 5 only)");
    } else {
      checkArgument(isEnhancedStatus(enhancedStatus),
          "enhanced status must be class.subject.detail with class 2, 4 or 5 and 1-3 digit parts");
      checkArgument(enhancedStatus.charAt(0) - '0' == klass,
          "enhanced status class %s does not match reply code %s", enhancedStatus.charAt(0), code);
    }
    List<String> copy = List.copyOf(lines);
    checkArgument(!copy.isEmpty(), "a reply needs at least one line");
    int overhead = prefixLength(enhancedStatus) + 2;
    for (int n = 0; n < copy.size(); n++) {
      String line = copy.get(n);
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c < 0x20 || c > 0x7E) {
          throw new IllegalArgumentException(Strings.lenientFormat(
              "line %s has a character that is not printable US-ASCII at index %s", n + 1, i));
        }
      }
      if (line.length() + overhead > MAX_LINE_OCTETS) {
        throw new IllegalArgumentException(Strings.lenientFormat(
            "line %s is %s characters; with the %s-octet prefix and CRLF a line may hold at most %s",
            n + 1, line.length(), overhead - 2, MAX_LINE_OCTETS - overhead));
      }
    }
    return new SmtpReply(code, enhancedStatus, copy);
  }

  /**
   * For {@link ReplyFormatter}: lines it has built to the rules {@link #of(int, String, List)}
   * checks (printable US-ASCII, within the line limit) with a status it checked when it was built;
   * not checked again.
   */
  static SmtpReply checked(int code, String enhancedStatus, List<String> lines) {
    return new SmtpReply(code, enhancedStatus, List.copyOf(lines));
  }

  /**
   * Creates a reply; see {@link #of(int, String, List)}.
   *
   * @param code reply code, 200..599
   * @param enhancedStatus enhanced status such as {@code 5.7.1}; the empty string for 3yz codes
   * @param lines the text lines, at least one
   * @return the reply
   * @throws IllegalArgumentException if a rule of {@link #of(int, String, List)} is broken
   * @since 0.1.0
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
   * @since 0.1.0
   */
  public int code() {
    return code;
  }

  /**
   * Returns the enhanced status code, e.g. {@code 5.7.1}; the empty string for 3yz replies.
   *
   * @return the enhanced status
   * @since 0.1.0
   */
  public String enhancedStatus() {
    return enhancedStatus;
  }

  /**
   * Returns the text lines, without codes.
   *
   * @return an unmodifiable, non-empty list
   * @since 0.1.0
   */
  public List<String> lines() {
    return lines;
  }

  /**
   * Returns whether this is a positive reply (2yz completion or 3yz intermediate).
   *
   * @return true for codes below 400
   * @since 0.1.0
   */
  public boolean isPositive() {
    return code < 400;
  }

  /**
   * Returns whether this is a negative reply (4yz or 5yz).
   *
   * @return true for codes from 400
   * @since 0.1.0
   */
  public boolean isNegative() {
    return code >= 400;
  }

  /**
   * Returns whether this is a transient negative reply (4yz): the sender should retry.
   *
   * @return true for 4yz
   * @since 0.1.0
   */
  public boolean isTransient() {
    return code / 100 == 4;
  }

  /**
   * Returns whether this is a permanent negative reply (5yz).
   *
   * @return true for 5yz
   * @since 0.1.0
   */
  public boolean isPermanent() {
    return code / 100 == 5;
  }

  /**
   * Returns the reply as RFC 5321 sends it: every line {@code "NNN-x.y.z text"} but the last, which
   * is {@code "NNN x.y.z text"}, each ended by CRLF; e.g. {@code "550-5.7.1 a\r\n550 5.7.1 b\r\n"}.
   *
   * @return the wire text, including the final CRLF
   * @since 0.1.0
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

  /**
   * Compares code, enhanced status and lines.
   *
   * @since 0.1.0
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SmtpReply other)) {
      return false;
    }
    return code == other.code && enhancedStatus.equals(other.enhancedStatus)
        && lines.equals(other.lines);
  }

  /**
   * Hashes code, enhanced status and lines.
   *
   * @since 0.1.0
   */
  @Override
  public int hashCode() {
    return (31 * code + enhancedStatus.hashCode()) * 31 + lines.hashCode();
  }

  /**
   * Returns code, enhanced status and line count, e.g. {@code SmtpReply[550 5.7.1, 3 lines]}. The
   * text is left out: it may contain a challenge link.
   *
   * @since 0.1.0
   */
  @Override
  public String toString() {
    return "SmtpReply[" + code + (enhancedStatus.isEmpty() ? "" : " " + enhancedStatus) + ", "
        + lines.size() + (lines.size() == 1 ? " line]" : " lines]");
  }
}
