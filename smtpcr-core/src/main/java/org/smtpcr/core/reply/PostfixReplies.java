package org.smtpcr.core.reply;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Formats a reply for a Postfix SMTPD policy server's {@code action=} attribute (Postfix
 * SMTPD_POLICY_README, access(5)).
 *
 * <p>Postfix accepts one line only. When it rejects a recipient on a policy action {@code 550 5.7.1
 * text} it sends {@code 550 5.7.1 <rcpt>: Recipient address rejected: text} and cuts that reply at
 * 510 characters (512 with CRLF). The text budget is therefore
 *
 * <pre>
 *   510                                  whole reply line without CRLF
 * -  10  "550 5.7.1 "                    code, space, enhanced status, space (longer statuses cost more)
 * - 256  "&lt;rcpt&gt;"                        a recipient of up to 254 characters in angle brackets
 * -  30  ": Recipient address rejected: "
 * = 214  characters for the text, link included
 * </pre>
 *
 * When the policy server knows what Postfix will name, {@link #action(SmtpReply, String)} reserves
 * room for that instead of for the longest recipient, so the text of a reply to an everyday address
 * is rarely shortened.
 *
 * <p>The action is rendered from the reply's parts: its {@linkplain SmtpReply#prose() prose}, the
 * lines joined with single spaces, then its {@linkplain SmtpReply#link() link} if it has one (as
 * {@link ReplyFormatter#challenge} builds). The link is kept intact at the end and the prose in
 * front of it is shortened at a word boundary, ending in {@code ...}; prose too long without a link
 * is shortened the same way. Text in the prose that looks like a link is prose. Choosing {@code
 * DUNNO}, {@code DEFER_IF_PERMIT} and the like is the policy server's job; this class only formats
 * a reply.
 *
 * @since 0.1.0
 */
public final class PostfixReplies {

  /** Length at which Postfix cuts a reply line, CRLF excluded. */
  public static final int POSTFIX_LINE_LIMIT = 510;

  /**
   * Room reserved for the recipient Postfix puts in front of the text: 254 characters and the angle
   * brackets.
   */
  public static final int RECIPIENT_ALLOWANCE = 256;

  /** The text Postfix puts between the recipient and the policy text. */
  public static final String POSTFIX_PREFIX = ": Recipient address rejected: ";

  private static final String ELLIPSIS = "...";

  /** The challenge text: for a permanent refusal, after which the person resends. */
  static final String CHALLENGE_TEXT =
      "This address only accepts mail from senders who have confirmed they are"
          + " a person. Confirm here, then send your message again:";

  /**
   * The challenge text for a temporary refusal ({@code 450}; see {@link
   * ReplyFormatter#withStatus}): the sender's server retries, so there is nothing to send again.
   */
  static final String CHALLENGE_TEXT_RETRIED =
      "This address only accepts mail from senders who have confirmed they are"
          + " a person. Confirm here; your mail server retries by itself:";

  private static final ReplyFormatter FORMATTER =
      ReplyFormatter.builder()
          .template(ReplyKind.CHALLENGE, CHALLENGE_TEXT)
          .template(ReplyKind.REJECT, "This address does not accept mail from <{sender}>.")
          .template(
              ReplyKind.PENDING_MIX,
              "Too many recipients in this transaction; send to this address in a new"
                  + " transaction.")
          .template(
              ReplyKind.UNAUTHENTICATED,
              "This address accepts mail from <{sender}> only when the sender's domain"
                  + " authenticates it (SPF or DKIM), and this message is not authenticated.")
          .template(
              ReplyKind.NULL_SENDER_RECIPIENTS,
              "Mail from the null sender (a bounce) goes to one recipient per transaction;"
                  + " send to this address in a new transaction.")
          .template(
              ReplyKind.NULL_SENDER_NOT_REPORT,
              "Mail from the null sender must be a delivery or disposition notification"
                  + " (multipart/report).")
          .template(
              ReplyKind.NULL_SENDER_UNEXPECTED,
              "Mail from the null sender must be a delivery or disposition notification for"
                  + " mail sent recently; this address sent none.")
          .template(
              ReplyKind.NOT_LOCAL,
              "This address does not accept mail from <{sender}>; this site offers no"
                  + " confirmation for it.")
          .template(
              ReplyKind.NO_LINK,
              "This address only accepts mail from confirmed senders, and no confirmation link"
                  + " can be made for this sender address. Please write to"
                  + " postmaster@{recipientDomain} instead.")
          .build();

  private PostfixReplies() {}

  /**
   * English reply texts for an engine that answers Postfix: those of {@link
   * ReplyFormatter#english()} without the recipient, which Postfix already names in front of the
   * text. Postfix then sends {@code <bob@example.com>: Recipient address rejected: This address
   * only accepts mail from ...} rather than naming bob twice. Codes and enhanced status codes are
   * the English defaults.
   *
   * <pre>{@code
   * DecisionEngine engine = DecisionEngine.builder()
   *     .replyFormatter(PostfixReplies.formatter())
   *     // keyRing, challengeBase, whitelistStore, ...
   *     .build();
   * }</pre>
   *
   * @return the formatter (immutable, shared)
   */
  public static ReplyFormatter formatter() {
    return FORMATTER;
  }

  /**
   * Formats {@code reply} as the value of a policy {@code action=} attribute, e.g. {@code 550 5.7.1
   * <bob@example.com> only accepts mail from ... https://cr.example.com/c/...}.
   *
   * @param reply a 4yz or 5yz reply
   * @return one line of printable US-ASCII (no line end) whose text fits the budget above
   * @throws IllegalArgumentException if the reply is not negative, or its link alone does not fit
   *     the text budget (the message does not contain the link)
   */
  public static String action(SmtpReply reply) {
    requireNonNull(reply, "reply");
    return action(reply, RECIPIENT_ALLOWANCE);
  }

  /**
   * Formats {@code reply} as {@link #action(SmtpReply)} does, reserving room for the name Postfix
   * will actually put in front of the text rather than for the longest possible recipient. Postfix
   * prints that name as it has it, without quoting or escaping, and cuts the line at 510 bytes; the
   * room reserved is the name's UTF-8 length plus the angle brackets. At {@code
   * smtpd_recipient_restrictions} the name is the policy request's {@code recipient}; a policy
   * service under the client, HELO or sender restrictions, asked at RCPT because of {@code
   * smtpd_delay_reject}, is named by {@code client_name[client_address]}, {@code helo_name} or
   * {@code sender} instead, so a server that cannot tell passes the longest of them.
   *
   * @param reply a 4yz or 5yz reply
   * @param named what Postfix names in front of the text, without the angle brackets
   * @return one line of printable US-ASCII (no line end) whose text fits the line after that name
   * @throws IllegalArgumentException if the reply is not negative, or its link alone does not fit
   *     the room left (the message does not contain the link)
   */
  public static String action(SmtpReply reply, String named) {
    requireNonNull(reply, "reply");
    requireNonNull(named, "named");
    return action(reply, nameRoom(named));
  }

  /**
   * Formats the prose of {@code reply} without its link, as {@link #action(SmtpReply, String)}
   * does: for a policy server whose link does not fit the room Postfix leaves, and which refuses
   * without it rather than not at all.
   *
   * @param reply a 4yz or 5yz reply
   * @param named what Postfix names in front of the text, without the angle brackets
   * @return one line of printable US-ASCII (no line end): the code and enhanced status, then the
   *     prose if there is any, shortened to fit the line after that name
   * @throws IllegalArgumentException if the reply is not negative
   */
  public static String actionWithoutLink(SmtpReply reply, String named) {
    requireNonNull(reply, "reply");
    requireNonNull(named, "named");
    checkNegative(reply);
    return render(
        reply,
        shorten(collapse(reply.prose()), textBudget(reply.enhancedStatus(), nameRoom(named))));
  }

  /**
   * Room for {@code <named>} in Postfix's line: its UTF-8 length and the brackets. Counting stops
   * past the line limit, where nothing fits anyway.
   */
  static int nameRoom(String named) {
    int bytes = 0;
    for (int i = 0; i < named.length() && bytes <= POSTFIX_LINE_LIMIT; i++) {
      char c = named.charAt(i);
      // UTF-8 length: a surrogate pair is 4 bytes, counted 2 per half. A name decoded from the
      // wire counts no fewer bytes than it had there: a malformed sequence (1 to 3 bytes) became
      // one replacement character (3).
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return bytes + 2;
  }

  private static String action(SmtpReply reply, int nameRoom) {
    checkNegative(reply);
    int budget = textBudget(reply.enhancedStatus(), nameRoom);
    String prose = collapse(reply.prose());
    Optional<String> link = reply.link();
    String text;
    if (link.isPresent()) {
      String l = link.get();
      checkArgument(
          l.length() <= budget,
          "link is %s characters; a Postfix policy reply holds at most %s after the recipient",
          l.length(),
          budget);
      int proseBudget = budget - l.length() - 1;
      String shortened = shorten(prose, proseBudget);
      text = shortened.isEmpty() ? l : shortened + " " + l;
    } else {
      text = shorten(prose, budget);
    }
    return render(reply, text);
  }

  private static void checkNegative(SmtpReply reply) {
    checkArgument(
        reply.isNegative(), "a Postfix policy reply needs a 4yz or 5yz code, got %s", reply.code());
  }

  /** {@code NNN x.y.z text}, or {@code NNN x.y.z} for no text. */
  private static String render(SmtpReply reply, String text) {
    StringBuilder sb =
        new StringBuilder().append(reply.code()).append(' ').append(reply.enhancedStatus());
    if (!text.isEmpty()) {
      sb.append(' ').append(text);
    }
    return sb.toString();
  }

  /**
   * Returns the characters left for the text after Postfix's additions; 214 for {@code 5.7.1}.
   *
   * @param enhancedStatus the reply's enhanced status
   * @return the text budget
   */
  static int textBudget(String enhancedStatus) {
    return textBudget(enhancedStatus, RECIPIENT_ALLOWANCE);
  }

  static int textBudget(String enhancedStatus, int nameRoom) {
    return POSTFIX_LINE_LIMIT
        - (4 + enhancedStatus.length() + 1)
        - nameRoom
        - POSTFIX_PREFIX.length();
  }

  private static String collapse(String s) {
    return s.trim().replaceAll(" {2,}", " ");
  }

  /** Shortens at a word boundary to at most {@code max} characters, ending in "..." when cut. */
  static String shorten(String prose, int max) {
    if (prose.length() <= max) {
      return prose;
    }
    if (max < ELLIPSIS.length() + 1) {
      return "";
    }
    int keep = max - ELLIPSIS.length();
    int cut = prose.lastIndexOf(' ', keep);
    String head = (cut > 0 ? prose.substring(0, cut) : prose.substring(0, keep)).stripTrailing();
    // "person." + "..." would read "person...."; end the sentence with the ellipsis alone
    int end = head.length();
    while (end > 0 && ".,;:".indexOf(head.charAt(end - 1)) >= 0) {
      end--;
    }
    return head.substring(0, end) + ELLIPSIS;
  }
}
