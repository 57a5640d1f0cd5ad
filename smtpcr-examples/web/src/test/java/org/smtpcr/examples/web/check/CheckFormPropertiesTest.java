package org.smtpcr.examples.web.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/** The parsing of the checks' numeric fields: exactly the plain decimal numbers, nothing else. */
final class CheckFormPropertiesTest {
  @Property
  void anyNonNegativeNumber_roundTrips(
      @ForAll @LongRange(min = 0, max = 999_999_999_999_999_999L) long n) {
    assertEquals(Optional.of(n), CheckForm.parseDecimal(Long.toString(n)));
    CheckForm form =
        name -> name.equals("wait-issued") ? Optional.of(Long.toString(n)) : Optional.empty();
    assertEquals(Optional.of(n), form.decimal("wait-issued"));
    assertEquals(Optional.empty(), form.decimal("wait-stamp"));
  }

  @Property
  void anyText_isANumberOnlyWhenItIsOneToEighteenDigits(@ForAll("texts") String s) {
    Optional<Long> parsed = CheckForm.parseDecimal(s);
    boolean plain = s.matches("[0-9]{1,18}");
    assertEquals(plain, parsed.isPresent(), s);
    parsed.ifPresent(v -> assertTrue(v >= 0 && Long.parseLong(s) == v, s));
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings()
        .withCharRange('0', '9')
        .withChars('-', '+', ' ', 'e', 'x', '.', '\u0660', '\uff11', '\0')
        .ofMaxLength(22);
  }
}
