package org.smtpcr.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

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
    ChallengeClaims c = at(ring, T0.plusSeconds(3600)).verify(token.toUpperCase());
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
    TokenException e = assertThrows(TokenException.class, () -> at(ring, T0.plusSeconds(901)).verify(token));
    assertEquals(TokenException.Reason.EXPIRED, e.reason());
  }

  @Test
  void passCode_computeThenVerify_matchesIgnoringCaseAndDashes() {
    PassCodes codes = PassCodes.of(KeyRing.generate());
    String code = codes.compute("alice@example.org", "bob@example.com");
    assertEquals(18, code.length());
    codes.verify(PassCodes.grouped(code).toUpperCase(), "alice@example.org", "bob@example.com");
    assertEquals(TokenException.Reason.BAD_SIGNATURE, assertThrows(TokenException.class,
        () -> codes.verify(code, "mallory@example.org", "bob@example.com")).reason());
  }
}
