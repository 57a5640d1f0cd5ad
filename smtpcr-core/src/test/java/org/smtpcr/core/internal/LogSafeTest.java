package org.smtpcr.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
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

  @Property
  void of_anyText_isOnePrintableAsciiLine(@ForAll String text) {
    String s = LogSafe.of(text);
    assertTrue(s.length() <= LogSafe.MAX_LENGTH);
    assertTrue(s.chars().allMatch(c -> c >= 0x20 && c < 0x7f), s);
  }
}
