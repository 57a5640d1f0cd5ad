package org.smtpcr.core.reply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every reply kind renders with every formatter, with the status its kind calls for. */
final class ReplyKindsTest {
  private static final ReplyValues VALUES =
      ReplyValues.builder()
          .recipient("bob@mx.example.com")
          .sender("alice@example.org\r\n250 injected")
          .client("192.0.2.1")
          .helo("mail.example.org")
          .build();

  @Test
  void everyKind_rendersForEveryFormatterAndTarget() {
    for (ReplyFormatter f : List.of(ReplyFormatter.english(), PostfixReplies.formatter())) {
      for (ReplyKind kind : ReplyKind.values()) {
        SmtpReply r =
            kind == ReplyKind.CHALLENGE
                ? f.challenge(VALUES, "https://cr.example.com/c/abc")
                : f.reply(kind, VALUES);
        assertEquals(ReplyFormatter.isTemporaryKind(kind), r.isTransient(), kind::toString);
        assertFalse(String.join(" ", r.lines()).isBlank(), kind::toString);
        String postfix = PostfixReplies.action(r, "bob@mx.example.com");
        assertFalse(postfix.contains("\n") || postfix.contains("\r"), postfix);
        assertTrue(postfix.startsWith(r.code() + " " + r.enhancedStatus()), postfix);
        String milter = MilterReplies.format(r);
        assertTrue(milter.startsWith(String.valueOf(r.code())), milter);
        // what the peer sent never starts a line of its own on the wire
        r.toWire().lines().forEach(line -> assertTrue(line.startsWith(r.code() + ""), line));
      }
    }
  }

  @Test
  void newKinds_haveTheirStatuses() {
    ReplyFormatter f = ReplyFormatter.english();
    assertEquals("4.5.3", f.reply(ReplyKind.NULL_SENDER_RECIPIENTS, VALUES).enhancedStatus());
    assertEquals(452, f.reply(ReplyKind.NULL_SENDER_RECIPIENTS, VALUES).code());
    assertEquals("4.1.7", f.reply(ReplyKind.SENDER_UNREADABLE, VALUES).enhancedStatus());
    assertEquals("4.1.3", f.reply(ReplyKind.RECIPIENT_UNREADABLE, VALUES).enhancedStatus());
    assertEquals(List.of("Message not accepted."), f.reply(ReplyKind.DENIED, VALUES).lines());
    assertTrue(
        String.join(" ", f.reply(ReplyKind.NO_LINK, VALUES).lines())
            .contains("postmaster@mx.example.com"));
    assertTrue(
        String.join(" ", PostfixReplies.formatter().reply(ReplyKind.NO_LINK, VALUES).lines())
            .contains("postmaster@mx.example.com"));
  }

  @Test
  void temporaryKinds_refuseAPermanentStatus() {
    for (ReplyKind kind : ReplyKind.values()) {
      if (ReplyFormatter.isTemporaryKind(kind)) {
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> ReplyFormatter.builder().status(kind, 550, "5.7.1"),
            kind::toString);
      }
    }
  }
}
