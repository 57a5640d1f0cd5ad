package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Optional;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.reply.ReplyKind;
import org.smtpcr.core.reply.ReplyValues;
import org.smtpcr.core.reply.SmtpReply;

final class RepliesTest {
  private static final int MAX_WIRE_LINE = 512;

  @Test
  void oneLine_longChallenge_shortensProseAndKeepsLink() {
    String link = "https://cr.example.com/c/" + "a".repeat(400);
    SmtpReply reply =
        ReplyFormatter.english()
            .challenge(
                ReplyValues.builder().recipient("x".repeat(60) + "@example.org").build(),
                URI.create(link));
    String one = Replies.oneLine(reply);
    assertTrue(one.startsWith("5.7.1 <xxxx"), one);
    assertTrue(one.endsWith("... " + link), one);
    assertTrue(("550 " + one + "\r\n").length() <= MAX_WIRE_LINE);
  }

  @Test
  void hookResult_accept_isDeclined() {
    assertSame(HookResult.DECLINED, Replies.hookResult(Decision.accept(), Optional.empty()));
  }

  @Test
  void hookResult_defer_isDenySoftWithItsCode() {
    HookResult r =
        Replies.hookResult(
            new Decision.Defer(SmtpReply.of(452, "4.5.3", "Too many recipients.")),
            Optional.empty());
    assertEquals(HookReturnCode.denySoft(), r.getResult());
    assertEquals("452", r.getSmtpRetCode());
    assertEquals("4.5.3 Too many recipients.", r.getSmtpDescription());
  }

  @Test
  void hookResult_reject_isDenyWithItsCode() {
    HookResult r =
        Replies.hookResult(
            new Decision.Reject(SmtpReply.of(553, "5.1.7", "The sender address is not valid.")),
            Optional.empty());
    assertEquals(HookReturnCode.deny(), r.getResult());
    assertEquals("553", r.getSmtpRetCode());
    assertEquals("5.1.7 The sender address is not valid.", r.getSmtpDescription());
  }

  @Test
  void oneLine_longProseEndingInAUrlLikeLine_isShortenedAsProse() {
    // no link in the model: the last line only looks like one, and is cut like the rest of the
    // prose
    String url =
        "https://help.example/why/" + "w".repeat(465); // 490 characters: with the prose, too long
    SmtpReply reply = SmtpReply.of(550, "5.7.1", "Refused, see", url);
    String one = Replies.oneLine(reply);
    assertEquals("5.7.1 Refused, see...", one);
  }

  @Test
  void oneLine_challengeWithUrlInTheProse_keepsTheModelsLink() {
    String link = "https://cr.example.com/c/" + "a".repeat(300);
    SmtpReply reply =
        ReplyFormatter.builder()
            .template(
                ReplyKind.CHALLENGE,
                "Read https://help.example/" + "h".repeat(200) + " first, then confirm:")
            .build()
            .challenge(ReplyValues.none(), URI.create(link));
    String one = Replies.oneLine(reply);
    assertTrue(one.endsWith("... " + link), one);
    assertTrue(("550 " + one + "\r\n").length() <= MAX_WIRE_LINE);
  }
}
