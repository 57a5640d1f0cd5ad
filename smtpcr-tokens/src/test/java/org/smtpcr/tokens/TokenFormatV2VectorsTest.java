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
import org.smtpcr.tokens.ReferenceTokenV2.Verdict;
import org.smtpcr.tokens.TokenException.Reason;

/**
 * Production code against the frozen vectors of {@code vectors/token-v2.json}: every valid token is
 * minted to the exact string and verifies to its claims and authentication, every invalid one fails
 * with exactly its reason. The reference implementation is held to the same vectors, and the file
 * must be what {@link TokenVectorGeneratorV2} writes.
 */
final class TokenFormatV2VectorsTest {
  private static String text;
  private static JsonNode root;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in =
        TokenFormatV2VectorsTest.class.getResourceAsStream(TokenVectorGeneratorV2.RESOURCE)) {
      assertNotNull(in, "missing test resource " + TokenVectorGeneratorV2.RESOURCE);
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    root = new ObjectMapper().readTree(text);
  }

  // ---------------------------------------------------------------- the file itself

  @Test
  void vectorFile_isWhatTheGeneratorWrites() throws IOException {
    assertEquals(
        TokenVectorGeneratorV2.render(),
        text,
        "token-v2.json differs from TokenVectorGeneratorV2: vectors are frozen, regenerate only to"
            + " append");
  }

  @Test
  void vectorFile_coversEveryAuthenticationSeveralKidsAndEveryReason() {
    EnumSet<SenderAuthentication> seen = EnumSet.noneOf(SenderAuthentication.class);
    Set<Integer> kids = new HashSet<>();
    for (JsonNode t : list("tokens")) {
      for (String field :
          List.of(
              "name",
              "master_key_hex",
              "kid",
              "issued_at",
              "lifetime_minutes",
              "sender",
              "recipient",
              "authentication",
              "token")) {
        assertTrue(t.has(field), t.get("name") + " lacks " + field);
      }
      seen.add(authentication(t));
      kids.add(t.get("kid").asInt());
      assertEquals(authentication(t).code(), t.get("authentication_code").asInt());
    }
    assertEquals(EnumSet.allOf(SenderAuthentication.class), seen);
    assertTrue(kids.size() >= 3 && kids.contains(15), "several kids including 15: " + kids);

    EnumSet<Reason> reasons = EnumSet.noneOf(Reason.class);
    boolean codeOutOfRange = false;
    boolean reservedBits = false;
    for (JsonNode v : list("invalid")) {
      for (String field : List.of("name", "master_keys_hex", "now", "token", "reason")) {
        assertTrue(v.has(field), v.get("name") + " lacks " + field);
      }
      reasons.add(Reason.valueOf(v.get("reason").asText()));
      byte[] b = ReferenceTokenV1.base32Decode(v.get("token").asText());
      if (b != null
          && b.length >= 27
          && (b[0] & 0xf0) == 0x20
          && v.get("reason").asText().equals("MALFORMED")) {
        codeOutOfRange |= (b[1] & 0xff) >= 5 && (b[1] & 0xff) <= 7;
        reservedBits |= (b[1] & 0xf8) != 0;
      }
    }
    assertEquals(EnumSet.allOf(Reason.class), reasons);
    assertTrue(codeOutOfRange, "a v2 authentication code out of range");
    assertTrue(reservedBits, "a v2 token with reserved flag bits set");
  }

  @Test
  void vectorNames_areUnique() {
    for (String list : List.of("tokens", "invalid")) {
      Set<String> names = new HashSet<>();
      for (JsonNode n : list(list)) {
        assertTrue(
            names.add(n.get("name").asText()), "duplicate name in " + list + ": " + n.get("name"));
      }
    }
  }

  /** The wire codes and keywords are part of the format: the enum must match the document. */
  @Test
  void senderAuthentication_codesAndKeywords_matchTheFormat() {
    for (int code = 0; code < TokenVectorGeneratorV2.KEYWORDS.length; code++) {
      SenderAuthentication a = SenderAuthentication.ofCode(code).orElseThrow();
      assertEquals(TokenVectorGeneratorV2.KEYWORDS[code], a.keyword());
    }
    assertEquals(TokenVectorGeneratorV2.KEYWORDS.length, SenderAuthentication.values().length);
    assertEquals(ReferenceTokenV2.MAX_CODE + 1, SenderAuthentication.values().length);
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
                              Duration.ofMinutes(v.get("lifetime_minutes").asLong()),
                              authentication(v));
                      assertEquals(v.get("token").asText(), minted);
                    }));
  }

  @TestFactory
  Stream<DynamicTest> validToken_verifyAtNow_returnsTheClaimsAndAuthentication() {
    return list("tokens").stream()
        .map(
            v ->
                dynamicTest(
                    v.get("name").asText(),
                    () -> {
                      ChallengeTokens tokens =
                          tokens(ring(v), Instant.ofEpochSecond(v.get("now").asLong()), null);
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
                            () -> assertEquals(v.get("recipient").asText(), c.recipient()),
                            () -> assertEquals(authentication(v), c.authentication()));
                      }
                    }));
  }

  @TestFactory
  Stream<DynamicTest> validToken_sameClaimsAsV1_sameLengthAndOnlyVersionFlagsAndTagDiffer() {
    return list("tokens").stream()
        .map(
            v ->
                dynamicTest(
                    v.get("name").asText(),
                    () -> {
                      byte[] master = ReferenceTokenV1.hex(v.get("master_key_hex").asText());
                      String v1 =
                          ReferenceTokenV1.mint(
                              master,
                              v.get("kid").asInt(),
                              v.get("issued_at").asLong(),
                              v.get("lifetime_minutes").asInt(),
                              v.get("sender").asText(),
                              v.get("recipient").asText());
                      byte[] a = ReferenceTokenV1.base32Decode(v1);
                      byte[] b = ReferenceTokenV1.base32Decode(v.get("token").asText());
                      assertEquals(a.length, b.length);
                      assertEquals(0x10, a[0] & 0xf0);
                      assertEquals(0x20, b[0] & 0xf0);
                      assertEquals(a[0] & 0x0f, b[0] & 0x0f);
                      assertEquals(authentication(v).code(), b[1]);
                      for (int i = 2; i < a.length - 16; i++) {
                        assertEquals(a[i], b[i], "byte " + i);
                      }
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
                      TokenException e =
                          assertThrows(TokenException.class, () -> tokens.verify(token));
                      assertEquals(
                          Reason.valueOf(v.get("reason").asText()), e.reason(), e.getMessage());
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
          ReferenceTokenV2.mint(
              master,
              kid,
              v.get("issued_at").asLong(),
              v.get("lifetime_minutes").asInt(),
              v.get("sender").asText(),
              v.get("recipient").asText(),
              v.get("authentication_code").asInt()));
      Verdict verdict =
          ReferenceTokenV2.verify(Map.of(kid, master), token, v.get("now").asLong(), 300);
      assertNull(verdict.reason(), v.get("name").asText());
      assertEquals(v.get("authentication_code").asInt(), verdict.authentication());
      assertEquals(
          "UNSUPPORTED_VERSION",
          ReferenceTokenV1.verify(Map.of(kid, master), token, v.get("now").asLong(), 300).reason(),
          "a verifier of v1 alone refuses v2");
      assertEquals(
          v.get("k_tok_hex").asText(), ReferenceTokenV1.hex(ReferenceTokenV1.tokenKey(master)));
      assertEquals(
          v.get("bytes_hex").asText(), ReferenceTokenV1.hex(ReferenceTokenV1.base32Decode(token)));
    }
    for (JsonNode v : list("invalid")) {
      Verdict verdict =
          ReferenceTokenV2.verify(
              keys(v),
              v.get("token").asText(),
              v.get("now").asLong(),
              v.path("skew_seconds").asLong(300));
      assertEquals(v.get("reason").asText(), verdict.reason(), v.get("name").asText());
    }
  }

  @Test
  void tokenLengths_followTheV1Formula_andAreMintedLowercase() {
    List<Integer> lengths =
        list("tokens").stream().map(v -> v.get("token").asText().length()).toList();
    assertTrue(lengths.contains(ChallengeTokens.MAX_TOKEN_LENGTH), lengths.toString());
    assertTrue(lengths.contains(44), lengths.toString());
    for (JsonNode v : list("tokens")) {
      int bytes =
          25
              + TestArbitraries.utf8Length(v.get("sender").asText())
              + TestArbitraries.utf8Length(v.get("recipient").asText());
      assertEquals((8 * bytes + 4) / 5, v.get("token").asText().length());
      assertFalse(v.get("token").asText().chars().anyMatch(Character::isUpperCase));
    }
  }

  // ---------------------------------------------------------------- helpers

  private static SenderAuthentication authentication(JsonNode v) {
    return SenderAuthentication.ofKeyword(v.get("authentication").asText()).orElseThrow();
  }

  private static List<JsonNode> list(String name) {
    return VectorFixtures.list(root, name);
  }
}
