package org.smtpcr.tokens;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/** Generators shared by the property tests. */
final class TestArbitraries {
  /** Most addresses a token can hold together, in UTF-8 bytes: 600 characters hold 375 bytes. */
  static final int MAX_PAIR_BYTES = 350;

  private TestArbitraries() {}

  /**
   * Unicode scalar values of every UTF-8 length: ASCII (printable; control characters are refused),
   * 2, 3 and 4 bytes.
   */
  static Arbitrary<Integer> codePoints() {
    return Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.integers().between(0x21, 0x7e)),
        Tuple.of(1, Arbitraries.integers().between(0x20, 0x7e)),
        Tuple.of(2, Arbitraries.integers().between(0x80, 0x7ff)),
        Tuple.of(
            2,
            Arbitraries.integers().between(0x800, 0xffff).filter(cp -> cp < 0xd800 || cp > 0xdfff)),
        Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10ffff)));
  }

  /** A well-formed address of 1 to {@code maxBytes} UTF-8 bytes. */
  static Arbitrary<String> address(int maxBytes) {
    Arbitrary<String> mixed =
        codePoints().list().ofMinSize(1).ofMaxSize(maxBytes).map(cps -> fit(cps, maxBytes));
    Arbitrary<String> ascii =
        Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(maxBytes);
    Arbitrary<String> longest = Arbitraries.strings().withCharRange('a', 'z').ofLength(maxBytes);
    return Arbitraries.frequencyOf(Tuple.of(5, mixed), Tuple.of(3, ascii), Tuple.of(1, longest));
  }

  /** Sender and recipient, each 1..254 bytes, together at most 350. */
  static Arbitrary<Tuple2<String, String>> addressPairs() {
    return address(254)
        .flatMap(
            s -> address(Math.min(254, MAX_PAIR_BYTES - utf8Length(s))).map(r -> Tuple.of(s, r)));
  }

  /** Code points up to the byte budget (at least the first one, which never exceeds 4 bytes). */
  private static String fit(List<Integer> cps, int maxBytes) {
    StringBuilder sb = new StringBuilder();
    int bytes = 0;
    for (int cp : cps) {
      int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + n > maxBytes) {
        break;
      }
      sb.appendCodePoint(cp);
      bytes += n;
    }
    if (sb.length() == 0) {
      sb.append('a');
    }
    return sb.toString();
  }

  static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
