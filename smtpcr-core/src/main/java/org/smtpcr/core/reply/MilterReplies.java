package org.smtpcr.core.reply;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * Formats a reply for a milter's {@code SMFIR_REPLYCODE} (libmilter {@code smfi_setmlreply}
 * semantics): the wire lines joined by CRLF, without the final CRLF, every {@code %} doubled
 * because the MTA treats the text as a format string.
 *
 * <p>Example: {@code 550-5.7.1 a\r\n550 5.7.1 b}. Sendmail's libmilter accepts at most 32 lines;
 * replies built by {@link ReplyFormatter} stay far below that.
 *
 * @since 0.1.0
 */
public final class MilterReplies {

  private MilterReplies() {}

  /**
   * Formats {@code reply} for a milter.
   *
   * @param reply a 4yz or 5yz reply (milters cannot send other codes)
   * @return the reply lines with codes, separated by CRLF, no trailing CRLF, {@code %} as {@code
   *     %%}
   * @throws IllegalArgumentException if the reply is not negative
   */
  public static String format(SmtpReply reply) {
    requireNonNull(reply, "reply");
    checkArgument(
        reply.isNegative(), "a milter reply needs a 4yz or 5yz code, got %s", reply.code());
    String wire = reply.toWire();
    return wire.substring(0, wire.length() - 2).replace("%", "%%");
  }
}
