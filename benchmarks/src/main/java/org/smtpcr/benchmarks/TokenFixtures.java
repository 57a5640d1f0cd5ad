package org.smtpcr.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.MasterKey;
import org.smtpcr.tokens.PassCodes;

/**
 * What every token format in the comparison is given: the same 32-byte key, the same two
 * addresses (20 bytes each, a realistic length), the same key id, lifetime and clock skew.
 *
 * <p>The JWTs carry exactly what an SMTPCR token carries: sender, recipient, issued-at and expiry
 * (our token stores issued-at and a lifetime, from which the expiry follows), plus a key id in the
 * header. The claim names are short private names, which keeps the JWTs as short as a JWT
 * carrying these four facts reasonably gets.
 */
public final class TokenFixtures {
  /** The sender: 20 bytes. */
  public static final String SENDER = "alice.liddell@ex.org";

  /** The recipient: 20 bytes. */
  public static final String RECIPIENT = "bob.smith@example.io";

  /** JWT claim that holds the sender. */
  public static final String CLAIM_SENDER = "snd";

  /** JWT claim that holds the recipient. */
  public static final String CLAIM_RECIPIENT = "rcp";

  /** Key id: the SMTPCR key ring holds the key under id 0, so the JWTs name {@code "0"}. */
  public static final int KEY_ID = 0;

  /** The JWT {@code kid} header. */
  public static final String JWT_KEY_ID = Integer.toString(KEY_ID);

  /** Token lifetime for all formats: the SMTPCR default. */
  public static final Duration LIFETIME = ChallengeTokens.DEFAULT_LIFETIME;

  /** Clock skew every verifier allows: the SMTPCR default. */
  public static final Duration SKEW = ChallengeTokens.DEFAULT_SKEW;

  private static final String KEY_HEX =
      "6a1f3c9e0b7d4852a6e13f90c2d7b45e8f0a1b2c3d4e5f60718293a4b5c6d7e8";

  private TokenFixtures() {}

  /** A fresh copy of the 32-byte key all formats sign with. */
  public static byte[] key() {
    return HexFormat.of().parseHex(KEY_HEX);
  }

  /** The SMTPCR key ring: {@link #key()} under id {@link #KEY_ID}, active. */
  public static KeyRing keyRing() {
    return KeyRing.builder().key(KEY_ID, MasterKey.copyOf(key())).active(KEY_ID).build();
  }

  /** SMTPCR challenge tokens on {@code clock}, with the shared lifetime and skew. */
  public static ChallengeTokens challengeTokens(Clock clock) {
    return ChallengeTokens.builder().keyRing(keyRing()).clock(clock).lifetime(LIFETIME).skew(SKEW).build();
  }

  /** SMTPCR pass codes under the shared key. */
  public static PassCodes passCodes() {
    return PassCodes.of(keyRing());
  }

  /** Nimbus JOSE+JWT, HS256, on {@code clock}. */
  public static NimbusJwt nimbus(Clock clock) {
    return new NimbusJwt(key(), JWT_KEY_ID, clock, LIFETIME, SKEW);
  }

  /** auth0 java-jwt, HS256, on {@code clock}. */
  public static Auth0Jwt auth0(Clock clock) {
    return new Auth0Jwt(key(), JWT_KEY_ID, clock, LIFETIME, SKEW);
  }
}
