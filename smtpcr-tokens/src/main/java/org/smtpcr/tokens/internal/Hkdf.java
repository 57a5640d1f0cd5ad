package org.smtpcr.tokens.internal;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/** HKDF-SHA256 (RFC 5869) as the token format v1 uses it. Not part of the public API. */
public final class Hkdf {
  /** The salt of format v1: the nine ASCII bytes {@code smtpcr-v1}. */
  private static final byte[] SALT_V1 = "smtpcr-v1".getBytes(StandardCharsets.US_ASCII);

  /** {@code info} for the challenge-token key. */
  public static final String INFO_CHALLENGE_TOKEN = "challenge-token";

  /** {@code info} for the pass-code key. */
  public static final String INFO_PASS_CODE = "pass-code";

  private Hkdf() {}

  /** Derives a 32-byte key from {@code ikm} with the v1 salt and the given {@code info}. */
  public static byte[] deriveV1(byte[] ikm, String info) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    generator.init(new HKDFParameters(ikm, SALT_V1, info.getBytes(StandardCharsets.US_ASCII)));
    byte[] out = new byte[32];
    generator.generateBytes(out, 0, out.length);
    return out;
  }
}
