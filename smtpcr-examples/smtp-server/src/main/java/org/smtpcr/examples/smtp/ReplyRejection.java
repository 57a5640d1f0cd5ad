package org.smtpcr.examples.smtp;

import static java.util.Objects.requireNonNull;

import org.smtpcr.core.reply.SmtpReply;
import org.subethamail.smtp.RejectException;

/**
 * Carries an SMTPCR reply through SubEthaSMTP, which writes {@link #getErrorResponse()} followed by
 * one CRLF. A multi-line reply therefore goes out as {@link SmtpReply#toWire()} without its final
 * CRLF: every line {@code NNN-x.y.z text} but the last, {@code NNN x.y.z text}. The reply was
 * validated by {@link SmtpReply} (printable US-ASCII, at most 512 octets a line), so nothing a peer
 * sent can add a line.
 */
final class ReplyRejection extends RejectException {
  private static final long serialVersionUID = 1L;

  private final String wire;

  ReplyRejection(SmtpReply reply) {
    super(requireNonNull(reply, "reply").code(), reply.enhancedStatus());
    String w = reply.toWire();
    this.wire = w.substring(0, w.length() - 2);
  }

  @Override
  public String getErrorResponse() {
    return wire;
  }
}
