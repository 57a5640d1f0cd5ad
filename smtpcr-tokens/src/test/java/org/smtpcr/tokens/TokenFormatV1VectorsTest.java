package org.smtpcr.tokens;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;
import static org.smtpcr.tokens.VectorFixtures.keys;
import static org.smtpcr.tokens.VectorFixtures.ring;
import static org.smtpcr.tokens.VectorFixtures.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.smtpcr.tokens.ReferenceTokenV1.Verdict;
import org.smtpcr.tokens.TokenException.Reason;

/**
 * Production code against the frozen vectors of {@code vectors/token-v1.json}: every valid token is
 * minted to the exact string and verifies to its claims, every invalid one fails with exactly its
 * reason (as a verifier that also knows format v2 decides), every pass code is reproduced and
 * accepted. The reference implementation is held to the same vectors, and the file must be what
 * {@link TokenVectorGenerator} writes.
 */
final class TokenFormatV1VectorsTest {
  private static String text;
  private static JsonNode root;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in =
        TokenFormatV1VectorsTest.class.getResourceAsStream(TokenVectorGenerator.RESOURCE)) {
      assertNotNull(in, "missing test resource " + TokenVectorGenerator.RESOURCE);
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    root = new ObjectMapper().readTree(text);
  }

  // ---------------------------------------------------------------- the file itself

  @Test
  void vectorFile_isWhatTheGeneratorWrites() throws IOException {
    assertEquals(
        TokenVectorGenerator.render(),
        text,
        "token-v1.json differs from TokenVectorGenerator: vectors are frozen, regenerate only to append");
  }

  @Test
  void vectorFile_coversWhatTheSpecAsksFor() {
    List<JsonNode> tokens = list("tokens");
    List<JsonNode> invalid = list("invalid");
    List<JsonNode> passCodes = list("pass_codes");
    assertTrue(tokens.size() >= 6, "at least 6 valid tokens");
    assertTrue(passCodes.size() >= 4, "at least 4 pass codes");

    Set<Integer> kids = new HashSet<>();
    boolean nonAscii = false;
    boolean oneByte = false;
    boolean longest = false;
    boolean maxLifetime = false;
    boolean minLifetime = false;
    for (JsonNode t : tokens) {
      for (String field :
          List.of(
              "name",
              "master_key_hex",
              "kid",
              "issued_at",
              "lifetime_minutes",
              "sender",
              "recipient",
              "token")) {
        assertTrue(t.has(field), t.get("name") + " lacks " + field);
      }
      kids.add(t.get("kid").asInt());
      String s = t.get("sender").asText();
      String r = t.get("recipient").asText();
      nonAscii |= !s.chars().allMatch(c -> c < 128) || !r.chars().allMatch(c -> c < 128);
      oneByte |= TestArbitraries.utf8Length(s) == 1 || TestArbitraries.utf8Length(r) == 1;
      longest |= TestArbitraries.utf8Length(s) == 254 || TestArbitraries.utf8Length(r) == 254;
      maxLifetime |= t.get("lifetime_minutes").asInt() == 65535;
      minLifetime |= t.get("lifetime_minutes").asInt() == 1;
    }
    assertTrue(kids.size() >= 3 && kids.contains(15), "several kids including 15: " + kids);
    assertTrue(nonAscii && oneByte && longest && maxLifetime && minLifetime);

    EnumSet<Reason> reasons = EnumSet.noneOf(Reason.class);
    for (JsonNode v : invalid) {
      for (String field : List.of("name", "master_keys_hex", "now", "token", "reason")) {
        assertTrue(v.has(field), v.get("name") + " lacks " + field);
      }
      reasons.add(Reason.valueOf(v.get("reason").asText()));
    }
    assertEquals(EnumSet.allOf(Reason.class), reasons);

    Set<Integer> passKids = new HashSet<>();
    for (JsonNode p : passCodes) {
      for (String field : List.of("name", "master_key_hex", "kid", "sender", "recipient", "code")) {
        assertTrue(p.has(field), p.get("name") + " lacks " + field);
      }
      passKids.add(p.get("kid").asInt());
    }
    assertTrue(passKids.size() >= 3, "several kids: " + passKids);
  }

  @Test
  void vectorNames_areUnique() {
    for (String list : List.of("tokens", "invalid", "pass_codes")) {
      Set<String> names = new HashSet<>();
      for (JsonNode n : list(list)) {
        assertTrue(
            names.add(n.get("name").asText()), "duplicate name in " + list + ": " + n.get("name"));
      }
    }
  }

  // ---------------------------------------------------------------- production against the vectors

  @TestFactory
  Stream<DynamicTest> validToken_mintAtIssuedAt_reproducesTheExactString() {
    return list("tokens").stream()
        .map(
            v ->
                dynamicTest(
                    v.get("name").asText(),
                    () -> {
                      ChallengeTokens tokens =
                          tokens(ring(v), Instant.ofEpochSecond(v.get("issued_at").asLong()), null);
                      String minted =
                          tokens.mint(
                              v.get("sender").asText(),
                              v.get("recipient").asText(),
                              Duration.ofMinutes(v.get("lifetime_minutes").asLong()));
                      assertEquals(v.get("token").asText(), minted);
                    }));
  }

  @TestFactory
  Stream<DynamicTest> validToken_verifyAtNow_returnsTheClaims() {
    return list("tokens").stream()
        .map(
            v ->
                dynamicTest(
                    v.get("name").asText(),
                    () -> {
                      ChallengeTokens tokens = tokens(ring(v), Instant.ofEpochSecond(now(v)), null);
                      String token = v.get("token").asText();
                      for (String spelling : List.of(token, token.toUpperCase(Locale.ROOT))) {
                        ChallengeClaims c = tokens.verify(spelling);
                        assertAll(
                            () -> assertEquals(v.get("kid").asInt(), c.keyId()),
                            () ->
                                assertEquals(
                                    Instant.ofEpochSecond(v.get("issued_at").asLong()),
                                    c.issuedAt()),
                            () ->
                                assertEquals(
                                    Duration.ofMinutes(v.get("lifetime_minutes").asLong()),
                                    c.lifetime()),
                            () -> assertEquals(v.get("sender").asText(), c.sender()),
                            () -> assertEquals(v.get("recipient").asText(), c.recipient()));
                      }
                    }));
  }

  @TestFactory
  Stream<DynamicTest> validToken_verifyAtTheSkewBoundaries_acceptsInsideAndRejectsOutside() {
    return list("tokens").stream()
        .map(
            v ->
                dynamicTest(
                    v.get("name").asText(),
                    () -> {
                      long issued = v.get("issued_at").asLong();
                      long expiry = issued + 60 * v.get("lifetime_minutes").asLong();
                      long skew = ChallengeTokens.DEFAULT_SKEW.toSeconds();
                      MutableClock clock = MutableClock.atEpochSecond(issued - skew);
                      ChallengeTokens tokens =
                          ChallengeTokens.builder().keyRing(ring(v)).clock(clock).build();
                      String token = v.get("token").asText();
                      tokens.verify(token);
                      clock.setEpochSecond(expiry + skew);
                      tokens.verify(token);
                      clock.setEpochSecond(issued - skew - 1);
                      assertEquals(
                          Reason.NOT_YET_VALID,
                          assertThrows(TokenException.class, () -> tokens.verify(token)).reason());
                      clock.setEpochSecond(expiry + skew + 1);
                      assertEquals(
                          Reason.EXPIRED,
                          assertThrows(TokenException.class, () -> tokens.verify(token)).reason());
                    }));
  }

  @TestFactory
  Stream<DynamicTest> invalidToken_verifyAtNow_throwsExactlyItsReason() {
    return list("invalid").stream()
        .map(
            v ->
                dynamicTest(
                    v.get("name").asText(),
                    () -> {
                      Map<Integer, byte[]> keys = keys(v);
                      KeyRing.Builder b = KeyRing.builder();
                      keys.forEach((kid, k) -> b.key(kid, MasterKey.copyOf(k)));
                      KeyRing ring = b.active(keys.keySet().iterator().next()).build();
                      ChallengeTokens tokens =
                          tokens(
                              ring,
                              Instant.ofEpochSecond(v.get("now").asLong()),
                              Duration.ofSeconds(v.path("skew_seconds").asLong(300)));
                      String token = v.get("token").asText();
                      ReferenceTokenV2.Verdict both =
                          ReferenceTokenV2.verify(
                              keys,
                              token,
                              v.get("now").asLong(),
                              v.path("skew_seconds").asLong(300));
                      if (both.valid()) {
                        assertTrue(isVersion2(token), "only a v2 token turns valid");
                        assertEquals(both.sender(), tokens.verify(token).sender());
                        return;
                      }
                      TokenException e =
                          assertThrows(TokenException.class, () -> tokens.verify(token));
                      assertEquals(Reason.valueOf(both.reason()), e.reason(), e.getMessage());
                      if (!isVersion2(token)) {
                        assertEquals(v.get("reason").asText(), both.reason());
                      }
                    }));
  }

  /**
   * The vectors of this file describe a verifier of v1 alone, which refuses a version 2 token with
   * {@code UNSUPPORTED_VERSION}. Production also knows v2, so those vectors (and only those) come
   * out as a verifier of both versions decides; the file stays frozen.
   */
  @Test
  void version2Vectors_areTheOnlyOnesAVerifierOfBothVersionsJudgesDifferently() {
    int version2 = 0;
    for (JsonNode v : list("invalid")) {
      String token = v.get("token").asText();
      ReferenceTokenV2.Verdict both =
          ReferenceTokenV2.verify(
              keys(v), token, v.get("now").asLong(), v.path("skew_seconds").asLong(300));
      if (isVersion2(token)) {
        version2++;
        assertEquals("UNSUPPORTED_VERSION", v.get("reason").asText(), v.get("name").asText());
      } else {
        assertEquals(v.get("reason").asText(), both.reason(), v.get("name").asText());
      }
    }
    assertEquals(2, version2, "the v1 file holds two version 2 tokens");
  }

  private static boolean isVersion2(String token) {
    byte[] b = ReferenceTokenV1.base32Decode(token);
    return b != null && b.length >= 27 && (b[0] & 0xf0) == 0x20;
  }

  @TestFactory
  Stream<DynamicTest> passCode_computeReproducesAndVerifyAcceptsEverySpelling() {
    return list("pass_codes").stream()
        .map(
            v ->
                dynamicTest(
                    v.get("name").asText(),
                    () -> {
                      PassCodes codes = PassCodes.of(ring(v));
                      String s = v.get("sender").asText();
                      String r = v.get("recipient").asText();
                      String code = v.get("code").asText();
                      assertEquals(code, codes.compute(s, r));
                      assertEquals(v.get("kid").asInt(), ReferenceTokenV1.base32Decode(code)[0]);
                      String grouped = PassCodes.grouped(code);
                      assertEquals(code, grouped.replace("-", ""));
                      assertEquals(20, grouped.length());
                      for (String spelling :
                          List.of(
                              code,
                              code.toUpperCase(Locale.ROOT),
                              grouped,
                              grouped.toUpperCase(Locale.ROOT),
                              "-" + code.substring(0, 9) + "--" + code.substring(9) + "-")) {
                        codes.verify(spelling, s, r);
                        assertTrue(codes.matches(spelling, s, r));
                      }
                      assertEquals(
                          Reason.BAD_SIGNATURE,
                          assertThrows(TokenException.class, () -> codes.verify(code, r, s))
                              .reason(),
                          "swapped pair");
                    }));
  }

  @TestFactory
  Stream<DynamicTest> passCode_fromAnotherKid_verifiesWhileThatKidIsInTheRing() {
    return list("pass_codes").stream()
        .map(
            v ->
                dynamicTest(
                    v.get("name").asText(),
                    () -> {
                      int kid = v.get("kid").asInt();
                      int other = (kid + 1) % 16;
                      KeyRing ring =
                          KeyRing.builder()
                              .key(
                                  kid,
                                  MasterKey.copyOf(
                                      ReferenceTokenV1.hex(v.get("master_key_hex").asText())))
                              .key(other, MasterKey.generate())
                              .active(other)
                              .build();
                      String s = v.get("sender").asText();
                      String r = v.get("recipient").asText();
                      PassCodes.of(ring).verify(v.get("code").asText(), s, r);
                      assertEquals(
                          Reason.UNKNOWN_KEY,
                          assertThrows(
                                  TokenException.class,
                                  () ->
                                      PassCodes.of(ring.withoutKey(kid))
                                          .verify(v.get("code").asText(), s, r))
                              .reason());
                    }));
  }

  // ---------------------------------------------------------------- the reference against the
  // vectors

  @Test
  void reference_agreesWithEveryVector() {
    for (JsonNode v : list("tokens")) {
      byte[] master = ReferenceTokenV1.hex(v.get("master_key_hex").asText());
      int kid = v.get("kid").asInt();
      String token = v.get("token").asText();
      assertEquals(
          token,
          ReferenceTokenV1.mint(
              master,
              kid,
              v.get("issued_at").asLong(),
              v.get("lifetime_minutes").asInt(),
              v.get("sender").asText(),
              v.get("recipient").asText()));
      Verdict verdict = ReferenceTokenV1.verify(Map.of(kid, master), token, now(v), 300);
      assertNull(verdict.reason(), v.get("name").asText());
      assertEquals(v.get("recipient").asText(), verdict.recipient());
      if (v.has("k_tok_hex")) {
        assertEquals(
            v.get("k_tok_hex").asText(), ReferenceTokenV1.hex(ReferenceTokenV1.tokenKey(master)));
      }
      if (v.has("bytes_hex")) {
        assertEquals(
            v.get("bytes_hex").asText(),
            ReferenceTokenV1.hex(ReferenceTokenV1.base32Decode(token)));
      }
    }
    for (JsonNode v : list("invalid")) {
      Verdict verdict =
          ReferenceTokenV1.verify(
              keys(v),
              v.get("token").asText(),
              v.get("now").asLong(),
              v.path("skew_seconds").asLong(300));
      assertEquals(v.get("reason").asText(), verdict.reason(), v.get("name").asText());
    }
    for (JsonNode v : list("pass_codes")) {
      byte[] master = ReferenceTokenV1.hex(v.get("master_key_hex").asText());
      assertEquals(
          v.get("code").asText(),
          ReferenceTokenV1.passCode(
              master, v.get("kid").asInt(), v.get("sender").asText(), v.get("recipient").asText()));
      if (v.has("k_pass_hex")) {
        assertEquals(
            v.get("k_pass_hex").asText(), ReferenceTokenV1.hex(ReferenceTokenV1.passKey(master)));
      }
    }
  }

  @Test
  void largestValidVector_isExactly600Characters_andSmallestIs44() {
    List<Integer> lengths =
        list("tokens").stream().map(v -> v.get("token").asText().length()).toList();
    assertTrue(lengths.contains(ChallengeTokens.MAX_TOKEN_LENGTH), lengths.toString());
    assertTrue(lengths.contains(44), lengths.toString());
    for (JsonNode v : list("tokens")) {
      int bytes =
          25
              + TestArbitraries.utf8Length(v.get("sender").asText())
              + TestArbitraries.utf8Length(v.get("recipient").asText());
      assertEquals(
          (8 * bytes + 4) / 5, v.get("token").asText().length(), "ceil(8 * (25 + Ls + Lr) / 5)");
      assertFalse(
          v.get("token").asText().chars().anyMatch(Character::isUpperCase), "minted lowercase");
    }
  }

  // ---------------------------------------------------------------- helpers

  private static List<JsonNode> list(String name) {
    return VectorFixtures.list(root, name);
  }

  private static long now(JsonNode v) {
    return v.has("now") ? v.get("now").asLong() : v.get("issued_at").asLong();
  }
}
