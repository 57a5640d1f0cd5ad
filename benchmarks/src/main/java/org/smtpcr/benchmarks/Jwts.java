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

/**
 * The peers of the token benchmarks: HS256 JWTs from two Java libraries, each used the way a caller
 * that cares about speed would (signers and verifiers built once), carrying what an SMTPCR token
 * carries: sender, recipient, issued-at, expiry and a key id. Verify checks the key id, the
 * signature, issued-at and expiry (with SMTPCR's skew) and takes out both addresses.
 */
final class Jwts {
  /** JWT claims that hold the sender and recipient: short private names keep the JWTs short. */
  static final String SENDER = "snd";

  static final String RECIPIENT = "rcp";

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
  static Jwt nimbus(byte[] key, String keyId, Clock clock, Duration lifetime, Duration skew) {
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keyId).build();
    MACSigner signer;
    MACVerifier verifier;
    try {
      signer = new MACSigner(key);
      verifier = new MACVerifier(key);
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
                    .expirationTime(new Date(now + lifetime.toMillis()))
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
              JWSAlgorithm.HS256.equals(h.getAlgorithm()) && keyId.equals(h.getKeyID()),
              "algorithm or key id");
          check(jwt.verify(verifier), "bad signature");
          JWTClaimsSet claims = jwt.getJWTClaimsSet();
          long now = clock.millis();
          Date iat = claims.getIssueTime();
          Date exp = claims.getExpirationTime();
          check(iat != null && exp != null, "iat or exp missing");
          check(now + skew.toMillis() >= iat.getTime(), "not yet valid");
          check(now - skew.toMillis() <= exp.getTime(), "expired");
          return new Addresses(claims.getStringClaim(SENDER), claims.getStringClaim(RECIPIENT));
        } catch (ParseException | JOSEException | NullPointerException e) {
          throw new Rejected("malformed: " + e.getMessage(), e);
        }
      }
    };
  }

  /** auth0 java-jwt, as its documentation shows; it always writes a {@code "typ":"JWT"} header. */
  static Jwt auth0(byte[] key, String keyId, Clock clock, Duration lifetime, Duration skew) {
    Algorithm algorithm = Algorithm.HMAC256(key);
    JWTVerifier verifier =
        ((JWTVerifier.BaseVerification)
                JWT.require(algorithm)
                    .acceptLeeway(skew.toSeconds())
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
            .withKeyId(keyId)
            .withClaim(SENDER, sender)
            .withClaim(RECIPIENT, recipient)
            .withIssuedAt(now)
            .withExpiresAt(now.plus(lifetime))
            .sign(algorithm);
      }

      @Override
      public Addresses verify(String token) {
        try {
          DecodedJWT jwt = verifier.verify(token);
          check(keyId.equals(jwt.getKeyId()), "unexpected key id");
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
