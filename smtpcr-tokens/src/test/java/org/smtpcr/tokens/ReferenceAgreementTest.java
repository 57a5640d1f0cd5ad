package org.smtpcr.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.smtpcr.tokens.ReferenceTokenV1.Body;
import org.smtpcr.tokens.ReferenceTokenV2.Verdict;

/**
 * Differential tests: production and {@link ReferenceTokenV1} (minting v1) and {@link
 * ReferenceTokenV2} (minting v2, verifying both) must agree on random input, valid and deliberately
 * broken, down to the byte and the reason.
 */
final class ReferenceAgreementTest {
  private static final byte[] K0 = TokenVectorGenerator.key("k0");
  private static final byte[] K3 = TokenVectorGenerator.key("k3");
  private static final byte[] K15 = TokenVectorGenerator.key("k15");
  private static final Map<Integer, byte[]> MASTERS = Map.of(0, K0, 3, K3, 15, K15);
  private static final KeyRing RING =
      KeyRing.builder()
          .key(0, MasterKey.copyOf(K0))
          .key(3, MasterKey.copyOf(K3))
          .key(15, MasterKey.copyOf(K15))
          .active(3)
          .build();
  private static final long SKEW = 300;

  @Property
  void mint_anyInput_equalsReferenceByteForByte(
      @ForAll("pairs") Tuple2<String, String> pair,
      @ForAll @Size(min = 32, max = 96) byte[] master,
      @ForAll @IntRange(min = 0, max = 15) int kid,
      @ForAll @LongRange(min = 0, max = 0xffff_ffffL) long issuedAt,
      @ForAll @IntRange(min = 1, max = 65535) int lifetime) {
    KeyRing ring = KeyRing.builder().key(kid, MasterKey.copyOf(master)).active(kid).build();
    ChallengeTokens tokens =
        ChallengeTokens.builder()
            .keyRing(ring)
            .clock(Clock.fixed(Instant.ofEpochSecond(issuedAt), ZoneOffset.UTC))
            .build();
    String minted = tokens.mint(pair.get1(), pair.get2(), Duration.ofMinutes(lifetime));
    assertEquals(
        ReferenceTokenV1.mint(master, kid, issuedAt, lifetime, pair.get1(), pair.get2()), minted);
  }

  @Property
  void mintV2_anyInput_equalsReferenceByteForByte(
      @ForAll("pairs") Tuple2<String, String> pair,
      @ForAll @Size(min = 32, max = 96) byte[] master,
      @ForAll @IntRange(min = 0, max = 15) int kid,
      @ForAll @LongRange(min = 0, max = 0xffff_ffffL) long issuedAt,
      @ForAll @IntRange(min = 1, max = 65535) int lifetime,
      @ForAll SenderAuthentication authentication) {
    KeyRing ring = KeyRing.builder().key(kid, MasterKey.copyOf(master)).active(kid).build();
    ChallengeTokens tokens =
        ChallengeTokens.builder()
            .keyRing(ring)
            .clock(Clock.fixed(Instant.ofEpochSecond(issuedAt), ZoneOffset.UTC))
            .build();
    String minted =
        tokens.mint(pair.get1(), pair.get2(), Duration.ofMinutes(lifetime), authentication);
    assertEquals(
        ReferenceTokenV2.mint(
            master, kid, issuedAt, lifetime, pair.get1(), pair.get2(), authentication.code()),
        minted);
  }

  @Property
  void passCode_anyInput_equalsReference(
      @ForAll("pairs") Tuple2<String, String> pair,
      @ForAll @Size(min = 32, max = 96) byte[] master,
      @ForAll @IntRange(min = 0, max = 15) int kid) {
    KeyRing ring = KeyRing.builder().key(kid, MasterKey.copyOf(master)).active(kid).build();
    assertEquals(
        ReferenceTokenV1.passCode(master, kid, pair.get1(), pair.get2()),
        PassCodes.of(ring).compute(pair.get1(), pair.get2()));
  }

  /** Raw bodies with every field sometimes out of range, signed right or wrong, at any time. */
  @Property(tries = 3000)
  void verify_rawTokens_sameOutcomeAsReference(
      @ForAll("rawTokens") String token,
      @ForAll @LongRange(min = -100_000, max = 4_000_000) long offset) {
    byte[] decoded = ReferenceTokenV1.base32Decode(token);
    long issuedAt =
        decoded != null && decoded.length >= 6
            ? ((decoded[2] & 0xffL) << 24)
                | ((decoded[3] & 0xff) << 16)
                | ((decoded[4] & 0xff) << 8)
                | (decoded[5] & 0xff)
            : 1_767_225_600L;
    assertSameOutcome(token, issuedAt + offset);
  }

  /**
   * Valid tokens with one character replaced, inserted or deleted, from a pool of hostile
   * characters.
   */
  @Property(tries = 3000)
  void verify_mutatedTokens_sameOutcomeAsReference(
      @ForAll("validTokens") String token,
      @ForAll @IntRange(min = 0, max = 10_000) int at,
      @ForAll("anyChar") char c,
      @ForAll @IntRange(max = 2) int op) {
    int i = at % (token.length() + 1);
    String mutated =
        switch (op) {
          case 0 -> token.substring(0, i) + c + token.substring(Math.min(token.length(), i + 1));
          case 1 -> token.substring(0, i) + c + token.substring(i);
          default -> token.substring(0, Math.max(0, i - 1)) + token.substring(i);
        };
    assertSameOutcome(mutated, 1_767_225_600L + 60);
  }

  /** The hand-written UTF-8 check of the reference against the JDK's strict decoder. */
  @Property(tries = 3000)
  void wellFormedUtf8_anyBytes_agreesWithTheJdkStrictDecoder(@ForAll("utf8ish") byte[] bytes) {
    boolean jdk;
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes));
      jdk = true;
    } catch (java.nio.charset.CharacterCodingException e) {
      jdk = false;
    }
    assertEquals(jdk, ReferenceTokenV1.wellFormedUtf8(bytes));
  }

  @Provide
  Arbitrary<byte[]> utf8ish() {
    Arbitrary<byte[]> valid =
        TestArbitraries.address(254).map(s -> s.getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(12);
    Arbitrary<byte[]> lead =
        Arbitraries.integers()
            .between(0xc0, 0xff)
            .flatMap(
                c ->
                    Arbitraries.integers()
                        .between(0x70, 0xcf)
                        .list()
                        .ofMaxSize(4)
                        .map(
                            t -> {
                              byte[] b = new byte[1 + t.size()];
                              b[0] = (byte) (int) c;
                              for (int i = 0; i < t.size(); i++) {
                                b[1 + i] = (byte) (int) t.get(i);
                              }
                              return b;
                            }));
    return Arbitraries.oneOf(valid, random, lead);
  }

  private static void assertSameOutcome(String token, long now) {
    Verdict expected = ReferenceTokenV2.verify(MASTERS, token, now, SKEW);
    ChallengeTokens tokens =
        ChallengeTokens.builder()
            .keyRing(RING)
            .clock(Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC))
            .build();
    try {
      ChallengeClaims c = tokens.verify(token);
      assertEquals(
          expected,
          new Verdict(
              null,
              expected.version(),
              c.keyId(),
              c.issuedAt().getEpochSecond(),
              (int) c.lifetime().toMinutes(),
              c.sender(),
              c.recipient(),
              c.authentication().code()));
    } catch (TokenException e) {
      assertEquals(expected.reason(), e.reason().name(), e.getMessage());
    }
  }

  // ---------------------------------------------------------------- generators

  @Provide
  Arbitrary<Tuple2<String, String>> pairs() {
    return TestArbitraries.addressPairs();
  }

  @Provide
  Arbitrary<Character> anyChar() {
    return Arbitraries.oneOf(
        Arbitraries.of(ReferenceTokenV1.ALPHABET.toCharArray()),
        Arbitraries.of(ReferenceTokenV1.ALPHABET.toUpperCase(java.util.Locale.ROOT).toCharArray()),
        Arbitraries.of(
            '=', ' ', '\t', '\n', '-', '0', '1', '8', '9', '\0', '\u212A', '\u017F', '\u0131',
            '\uFF41'),
        Arbitraries.chars());
  }

  @Provide
  Arbitrary<String> validTokens() {
    // code -1: a v1 token; 0..4: a v2 token with that authentication code
    return Combinators.combine(
            TestArbitraries.addressPairs(),
            Arbitraries.of(0, 3, 15),
            Arbitraries.integers().between(1, 65535),
            Arbitraries.integers().between(-1, ReferenceTokenV2.MAX_CODE))
        .as(
            (p, kid, lifetime, code) ->
                code < 0
                    ? ReferenceTokenV1.mint(
                        MASTERS.get(kid), kid, 1_767_225_600L, lifetime, p.get1(), p.get2())
                    : ReferenceTokenV2.mint(
                        MASTERS.get(kid), kid, 1_767_225_600L, lifetime, p.get1(), p.get2(), code));
  }

  @Provide
  Arbitrary<String> rawTokens() {
    Arbitrary<Integer> version =
        Arbitraries.frequency(
            Tuple.of(8, 1), Tuple.of(8, 2), Tuple.of(1, 0), Tuple.of(1, 3), Tuple.of(1, 15));
    Arbitrary<Integer> kid =
        Arbitraries.frequency(Tuple.of(3, 0), Tuple.of(3, 3), Tuple.of(3, 15), Tuple.of(1, 7));
    // 0..4 are v2's authentication codes, 5..7 out of range, the rest set reserved bits
    Arbitrary<Integer> flags =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.just(0)),
            Tuple.of(6, Arbitraries.integers().between(1, 4)),
            Tuple.of(1, Arbitraries.integers().between(5, 7)),
            Tuple.of(1, Arbitraries.of(0x08, 0x09, 0x80, 0xff)),
            Tuple.of(1, Arbitraries.integers().between(0, 255)));
    Arbitrary<Long> issuedAt =
        Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.longs().between(1_700_000_000L, 1_800_000_000L)),
            Tuple.of(1, Arbitraries.longs().between(0, 0xffff_ffffL)),
            Tuple.of(1, Arbitraries.of(0L, 0xffff_ffffL)));
    Arbitrary<Integer> lifetime =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.integers().between(1, 65535)),
            Tuple.of(1, Arbitraries.of(0, 1, 65535)));
    Arbitrary<byte[]> address =
        Arbitraries.frequencyOf(
            Tuple.of(6, TestArbitraries.address(254).map(s -> s.getBytes(StandardCharsets.UTF_8))),
            Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)),
            Tuple.of(
                1,
                Arbitraries.of(
                    new byte[0],
                    new byte[] {(byte) 0xc3},
                    new byte[] {(byte) 0x80},
                    new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                    new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80})));
    Arbitrary<Integer> lsDelta =
        Arbitraries.frequencyOf(
            Tuple.of(10, Arbitraries.just(0)),
            Tuple.of(1, Arbitraries.integers().between(-300, 300)));
    Arbitrary<Body> bodies =
        Combinators.combine(version, kid, flags, issuedAt, lifetime, address, address, lsDelta)
            .as((v, k, f, t, l, s, r, d) -> new Body(v, k, f, t, l, (s.length + d) & 0xff, s, r));
    // 0: right key; 1: other key; 2: tag changed; 3: right key but trailing bits set; 4: too short
    Arbitrary<Integer> how =
        Arbitraries.frequency(
            Tuple.of(10, 0), Tuple.of(1, 1), Tuple.of(1, 2), Tuple.of(1, 3), Tuple.of(1, 4));
    return Combinators.combine(bodies, how).as(ReferenceAgreementTest::encode);
  }

  private static String encode(Body body, int how) {
    byte[] master = MASTERS.getOrDefault(body.kid(), K0);
    byte[] signed = ReferenceTokenV1.signedBytes(how == 1 ? K15 : master, body);
    switch (how) {
      case 2 -> signed[signed.length - 1] ^= 0x40;
      case 3 -> {
        if ((8 * signed.length) % 5 != 0) {
          return ReferenceTokenV1.withTrailingBits(signed, 1);
        }
      }
      case 4 -> signed = java.util.Arrays.copyOf(signed, Math.min(signed.length, 26));
      default -> {}
    }
    return ReferenceTokenV1.base32(signed);
  }
}
