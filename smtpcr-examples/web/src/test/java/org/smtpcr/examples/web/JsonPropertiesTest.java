package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The JSON reader refuses any malformed text only with IllegalArgumentException, and written
 * strings round-trip.
 */
final class JsonPropertiesTest {
  @Property(tries = 500)
  void parse_anyText_throwsNothingButIllegalArgument(@ForAll("jsonish") String text) {
    try {
      Json.parse(text);
    } catch (IllegalArgumentException expected) {
      // malformed input is reported this way and no other
    }
  }

  @Property(tries = 300)
  void writeThenParse_anyString_roundTrips(@ForAll String s) {
    String safe =
        s.codePoints().anyMatch(cp -> Character.getType(cp) == Character.SURROGATE) ? "x" : s;
    assertEquals(Map.of("s", safe, "n", 42L), Json.parse(Json.write(Map.of("s", safe, "n", 42))));
  }

  @Provide
  Arbitrary<String> jsonish() {
    return Arbitraries.strings()
        .withChars("{}[]\",:\\ -+.eE0123456789tfnrulas\u0000\u00e9")
        .ofMaxLength(200);
  }
}
