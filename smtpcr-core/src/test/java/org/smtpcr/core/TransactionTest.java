package org.smtpcr.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpcr.core.Fixtures.CLIENT;
import static org.smtpcr.core.Fixtures.tx;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class TransactionTest {
  @Test
  void build_allFields_areKept() {
    Transaction t =
        Transaction.builder()
            .stage(Stage.DATA)
            .clientAddress(CLIENT)
            .sessionId("abc-1")
            .helo("mx.example.org")
            .reversePath("<a@example.org>")
            .forwardPath("<b@example.com>")
            .authenticatedUser("ann")
            .tls(true)
            .headers(List.of(new Header("Subject", "hi")))
            .build();
    assertEquals(Stage.DATA, t.stage());
    assertEquals(CLIENT, t.clientAddress());
    assertEquals("abc-1", t.sessionId());
    assertEquals(Optional.of("mx.example.org"), t.helo());
    assertEquals(Optional.of("<a@example.org>"), t.reversePath());
    assertEquals(Optional.of("<b@example.com>"), t.forwardPath());
    assertEquals(Optional.of("ann"), t.authenticatedUser());
    assertTrue(t.isTls());
    assertEquals(Optional.of("hi"), t.header("SUBJECT"));
    assertEquals(Optional.empty(), t.header("From"));
  }

  @Test
  void build_missingRequiredOrPaths_throws() {
    assertThrows(
        IllegalStateException.class, () -> Transaction.builder().clientAddress(CLIENT).build());
    assertThrows(
        IllegalStateException.class, () -> Transaction.builder().stage(Stage.CONNECT).build());
    assertThrows(IllegalArgumentException.class, () -> tx(Stage.MAIL).build());
    assertThrows(IllegalArgumentException.class, () -> tx(Stage.RCPT).reversePath("<>").build());
    assertThrows(IllegalStateException.class, () -> tx(Stage.MAIL).helo("again"));
  }

  @Test
  void sessionId_withLineBreakOrTooLong_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> Transaction.builder().sessionId("a\r\nb"));
    assertThrows(IllegalArgumentException.class, () -> Transaction.builder().sessionId("a b"));
    assertThrows(
        IllegalArgumentException.class, () -> Transaction.builder().sessionId("x".repeat(65)));
  }

  @Test
  void sessionId_notGiven_isRandomAndPrintable() {
    Transaction a = Transaction.builder().stage(Stage.CONNECT).clientAddress(CLIENT).build();
    Transaction b = Transaction.builder().stage(Stage.CONNECT).clientAddress(CLIENT).build();
    assertTrue(a.sessionId().matches("[!-~]{1,64}"));
    assertFalse(a.sessionId().equals(b.sessionId()));
  }

  @Test
  void withForwardPathAndHeaders_moveTheStageOn() {
    Transaction mail = tx(Stage.MAIL).reversePath("<a@example.org>").build();
    Transaction rcpt = mail.withForwardPath("<b@example.com>");
    assertEquals(Stage.RCPT, rcpt.stage());
    assertEquals(Optional.of("<b@example.com>"), rcpt.forwardPath());
    Transaction data = rcpt.withHeaders(List.of(new Header("Subject", "x")));
    assertEquals(Stage.DATA, data.stage());
    assertEquals(Optional.of("x"), data.header("subject"));
    assertEquals(List.of(), data.withForwardPath("<c@example.com>").headers());
    assertThrows(IllegalArgumentException.class, () -> mail.withHeaders(List.of()));
    assertThrows(IllegalArgumentException.class, () -> mail.withStage(Stage.RCPT));
  }

  @Test
  void toString_leavesOutPathsAndHeaders() {
    Transaction t =
        tx(Stage.DATA)
            .reversePath("<secret-sender@example.org>")
            .forwardPath("<bob@example.com>")
            .headers(List.of(new Header("Subject", "private")))
            .build();
    String s = t.toString() + t.headers();
    assertFalse(s.contains("secret-sender"));
    assertFalse(s.contains("bob@"));
    assertFalse(s.contains("private"));
  }
}
