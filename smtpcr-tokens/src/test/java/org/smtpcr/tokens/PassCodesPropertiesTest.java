package org.smtpcr.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.constraints.IntRange;
import org.smtpcr.tokens.TokenException.Reason;

/** Invariants of {@link PassCodes}. */
final class PassCodesPropertiesTest {
  private static final KeyRing RING =
      KeyRing.builder()
          .key(4, MasterKey.copyOf(TokenVectorGenerator.key("k3")))
          .key(12, MasterKey.copyOf(TokenVectorGenerator.key("k15")))
          .active(12)
          .build();
  private static final PassCodes CODES = PassCodes.of(RING);
  private static final String ALPHABET = ReferenceTokenV1.ALPHABET;

  @Property
  void computeThenVerify_samePair_acceptsEverySpelling(
      @ForAll("pairs") Tuple2<String, String> pair) {
    String code = CODES.compute(pair.get1(), pair.get2());
    assertEquals(PassCodes.LENGTH, code.length());
    assertTrue(code.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0), code);
    assertEquals(12, ReferenceTokenV1.base32Decode(code)[0]);
    CODES.verify(code, pair.get1(), pair.get2());
    CODES.verify(code.toUpperCase(Locale.ROOT), pair.get1(), pair.get2());
    CODES.verify(PassCodes.grouped(code), pair.get1(), pair.get2());
    // a ring where the minting key only verifies still accepts it
    PassCodes.of(RING.withActive(4)).verify(code, pair.get1(), pair.get2());
  }

  @Property
  void verify_otherPair_failsWithBadSignature(
      @ForAll("pairs") Tuple2<String, String> pair, @ForAll("pairs") Tuple2<String, String> other) {
    Assume.that(!pair.equals(other));
    String code = CODES.compute(pair.get1(), pair.get2());
    TokenException e =
        assertThrows(TokenException.class, () -> CODES.verify(code, other.get1(), other.get2()));
    assertEquals(Reason.BAD_SIGNATURE, e.reason());
    assertFalse(CODES.matches(code, other.get1(), other.get2()));
  }

  @Property
  void verify_oneSymbolReplaced_fails(
      @ForAll("pairs") Tuple2<String, String> pair,
      @ForAll @IntRange(max = 17) int i,
      @ForAll @IntRange(min = 1, max = 31) int shift) {
    String code = CODES.compute(pair.get1(), pair.get2());
    char replacement = ALPHABET.charAt((ALPHABET.indexOf(code.charAt(i)) + shift) % 32);
    String changed = code.substring(0, i) + replacement + code.substring(i + 1);
    assertThrows(TokenException.class, () -> CODES.verify(changed, pair.get1(), pair.get2()));
  }

  @Property
  void verify_hostileInput_throwsOnlyTokenException(
      @ForAll("hostileCodes") String code,
      @ForAll("hostileAddresses") String sender,
      @ForAll("hostileAddresses") String recipient) {
    try {
      CODES.verify(code, sender, recipient);
    } catch (TokenException expected) {
      // the one exception verification may throw
    }
    CODES.matches(code, sender, recipient);
  }

  @Property
  void verify_validCodeWithHostileAddresses_throwsOnlyTokenException(
      @ForAll("pairs") Tuple2<String, String> pair, @ForAll("hostileAddresses") String sender) {
    String code = CODES.compute(pair.get1(), pair.get2());
    try {
      CODES.verify(code, sender, pair.get2());
    } catch (TokenException expected) {
      // the one exception verification may throw
    }
  }

  @Provide
  Arbitrary<Tuple2<String, String>> pairs() {
    return TestArbitraries.addressPairs();
  }

  @Provide
  Arbitrary<String> hostileCodes() {
    Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(10_000);
    Arbitrary<String> nearCode =
        Arbitraries.strings()
            .withChars(ALPHABET + ALPHABET.toUpperCase(Locale.ROOT) + "-=01 \u212A")
            .ofMaxLength(70);
    Arbitrary<String> validish =
        pairs()
            .map(p -> CODES.compute(p.get1(), p.get2()))
            .flatMap(
                c ->
                    Arbitraries.strings()
                        .all()
                        .ofMaxLength(3)
                        .map(j -> c.substring(0, 9) + j + c.substring(9)));
    return Arbitraries.frequencyOf(Tuple.of(2, any), Tuple.of(3, nearCode), Tuple.of(1, validish));
  }

  @Provide
  Arbitrary<String> hostileAddresses() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(400),
        Arbitraries.of("", "\uD800", "a\uDFFFb", "x".repeat(255)),
        TestArbitraries.address(254));
  }
}
