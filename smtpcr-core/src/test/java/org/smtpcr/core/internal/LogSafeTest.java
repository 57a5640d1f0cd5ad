package org.smtpcr.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

final class LogSafeTest {
  @Test
  void of_controlAndNonAscii_becomeQuestionMarks() {
    assertEquals("a??b?c", LogSafe.of("a\r\nb\u00e9c"));
  }

  @Test
  void of_longText_isCut() {
    String s = LogSafe.of("x".repeat(1000));
    assertEquals(LogSafe.MAX_LENGTH, s.length());
    assertTrue(s.endsWith("..."));
  }
}
