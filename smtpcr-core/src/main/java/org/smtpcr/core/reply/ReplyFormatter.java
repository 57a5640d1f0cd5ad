package org.smtpcr.core.reply;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.base.Strings;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds {@link SmtpReply SmtpReplies} from templates with named placeholders (README.md,
 * "Concepts"): the prose of the reply, and for a challenge the link, which the reply keeps apart
 * from the prose so that every target can render it whole.
 *
 * <p>A template is printable US-ASCII text with placeholders such as {@code {recipient}}; <code>{{
 * </code> and <code>}}</code> stand for literal braces. The values come as {@link ReplyValues}:
 * {@code recipient}, {@code sender}, {@code client} (IP address), {@code helo} and {@code
 * recipientDomain}; a placeholder without a value, or with a name that is none of these, is
 * replaced by nothing. Every value is treated as peer-supplied and {@linkplain #sanitize(String)
 * sanitized}: CR, LF and tab become spaces, other control characters and everything outside
 * printable US-ASCII become {@code ?}, and it is cut to {@value #MAX_VALUE_LENGTH} characters, so
 * nothing a peer sends can add a line or a byte outside printable ASCII to a reply.
 *
 * <p><b>Layout: one sentence a line.</b> A sending MTA quotes the reply lines in its bounce, and
 * Postfix, for one, joins them with their codes ({@code ... said: 550-5.7.1 <bob@example.com> only
 * accepts mail from senders who have confirmed they are a person. 550-5.7.1 Confirm here, then send
 * your message again: 550 5.7.1 https://...}), so a sentence broken across lines reads broken. Each
 * sentence of a template therefore gets a reply line of its own; the first sentence is the one an
 * MTA or client that shows only the first line shows, so the built-in texts make it say what
 * happened on its own. A template marks its line breaks with sentence ends: a {@code .}, {@code !}
 * or {@code ?} in the template's literal text followed by a space, where the sentence that follows
 * does not start with a lower-case letter ({@code "person. Confirm"} breaks; {@code "e.g. a"} does
 * not). Breaks come only from the template: a value (an address, a HELO name) never adds one.
 * Blanks around a break are dropped and runs of blanks become one.
 *
 * <p>A sentence longer than the line budget is the only one that is split: at word boundaries, into
 * lines that, with their {@code "550-5.7.1 "} prefix, hold at most {@link Builder#wrapWidth(int)
 * wrapWidth} characters (default {@value #DEFAULT_WRAP_WIDTH}: the 512 octets RFC 5321 allows a
 * reply line, less the CRLF, so by default only a sentence that cannot fit a reply line is split).
 * A word longer than the width stands on a line of its own, and only a word longer than a whole
 * reply line is cut. For a challenge, the link stands alone on the last line and is never split.
 * Replies carry no timing hints.
 *
 * <p>Statuses by default: challenge and reject {@code 550 5.7.1}, defer {@code 451 4.3.0} (the
 * engine's fallback when a rule or store fails), pending mix {@code 452 4.5.3}.
 *
 * @since 0.1.0
 */
public final class ReplyFormatter {

  /**
   * Default maximum line length, prefix included, CRLF excluded: the whole reply line RFC 5321
   * allows (512 octets with CRLF), so that a sentence is split only when it cannot fit one line.
   */
  public static final int DEFAULT_WRAP_WIDTH = SmtpReply.MAX_LINE_OCTETS - 2;

  /**
   * Maximum length of a placeholder value after sanitizing; longer values are cut and end in {@code
   * ...}. An address in angle brackets (256 characters) fits.
   */
  public static final int MAX_VALUE_LENGTH = 256;

  /** Bound on operator-supplied template text. */
  private static final int MAX_TEMPLATE_LENGTH = 2000;

  private static final int MIN_WRAP_WIDTH = 40;

  /** The English challenge text: for a permanent refusal, after which the person resends. */
  static final String CHALLENGE_TEXT =
      "<{recipient}> only accepts mail from senders who have confirmed they are a"
          + " person. Confirm here, then send your message again:";

  /**
   * The English challenge text for a temporary refusal ({@code 450}): the sender's server keeps the
   * message and retries, so there is nothing to send again.
   */
  static final String CHALLENGE_TEXT_RETRIED =
      "<{recipient}> only accepts mail from senders who have confirmed they are a"
          + " person. Confirm here; your mail server retries by itself:";

  private static final Map<ReplyKind, String> ENGLISH =
      new EnumMap<>(
          Map.ofEntries(
              Map.entry(ReplyKind.CHALLENGE, CHALLENGE_TEXT),
              Map.entry(ReplyKind.REJECT, "<{recipient}> does not accept mail from <{sender}>."),
              Map.entry(ReplyKind.DEFER, "Temporary local problem, please try again."),
              Map.entry(
                  ReplyKind.PENDING_MIX,
                  "Too many recipients in this transaction; send to <{recipient}> in a new"
                      + " transaction."),
              Map.entry(
                  ReplyKind.SPF_FAIL,
                  "The domain of <{sender}> does not allow {client} to send its mail (SPF fail)."),
              Map.entry(
                  ReplyKind.AUTH_TEMPORARY,
                  "The sender's domain could not be checked just now (DNS); please try again"
                      + " later."),
              Map.entry(
                  ReplyKind.UNAUTHENTICATED,
                  "<{recipient}> accepts mail from <{sender}> only when the sender's domain"
                      + " authenticates it (SPF or DKIM), and this message is not authenticated."),
              Map.entry(
                  ReplyKind.NULL_SENDER_RECIPIENTS,
                  "Mail from the null sender (a bounce) goes to one recipient per transaction;"
                      + " send to <{recipient}> in a new transaction."),
              Map.entry(
                  ReplyKind.NULL_SENDER_NOT_REPORT,
                  "Mail from the null sender must be a delivery or disposition notification"
                      + " (multipart/report); <{recipient}> does not accept this message."),
              Map.entry(
                  ReplyKind.NULL_SENDER_UNEXPECTED,
                  "Mail from the null sender must be a delivery or disposition notification for"
                      + " mail sent recently; <{recipient}> sent none."),
              Map.entry(ReplyKind.DENIED, "Message not accepted."),
              Map.entry(
                  ReplyKind.SENDER_UNREADABLE,
                  "The sender address cannot be read here just now; please try again later."),
              Map.entry(
                  ReplyKind.RECIPIENT_UNREADABLE,
                  "The recipient address cannot be read here just now; please try again later."),
              Map.entry(
                  ReplyKind.NOT_LOCAL,
                  "<{recipient}> does not accept mail from <{sender}>; this site offers no"
                      + " confirmation for that address."),
              Map.entry(
                  ReplyKind.NO_LINK,
                  "<{recipient}> only accepts mail from confirmed senders, and no confirmation"
                      + " link can be made for this sender address. Please write to"
                      + " postmaster@{recipientDomain} instead.")));

  private static final Map<ReplyKind, Status> DEFAULT_STATUS =
      new EnumMap<>(
          Map.ofEntries(
              Map.entry(ReplyKind.CHALLENGE, new Status(550, "5.7.1")),
              Map.entry(ReplyKind.REJECT, new Status(550, "5.7.1")),
              Map.entry(ReplyKind.DEFER, new Status(451, "4.3.0")),
              Map.entry(ReplyKind.PENDING_MIX, new Status(452, "4.5.3")),
              Map.entry(ReplyKind.SPF_FAIL, new Status(550, "5.7.23")),
              Map.entry(ReplyKind.AUTH_TEMPORARY, new Status(451, "4.4.3")),
              Map.entry(ReplyKind.UNAUTHENTICATED, new Status(550, "5.7.26")),
              Map.entry(ReplyKind.NULL_SENDER_RECIPIENTS, new Status(452, "4.5.3")),
              Map.entry(ReplyKind.NULL_SENDER_NOT_REPORT, new Status(550, "5.7.1")),
              Map.entry(ReplyKind.NULL_SENDER_UNEXPECTED, new Status(550, "5.7.1")),
              Map.entry(ReplyKind.DENIED, new Status(550, "5.7.1")),
              Map.entry(ReplyKind.SENDER_UNREADABLE, new Status(451, "4.1.7")),
              Map.entry(ReplyKind.RECIPIENT_UNREADABLE, new Status(451, "4.1.3")),
              Map.entry(ReplyKind.NOT_LOCAL, new Status(550, "5.7.1")),
              Map.entry(ReplyKind.NO_LINK, new Status(550, "5.7.1"))));

  private static final ReplyFormatter ENGLISH_FORMATTER = builder().build();

  /**
   * The built-in challenge texts, permanent ({@code 5yz}: resend) to temporary ({@code 4yz}: the
   * sender's server retries); {@link #withStatus} swaps one for the other with the class of the
   * code. A text of the user's own is never changed.
   */
  private static final Map<List<Segment>, String> RETRIED_TEXT =
      Map.of(
          parseTemplate(CHALLENGE_TEXT),
          CHALLENGE_TEXT_RETRIED,
          parseTemplate(PostfixReplies.CHALLENGE_TEXT),
          PostfixReplies.CHALLENGE_TEXT_RETRIED);

  private static final Map<List<Segment>, String> RESENT_TEXT =
      Map.of(
          parseTemplate(CHALLENGE_TEXT_RETRIED),
          CHALLENGE_TEXT,
          parseTemplate(PostfixReplies.CHALLENGE_TEXT_RETRIED),
          PostfixReplies.CHALLENGE_TEXT);

  private final Map<ReplyKind, List<Segment>> templates;
  private final Map<ReplyKind, Status> statuses;
  private final int wrapWidth;

  private ReplyFormatter(
      Map<ReplyKind, List<Segment>> templates, Map<ReplyKind, Status> statuses, int wrapWidth) {
    this.templates = templates;
    this.statuses = statuses;
    this.wrapWidth = wrapWidth;
  }

  /**
   * Returns the formatter with the built-in English texts and default statuses.
   *
   * @return the shared English formatter
   */
  public static ReplyFormatter english() {
    return ENGLISH_FORMATTER;
  }

  /**
   * Starts a builder; kinds without a template or status keep the English defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a challenge: the wrapped text as prose, and {@code link} as the reply's {@linkplain
   * SmtpReply#link() link}, alone on the last line.
   *
   * @param values placeholder values (peer-supplied; sanitized here)
   * @param link the absolute challenge link; its ASCII form ({@link URI#toASCIIString()}) is used
   * @return e.g. {@code 550 5.7.1} with the text lines and the link
   * @throws IllegalArgumentException if the link is not absolute or its line would exceed 512
   *     octets (the engine then falls back); the message does not contain the link
   */
  public SmtpReply challenge(ReplyValues values, URI link) {
    requireNonNull(values, "values");
    requireNonNull(link, "link");
    checkArgument(link.isAbsolute(), "challenge link must be an absolute URI");
    return challenge(values, link.toASCIIString());
  }

  /**
   * Builds a challenge from the link as text, as {@link #challenge(ReplyValues, URI)} does from its
   * ASCII form; for callers that already hold the text, such as the decision engine, which saves
   * parsing it.
   *
   * @param values placeholder values (peer-supplied; sanitized here)
   * @param link the absolute challenge link as US-ASCII text: a scheme, {@code :}, and printable
   *     characters without spaces
   * @return e.g. {@code 550 5.7.1} with the text lines and the link
   * @throws IllegalArgumentException if the link does not start with a scheme, has a character that
   *     is not printable US-ASCII, or its line would exceed 512 octets; the message does not
   *     contain the link
   */
  public SmtpReply challenge(ReplyValues values, String link) {
    requireNonNull(values, "values");
    requireNonNull(link, "link");
    checkArgument(
        SmtpReply.startsWithScheme(link), "challenge link must be absolute: a scheme, then ':'");
    for (int i = 0; i < link.length(); i++) {
      char c = link.charAt(i);
      checkArgument(
          c > 0x20 && c < 0x7F,
          "challenge link has a character that is not printable US-ASCII at index %s",
          i);
    }
    Status status = statuses.get(ReplyKind.CHALLENGE);
    int max = SmtpReply.maxTextLength(status.enhanced());
    if (link.length() > max) {
      throw new IllegalArgumentException(
          Strings.lenientFormat(
              "challenge link is %s characters; after \"%s %s \" and before CRLF a 512-octet reply line"
                  + " holds at most %s",
              link.length(), status.code(), status.enhanced(), max));
    }
    List<String> prose = textLines(ReplyKind.CHALLENGE, values);
    if (prose.size() == 1 && prose.get(0).isEmpty()) {
      prose = List.of(); // a template with no text: the link alone
    }
    // every line is printable US-ASCII and fits: sanitized values, checked templates, sentences
    // split at the line limit, and the link checked above
    return SmtpReply.checked(status.code(), status.enhanced(), prose, Optional.of(link));
  }

  /**
   * Builds a permanent refusal without a link.
   *
   * @param values placeholder values (peer-supplied; sanitized here)
   * @return by default a {@code 550 5.7.1} reply
   */
  public SmtpReply reject(ReplyValues values) {
    return plain(ReplyKind.REJECT, values);
  }

  /**
   * Builds the temporary-failure reply the engine answers when a rule or store fails.
   *
   * @param values placeholder values (peer-supplied; sanitized here)
   * @return by default a {@code 451 4.3.0} reply
   */
  public SmtpReply defer(ReplyValues values) {
    return plain(ReplyKind.DEFER, values);
  }

  /**
   * Builds the reply for a recipient that must be retried in a new transaction because it cannot be
   * mixed with the recipients already accepted in this one.
   *
   * @param values placeholder values (peer-supplied; sanitized here)
   * @return by default a {@code 452 4.5.3} reply
   */
  public SmtpReply pendingMix(ReplyValues values) {
    return plain(ReplyKind.PENDING_MIX, values);
  }

  /**
   * Builds the refusal for a sender whose domain says this client may not use it (SPF {@code
   * fail}).
   *
   * @param values placeholder values (peer-supplied; sanitized here)
   * @return by default a {@code 550 5.7.23} reply
   * @since 0.2.0
   */
  public SmtpReply spfFail(ReplyValues values) {
    return plain(ReplyKind.SPF_FAIL, values);
  }

  /**
   * Builds the temporary answer when the sender's authentication could not be checked.
   *
   * @param values placeholder values (peer-supplied; sanitized here)
   * @return by default a {@code 451 4.4.3} reply
   * @since 0.2.0
   */
  public SmtpReply authTemporary(ReplyValues values) {
    return plain(ReplyKind.AUTH_TEMPORARY, values);
  }

  /**
   * Builds the refusal for a sender that would need to be authenticated and is not.
   *
   * @param values placeholder values (peer-supplied; sanitized here)
   * @return by default a {@code 550 5.7.26} reply
   * @since 0.2.0
   */
  public SmtpReply unauthenticated(ReplyValues values) {
    return plain(ReplyKind.UNAUTHENTICATED, values);
  }

  /**
   * Builds the reply of any kind but {@link ReplyKind#CHALLENGE} (which needs a link, see {@link
   * #challenge(ReplyValues, String)}).
   *
   * @param kind the kind of reply
   * @param values placeholder values (peer-supplied; sanitized here)
   * @return the reply with the kind's template and status
   * @throws IllegalArgumentException for {@link ReplyKind#CHALLENGE}
   * @since 0.3.0
   */
  public SmtpReply reply(ReplyKind kind, ReplyValues values) {
    requireNonNull(kind, "kind");
    checkArgument(kind != ReplyKind.CHALLENGE, "a challenge needs a link; use challenge()");
    return plain(kind, values);
  }

  /**
   * Returns a formatter with these texts and wrap width, and {@code code} and {@code enhanced} as
   * the status of {@code kind}; for a setting that changes one status of whichever formatter a
   * route uses, such as a challenge answered {@code 450 4.7.1} during a rollout. The same checks
   * apply as in {@link Builder#status(ReplyKind, int, String)}. A challenge made temporary ({@code
   * 4yz}) with a built-in text ({@link #english()}, {@link PostfixReplies#formatter()}) gets that
   * text's temporary version: the sender's server retries by itself, so the person is not told to
   * send the message again (and the other way round for {@code 5yz}). A template of the user's own
   * is kept as it is.
   *
   * @param kind the reply kind
   * @param code 4yz or 5yz; 4yz for the kinds {@link #isTemporaryKind} names
   * @param enhanced the enhanced status, its class equal to the code's first digit
   * @return a new formatter, or this one when the status is already that
   * @throws IllegalArgumentException if the pair is invalid for the kind
   * @since 0.3.0
   */
  public ReplyFormatter withStatus(ReplyKind kind, int code, String enhanced) {
    requireNonNull(kind, "kind");
    requireNonNull(enhanced, "enhanced");
    Status status = checkedStatus(kind, code, enhanced);
    Map<ReplyKind, List<Segment>> t = templates;
    if (kind == ReplyKind.CHALLENGE) {
      String swapped = (code / 100 == 4 ? RETRIED_TEXT : RESENT_TEXT).get(templates.get(kind));
      if (swapped != null) {
        t = new EnumMap<>(templates);
        t.put(kind, parseTemplate(swapped));
        t = Collections.unmodifiableMap(t);
      }
    }
    if (status.equals(statuses.get(kind)) && t == templates) {
      return this;
    }
    Map<ReplyKind, Status> s = new EnumMap<>(statuses);
    s.put(kind, status);
    return new ReplyFormatter(t, Collections.unmodifiableMap(s), wrapWidth);
  }

  /**
   * Returns a formatter with the same statuses, wrap width and other texts, and {@code text} as the
   * template of {@code kind}; for a setting that changes one text of whichever formatter a route
   * uses (the English texts, or those for Postfix). The same checks apply as in {@link
   * Builder#template(ReplyKind, String)}.
   *
   * @param kind the reply kind
   * @param text printable US-ASCII with {@code {name}} placeholders, at most 2,000 characters
   * @return a new formatter
   * @throws IllegalArgumentException if the template is malformed
   * @since 0.3.0
   */
  public ReplyFormatter withTemplate(ReplyKind kind, String text) {
    requireNonNull(kind, "kind");
    requireNonNull(text, "text");
    Map<ReplyKind, List<Segment>> t = new EnumMap<>(templates);
    t.put(kind, parseTemplate(text));
    return new ReplyFormatter(Collections.unmodifiableMap(t), statuses, wrapWidth);
  }

  /**
   * Whether replies of {@code kind} must be temporary (4yz): the engine's own failures and limits.
   *
   * @param kind the kind
   * @return true for the kinds whose status must be 4yz
   * @since 0.3.0
   */
  public static boolean isTemporaryKind(ReplyKind kind) {
    return switch (kind) {
      case DEFER,
          PENDING_MIX,
          AUTH_TEMPORARY,
          NULL_SENDER_RECIPIENTS,
          SENDER_UNREADABLE,
          RECIPIENT_UNREADABLE ->
          true;
      case CHALLENGE,
          REJECT,
          SPF_FAIL,
          UNAUTHENTICATED,
          NULL_SENDER_NOT_REPORT,
          NULL_SENDER_UNEXPECTED,
          DENIED,
          NOT_LOCAL,
          NO_LINK ->
          false;
    };
  }

  /**
   * Makes a peer-supplied value safe to put into a reply: CR, LF and tab become spaces, other
   * control characters, unpaired surrogates and every character outside printable US-ASCII become
   * one {@code ?} per code point, and the result is cut to {@value #MAX_VALUE_LENGTH} characters
   * (ending in {@code ...} when cut). Only the first few hundred characters of the input are read.
   *
   * @param value any text
   * @return printable US-ASCII of at most {@value #MAX_VALUE_LENGTH} characters
   */
  public static String sanitize(String value) {
    requireNonNull(value, "value");
    if (isCleanAscii(value)) {
      return value;
    }
    StringBuilder sb = new StringBuilder(Math.min(value.length(), MAX_VALUE_LENGTH));
    int i = 0;
    while (i < value.length()) {
      if (sb.length() == MAX_VALUE_LENGTH) {
        sb.setLength(MAX_VALUE_LENGTH - 3);
        return sb.append("...").toString();
      }
      int cp = value.codePointAt(i);
      if (cp == '\r' || cp == '\n' || cp == '\t') {
        sb.append(' ');
      } else if (cp >= 0x20 && cp < 0x7F) {
        sb.append((char) cp);
      } else {
        sb.append('?');
      }
      i += Character.charCount(cp);
    }
    return sb.toString();
  }

  /**
   * Whether {@link #sanitize} would return {@code value} unchanged: short and printable US-ASCII.
   */
  private static boolean isCleanAscii(String value) {
    if (value.length() > MAX_VALUE_LENGTH) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c >= 0x7F) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns the configured wrap width.
   *
   * @return the maximum line length, prefix included
   */
  public int wrapWidth() {
    return wrapWidth;
  }

  /** Describes the configuration: statuses and wrap width. */
  @Override
  public String toString() {
    return "ReplyFormatter[statuses=" + statuses + ", wrapWidth=" + wrapWidth + "]";
  }

  private SmtpReply plain(ReplyKind kind, ReplyValues values) {
    requireNonNull(values, "values");
    Status status = statuses.get(kind);
    return SmtpReply.checked(
        status.code(), status.enhanced(), textLines(kind, values), Optional.empty());
  }

  private List<String> textLines(ReplyKind kind, ReplyValues values) {
    String enhanced = statuses.get(kind).enhanced();
    int width = wrapWidth - SmtpReply.prefixLength(enhanced);
    int hardMax = SmtpReply.maxTextLength(enhanced);
    List<String> lines = new ArrayList<>(4);
    StringBuilder sentence = new StringBuilder(128);
    List<Segment> segments = templates.get(kind);
    for (int n = 0; n < segments.size(); n++) {
      Segment s = segments.get(n);
      if (s.placeholder()) {
        String v = values.placeholder(s.text());
        if (v != null) {
          sentence.append(sanitize(v));
        }
        continue;
      }
      String t = s.text();
      boolean placeholderNext = n + 1 < segments.size();
      int from = 0;
      for (int i = 0; i < t.length(); i++) {
        int next = sentenceBreak(t, i, placeholderNext);
        if (next >= 0) {
          sentence.append(t, from, i + 1);
          addSentence(lines, sentence, width, hardMax);
          from = next;
          i = next - 1;
        }
      }
      sentence.append(t, from, t.length());
    }
    addSentence(lines, sentence, width, hardMax);
    if (lines.isEmpty()) {
      lines.add("");
    }
    return lines;
  }

  /**
   * Whether a sentence ends at {@code i} of the literal {@code t}: a {@code .}, {@code !} or {@code
   * ?} followed by a space, and then by a character that is not a lower-case letter, or by the
   * placeholder that follows the literal. Returns where the next sentence starts (after the
   * blanks), or -1.
   */
  private static int sentenceBreak(String t, int i, boolean placeholderNext) {
    char c = t.charAt(i);
    if ((c != '.' && c != '!' && c != '?') || i + 1 >= t.length() || t.charAt(i + 1) != ' ') {
      return -1;
    }
    int j = i + 1;
    while (j < t.length() && t.charAt(j) == ' ') {
      j++;
    }
    if (j == t.length()) {
      return placeholderNext ? j : -1;
    }
    char d = t.charAt(j);
    return d >= 'a' && d <= 'z' ? -1 : j;
  }

  /** Adds the lines of one sentence (one line unless it is longer than the width) and clears it. */
  private static void addSentence(
      List<String> lines, StringBuilder sentence, int width, int hardMax) {
    String text = sentence.toString();
    sentence.setLength(0);
    if (text.isBlank()) {
      return;
    }
    lines.addAll(wrap(text, width, hardMax));
  }

  /**
   * Word wrap of printable ASCII text on spaces into as few lines as greedy filling to {@code
   * width} gives, balanced: the narrowest width that still needs that many lines is used, so the
   * last line is not a lone word. A word longer than the width gets a line of its own; a word
   * longer than {@code hardMax} is split into {@code hardMax} pieces.
   */
  static List<String> wrap(String text, int width, int hardMax) {
    // the words (runs of non-space characters) once, as offsets; the binary search below only
    // counts lines, and the lines are built once at the end
    int n = text.length();
    int[] bounds = new int[64];
    int words = 0;
    int i = 0;
    while (i < n) {
      while (i < n && text.charAt(i) == ' ') {
        i++;
      }
      int start = i;
      i = text.indexOf(' ', i);
      if (i < 0) {
        i = n;
      }
      if (start == i) {
        break;
      }
      if (2 * words + 2 > bounds.length) {
        bounds = Arrays.copyOf(bounds, bounds.length * 2);
      }
      bounds[2 * words] = start;
      bounds[2 * words + 1] = i;
      words++;
    }
    int greedy = countGreedy(bounds, words, width, hardMax);
    if (greedy < 2) {
      return buildGreedy(text, bounds, words, width, hardMax);
    }
    int lo = 1;
    int hi = width;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (countGreedy(bounds, words, mid, hardMax) <= greedy) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return buildGreedy(text, bounds, words, lo, hardMax);
  }

  /** Number of lines {@link #buildGreedy} makes, without making them. */
  private static int countGreedy(int[] bounds, int words, int width, int hardMax) {
    int lines = 0;
    int line = 0; // length of the line being filled
    for (int w = 0; w < words; w++) {
      int len = bounds[2 * w + 1] - bounds[2 * w];
      while (len > hardMax) {
        if (line > 0) {
          lines++;
          line = 0;
        }
        lines++;
        len -= hardMax;
      }
      if (line > 0 && line + 1 + len > width) {
        lines++;
        line = 0;
      }
      line = line > 0 ? line + 1 + len : len;
    }
    if (line > 0 || lines == 0) {
      lines++;
    }
    return lines;
  }

  /**
   * Greedy word wrap of the words at {@code bounds} (start and end offsets into {@code text}): a
   * line is filled while the next word fits in {@code width}; a word longer than {@code hardMax} is
   * split into {@code hardMax} pieces, each on a line of its own but for the rest.
   */
  private static List<String> buildGreedy(
      String text, int[] bounds, int words, int width, int hardMax) {
    List<String> lines = new ArrayList<>(4);
    if (fitsSingleSpaced(bounds, words, width, hardMax)) {
      // the common case: every word fits and words are one space apart, so each line is a piece of
      // the text as it stands
      int first = 0;
      int line = 0;
      for (int w = 0; w < words; w++) {
        int len = bounds[2 * w + 1] - bounds[2 * w];
        if (line > 0 && line + 1 + len > width) {
          lines.add(text.substring(bounds[2 * first], bounds[2 * w - 1]));
          first = w;
          line = 0;
        }
        line = line > 0 ? line + 1 + len : len;
      }
      lines.add(words == 0 ? "" : text.substring(bounds[2 * first], bounds[2 * words - 1]));
      return lines;
    }
    StringBuilder line = new StringBuilder(Math.min(width, hardMax));
    for (int w = 0; w < words; w++) {
      int start = bounds[2 * w];
      int end = bounds[2 * w + 1];
      while (end - start > hardMax) {
        if (line.length() > 0) {
          lines.add(line.toString());
          line.setLength(0);
        }
        lines.add(text.substring(start, start + hardMax));
        start += hardMax;
      }
      int len = end - start;
      if (line.length() > 0 && line.length() + 1 + len > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(text, start, end);
    }
    if (line.length() > 0 || lines.isEmpty()) {
      lines.add(line.toString());
    }
    return lines;
  }

  /**
   * Whether no word is longer than {@code width} or {@code hardMax} and words are one space apart.
   */
  private static boolean fitsSingleSpaced(int[] bounds, int words, int width, int hardMax) {
    int max = Math.min(width, hardMax);
    for (int w = 0; w < words; w++) {
      if (bounds[2 * w + 1] - bounds[2 * w] > max
          || (w > 0 && bounds[2 * w] != bounds[2 * w - 1] + 1)) {
        return false;
      }
    }
    return true;
  }

  /** Parses a template into literal text and placeholder names. */
  static List<Segment> parseTemplate(String template) {
    checkArgument(
        template.length() <= MAX_TEMPLATE_LENGTH,
        "template is %s characters, limit %s",
        template.length(),
        MAX_TEMPLATE_LENGTH);
    List<Segment> segments = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      checkArgument(
          c >= 0x20 && c < 0x7F,
          "template has a character that is not printable US-ASCII at index %s",
          i);
      if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
        literal.append('{');
        i += 2;
      } else if (c == '}' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
        literal.append('}');
        i += 2;
      } else if (c == '{') {
        int close = template.indexOf('}', i);
        checkArgument(close > 0, "template has an unclosed '{' at index %s", i);
        String name = template.substring(i + 1, close);
        checkArgument(
            name.matches("[A-Za-z][A-Za-z0-9_.-]{0,31}"),
            "template placeholder at index %s must be a name of letters, digits, '_', '.', '-'",
            i);
        if (literal.length() > 0) {
          segments.add(new Segment(false, literal.toString()));
          literal.setLength(0);
        }
        segments.add(new Segment(true, name));
        i = close + 1;
      } else {
        checkArgument(c != '}', "template has a lone '}' at index %s; write '}}' for a brace", i);
        literal.append(c);
        i++;
      }
    }
    if (literal.length() > 0) {
      segments.add(new Segment(false, literal.toString()));
    }
    return Collections.unmodifiableList(segments);
  }

  private static Status checkedStatus(ReplyKind kind, int code, String enhanced) {
    SmtpReply probe = SmtpReply.of(code, enhanced, "");
    checkArgument(probe.isNegative(), "%s needs a 4yz or 5yz code, got %s", kind, code);
    if (isTemporaryKind(kind)) {
      checkArgument(probe.isTransient(), "%s needs a transient 4yz code, got %s", kind, code);
    }
    return new Status(code, enhanced);
  }

  /** A literal run of template text, or a placeholder name. */
  record Segment(boolean placeholder, String text) {}

  /** A reply code with its enhanced status. */
  record Status(int code, String enhanced) {
    @Override
    public String toString() {
      return code + " " + enhanced;
    }
  }

  /**
   * Configures a {@link ReplyFormatter}. Each option may be set once per kind; kinds left unset
   * keep the English text and the default status. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final Map<ReplyKind, List<Segment>> templates = new EnumMap<>(ReplyKind.class);
    private final Map<ReplyKind, Status> statuses = new EnumMap<>(ReplyKind.class);
    private int wrapWidth = -1;

    private Builder() {}

    /**
     * Sets the text template of one kind.
     *
     * @param kind the reply kind
     * @param text printable US-ASCII with {@code {name}} placeholders, at most 2,000 characters;
     *     <code>{{</code> and <code>}}</code> are literal braces; each sentence (ended by {@code
     *     .}, {@code !} or {@code ?} and a space, see the class description) goes on a line of its
     *     own
     * @return this builder
     * @throws IllegalArgumentException if the template is malformed
     * @throws IllegalStateException if the template of this kind is already set
     */
    public Builder template(ReplyKind kind, String text) {
      requireNonNull(kind, "kind");
      requireNonNull(text, "text");
      checkState(!templates.containsKey(kind), "template for %s already set", kind);
      templates.put(kind, parseTemplate(text));
      return this;
    }

    /**
     * Sets the reply code and enhanced status of one kind.
     *
     * @param kind the reply kind
     * @param code 4yz or 5yz for challenge and the refusals; 4yz for the kinds {@link
     *     #isTemporaryKind} names (defer, pending mix, auth temporary, ...)
     * @param enhanced the enhanced status, its class equal to the code's first digit
     * @return this builder
     * @throws IllegalArgumentException if the pair is invalid for the kind
     * @throws IllegalStateException if the status of this kind is already set
     */
    public Builder status(ReplyKind kind, int code, String enhanced) {
      requireNonNull(kind, "kind");
      requireNonNull(enhanced, "enhanced");
      checkState(!statuses.containsKey(kind), "status for %s already set", kind);
      statuses.put(kind, checkedStatus(kind, code, enhanced));
      return this;
    }

    /**
     * Sets the maximum length of a text line, prefix ({@code "550-5.7.1 "}) included, CRLF
     * excluded. Default {@value ReplyFormatter#DEFAULT_WRAP_WIDTH}, the whole reply line. Each
     * sentence still gets a line of its own; a sentence longer than this is split at word
     * boundaries, which breaks it across lines in a bounce that joins them, so a narrower width
     * only suits clients that show the lines apart.
     *
     * @param width 40..510
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder wrapWidth(int width) {
      checkState(wrapWidth < 0, "wrapWidth already set");
      checkArgument(
          width >= MIN_WRAP_WIDTH && width <= SmtpReply.MAX_LINE_OCTETS - 2,
          "wrap width must be in %s..%s, got %s",
          MIN_WRAP_WIDTH,
          SmtpReply.MAX_LINE_OCTETS - 2,
          width);
      this.wrapWidth = width;
      return this;
    }

    /**
     * Builds the formatter.
     *
     * @return a new immutable formatter
     */
    public ReplyFormatter build() {
      Map<ReplyKind, List<Segment>> t = new EnumMap<>(ReplyKind.class);
      Map<ReplyKind, Status> s = new EnumMap<>(ReplyKind.class);
      for (ReplyKind kind : ReplyKind.values()) {
        t.put(
            kind,
            templates.containsKey(kind) ? templates.get(kind) : parseTemplate(ENGLISH.get(kind)));
        s.put(kind, statuses.getOrDefault(kind, DEFAULT_STATUS.get(kind)));
      }
      return new ReplyFormatter(
          Collections.unmodifiableMap(t),
          Collections.unmodifiableMap(s),
          wrapWidth < 0 ? DEFAULT_WRAP_WIDTH : wrapWidth);
    }
  }
}
