package org.smtpcr.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.smtpcr.tokens.TokenException.Reason;

final class ChallengeTokensTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static ChallengeTokens at(KeyRing ring, Instant now) {
    return ChallengeTokens.builder().keyRing(ring).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
  }

  @Test
  void mint_thenVerify_returnsClaims() {
    KeyRing ring = KeyRing.of(MasterKey.copyOf(new byte[32]));
    // two 20-byte addresses make a 104-character token (token-v1.md)
    String token = at(ring, T0).mint("alice.liddell@ex.org", "bob.smith@example.io");
    assertEquals(104, token.length());
    ChallengeClaims c = at(ring, T0.plusSeconds(3600)).verify(token.toUpperCase(Locale.ROOT));
    assertEquals("alice.liddell@ex.org", c.sender());
    assertEquals("bob.smith@example.io", c.recipient());
    assertEquals(T0, c.issuedAt());
    assertEquals(Duration.ofDays(7), c.lifetime());
  }

  @Test
  void verify_afterExpiryPlusSkew_throwsExpired() {
    KeyRing ring = KeyRing.generate();
    String token = at(ring, T0).mint("a@b", "c@d", Duration.ofMinutes(10));
    at(ring, T0.plusSeconds(600 + 300)).verify(token);
    TokenException e =
        assertThrows(TokenException.class, () -> at(ring, T0.plusSeconds(901)).verify(token));
    assertEquals(TokenException.Reason.EXPIRED, e.reason());
  }

  @Test
  void passCode_computeThenVerify_matchesIgnoringCaseAndDashes() {
    PassCodes codes = PassCodes.of(KeyRing.generate());
    String code = codes.compute("alice@example.org", "bob@example.com");
    assertEquals(18, code.length());
    codes.verify(
        PassCodes.grouped(code).toUpperCase(Locale.ROOT), "alice@example.org", "bob@example.com");
    assertEquals(
        TokenException.Reason.BAD_SIGNATURE,
        assertThrows(
                TokenException.class,
                () -> codes.verify(code, "mallory@example.org", "bob@example.com"))
            .reason());
  }

  // ---------------------------------------------------------------- mint arguments

  @Test
  void mint_addressesOf350Bytes_give600Characters_351BytesThrow() {
    ChallengeTokens t = at(KeyRing.generate(), T0);
    assertEquals(600, t.mint("s".repeat(254), "r".repeat(96)).length());
    assertEquals(600, t.mint("s".repeat(96), "r".repeat(254)).length());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> t.mint("s".repeat(254), "r".repeat(97)));
    assertTrue(e.getMessage().contains("351") && e.getMessage().contains("350"), e.getMessage());
  }

  @Test
  void mint_254ByteAddressWithAShortOne_isFine() {
    ChallengeTokens t = at(KeyRing.generate(), T0);
    String longest = "ü".repeat(127); // 254 bytes
    assertEquals(longest, t.verify(t.mint(longest, "b@example.com")).sender());
    assertEquals(longest, t.verify(t.mint("a", longest)).recipient());
  }

  @Test
  void mint_badAddress_throwsIllegalArgument() {
    ChallengeTokens t = at(KeyRing.generate(), T0);
    assertThrows(IllegalArgumentException.class, () -> t.mint("", "b"));
    assertThrows(IllegalArgumentException.class, () -> t.mint("a", ""));
    assertThrows(IllegalArgumentException.class, () -> t.mint("a".repeat(255), "b"));
    assertThrows(
        IllegalArgumentException.class,
        () -> t.mint("ü".repeat(128), "b")); // 256 bytes in 128 chars
    assertThrows(IllegalArgumentException.class, () -> t.mint("a\uD800", "b"));
    assertThrows(IllegalArgumentException.class, () -> t.mint("a", "\uDC00b"));
    assertThrows(NullPointerException.class, () -> t.mint(null, "b"));
    assertThrows(NullPointerException.class, () -> t.mint("a", null));
    assertThrows(NullPointerException.class, () -> t.mint("a", "b", null));
    assertThrows(NullPointerException.class, () -> t.mint("a", "b", Duration.ofDays(1), null));
    assertThrows(
        NullPointerException.class, () -> t.mint("a", "b", null, SenderAuthentication.SPF_PASS));
    assertThrows(
        IllegalArgumentException.class,
        () -> t.mint("", "b", Duration.ofDays(1), SenderAuthentication.SPF_PASS));
  }

  @Test
  void mintV2_verifiesWithItsAuthentication_v1WithUnchecked() {
    ChallengeTokens t = at(KeyRing.generate(), T0);
    for (SenderAuthentication a : SenderAuthentication.values()) {
      String token = t.mint("alice@example.org", "bob@example.com", Duration.ofDays(1), a);
      assertEquals(a, t.verify(token).authentication());
      assertEquals('e', token.charAt(0), "0x2_ starts with 'e' in base32");
    }
    String v1 = t.mint("alice@example.org", "bob@example.com");
    assertEquals(SenderAuthentication.UNCHECKED, t.verify(v1).authentication());
    assertEquals('c', v1.charAt(0), "0x1_ starts with 'c' in base32");
  }

  @Test
  void mint_lifetimeOutOfRange_throwsIllegalArgument() {
    ChallengeTokens t = at(KeyRing.generate(), T0);
    assertThrows(IllegalArgumentException.class, () -> t.mint("a", "b", Duration.ofSeconds(59)));
    assertThrows(IllegalArgumentException.class, () -> t.mint("a", "b", Duration.ofMinutes(65536)));
    assertThrows(IllegalArgumentException.class, () -> t.mint("a", "b", Duration.ofMinutes(-5)));
    assertEquals(
        Duration.ofMinutes(65535),
        t.verify(t.mint("a", "b", Duration.ofMinutes(65535))).lifetime());
    assertEquals(
        Duration.ofMinutes(1),
        t.verify(t.mint("a", "b", Duration.ofSeconds(119))).lifetime(),
        "seconds are dropped");
  }

  @Test
  void mint_clockOutsideUint32_throwsIllegalState() {
    KeyRing ring = KeyRing.generate();
    assertThrows(
        IllegalStateException.class,
        () -> at(ring, Instant.ofEpochSecond(0x1_0000_0000L)).mint("a", "b"));
    assertThrows(
        IllegalStateException.class, () -> at(ring, Instant.ofEpochSecond(-1)).mint("a", "b"));
    at(ring, Instant.ofEpochSecond(0xffff_ffffL)).mint("a", "b");
  }

  @Test
  void mint_fractionalSecond_isTruncated() {
    KeyRing ring = KeyRing.generate();
    String token = at(ring, T0.plusMillis(999)).mint("a", "b");
    assertEquals(T0, at(ring, T0).verify(token).issuedAt());
  }

  @Test
  void verify_null_throwsNullPointer() {
    assertThrows(NullPointerException.class, () -> at(KeyRing.generate(), T0).verify(null));
  }

  @Test
  void verify_otherRing_throwsBadSignature() {
    String token = at(KeyRing.generate(), T0).mint("a", "b");
    assertEquals(
        Reason.BAD_SIGNATURE,
        assertThrows(TokenException.class, () -> at(KeyRing.generate(), T0).verify(token))
            .reason());
  }

  // ---------------------------------------------------------------- builder

  @Test
  void builder_defaults_areSevenDaysAnd300Seconds() {
    KeyRing ring = KeyRing.generate();
    ChallengeTokens t = ChallengeTokens.of(ring);
    assertSame(ring, t.keyRing());
    assertEquals(Duration.ofDays(7), t.defaultLifetime());
    assertEquals(ChallengeTokens.DEFAULT_LIFETIME, t.defaultLifetime());
    assertEquals(Duration.ofMinutes(5), ChallengeTokens.DEFAULT_SKEW);
    // the system clock: a token minted now verifies now
    assertEquals("a", t.verify(t.mint("a", "b")).sender());
  }

  @Test
  void builder_withoutKeyRing_throwsIllegalState() {
    assertThrows(IllegalStateException.class, () -> ChallengeTokens.builder().build());
  }

  @Test
  void builder_optionSetTwice_throwsIllegalState() {
    KeyRing ring = KeyRing.generate();
    assertThrows(
        IllegalStateException.class, () -> ChallengeTokens.builder().keyRing(ring).keyRing(ring));
    assertThrows(
        IllegalStateException.class,
        () -> ChallengeTokens.builder().clock(Clock.systemUTC()).clock(Clock.systemUTC()));
    assertThrows(
        IllegalStateException.class,
        () -> ChallengeTokens.builder().lifetime(Duration.ofDays(1)).lifetime(Duration.ofDays(1)));
    assertThrows(
        IllegalStateException.class,
        () -> ChallengeTokens.builder().skew(Duration.ZERO).skew(Duration.ZERO));
  }

  @Test
  void builder_outOfRangeValues_throwIllegalArgument() {
    assertThrows(
        IllegalArgumentException.class, () -> ChallengeTokens.builder().lifetime(Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> ChallengeTokens.builder().lifetime(Duration.ofMinutes(65536)));
    assertThrows(
        IllegalArgumentException.class,
        () -> ChallengeTokens.builder().skew(Duration.ofSeconds(-1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> ChallengeTokens.builder().skew(Duration.ofDays(1).plusSeconds(1)));
    assertThrows(NullPointerException.class, () -> ChallengeTokens.builder().keyRing(null));
    assertThrows(NullPointerException.class, () -> ChallengeTokens.builder().clock(null));
    ChallengeTokens.builder().skew(Duration.ofDays(1)).lifetime(Duration.ofMinutes(65535));
  }

  @Test
  void builder_lifetime_isUsedByMint() {
    ChallengeTokens t =
        ChallengeTokens.builder()
            .keyRing(KeyRing.generate())
            .clock(Clock.fixed(T0, ZoneOffset.UTC))
            .lifetime(Duration.ofHours(2))
            .build();
    assertEquals(Duration.ofHours(2), t.verify(t.mint("a", "b")).lifetime());
  }

  @Test
  void builder_skew_isUsedByVerify() {
    KeyRing ring = KeyRing.generate();
    String token = at(ring, T0).mint("a", "b", Duration.ofMinutes(1));
    MutableClock clock = new MutableClock(T0.plusSeconds(60 + 10));
    ChallengeTokens strict =
        ChallengeTokens.builder().keyRing(ring).clock(clock).skew(Duration.ofSeconds(10)).build();
    strict.verify(token);
    clock.advance(Duration.ofSeconds(1));
    assertEquals(
        Reason.EXPIRED, assertThrows(TokenException.class, () -> strict.verify(token)).reason());
  }

  @Test
  void claims_checkTheirFields() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ChallengeClaims(16, T0, Duration.ofMinutes(1), "a", "b"));
    assertThrows(
        NullPointerException.class,
        () -> new ChallengeClaims(0, null, Duration.ofMinutes(1), "a", "b"));
    assertEquals(
        T0.plusSeconds(60),
        new ChallengeClaims(0, T0, Duration.ofMinutes(1), "a", "b").expiresAt());
  }

  @Test
  void mint_controlCharacterInAddress_throwsIllegalArgument() {
    ChallengeTokens tokens = ChallengeTokens.of(KeyRing.generate());
    assertThrows(
        IllegalArgumentException.class, () -> tokens.mint("a\r\nb@example.org", "c@example.com"));
    assertThrows(
        IllegalArgumentException.class, () -> tokens.mint("a@example.org", "c\u007f@example.com"));
  }
}
