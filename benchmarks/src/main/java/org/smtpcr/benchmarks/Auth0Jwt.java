package org.smtpcr.benchmarks;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * HS256 JWTs with auth0 java-jwt, used as its documentation shows, with the algorithm and
 * verifier built once. The verifier checks the signature, issued-at and expiry (with the same skew
 * as SMTPCR, as leeway) and that both address claims are present; the key id is checked and the
 * addresses are taken out afterwards. java-jwt always writes a {@code "typ":"JWT"} header.
 */
public final class Auth0Jwt {
  private final Algorithm algorithm;
  private final JWTVerifier verifier;
  private final String keyId;
  private final Clock clock;
  private final Duration lifetime;

  Auth0Jwt(byte[] key, String keyId, Clock clock, Duration lifetime, Duration skew) {
    this.algorithm = Algorithm.HMAC256(key);
    this.keyId = keyId;
    this.clock = clock;
    this.lifetime = lifetime;
    this.verifier = ((JWTVerifier.BaseVerification) JWT.require(algorithm)
        .acceptLeeway(skew.toSeconds())
        .withClaimPresence("iat")
        .withClaimPresence("exp")
        .withClaimPresence(TokenFixtures.CLAIM_SENDER)
        .withClaimPresence(TokenFixtures.CLAIM_RECIPIENT))
        .build(clock);
  }

  /** A signed, serialised JWT for the pair, valid for the lifetime from now. */
  public String mint(String sender, String recipient) {
    Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    return JWT.create()
        .withKeyId(keyId)
        .withClaim(TokenFixtures.CLAIM_SENDER, sender)
        .withClaim(TokenFixtures.CLAIM_RECIPIENT, recipient)
        .withIssuedAt(now)
        .withExpiresAt(now.plus(lifetime))
        .sign(algorithm);
  }

  /** Verifies {@code token} and returns its addresses, or throws {@link JwtRejectedException}. */
  public Addresses verify(String token) {
    DecodedJWT jwt;
    try {
      jwt = verifier.verify(token);
    } catch (JWTVerificationException e) {
      throw new JwtRejectedException(e.getMessage(), e);
    }
    if (!keyId.equals(jwt.getKeyId())) {
      throw new JwtRejectedException("unexpected key id");
    }
    String sender = jwt.getClaim(TokenFixtures.CLAIM_SENDER).asString();
    String recipient = jwt.getClaim(TokenFixtures.CLAIM_RECIPIENT).asString();
    if (sender == null || recipient == null) {
      throw new JwtRejectedException("sender or recipient is not a string");
    }
    return new Addresses(sender, recipient);
  }
}
