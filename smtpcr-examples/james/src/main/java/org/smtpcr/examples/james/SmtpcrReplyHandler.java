package org.smtpcr.examples.james;

import java.util.Optional;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerResultHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.smtpcr.examples.james.Replies.PendingReply;

/**
 * Sends SMTPCR's multi-line replies (the challenge with its link on a line of its own) in place of
 * the one line a James hook can answer. {@link SmtpcrRcptHook} answers James with one line and
 * leaves the full reply in the session; this handler, called with every command response, swaps it
 * in when the response is exactly that one line.
 *
 * <p>James 3.8 calls a result handler twice for one command response (once from the command
 * dispatcher, once from the channel handler). The first call takes the pending reply out of the
 * session, so the second finds none and returns the response unchanged. A pending reply that does
 * not match the response (another handler answered) is dropped too, so it never reaches a later
 * command. Responses at the end of DATA do not pass through result handlers in James 3.8; there the
 * client gets the one-line form.
 *
 * <pre>{@code
 * <handler class="org.smtpcr.examples.james.SmtpcrReplyHandler"/>
 * }</pre>
 *
 * <p>Stateless and thread-safe; it has no settings.
 *
 * @since 0.1.0
 */
public final class SmtpcrReplyHandler
    implements ProtocolHandlerResultHandler<Response, ProtocolSession> {

  /** The constructor James calls. */
  public SmtpcrReplyHandler() {}

  /**
   * Returns the multi-line reply in place of its one-line form, or {@code response} unchanged.
   *
   * @param session the SMTP session
   * @param response the response a handler produced; James may pass {@code null}, which is returned
   * @param executionTime how long the handler took, ignored
   * @param handler the handler that produced the response, ignored
   * @return the response to send
   */
  @Override
  public Response onResponse(
      ProtocolSession session, Response response, long executionTime, ProtocolHandler handler) {
    if (session == null || response == null) {
      return response;
    }
    Optional<PendingReply> pending = session.getAttachment(Replies.PENDING, State.Connection);
    if (pending.isEmpty()) {
      return response;
    }
    // taken on first sight: the second call for the same response, and any later response, find
    // none
    session.removeAttachment(Replies.PENDING, State.Connection);
    if (!pending.get().matches(response)) {
      return response;
    }
    SMTPResponse multiLine = Replies.response(pending.get().reply());
    multiLine.setEndSession(response.isEndSession());
    return multiLine;
  }
}
