package org.smtpcr.tokens.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * RFC 4648 base32, written in lowercase without padding, decoded strictly: upper and lower case are
 * accepted, anything else (padding, white space, other characters) is refused, and so is an
 * encoding whose unused trailing bits are not zero, so that every byte string has exactly one
 * spelling.
 *
 * <p>Not part of the public API.
 */
public final class Base32 {
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final byte[] DECODE = new byte[128];

  static {
    Arrays.fill(DECODE, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      DECODE[ALPHABET[i]] = (byte) i;
      DECODE[Character.toUpperCase(ALPHABET[i])] = (byte) i;
    }
  }

  private Base32() {}

  /** Number of characters that {@code byteCount} bytes encode to. */
  public static int encodedLength(int byteCount) {
    return (int) ((8L * byteCount + 4) / 5);
  }

  private static final byte[] ALPHABET_BYTES =
      "abcdefghijklmnopqrstuvwxyz234567".getBytes(StandardCharsets.US_ASCII);

  /** Encodes {@code length} bytes of {@code data} from {@code offset}. */
  public static String encode(byte[] data, int offset, int length) {
    byte[] out = new byte[encodedLength(length)];
    int o = 0;
    int i = offset;
    int end = offset + length;
    // whole groups: 5 bytes make 8 characters
    for (; end - i >= 5; i += 5) {
      long v =
          ((data[i] & 0xffL) << 32)
              | ((data[i + 1] & 0xffL) << 24)
              | ((data[i + 2] & 0xffL) << 16)
              | ((data[i + 3] & 0xffL) << 8)
              | (data[i + 4] & 0xffL);
      for (int shift = 35; shift >= 0; shift -= 5) {
        out[o++] = ALPHABET_BYTES[(int) (v >>> shift) & 31];
      }
    }
    int buffer = 0;
    int bits = 0;
    for (; i < end; i++) {
      buffer = (buffer << 8) | (data[i] & 0xff);
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        out[o++] = ALPHABET_BYTES[(buffer >>> bits) & 31];
      }
    }
    if (bits > 0) {
      out[o++] = ALPHABET_BYTES[(buffer << (5 - bits)) & 31];
    }
    // an all-ASCII byte array makes a compact String without a char[] detour
    return new String(out, 0, o, StandardCharsets.ISO_8859_1);
  }

  /** Encodes all of {@code data}. */
  public static String encode(byte[] data) {
    return encode(data, 0, data.length);
  }

  /**
   * Decodes {@code text}, skipping every occurrence of {@code ignored} (use {@code 0} to skip
   * nothing).
   *
   * @return the bytes, or {@code null} when the text is not a canonical unpadded base32 encoding
   */
  public static byte[] decodeOrNull(CharSequence text, char ignored) {
    if (ignored != 0) {
      StringBuilder kept = new StringBuilder(text.length());
      for (int i = 0, len = text.length(); i < len; i++) {
        char c = text.charAt(i);
        if (c != ignored) {
          kept.append(c);
        }
      }
      text = kept;
    }
    int n = text.length();
    // Unpadded base32 never leaves 1, 3 or 6 characters in the last group of 8.
    int rem = n % 8;
    if (rem == 1 || rem == 3 || rem == 6) {
      return null;
    }
    byte[] out = new byte[(int) (5L * n / 8)];
    int o = 0;
    int i = 0;
    // whole groups: 8 characters make 5 bytes
    for (int whole = n - rem; i < whole; i += 8) {
      long v = 0;
      int bad = 0;
      for (int k = 0; k < 8; k++) {
        char c = text.charAt(i + k);
        int d = c < 128 ? DECODE[c] : -1;
        bad |= d;
        v = (v << 5) | (d & 31);
      }
      if (bad < 0) {
        return null;
      }
      out[o++] = (byte) (v >>> 32);
      out[o++] = (byte) (v >>> 24);
      out[o++] = (byte) (v >>> 16);
      out[o++] = (byte) (v >>> 8);
      out[o++] = (byte) v;
    }
    int buffer = 0;
    int bits = 0;
    for (; i < n; i++) {
      char c = text.charAt(i);
      int v = c < 128 ? DECODE[c] : -1;
      if (v < 0) {
        return null;
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out[o++] = (byte) (buffer >>> bits);
      }
    }
    // the bits left over must be zero, or two spellings would decode to the same bytes
    if ((buffer & ((1 << bits) - 1)) != 0) {
      return null;
    }
    return out;
  }
}
