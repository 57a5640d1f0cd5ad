package org.smtpcr.examples.web;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The stateless proof-of-work of the challenge page, scheme {@code smtpcr-pow-v1}.
 *
 * <pre>
 * challenge = SHA-256("smtpcr-pow-v1" || 0x00 || token || 0x00 || issued)
 * proof     = SHA-256(challenge || nonce)      nonce: 8 bytes, big-endian, unsigned
 * passes    = proof starts with at least {@code bits} zero bits
 * </pre>
 *
 * <p>{@code token} is the verified token in lowercase and {@code issued} the decimal epoch second
 * at which the page was rendered, both as ASCII. The work is bound to the token (so to the pair)
 * and to a recent time; the server keeps nothing and needs no secret.
 */
final class ProofOfWork {
  static final String DOMAIN = "smtpcr-pow-v1";
  static final int MAX_BITS = 40;

  private ProofOfWork() {}

  static byte[] challenge(String token, long issued) {
    requireNonNull(token, "token");
    MessageDigest sha = sha256();
    sha.update(DOMAIN.getBytes(StandardCharsets.US_ASCII));
    sha.update((byte) 0);
    sha.update(token.getBytes(StandardCharsets.US_ASCII));
    sha.update((byte) 0);
    sha.update(Long.toString(issued).getBytes(StandardCharsets.US_ASCII));
    return sha.digest();
  }

  static byte[] proof(byte[] challenge, long nonce) {
    MessageDigest sha = sha256();
    sha.update(challenge);
    sha.update(ByteBuffer.allocate(Long.BYTES).putLong(nonce).array());
    return sha.digest();
  }

  static boolean passes(byte[] challenge, long nonce, int bits) {
    checkArgument(bits >= 0 && bits <= MAX_BITS, "bits must be 0..%s, got %s", MAX_BITS, bits);
    return leadingZeroBits(proof(challenge, nonce)) >= bits;
  }

  static int leadingZeroBits(byte[] digest) {
    int n = 0;
    for (byte b : digest) {
      if (b == 0) {
        n += 8;
      } else {
        return n + Integer.numberOfLeadingZeros(b & 0xff) - 24;
      }
    }
    return n;
  }

  /** The smallest passing nonce; what the page's worker computes, for tests and tools. */
  static long solve(byte[] challenge, int bits) {
    for (long nonce = 0; ; nonce++) {
      if (passes(challenge, nonce, bits)) {
        return nonce;
      }
    }
  }

  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length * 2);
    for (byte x : b) {
      sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return sb.toString();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
