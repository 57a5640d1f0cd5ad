package org.smtpcr.tokens;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.smtpcr.tokens.TokenException.Reason;
import org.smtpcr.tokens.internal.HmacSha256;

/**
 * Stamps: short MACs over values a site hands out and must get back unchanged, such as the
 * proof-of-work challenge the page issues (its time and difficulty), so that the site keeps no
 * state and the client cannot pick the values itself.
 *
 * <p>Each purpose has its own key, derived from each master key with HKDF ({@code info} = {@code
 * "stamp:" + purpose}); the master key itself never signs anything, and no stamp key equals the
 * token or pass-code key. A stamp is the signing key's id as one hex digit followed by a 128-bit
 * HMAC-SHA256 tag as 32 lowercase hex digits (33 characters): stamps are made with the active key
 * and verified with the key they name, so a key rotation does not break stamps already handed out.
 * Tags are compared in constant time. Immutable and thread-safe.
 *
 * @since 0.3.0
 */
public final class Stamps {
  /** Length of a stamp in characters. */
  public static final int LENGTH = 33;

  private static final int TAG_BYTES = 16;
  private static final Pattern PURPOSE = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
  private static final HexFormat HEX = HexFormat.of();

  private final KeyRing keyRing;
  private final String purpose;
  private final HmacSha256[] macs;

  private Stamps(KeyRing keyRing, String purpose) {
    this.keyRing = keyRing;
    this.purpose = purpose;
    this.macs = new HmacSha256[KeyRing.MAX_KEY_ID + 1];
    for (int kid : keyRing.keyIds()) {
      byte[] k = keyRing.derive(kid, "stamp:" + purpose);
      macs[kid] = new HmacSha256(k);
      Arrays.fill(k, (byte) 0);
    }
  }

  /**
   * Stamps for {@code purpose} under {@code keyRing}.
   *
   * @param keyRing the site's key ring
   * @param purpose what the stamps are for, 1 to 40 characters of {@code a-z}, {@code 0-9} and
   *     {@code -}, such as {@code pow-challenge}; stamps of one purpose never verify for another
   * @return the stamps
   * @throws IllegalArgumentException if the purpose is not of that form
   */
  public static Stamps of(KeyRing keyRing, String purpose) {
    requireNonNull(keyRing, "keyRing");
    requireNonNull(purpose, "purpose");
    checkArgument(
        PURPOSE.matcher(purpose).matches(),
        "a stamp purpose is 1..40 characters of a-z, 0-9 and -, starting with a letter or digit");
    return new Stamps(keyRing, purpose);
  }

  /**
   * The stamp of {@code message}, made with the active key.
   *
   * @param message the bytes to vouch for
   * @return the stamp, {@value #LENGTH} lowercase hex characters
   */
  public String sign(byte[] message) {
    requireNonNull(message, "message");
    int kid = keyRing.activeKeyId();
    return Character.forDigit(kid, 16) + HEX.formatHex(tag(kid, message));
  }

  /**
   * Checks that {@code stamp} is the stamp of {@code message}.
   *
   * @param message the bytes the stamp should vouch for
   * @param stamp the stamp as received; case matters (stamps are lowercase)
   * @throws TokenException {@code MALFORMED} when it is not {@value #LENGTH} lowercase hex
   *     characters, {@code UNKNOWN_KEY} when the key it names is not in the ring, {@code
   *     BAD_SIGNATURE} when it is not the stamp of {@code message}
   */
  public void verify(byte[] message, CharSequence stamp) {
    requireNonNull(message, "message");
    requireNonNull(stamp, "stamp");
    if (stamp.length() != LENGTH) {
      throw new TokenException(
          Reason.MALFORMED, "a stamp has " + LENGTH + " characters, got " + stamp.length());
    }
    for (int i = 0; i < LENGTH; i++) {
      char c = stamp.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new TokenException(Reason.MALFORMED, "a stamp is lowercase hex");
      }
    }
    int kid = Character.digit(stamp.charAt(0), 16);
    if (macs[kid] == null) {
      throw new TokenException(Reason.UNKNOWN_KEY, "stamp key id " + kid + " is not in the ring");
    }
    byte[] given = HEX.parseHex(stamp, 1, LENGTH);
    if (!MessageDigest.isEqual(tag(kid, message), given)) {
      throw new TokenException(Reason.BAD_SIGNATURE, "stamp does not match");
    }
  }

  private byte[] tag(int kid, byte[] message) {
    byte[] prefix = ("smtpcr-stamp-v1:" + purpose).getBytes(StandardCharsets.US_ASCII);
    return Arrays.copyOf(macs[kid].mac(prefix, new byte[] {0}, message), TAG_BYTES);
  }

  @Override
  public String toString() {
    return "Stamps[purpose=" + purpose + ", keys=" + keyRing.keyIds() + "]";
  }
}
