package org.smtpcr.benchmarks;

import java.time.Clock;

/**
 * One token of each format for the shared addresses, as the benchmarks mint them, and their
 * lengths. {@code java -cp benchmarks/target/benchmarks.jar org.smtpcr.benchmarks.TokenSamples}
 * prints them.
 *
 * @param smtpcr an SMTPCR challenge token (format v1)
 * @param nimbus an HS256 JWT from Nimbus JOSE+JWT
 * @param auth0 an HS256 JWT from auth0 java-jwt
 */
public record TokenSamples(String smtpcr, String nimbus, String auth0) {
  /** Mints one of each now. */
  public static TokenSamples mint() {
    return mint(Clock.systemUTC());
  }

  /** Mints one of each on {@code clock}. */
  public static TokenSamples mint(Clock clock) {
    String s = TokenFixtures.SENDER;
    String r = TokenFixtures.RECIPIENT;
    return new TokenSamples(
        TokenFixtures.challengeTokens(clock).mint(s, r),
        TokenFixtures.nimbus(clock).mint(s, r),
        TokenFixtures.auth0(clock).mint(s, r));
  }

  /** The length of the shorter JWT, in characters. */
  public int shortestJwtLength() {
    return Math.min(nimbus.length(), auth0.length());
  }

  /** Prints each token with its length in characters. */
  public static void main(String[] args) {
    TokenSamples t = mint();
    System.out.printf("SMTPCR v1   %4d  %s%n", t.smtpcr.length(), t.smtpcr);
    System.out.printf("Nimbus JWT  %4d  %s%n", t.nimbus.length(), t.nimbus);
    System.out.printf("auth0 JWT   %4d  %s%n", t.auth0.length(), t.auth0);
  }
}
