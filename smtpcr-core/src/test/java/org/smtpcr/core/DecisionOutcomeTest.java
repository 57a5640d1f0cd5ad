package org.smtpcr.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.reply.SmtpReply;

final class DecisionOutcomeTest {
  private static final SmtpReply DEFER = SmtpReply.of(451, "4.3.0", "Try again later.");
  private static final SmtpReply REFUSE = SmtpReply.of(550, "5.7.1", "No.");

  @Test
  void failedOutcome_mustDefer() {
    assertTrue(new DecisionOutcome(new Decision.Defer(DEFER), "r", true).failed());
    assertThrows(
        IllegalArgumentException.class,
        () -> new DecisionOutcome(new Decision.Reject(REFUSE), "r", true));
    assertThrows(
        IllegalArgumentException.class, () -> new DecisionOutcome(Decision.accept(), "r", true));
  }

  @Test
  void reservedIds_areTheEnginesOwn() {
    for (String id :
        new String[] {
          DecisionOutcome.DEFAULT,
          DecisionOutcome.INVALID_ADDRESS,
          DecisionOutcome.PENDING,
          DecisionOutcome.PENDING_MIX,
          DecisionOutcome.RECIPIENT_LIMIT,
          DecisionOutcome.RCPT
        }) {
      assertTrue(DecisionOutcome.isReservedId(id), id);
    }
    assertFalse(DecisionOutcome.isReservedId("whitelist-store"));
  }

  @Test
  void challenge_fromLinkText_checksWithoutParsing() {
    Decision.Challenge c = new Decision.Challenge(REFUSE, "https://cr.example.com/c/abc");
    assertEquals(URI.create("https://cr.example.com/c/abc"), c.link());
    assertEquals(c, new Decision.Challenge(REFUSE, URI.create("https://cr.example.com/c/abc")));
    for (String bad :
        new String[] {
          "",
          "cr.example.com/c/abc",
          ":x",
          "https:",
          "1ttp://x",
          "https://a b",
          "https://x\r\n250 ok",
          "https://caf\u00e9.example/"
        }) {
      assertThrows(IllegalArgumentException.class, () -> new Decision.Challenge(REFUSE, bad), bad);
    }
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Decision.Challenge(
                SmtpReply.of(250, "2.0.0", "ok"), "https://cr.example.com/c/abc"));
  }

  @Test
  void challenge_replyWithAnotherLink_isRefused() {
    SmtpReply withLink =
        SmtpReply.withLink(550, "5.7.1", List.of("Confirm:"), "https://cr.example.com/c/abc");
    assertEquals(
        "https://cr.example.com/c/abc",
        new Decision.Challenge(withLink, "https://cr.example.com/c/abc").linkText());
    assertThrows(
        IllegalArgumentException.class,
        () -> new Decision.Challenge(withLink, "https://cr.example.com/c/other"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Decision.Challenge(withLink, URI.create("https://cr.example.com/c/other")));
  }
}
