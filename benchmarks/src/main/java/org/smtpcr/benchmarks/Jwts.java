package org.smtpcr.benchmarks;

import static java.util.Objects.requireNonNull;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.smtpcr.tokens.ChallengeTokens;

/**
 * The peers of the token benchmarks: HS256 JWTs from two Java libraries, with signers and verifiers
 * built once, carrying what an SMTPCR token carries ({@link TokenFixtures}: same key, key id {@code
 * 0}, lifetime and skew). Verify checks the key id, the signature, issued-at and expiry and takes
 * out both addresses.
 */
final class Jwts {
  /** JWT claims that hold the sender and recipient: short private names keep the JWTs short. */
  static final String SENDER = "snd";

  static final String RECIPIENT = "rcp";
  private static final String KEY_ID = "0";
  private static final Duration LIFETIME = ChallengeTokens.DEFAULT_LIFETIME;
  private static final Duration SKEW = ChallengeTokens.DEFAULT_SKEW;

  private Jwts() {}

  /** The two addresses a verified JWT names. */
  record Addresses(String sender, String recipient) {
    Addresses {
      requireNonNull(sender, "sender");
      requireNonNull(recipient, "recipient");
    }
  }

  /**
   * A JWT did not verify: bad signature, wrong key id, expired, not yet valid or a claim missing.
   */
  static final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Rejected(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A JWT library under test. */
  interface Jwt {
    String mint(String sender, String recipient);

    Addresses verify(String token);
  }

  /** Nimbus JOSE+JWT. */
  static Jwt nimbus(Clock clock) {
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(KEY_ID).build();
    MACSigner signer;
    MACVerifier verifier;
    try {
      signer = new MACSigner(TokenFixtures.key());
      verifier = new MACVerifier(TokenFixtures.key());
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot set up HS256", e);
    }
    return new Jwt() {
      @Override
      public String mint(String sender, String recipient) {
        long now = clock.instant().getEpochSecond() * 1000; // JWT times are whole seconds
        SignedJWT jwt =
            new SignedJWT(
                header,
                new JWTClaimsSet.Builder()
                    .claim(SENDER, sender)
                    .claim(RECIPIENT, recipient)
                    .issueTime(new Date(now))
                    .expirationTime(new Date(now + LIFETIME.toMillis()))
                    .build());
        try {
          jwt.sign(signer);
        } catch (JOSEException e) {
          throw new IllegalStateException("cannot sign", e);
        }
        return jwt.serialize();
      }

      @Override
      public Addresses verify(String token) {
        try {
          SignedJWT jwt = SignedJWT.parse(token);
          JWSHeader h = jwt.getHeader();
          check(
              JWSAlgorithm.HS256.equals(h.getAlgorithm()) && KEY_ID.equals(h.getKeyID()),
              "algorithm or key id");
          check(jwt.verify(verifier), "bad signature");
          JWTClaimsSet claims = jwt.getJWTClaimsSet();
          long now = clock.millis();
          Date iat = claims.getIssueTime();
          Date exp = claims.getExpirationTime();
          check(iat != null && exp != null, "iat or exp missing");
          check(now + SKEW.toMillis() >= iat.getTime(), "not yet valid");
          check(now - SKEW.toMillis() <= exp.getTime(), "expired");
          return new Addresses(claims.getStringClaim(SENDER), claims.getStringClaim(RECIPIENT));
        } catch (ParseException | JOSEException | NullPointerException e) {
          throw new Rejected("malformed: " + e.getMessage(), e);
        }
      }
    };
  }

  /** auth0 java-jwt, as its documentation shows; it always writes a {@code "typ":"JWT"} header. */
  static Jwt auth0(Clock clock) {
    Algorithm algorithm = Algorithm.HMAC256(TokenFixtures.key());
    JWTVerifier verifier =
        ((JWTVerifier.BaseVerification)
                JWT.require(algorithm)
                    .acceptLeeway(SKEW.toSeconds())
                    .withClaimPresence("iat")
                    .withClaimPresence("exp")
                    .withClaimPresence(SENDER)
                    .withClaimPresence(RECIPIENT))
            .build(clock);
    return new Jwt() {
      @Override
      public String mint(String sender, String recipient) {
        Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        return JWT.create()
            .withKeyId(KEY_ID)
            .withClaim(SENDER, sender)
            .withClaim(RECIPIENT, recipient)
            .withIssuedAt(now)
            .withExpiresAt(now.plus(LIFETIME))
            .sign(algorithm);
      }

      @Override
      public Addresses verify(String token) {
        try {
          DecodedJWT jwt = verifier.verify(token);
          check(KEY_ID.equals(jwt.getKeyId()), "unexpected key id");
          return new Addresses(jwt.getClaim(SENDER).asString(), jwt.getClaim(RECIPIENT).asString());
        } catch (JWTVerificationException | NullPointerException e) {
          throw new Rejected(e.getMessage(), e);
        }
      }
    };
  }

  private static void check(boolean ok, String problem) {
    if (!ok) {
      throw new Rejected(problem, null);
    }
  }
}
