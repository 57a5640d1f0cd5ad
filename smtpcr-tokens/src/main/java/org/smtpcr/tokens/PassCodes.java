package org.smtpcr.tokens;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.smtpcr.tokens.TokenException.Reason;
import org.smtpcr.tokens.internal.Base32;
import org.smtpcr.tokens.internal.Hkdf;
import org.smtpcr.tokens.internal.HmacSha256;

/**
 * Pass codes of format v1, the "magic password": an 18-character code bound to one (canonical
 * sender, canonical recipient) pair that lets that sender through without any stored state. The
 * challenge page shows it; the sender puts it in the recipient's sub-address ({@code
 * bob+CODE@example.com}) or the Subject.
 *
 * <p>Codes are computed with the active key; any key in the ring verifies. Matching ignores letter
 * case and {@code -}, so a code may be shown grouped ({@link #grouped(String)}). Immutable and
 * thread-safe.
 *
 * @since 0.1.0
 */
public final class PassCodes {
  /** Length of a pass code without separators. */
  public static final int LENGTH = 18;

  /** Longest input {@link #verify} looks at, separators included. */
  public static final int MAX_INPUT_LENGTH = 64;

  private static final byte[] PREFIX = "smtpcr-pass-v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ZERO = {0};
  private static final int MAC_BYTES = 10;

  private final KeyRing keyRing;
  private final HmacSha256[] macs;

  private PassCodes(KeyRing keyRing) {
    this.keyRing = keyRing;
    this.macs = new HmacSha256[KeyRing.MAX_KEY_ID + 1];
    for (int kid : keyRing.keyIds()) {
      byte[] k = keyRing.derive(kid, Hkdf.INFO_PASS_CODE);
      macs[kid] = new HmacSha256(k);
      Arrays.fill(k, (byte) 0);
    }
  }

  /** Pass codes under {@code keyRing}. */
  public static PassCodes of(KeyRing keyRing) {
    return new PassCodes(requireNonNull(keyRing, "keyRing"));
  }

  /**
   * The pass code for {@code sender} writing to {@code recipient} (both canonical), lowercase, 18
   * characters, no separators.
   *
   * @throws IllegalArgumentException if an address is empty, over 254 bytes or not well-formed
   */
  public String compute(String sender, String recipient) {
    byte[] s = ChallengeTokens.utf8(requireNonNull(sender, "sender"), "sender");
    byte[] r = ChallengeTokens.utf8(requireNonNull(recipient, "recipient"), "recipient");
    int kid = keyRing.activeKeyId();
    return Base32.encode(code(kid, s, r));
  }

  /**
   * Checks that {@code code} is the pass code of {@code sender} writing to {@code recipient}.
   *
   * @throws TokenException {@code MALFORMED} when it is not 18 base32 characters (ignoring case and
   *     {@code -}), {@code UNKNOWN_KEY} when its key id is not in the ring, {@code BAD_SIGNATURE}
   *     when it is not the code of this pair
   */
  public void verify(CharSequence code, String sender, String recipient) {
    requireNonNull(code, "code");
    requireNonNull(sender, "sender");
    requireNonNull(recipient, "recipient");
    if (code.length() > MAX_INPUT_LENGTH) {
      throw new TokenException(
          Reason.MALFORMED,
          "pass code has "
              + code.length()
              + " characters; at most "
              + MAX_INPUT_LENGTH
              + " allowed");
    }
    byte[] given = Base32.decodeOrNull(code, '-');
    if (given == null
        || given.length != 1 + MAC_BYTES
        || Base32.encodedLength(given.length) != code.length() - count(code, '-')) {
      throw new TokenException(Reason.MALFORMED, "a pass code is " + LENGTH + " base32 characters");
    }
    int kid = given[0] & 0xff;
    if (kid > KeyRing.MAX_KEY_ID || macs[kid] == null) {
      throw new TokenException(
          Reason.UNKNOWN_KEY,
          "pass code names key id " + kid + ", which is not in the ring " + keyRing.keyIds());
    }
    byte[] s;
    byte[] r;
    try {
      s = ChallengeTokens.utf8(sender, "sender");
      r = ChallengeTokens.utf8(recipient, "recipient");
    } catch (IllegalArgumentException e) {
      throw new TokenException(Reason.BAD_SIGNATURE, "pass code does not match: " + e.getMessage());
    }
    if (!MessageDigest.isEqual(code(kid, s, r), given)) {
      throw new TokenException(
          Reason.BAD_SIGNATURE, "pass code does not match this sender and recipient");
    }
  }

  /** Whether {@code code} is the pass code of the pair; {@link #verify} says why not. */
  public boolean matches(CharSequence code, String sender, String recipient) {
    try {
      verify(code, sender, recipient);
      return true;
    } catch (TokenException e) {
      return false;
    }
  }

  /** {@code code} in three groups of six for display, such as {@code abcdef-ghijkl-mnopqr}. */
  public static String grouped(String code) {
    requireNonNull(code, "code");
    if (code.length() != LENGTH) {
      return code;
    }
    return code.substring(0, 6) + "-" + code.substring(6, 12) + "-" + code.substring(12);
  }

  @Override
  public String toString() {
    return "PassCodes[" + keyRing + "]";
  }

  private byte[] code(int kid, byte[] sender, byte[] recipient) {
    byte[] mac = macs[kid].mac(PREFIX, ZERO, sender, ZERO, recipient);
    byte[] out = new byte[1 + MAC_BYTES];
    out[0] = (byte) kid;
    System.arraycopy(mac, 0, out, 1, MAC_BYTES);
    return out;
  }

  private static int count(CharSequence s, char c) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        n++;
      }
    }
    return n;
  }
}
