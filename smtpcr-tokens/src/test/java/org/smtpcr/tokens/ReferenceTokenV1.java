package org.smtpcr.tokens;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A second, independent implementation of token format v1 and pass codes v1, written from {@code
 * shared/spec/token-v1.md} alone. It calls no production class: HKDF is RFC 5869 spelled out on the
 * JDK's {@link Mac}, base32 goes through a string of '0' and '1' characters, and every byte is
 * placed by hand. Tests compare production against it, and the vector generator uses it.
 *
 * <p>It can also build tokens that production must refuse (wrong version, flags, lengths, bad
 * UTF-8, trailing bits), signed correctly so that the check under test is the one that fires.
 * Readable over fast; not for production use.
 */
public final class ReferenceTokenV1 {
  /** The base32 alphabet of RFC 4648, lowercase. */
  public static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

  /** The decoder bound of the spec. */
  public static final int MAX_CHARS = 600;

  static final byte[] SALT = ascii("smtpcr-v1");
  static final byte[] INFO_TOKEN = ascii("challenge-token");
  static final byte[] INFO_PASS = ascii("pass-code");
  static final byte[] PASS_PREFIX = ascii("smtpcr-pass-v1");

  private ReferenceTokenV1() {}

  // ---------------------------------------------------------------- HMAC and HKDF (RFC 5869)

  /** HMAC-SHA256 of the concatenation of {@code parts}, with the JDK's Mac. */
  public static byte[] hmac(byte[] key, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      // an empty key is legal for HMAC (RFC 5869 test 3 extracts with one) but not for
      // SecretKeySpec
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[64] : key, "HmacSHA256"));
      for (byte[] p : parts) {
        mac.update(p);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM); an empty salt means HashLen zero bytes. */
  public static byte[] hkdfExtract(byte[] salt, byte[] ikm) {
    return hmac(salt.length == 0 ? new byte[32] : salt, ikm);
  }

  /**
   * RFC 5869 §2.3: T(i) = HMAC-Hash(PRK, T(i-1) | info | i), OKM = first L octets of T(1) | T(2) |
   * ….
   */
  public static byte[] hkdfExpand(byte[] prk, byte[] info, int length) {
    if (length < 0 || length > 255 * 32) {
      throw new IllegalArgumentException("L out of range: " + length);
    }
    ByteArrayOutputStream okm = new ByteArrayOutputStream();
    byte[] previous = new byte[0];
    for (int i = 1; okm.size() < length; i++) {
      previous = hmac(prk, previous, info, new byte[] {(byte) i});
      okm.write(previous, 0, previous.length);
    }
    return Arrays.copyOf(okm.toByteArray(), length);
  }

  /** Extract then expand. */
  public static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
    return hkdfExpand(hkdfExtract(salt, ikm), info, length);
  }

  /** {@code K_tok} of the spec. */
  public static byte[] tokenKey(byte[] master) {
    return hkdf(master, SALT, INFO_TOKEN, 32);
  }

  /** {@code K_pass} of the spec. */
  public static byte[] passKey(byte[] master) {
    return hkdf(master, SALT, INFO_PASS, 32);
  }

  // ---------------------------------------------------------------- base32 through a bit string

  /** RFC 4648 base32, lowercase, no padding: bytes to '0'/'1' text, five bits per symbol. */
  public static String base32(byte[] data) {
    StringBuilder bits = new StringBuilder();
    for (byte b : data) {
      String eight = Integer.toBinaryString(b & 0xff);
      bits.append("0".repeat(8 - eight.length())).append(eight);
    }
    while (bits.length() % 5 != 0) {
      bits.append('0');
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < bits.length(); i += 5) {
      out.append(ALPHABET.charAt(Integer.parseInt(bits.substring(i, i + 5), 2)));
    }
    return out.toString();
  }

  /**
   * Strict decoding as the spec demands: ASCII letters in either case and the digits 2..7 only, no
   * padding, no white space, and the bits that do not fill a byte must be fewer than five and all
   * zero. Returns {@code null} for anything else.
   */
  public static byte[] base32Decode(CharSequence text) {
    StringBuilder bits = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c =
            (char)
                (c - 'A' + 'a'); // by hand: Character.toLowerCase would map the Kelvin sign to 'k'
      }
      int v = ALPHABET.indexOf(c);
      if (v < 0) {
        return null;
      }
      String five = Integer.toBinaryString(v);
      bits.append("0".repeat(5 - five.length())).append(five);
    }
    int whole = bits.length() / 8 * 8;
    String rest = bits.substring(whole);
    if (rest.length() >= 5 || rest.indexOf('1') >= 0) {
      return null; // a symbol too many, or a second spelling of the same bytes
    }
    byte[] out = new byte[whole / 8];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(bits.substring(8 * i, 8 * i + 8), 2);
    }
    return out;
  }

  /** Base32 whose last symbol carries the given value in its unused trailing bits. */
  public static String withTrailingBits(byte[] data, int trailing) {
    String clean = base32(data);
    int unused = (5 - (8 * data.length) % 5) % 5;
    if (unused == 0 || trailing <= 0 || trailing >= (1 << unused)) {
      throw new IllegalArgumentException(data.length + " bytes leave " + unused + " unused bits");
    }
    int last = ALPHABET.indexOf(clean.charAt(clean.length() - 1)) | trailing;
    return clean.substring(0, clean.length() - 1) + ALPHABET.charAt(last);
  }

  // ---------------------------------------------------------------- token layout

  /**
   * The fields of a token body, any of which may be out of range on purpose. {@code ls} is written
   * as given, independent of the actual sender length, so that lying length bytes can be built.
   */
  // raw bytes on purpose (lying lengths, invalid UTF-8); bodies are built and encoded, never
  // compared
  @SuppressWarnings("ArrayRecordComponent")
  public record Body(
      int version,
      int kid,
      int flags,
      long issuedAt,
      int lifetimeMinutes,
      int ls,
      byte[] sender,
      byte[] recipient) {

    /** A well-formed body. */
    public static Body of(
        int kid, long issuedAt, int lifetimeMinutes, String sender, String recipient) {
      byte[] s = sender.getBytes(StandardCharsets.UTF_8);
      return new Body(
          1,
          kid,
          0,
          issuedAt,
          lifetimeMinutes,
          s.length,
          s,
          recipient.getBytes(StandardCharsets.UTF_8));
    }

    public Body withVersion(int v) {
      return new Body(v, kid, flags, issuedAt, lifetimeMinutes, ls, sender, recipient);
    }

    public Body withFlags(int f) {
      return new Body(version, kid, f, issuedAt, lifetimeMinutes, ls, sender, recipient);
    }

    public Body withLifetime(int minutes) {
      return new Body(version, kid, flags, issuedAt, minutes, ls, sender, recipient);
    }

    public Body withLs(int lengthByte) {
      return new Body(
          version, kid, flags, issuedAt, lifetimeMinutes, lengthByte, sender, recipient);
    }

    /** Sender and recipient as raw bytes; {@code Ls} becomes the sender's length. */
    public Body withAddresses(byte[] s, byte[] r) {
      return new Body(version, kid, flags, issuedAt, lifetimeMinutes, s.length, s, r);
    }

    /** The bytes that the tag covers, laid out by hand, big-endian. */
    public byte[] bytes() {
      byte[] out = new byte[9 + sender.length + recipient.length];
      out[0] = (byte) ((version << 4) + kid);
      out[1] = (byte) flags;
      out[2] = (byte) (issuedAt >>> 24);
      out[3] = (byte) (issuedAt >>> 16);
      out[4] = (byte) (issuedAt >>> 8);
      out[5] = (byte) issuedAt;
      out[6] = (byte) (lifetimeMinutes >>> 8);
      out[7] = (byte) lifetimeMinutes;
      out[8] = (byte) ls;
      for (int i = 0; i < sender.length; i++) {
        out[9 + i] = sender[i];
      }
      for (int i = 0; i < recipient.length; i++) {
        out[9 + sender.length + i] = recipient[i];
      }
      return out;
    }
  }

  /** {@code body || first 16 bytes of HMAC-SHA256(key, body)}. */
  public static byte[] signWith(byte[] key, byte[] body) {
    byte[] tag = hmac(key, body);
    byte[] out = Arrays.copyOf(body, body.length + 16);
    System.arraycopy(tag, 0, out, body.length, 16);
    return out;
  }

  /** Signs {@code body} with {@code K_tok} of {@code master} and returns the token bytes. */
  public static byte[] signedBytes(byte[] master, Body body) {
    return signWith(tokenKey(master), body.bytes());
  }

  /** Signs {@code body} with {@code K_tok} of {@code master} and encodes it. */
  public static String sign(byte[] master, Body body) {
    return base32(signedBytes(master, body));
  }

  /** A valid token, exactly as a minter of format v1 writes it. */
  public static String mint(
      byte[] master, int kid, long issuedAt, int lifetimeMinutes, String sender, String recipient) {
    return sign(master, Body.of(kid, issuedAt, lifetimeMinutes, sender, recipient));
  }

  // ---------------------------------------------------------------- verification

  /** What a verifier concluded: a reason (spec name), or {@code null} and the claims. */
  public record Verdict(
      String reason, int kid, long issuedAt, int lifetimeMinutes, String sender, String recipient) {
    static Verdict reject(String reason) {
      return new Verdict(reason, -1, -1, -1, null, null);
    }

    public boolean valid() {
      return reason == null;
    }
  }

  /** Verification in the order of the spec, with {@code masters} by kid and clocks in seconds. */
  public static Verdict verify(
      Map<Integer, byte[]> masters, CharSequence token, long now, long skew) {
    // 1. length and alphabet
    if (token.length() > MAX_CHARS) {
      return Verdict.reject("MALFORMED");
    }
    // 2. decode
    byte[] t = base32Decode(token);
    if (t == null || t.length < 27) {
      return Verdict.reject("MALFORMED");
    }
    // 3. version, flags
    int first = t[0] & 0xff;
    if (first / 16 != 1) {
      return Verdict.reject("UNSUPPORTED_VERSION");
    }
    if (t[1] != 0) {
      return Verdict.reject("MALFORMED");
    }
    // 4. key
    int kid = first % 16;
    byte[] master = masters.get(kid);
    if (master == null) {
      return Verdict.reject("UNKNOWN_KEY");
    }
    // 5. tag
    byte[] body = Arrays.copyOfRange(t, 0, t.length - 16);
    byte[] expected = Arrays.copyOf(hmac(tokenKey(master), body), 16);
    if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(t, t.length - 16, t.length))) {
      return Verdict.reject("BAD_SIGNATURE");
    }
    // 6. fields
    long issuedAt =
        ((long) (t[2] & 0xff) << 24) | ((t[3] & 0xff) << 16) | ((t[4] & 0xff) << 8) | (t[5] & 0xff);
    int lifetime = ((t[6] & 0xff) << 8) | (t[7] & 0xff);
    int ls = t[8] & 0xff;
    int lr = body.length - 9 - ls;
    if (lifetime < 1 || ls < 1 || ls > 254 || lr < 1 || lr > 254) {
      return Verdict.reject("MALFORMED");
    }
    String sender = strictUtf8(Arrays.copyOfRange(body, 9, 9 + ls));
    String recipient = strictUtf8(Arrays.copyOfRange(body, 9 + ls, body.length));
    if (sender == null || recipient == null) {
      return Verdict.reject("MALFORMED");
    }
    // 7. time
    if (now < issuedAt - skew) {
      return Verdict.reject("NOT_YET_VALID");
    }
    if (now > issuedAt + 60L * lifetime + skew) {
      return Verdict.reject("EXPIRED");
    }
    return new Verdict(null, kid, issuedAt, lifetime, sender, recipient);
  }

  /** The text of {@code b} if it is well-formed UTF-8, else {@code null}. */
  static String strictUtf8(byte[] b) {
    return wellFormedUtf8(b) ? new String(b, StandardCharsets.UTF_8) : null;
  }

  /**
   * Well-formed UTF-8 by the table of well-formed byte sequences (Unicode §3.9, table 3-7), by hand
   * rather than through the JDK decoder that production uses: no overlong forms, no encoded
   * surrogates, nothing above U+10FFFF, no truncated sequence.
   */
  public static boolean wellFormedUtf8(byte[] b) {
    int i = 0;
    while (i < b.length) {
      int c = b[i] & 0xff;
      int trail;
      int lo = 0x80;
      int hi = 0xbf;
      if (c <= 0x7f) {
        trail = 0;
      } else if (c >= 0xc2 && c <= 0xdf) {
        trail = 1;
      } else if (c == 0xe0) {
        trail = 2;
        lo = 0xa0;
      } else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) {
        trail = 2;
      } else if (c == 0xed) {
        trail = 2;
        hi = 0x9f;
      } else if (c == 0xf0) {
        trail = 3;
        lo = 0x90;
      } else if (c >= 0xf1 && c <= 0xf3) {
        trail = 3;
      } else if (c == 0xf4) {
        trail = 3;
        hi = 0x8f;
      } else {
        return false;
      }
      for (int k = 1; k <= trail; k++) {
        if (i + k >= b.length) {
          return false;
        }
        int d = b[i + k] & 0xff;
        if (k == 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) {
          return false;
        }
      }
      i += 1 + trail;
    }
    return true;
  }

  // ---------------------------------------------------------------- pass codes

  /** The 11 bytes of a pass code: kid, then the first 10 bytes of the MAC. */
  public static byte[] passCodeBytes(byte[] master, int kid, String sender, String recipient) {
    byte[] mac =
        hmac(
            passKey(master),
            PASS_PREFIX,
            new byte[] {0},
            sender.getBytes(StandardCharsets.UTF_8),
            new byte[] {0},
            recipient.getBytes(StandardCharsets.UTF_8));
    byte[] out = new byte[11];
    out[0] = (byte) kid;
    System.arraycopy(mac, 0, out, 1, 10);
    return out;
  }

  /** The pass code, 18 lowercase characters. */
  public static String passCode(byte[] master, int kid, String sender, String recipient) {
    return base32(passCodeBytes(master, kid, sender, recipient));
  }

  // ---------------------------------------------------------------- helpers

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Hex to bytes, by hand. */
  public static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }

  /** Bytes to lowercase hex, by hand. */
  public static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
    }
    return sb.toString();
  }
}
