package org.smtpcr.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.smtpcr.tokens.TokenException.Reason;

/**
 * Invariants of {@link ChallengeTokens}, for any addresses, lifetimes, clocks, authentications and
 * input text, for tokens of both formats.
 */
final class ChallengeTokensPropertiesTest {
  private static final long T0 = 1_767_225_600L;
  private static final KeyRing RING =
      KeyRing.builder()
          .key(2, MasterKey.copyOf(TokenVectorGenerator.key("k0")))
          .key(9, MasterKey.copyOf(TokenVectorGenerator.key("k9")))
          .active(9)
          .build();
  private static final String ALPHABET = ReferenceTokenV1.ALPHABET;

  private final MutableClock clock = MutableClock.atEpochSecond(T0);
  private final ChallengeTokens tokens =
      ChallengeTokens.builder().keyRing(RING).clock(clock).build();

  @Property
  void mintThenVerify_anyAddressesAndLifetime_roundTrips(
      @ForAll("pairs") Tuple2<String, String> pair,
      @ForAll @IntRange(min = 1, max = 65535) int lifetimeMinutes,
      @ForAll @LongRange(min = 0, max = 0xffff_ffffL) long issuedAt,
      @ForAll @IntRange(min = 0, max = 1000) int agePermille) {
    clock.setEpochSecond(issuedAt);
    String token = tokens.mint(pair.get1(), pair.get2(), Duration.ofMinutes(lifetimeMinutes));
    assertEquals(TokenLength.of(pair), token.length());
    clock.setEpochSecond(issuedAt + 60L * lifetimeMinutes * agePermille / 1000);

    ChallengeClaims c = tokens.verify(token);

    assertEquals(pair.get1(), c.sender());
    assertEquals(pair.get2(), c.recipient());
    assertEquals(9, c.keyId());
    assertEquals(Instant.ofEpochSecond(issuedAt), c.issuedAt());
    assertEquals(Duration.ofMinutes(lifetimeMinutes), c.lifetime());
    assertEquals(c.issuedAt().plus(c.lifetime()), c.expiresAt());
  }

  @Property
  void mintV2ThenVerify_anyAddressesLifetimeAndAuthentication_roundTrips(
      @ForAll("pairs") Tuple2<String, String> pair,
      @ForAll @IntRange(min = 1, max = 65535) int lifetimeMinutes,
      @ForAll @LongRange(min = 0, max = 0xffff_ffffL) long issuedAt,
      @ForAll @IntRange(min = 0, max = 1000) int agePermille,
      @ForAll SenderAuthentication authentication) {
    clock.setEpochSecond(issuedAt);
    String token =
        tokens.mint(pair.get1(), pair.get2(), Duration.ofMinutes(lifetimeMinutes), authentication);
    assertEquals(TokenLength.of(pair), token.length());
    String v1 = tokens.mint(pair.get1(), pair.get2(), Duration.ofMinutes(lifetimeMinutes));
    clock.setEpochSecond(issuedAt + 60L * lifetimeMinutes * agePermille / 1000);

    ChallengeClaims c = tokens.verify(token);

    assertEquals(
        new ChallengeClaims(
            9,
            Instant.ofEpochSecond(issuedAt),
            Duration.ofMinutes(lifetimeMinutes),
            pair.get1(),
            pair.get2(),
            authentication),
        c);
    assertEquals(SenderAuthentication.UNCHECKED, tokens.verify(v1).authentication());
    assertEquals(
        new ChallengeClaims(9, c.issuedAt(), c.lifetime(), c.sender(), c.recipient()),
        tokens.verify(v1));
  }

  /**
   * A correctly signed v2 token verifies exactly when its flags byte is an authentication code
   * (0..4); any other value, a code out of range or a reserved bit, is {@code MALFORMED}.
   */
  @Property
  void verifyV2_anyFlagsByteCorrectlySigned_acceptsExactlyTheCodes(
      @ForAll("pairs") Tuple2<String, String> pair,
      @ForAll @IntRange(min = 0, max = 255) int flags) {
    String token =
        ReferenceTokenV1.sign(
            TokenVectorGenerator.key("k9"),
            ReferenceTokenV2.body(9, T0, 10080, pair.get1(), pair.get2(), flags));
    if (flags <= 4) {
      assertEquals(
          SenderAuthentication.ofCode(flags).orElseThrow(), tokens.verify(token).authentication());
    } else {
      assertEquals(
          Reason.MALFORMED,
          assertThrows(TokenException.class, () -> tokens.verify(token)).reason());
    }
  }

  /** The authentication is signed: changing the code of a v2 token breaks its tag. */
  @Property
  void verifyV2_codeChangedAfterSigning_isBadSignature(
      @ForAll("pairs") Tuple2<String, String> pair,
      @ForAll SenderAuthentication minted,
      @ForAll SenderAuthentication claimed) {
    net.jqwik.api.Assume.that(minted != claimed);
    byte[] b =
        ReferenceTokenV1.base32Decode(
            tokens.mint(pair.get1(), pair.get2(), Duration.ofDays(1), minted));
    b[1] = (byte) claimed.code();
    assertEquals(
        Reason.BAD_SIGNATURE,
        assertThrows(TokenException.class, () -> tokens.verify(ReferenceTokenV1.base32(b)))
            .reason());
  }

  @Property
  void verify_oneSymbolReplacedByAnotherSymbol_fails(
      @ForAll("tokens") String token,
      @ForAll @IntRange(max = 599) int at,
      @ForAll @IntRange(min = 1, max = 31) int shift) {
    int i = at % token.length();
    char replacement = ALPHABET.charAt((ALPHABET.indexOf(token.charAt(i)) + shift) % 32);
    String changed = token.substring(0, i) + replacement + token.substring(i + 1);
    assertThrows(TokenException.class, () -> tokens.verify(changed));
    assertThrows(TokenException.class, () -> tokens.verify(changed.toUpperCase(Locale.ROOT)));
  }

  @Property
  void verify_truncated_fails(
      @ForAll("tokens") String token, @ForAll @IntRange(min = 1, max = 600) int cut) {
    String truncated = token.substring(0, Math.max(0, token.length() - cut));
    assertThrows(TokenException.class, () -> tokens.verify(truncated));
  }

  @Property
  void verify_extended_fails(@ForAll("tokens") String token, @ForAll("symbols") String suffix) {
    assertThrows(TokenException.class, () -> tokens.verify(token + suffix));
    assertThrows(TokenException.class, () -> tokens.verify(suffix + token));
  }

  @Property
  void verify_onlyLetterCaseChanged_stillVerifies(
      @ForAll("tokens") String token, @ForAll long caseBits) {
    StringBuilder sb = new StringBuilder(token);
    for (int i = 0; i < sb.length(); i++) {
      if (((caseBits >>> (i % 64)) & 1) != 0 ^ (i / 64) % 2 == 1) {
        sb.setCharAt(i, Character.toUpperCase(sb.charAt(i)));
      }
    }
    assertEquals(tokens.verify(token), tokens.verify(sb.toString()));
  }

  @Property
  void verify_anyString_throwsOnlyTokenException(@ForAll("hostile") String text) {
    try {
      tokens.verify(text);
    } catch (TokenException expected) {
      // the one exception verification may throw
    }
  }

  @Property
  void verify_longerThan600Characters_isMalformedWhateverItHolds(
      @ForAll("tokens") String token, @ForAll @IntRange(min = 601, max = 10_000) int length) {
    String padded = (token + "a".repeat(length)).substring(0, length);
    assertEquals(
        Reason.MALFORMED, assertThrows(TokenException.class, () -> tokens.verify(padded)).reason());
  }

  /**
   * Valid from {@code issued_at - skew} to {@code issued_at + lifetime + skew}, both included, and
   * at no instant outside, down to the nanosecond.
   */
  @Property
  void verify_atAndBeyondTheValidityBounds_acceptsInsideOnly(
      @ForAll("pairs") Tuple2<String, String> pair,
      @ForAll @IntRange(min = 1, max = 65535) int lifetimeMinutes,
      @ForAll @IntRange(min = 0, max = 86_400) int skewSeconds,
      @ForAll @LongRange(min = 86_400, max = 0xffff_ffffL) long issuedAt,
      @ForAll @LongRange(min = 1, max = 10_000_000_000L) long beyondNanos) {
    MutableClock c = MutableClock.atEpochSecond(issuedAt);
    ChallengeTokens t =
        ChallengeTokens.builder()
            .keyRing(RING)
            .clock(c)
            .skew(Duration.ofSeconds(skewSeconds))
            .build();
    String token = t.mint(pair.get1(), pair.get2(), Duration.ofMinutes(lifetimeMinutes));
    Instant notBefore = Instant.ofEpochSecond(issuedAt - skewSeconds);
    Instant notAfter = Instant.ofEpochSecond(issuedAt + 60L * lifetimeMinutes + skewSeconds);

    c.set(notBefore);
    t.verify(token);
    c.set(notAfter);
    t.verify(token);
    c.set(notBefore.minusNanos(beyondNanos));
    assertEquals(
        Reason.NOT_YET_VALID, assertThrows(TokenException.class, () -> t.verify(token)).reason());
    c.set(notBefore.minusNanos(1));
    assertEquals(
        Reason.NOT_YET_VALID, assertThrows(TokenException.class, () -> t.verify(token)).reason());
    c.set(notAfter.plusNanos(beyondNanos));
    assertEquals(
        Reason.EXPIRED, assertThrows(TokenException.class, () -> t.verify(token)).reason());
    c.set(notAfter.plusNanos(1));
    assertEquals(
        Reason.EXPIRED, assertThrows(TokenException.class, () -> t.verify(token)).reason());
  }

  @Property
  void mint_addressesOverTheBudget_throwIllegalArgument(
      @ForAll("tooLong") Tuple2<String, String> pair) {
    assertThrows(IllegalArgumentException.class, () -> tokens.mint(pair.get1(), pair.get2()));
  }

  // ---------------------------------------------------------------- generators

  @Provide
  Arbitrary<Tuple2<String, String>> pairs() {
    return TestArbitraries.addressPairs();
  }

  /** Valid tokens of both formats: v1, and v2 with every authentication. */
  @Provide
  Arbitrary<String> tokens() {
    return Arbitraries.lazy(
        () ->
            TestArbitraries.addressPairs()
                .flatMap(
                    p ->
                        Arbitraries.of(SenderAuthentication.class)
                            .injectNull(0.3)
                            .map(
                                a ->
                                    a == null
                                        ? tokens.mint(p.get1(), p.get2())
                                        : tokens.mint(
                                            p.get1(), p.get2(), tokens.defaultLifetime(), a))));
  }

  @Provide
  Arbitrary<String> symbols() {
    return Arbitraries.strings()
        .withChars(ALPHABET + ALPHABET.toUpperCase(Locale.ROOT))
        .ofMinLength(1)
        .ofMaxLength(20);
  }

  /** Any text up to 10,000 characters, near-base32 text, and valid tokens with junk attached. */
  @Provide
  Arbitrary<String> hostile() {
    Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(10_000);
    Arbitrary<String> nearBase32 =
        Arbitraries.strings()
            .withChars(ALPHABET + ALPHABET.toUpperCase(Locale.ROOT) + "=-01 \t\n\u212A\u017F\u0131")
            .ofMaxLength(700);
    Arbitrary<String> base32 =
        Arbitraries.strings().withChars(ALPHABET).ofMinLength(40).ofMaxLength(601);
    Arbitrary<String> junkOnToken =
        tokens()
            .flatMap(
                t ->
                    Arbitraries.strings()
                        .all()
                        .ofMaxLength(20)
                        .map(
                            j ->
                                List.of(
                                    t + j,
                                    j + t,
                                    t.substring(0, t.length() / 2)
                                        + j
                                        + t.substring(t.length() / 2))))
            .flatMap(Arbitraries::of);
    return Arbitraries.frequencyOf(
        Tuple.of(3, any), Tuple.of(3, nearBase32), Tuple.of(2, base32), Tuple.of(2, junkOnToken));
  }

  /**
   * Pairs that break a rule of mint: empty, over 254 bytes, together over 350 bytes, lone
   * surrogate.
   */
  @Provide
  Arbitrary<Tuple2<String, String>> tooLong() {
    Arbitrary<String> fine = TestArbitraries.address(96);
    Arbitrary<String> bad =
        Arbitraries.oneOf(
            Arbitraries.just(""),
            Arbitraries.strings().withCharRange('a', 'z').ofMinLength(255).ofMaxLength(400),
            Arbitraries.strings()
                .withCharRange('\u0800', '\u0fff')
                .ofMinLength(85)
                .ofMaxLength(200),
            Arbitraries.of("a\uD800b", "\uDC00", "x\uDBFF"));
    Arbitrary<Tuple2<String, String>> badOne =
        Arbitraries.oneOf(
            bad.flatMap(b -> fine.map(f -> Tuple.of(b, f))),
            bad.flatMap(b -> fine.map(f -> Tuple.of(f, b))));
    Arbitrary<Tuple2<String, String>> overBudget =
        Arbitraries.integers()
            .between(97, 254)
            .flatMap(
                n ->
                    Arbitraries.integers()
                        .between(351 - n, 254)
                        .map(m -> Tuple.of("s".repeat(n), "r".repeat(m))));
    return Arbitraries.oneOf(badOne, overBudget);
  }

  /** {@code ceil(8 * (25 + Ls + Lr) / 5)}. */
  private static final class TokenLength {
    static int of(Tuple2<String, String> pair) {
      int bytes =
          25 + TestArbitraries.utf8Length(pair.get1()) + TestArbitraries.utf8Length(pair.get2());
      return (8 * bytes + 4) / 5;
    }
  }
}
