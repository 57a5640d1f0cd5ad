package org.smtpcr.core.reply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

final class MilterRepliesTest {

  @Test
  void format_multiLine_crlfSeparatedNoTrailingCrlf() {
    assertEquals(
        "550-5.7.1 a\r\n550 5.7.1 b", MilterReplies.format(SmtpReply.of(550, "5.7.1", "a", "b")));
  }

  @Test
  void format_singleLine_noCrlf() {
    assertEquals(
        "451 4.3.0 Try again", MilterReplies.format(SmtpReply.of(451, "4.3.0", "Try again")));
  }

  @Test
  void format_percent_doubled() {
    assertEquals(
        "550-5.7.1 100% sure %%s\r\n550 5.7.1 %".replace("%", "%%"),
        MilterReplies.format(SmtpReply.of(550, "5.7.1", "100% sure %%s", "%")));
  }

  @Test
  void format_positiveReply_throws() {
    assertThrows(
        IllegalArgumentException.class,
        () -> MilterReplies.format(SmtpReply.of(250, "2.0.0", "Ok")));
  }
}
