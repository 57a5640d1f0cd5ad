package org.smtpcr.core.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** {@link LogSafe#of} makes any text one bounded line of printable ASCII. */
final class LogSafePropertiesTest {
  @Property
  void of_anyText_isOnePrintableAsciiLine(@ForAll String text) {
    String s = LogSafe.of(text);
    assertTrue(s.length() <= LogSafe.MAX_LENGTH);
    assertTrue(s.chars().allMatch(c -> c >= 0x20 && c < 0x7f), s);
  }
}
