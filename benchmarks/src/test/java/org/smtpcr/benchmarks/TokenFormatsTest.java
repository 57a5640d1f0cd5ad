package org.smtpcr.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpcr.benchmarks.TokenFixtures.RECIPIENT;
import static org.smtpcr.benchmarks.TokenFixtures.SENDER;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.smtpcr.tokens.ChallengeClaims;
import org.smtpcr.tokens.TokenException;

/**
 * The three formats do what the benchmarks assume: each mints a token that its verifier accepts
 * with both addresses intact, and each verifier really checks the signature and the expiry, so
 * the comparison is of equal work.
 */
class TokenFormatsTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final Clock AT_T0 = Clock.fixed(T0, ZoneOffset.UTC);
  private static final Clock EXPIRED = Clock.fixed(T0.plus(Duration.ofDays(7)).plusSeconds(301), ZoneOffset.UTC);
  private static final Clock STILL_VALID = Clock.fixed(T0.plus(Duration.ofDays(7)).plusSeconds(299), ZoneOffset.UTC);

  @Test
  void addressesAreTwentyBytesEach() {
    assertEquals(20, SENDER.getBytes(StandardCharsets.UTF_8).length);
    assertEquals(20, RECIPIENT.getBytes(StandardCharsets.UTF_8).length);
    assertEquals(32, TokenFixtures.key().length);
  }

  @Test
  void smtpcrRoundTripsAndChecks() {
    String token = TokenFixtures.challengeTokens(AT_T0).mint(SENDER, RECIPIENT);
    ChallengeClaims c = TokenFixtures.challengeTokens(STILL_VALID).verify(token);
    assertEquals(SENDER, c.sender());
    assertEquals(RECIPIENT, c.recipient());
    assertThrows(TokenException.class, () -> TokenFixtures.challengeTokens(EXPIRED).verify(token));
    assertThrows(TokenException.class, () -> TokenFixtures.challengeTokens(AT_T0).verify(tamper(token)));
  }

  @Test
  void nimbusRoundTripsAndChecks() {
    checkJwt(TokenFixtures.nimbus(AT_T0).mint(SENDER, RECIPIENT),
        t -> TokenFixtures.nimbus(STILL_VALID).verify(t),
        t -> TokenFixtures.nimbus(EXPIRED).verify(t),
        t -> TokenFixtures.nimbus(AT_T0).verify(t));
  }

  @Test
  void auth0RoundTripsAndChecks() {
    checkJwt(TokenFixtures.auth0(AT_T0).mint(SENDER, RECIPIENT),
        t -> TokenFixtures.auth0(STILL_VALID).verify(t),
        t -> TokenFixtures.auth0(EXPIRED).verify(t),
        t -> TokenFixtures.auth0(AT_T0).verify(t));
  }

  @Test
  void eachJwtLibraryVerifiesTheOthersTokens() {
    // same key, claims and header content: the two libraries produce interchangeable JWTs
    Addresses a = TokenFixtures.auth0(AT_T0).verify(TokenFixtures.nimbus(AT_T0).mint(SENDER, RECIPIENT));
    Addresses n = TokenFixtures.nimbus(AT_T0).verify(TokenFixtures.auth0(AT_T0).mint(SENDER, RECIPIENT));
    assertEquals(new Addresses(SENDER, RECIPIENT), a);
    assertEquals(new Addresses(SENDER, RECIPIENT), n);
  }

  @Test
  void samplesHaveTheExpectedLengths() {
    TokenSamples t = TokenSamples.mint(AT_T0);
    // 9 header bytes + 20 + 20 address bytes + 16 tag bytes = 65 bytes = 104 base32 characters
    assertEquals(104, t.smtpcr().length());
    assertTrue(t.nimbus().length() > 150, t.nimbus());
    assertTrue(t.auth0().length() > t.nimbus().length(), "auth0 adds a typ header");
    assertEquals(t.nimbus().length(), t.shortestJwtLength());
  }

  private static void checkJwt(String token, Function<String, Addresses> valid,
      Function<String, Addresses> expired, Function<String, Addresses> atT0) {
    assertEquals(new Addresses(SENDER, RECIPIENT), valid.apply(token));
    assertThrows(JwtRejectedException.class, () -> expired.apply(token));
    assertThrows(JwtRejectedException.class, () -> atT0.apply(tamper(token)));
    String[] parts = token.split("\\.");
    String otherSignature = TokenFixtures.nimbus(AT_T0).mint(RECIPIENT, SENDER).split("\\.")[2];
    assertThrows(JwtRejectedException.class,
        () -> atT0.apply(parts[0] + "." + parts[1] + "." + otherSignature));
  }

  /** Changes one character in the middle, keeping the alphabet. */
  private static String tamper(String token) {
    int i = token.length() / 2;
    char c = token.charAt(i);
    char d = c == 'a' ? 'b' : c == 'A' ? 'B' : Character.isLowerCase(c) ? 'a' : Character.isUpperCase(c) ? 'A' : c == '0' ? '1' : '0';
    return token.substring(0, i) + d + token.substring(i + 1);
  }
}
