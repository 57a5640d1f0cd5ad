package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

/** The grammar answers hostile input with a value or a clear error, never anything else. */
final class SettingGrammarPropertiesTest {
  private static final String KEY = "someSetting";

  @Property
  void duration_anyText_valueOrErrorNamingTheKey(@ForAll @StringLength(max = 200) String text) {
    outcome(() -> SettingGrammar.duration(KEY, text), text);
  }

  @Property
  void duration_hostileNumbers_valueOrErrorNamingTheKey(@ForAll("hostileDurations") String text) {
    outcome(() -> SettingGrammar.duration(KEY, text), text);
  }

  @Property
  void size_anyText_valueOrErrorNamingTheKey(@ForAll("hostileSizes") String text) {
    outcome(() -> SettingGrammar.size(KEY, text), text);
  }

  @Property
  void list_anyText_boundedAndWithoutSeparators(@ForAll @StringLength(max = 1000) String text) {
    Object r = outcome(() -> SettingGrammar.list(KEY, text), text);
    if (r instanceof List<?> items) {
      assertTrue(items.size() <= SettingGrammar.MAX_LIST_ITEMS);
      for (Object i : items) {
        String s = (String) i;
        assertFalse(
            s.isEmpty()
                || s.contains(",")
                || s.chars().anyMatch(c -> " \t\n\u000B\f\r".indexOf(c) >= 0),
            "separator left in an item");
      }
    }
  }

  @Property
  void duration_daysAndIso_agree(@ForAll @LongRange(max = 1_000_000) long days) {
    assertEquals(Duration.ofDays(days), SettingGrammar.duration(KEY, days + "d"));
    assertEquals(
        SettingGrammar.duration(KEY, "P" + days + "D"), SettingGrammar.duration(KEY, days + "d"));
  }

  @Property
  void duration_weeksAreSevenDays(@ForAll @IntRange(max = 1_000_000) int weeks) {
    assertEquals(
        SettingGrammar.duration(KEY, (7L * weeks) + "d"),
        SettingGrammar.duration(KEY, weeks + "w"));
  }

  @Property
  void longInput_isRefusedByLength(@ForAll @IntRange(min = 33, max = 100_000) int length) {
    String text = "7".repeat(length - 1) + "d";
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> SettingGrammar.duration(KEY, text));
    assertTrue(e.getMessage().startsWith(KEY + " has more than 32 characters"), e.getMessage());
  }

  @Provide
  Arbitrary<String> hostileDurations() {
    return Arbitraries.oneOf(
        Arbitraries.strings()
            .numeric()
            .ofMinLength(1)
            .ofMaxLength(25)
            .flatMap(n -> Arbitraries.of("s", "m", "h", "d", "w", " d", "").map(u -> n + u)),
        Arbitraries.strings()
            .numeric()
            .ofMinLength(1)
            .ofMaxLength(25)
            .flatMap(
                n ->
                    Arbitraries.of("P%sD", "PT%sH", "PT%sS", "P%sW", "PT-%sM")
                        .map(f -> f.formatted(n))));
  }

  @Provide
  Arbitrary<String> hostileSizes() {
    return Arbitraries.oneOf(
        Arbitraries.strings()
            .numeric()
            .ofMinLength(1)
            .ofMaxLength(25)
            .flatMap(n -> Arbitraries.of("", "k", "M", "g", "MB", "t", "-").map(u -> n + u)),
        Arbitraries.strings().ofMaxLength(100));
  }

  /**
   * The value, or checks the error: an IllegalArgumentException that names the key, of bounded
   * length.
   */
  private static Object outcome(java.util.function.Supplier<?> parse, String text) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().startsWith(KEY + " "), e.getMessage());
      assertTrue(e.getMessage().length() < 200, e.getMessage());
      if (text.length() > 8) {
        assertFalse(e.getMessage().contains(text), "the message repeats the value");
      }
      return e;
    }
  }
}
