package org.smtpcr.examples.web;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The stateless, server-issued proof-of-work of the challenge page, scheme {@code smtpcr-pow-v2}.
 *
 * <pre>
 * stamp     = Stamps("pow-challenge").sign("smtpcr-pow-v2" || 0x00 || token || 0x00 || issued
 *                                          || 0x00 || bits)
 * challenge = SHA-256("smtpcr-pow-v2" || 0x00 || stamp)
 * proof     = SHA-256(challenge || nonce)      nonce: 8 bytes, big-endian, unsigned
 * passes    = proof starts with at least {@code bits} zero bits
 * </pre>
 *
 * <p>{@code token} is the verified token in lowercase, {@code issued} the decimal epoch second at
 * which the page was rendered and {@code bits} the decimal difficulty, all ASCII. The stamp is an
 * HMAC under a key derived from the site's key ring (see {@link org.smtpcr.tokens.Stamps}): the
 * client can neither choose its own time or difficulty nor compute a challenge before the page
 * issues it, so the work cannot be done in advance. The page hands out {@code issued}, {@code bits}
 * and {@code stamp} with the form and checks them when they come back; it keeps no state.
 */
final class ProofOfWork {
  static final String DOMAIN = "smtpcr-pow-v2";
  static final int MAX_BITS = 40;

  private ProofOfWork() {}

  /** What the stamp vouches for. */
  static byte[] stamped(String token, long issued, int bits) {
    requireNonNull(token, "token");
    return (DOMAIN + "\0" + token + "\0" + issued + "\0" + bits)
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The challenge the browser works on: derived from the stamp, so only the site can issue it. */
  static byte[] challenge(String stamp) {
    requireNonNull(stamp, "stamp");
    MessageDigest sha = sha256();
    sha.update(DOMAIN.getBytes(StandardCharsets.US_ASCII));
    sha.update((byte) 0);
    sha.update(stamp.getBytes(StandardCharsets.US_ASCII));
    return sha.digest();
  }

  static byte[] sha256(byte[] data) {
    return sha256().digest(data);
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
