package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.reply.SmtpReply;

final class SmtpcrReplyHandlerTest {
  private static final SmtpReply CHALLENGE =
      SmtpReply.withLink(
          550,
          "5.7.1",
          List.of("<bob@example.org> only accepts mail from confirmed senders.", "Confirm here:"),
          "https://cr.example.com/c/abc");

  private final SmtpcrReplyHandler handler = new SmtpcrReplyHandler();
  private SMTPSession session;
  private Response oneLine;

  @BeforeEach
  void hookAnswered() throws Exception {
    session =
        TestSessions.afterMail("198.51.100.7", false, "client.example", MaybeSender.nullSender());
    HookResult result =
        Replies.hookResult(
            new Decision.Challenge(CHALLENGE, java.net.URI.create("https://cr.example.com/c/abc")),
            Optional.of(session));
    oneLine = new SMTPResponse(result.getSmtpRetCode(), result.getSmtpDescription());
  }

  @Test
  void onResponse_calledTwice_rewritesOnceThenPassesThrough() {
    Response first = handler.onResponse(session, oneLine, 1, null);
    assertEquals(
        List.of(
            "550-5.7.1 <bob@example.org> only accepts mail from confirmed senders.",
            "550-5.7.1 Confirm here:",
            "550 5.7.1 https://cr.example.com/c/abc"),
        TestSessions.lines(first));
    assertSame(first, handler.onResponse(session, first, 1, null));
    assertTrue(session.getAttachment(Replies.PENDING, State.Connection).isEmpty());
  }

  @Test
  void onResponse_otherResponse_leftAloneAndPendingDropped() {
    Response other = new SMTPResponse("550", "5.7.1 Requested action not taken: relaying denied");
    assertSame(other, handler.onResponse(session, other, 1, null));
    assertTrue(session.getAttachment(Replies.PENDING, State.Connection).isEmpty(), "dropped");
    // the one-line form arriving later is no longer rewritten
    assertSame(oneLine, handler.onResponse(session, oneLine, 1, null));
  }

  @Test
  void onResponse_nothingPending_returnsResponseUnchanged() throws Exception {
    SMTPSession fresh =
        TestSessions.afterMail("198.51.100.7", false, "client.example", MaybeSender.nullSender());
    Response ok = new SMTPResponse("250", "2.1.5 Recipient <bob@example.org> OK");
    assertSame(ok, handler.onResponse(fresh, ok, 1, null));
  }

  @Test
  void onResponse_nullResponse_returnsNull() {
    assertNull(handler.onResponse(session, null, 1, null));
  }

  @Test
  void onResponse_endSessionFlag_isKept() {
    SMTPResponse closing =
        new SMTPResponse(oneLine.getRetCode(), oneLine.getLines().get(0).toString().substring(4));
    closing.setEndSession(true);
    assertTrue(handler.onResponse(session, closing, 1, null).isEndSession());
  }
}
