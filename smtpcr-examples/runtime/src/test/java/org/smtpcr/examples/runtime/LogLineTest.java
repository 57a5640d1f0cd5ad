package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.internal.LogSafe;

final class LogLineTest {
  /** What a value was written as before it was appended in one pass: LogSafe, then quoting. */
  private static String reference(String value) {
    String v = LogSafe.of(value);
    boolean plain = !v.isEmpty();
    for (int i = 0; plain && i < v.length(); i++) {
      char c = v.charAt(i);
      plain = c != ' ' && c != '"' && c != '\\';
    }
    if (plain) {
      return v;
    }
    StringBuilder sb = new StringBuilder().append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('"').toString();
  }

  @Property
  void quote_isLogSafeThenQuoted(@ForAll @StringLength(max = 260) String value) {
    assertEquals(reference(value), LogLine.quote(value));
  }

  @Test
  void quote_edges() {
    String a196 = "a".repeat(196);
    for (String v :
        List.of(
            "",
            " ",
            "\"",
            "\\",
            "plain",
            "with space",
            "line\r\nend",
            "t\u00e9st",
            "a".repeat(200),
            "a".repeat(201),
            a196 + " " + "b".repeat(10),
            a196 + "b " + "c".repeat(10),
            a196 + "\"" + "c".repeat(10))) {
      assertEquals(reference(v), LogLine.quote(v), v);
    }
    assertEquals("\"a b\"", LogLine.quote("a b"));
    assertEquals("a".repeat(197) + "...", LogLine.quote("a".repeat(197) + " xyz"));
  }
}
