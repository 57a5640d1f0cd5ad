package org.smtpcr.benchmarks;

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
import java.util.Date;

/**
 * HS256 JWTs with Nimbus JOSE+JWT, used the way a caller that cares about speed would: the signer,
 * verifier and header are built once; each mint builds the claims, signs and serialises; each
 * verify parses, checks the algorithm and key id, the signature, issued-at and expiry (with the
 * same skew as SMTPCR), and takes out the two addresses.
 */
public final class NimbusJwt {
  private final JWSHeader header;
  private final MACSigner signer;
  private final MACVerifier verifier;
  private final String keyId;
  private final Clock clock;
  private final long lifetimeMillis;
  private final long skewMillis;

  NimbusJwt(byte[] key, String keyId, Clock clock, Duration lifetime, Duration skew) {
    try {
      this.signer = new MACSigner(key);
      this.verifier = new MACVerifier(key);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot set up HS256", e);
    }
    this.header = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keyId).build();
    this.keyId = keyId;
    this.clock = clock;
    this.lifetimeMillis = lifetime.toMillis();
    this.skewMillis = skew.toMillis();
  }

  /** A signed, serialised JWT for the pair, valid for the lifetime from now. */
  public String mint(String sender, String recipient) {
    long now = clock.instant().getEpochSecond() * 1000; // JWT times are whole seconds
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .claim(TokenFixtures.CLAIM_SENDER, sender)
        .claim(TokenFixtures.CLAIM_RECIPIENT, recipient)
        .issueTime(new Date(now))
        .expirationTime(new Date(now + lifetimeMillis))
        .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign", e);
    }
    return jwt.serialize();
  }

  /** Verifies {@code token} and returns its addresses, or throws {@link JwtRejectedException}. */
  public Addresses verify(String token) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      JWSHeader h = jwt.getHeader();
      if (!JWSAlgorithm.HS256.equals(h.getAlgorithm()) || !keyId.equals(h.getKeyID())) {
        throw new JwtRejectedException("unexpected algorithm or key id");
      }
      if (!jwt.verify(verifier)) {
        throw new JwtRejectedException("bad signature");
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      long now = clock.millis();
      Date iat = claims.getIssueTime();
      Date exp = claims.getExpirationTime();
      if (iat == null || exp == null) {
        throw new JwtRejectedException("iat or exp missing");
      }
      if (now + skewMillis < iat.getTime()) {
        throw new JwtRejectedException("not yet valid");
      }
      if (now - skewMillis > exp.getTime()) {
        throw new JwtRejectedException("expired");
      }
      String sender = claims.getStringClaim(TokenFixtures.CLAIM_SENDER);
      String recipient = claims.getStringClaim(TokenFixtures.CLAIM_RECIPIENT);
      if (sender == null || recipient == null) {
        throw new JwtRejectedException("sender or recipient missing");
      }
      return new Addresses(sender, recipient);
    } catch (ParseException | JOSEException e) {
      throw new JwtRejectedException("malformed: " + e.getMessage(), e);
    }
  }
}
