package org.smtpcr.tokens;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.smtpcr.tokens.internal.Hkdf;

/**
 * A master secret of at least 32 bytes from which the per-purpose keys of format v1 are derived.
 *
 * <p>No public method returns the bytes: they leave this package only as the text of a key file
 * ({@link KeyRingFile#format}, {@link KeyRingFile#write}). {@link #toString()} shows only the
 * length and a fingerprint, and {@code equals} is identity; compare keys with {@link
 * #sameKeyAs(MasterKey)}, which runs in constant time.
 *
 * @since 0.1.0
 */
public final class MasterKey {
  /** Smallest accepted secret, in bytes (256 bits). */
  public static final int MIN_LENGTH = 32;

  /** Largest accepted secret, in bytes. */
  public static final int MAX_LENGTH = 1024;

  private final byte[] bytes;
  private final String fingerprint;

  private MasterKey(byte[] bytes) {
    this.bytes = bytes;
    this.fingerprint = computeFingerprint(bytes);
  }

  /**
   * Copies {@code secret} into a new key.
   *
   * @throws IllegalArgumentException if the secret is shorter than {@value #MIN_LENGTH} bytes (the
   *     message gives only the length)
   */
  public static MasterKey copyOf(byte[] secret) {
    requireNonNull(secret, "secret");
    checkArgument(
        secret.length >= MIN_LENGTH,
        "a master key needs at least %s bytes, got %s",
        MIN_LENGTH,
        secret.length);
    checkArgument(
        secret.length <= MAX_LENGTH,
        "a master key has at most %s bytes, got %s",
        MAX_LENGTH,
        secret.length);
    return new MasterKey(secret.clone());
  }

  /** Generates a fresh 32-byte key from {@code random}. */
  public static MasterKey generate(SecureRandom random) {
    requireNonNull(random, "random");
    byte[] secret = new byte[MIN_LENGTH];
    random.nextBytes(secret);
    return new MasterKey(secret);
  }

  /** Generates a fresh 32-byte key from a new {@link SecureRandom}. */
  public static MasterKey generate() {
    return generate(new SecureRandom());
  }

  /** Length of the secret in bytes. */
  public int length() {
    return bytes.length;
  }

  /**
   * A short public name for this key: 8 hex digits of a one-way function of it, safe to log and
   * show, to tell keys apart (for example after a rotation).
   */
  public String fingerprint() {
    return fingerprint;
  }

  /**
   * A copy of the secret, for the key file text (package use only: the raw bytes are not public
   * API). The caller owns the copy and should overwrite it when done.
   */
  byte[] copyBytes() {
    return bytes.clone();
  }

  /** Whether {@code other} holds the same secret, compared in constant time. */
  public boolean sameKeyAs(MasterKey other) {
    requireNonNull(other, "other");
    return MessageDigest.isEqual(bytes, other.bytes);
  }

  /** Derives the 32-byte key of format v1 for {@code info} (package use only). */
  byte[] derive(String info) {
    return Hkdf.deriveV1(bytes, info);
  }

  @Override
  public String toString() {
    return "MasterKey[redacted, " + bytes.length + " bytes, fingerprint " + fingerprint + "]";
  }

  private static String computeFingerprint(byte[] secret) {
    // a separate HKDF purpose, so the fingerprint reveals nothing about the token or pass-code keys
    byte[] derived = Hkdf.deriveV1(secret, "key-fingerprint");
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(derived);
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the Java platform must provide SHA-256", e);
    } finally {
      Arrays.fill(derived, (byte) 0);
    }
  }
}
