package org.smtpcr.auth.testing;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;

/**
 * An RSA key pair for DKIM tests, and the TXT record that publishes its public half at {@code
 * <selector>._domainkey.<domain>}.
 */
public final class DkimKeys {
  private final KeyPair pair;

  private DkimKeys(KeyPair pair) {
    this.pair = pair;
  }

  /** A fresh RSA-2048 key pair. */
  public static DkimKeys generate() {
    return generate(2048);
  }

  /** A fresh RSA key pair of this size (e.g. 512, to test that short keys are refused). */
  public static DkimKeys generate(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      return new DkimKeys(g.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The DNS TXT value: {@code v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo>}. */
  public String txtRecord() {
    return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
  }

  /** The private key, for {@link DkimTestSigner}. */
  public PrivateKey privateKey() {
    return pair.getPrivate();
  }

  /** The public key. */
  public PublicKey publicKey() {
    return pair.getPublic();
  }

  @Override
  public String toString() {
    return "DkimKeys[RSA, private key redacted]";
  }
}
