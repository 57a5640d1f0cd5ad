package org.smtpcr.core.internal;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Unfolds a raw header value and decodes its RFC 2047 encoded words ({@code =?utf-8?B?...?=},
 * {@code =?iso-8859-1?Q?...?=}), so that a pass code in a non-ASCII Subject is found. Only the
 * first {@value #MAX_INPUT_LENGTH} characters are read. Words with an unknown charset or a bad
 * encoding are kept as they are; nothing here throws on any input.
 */
public final class EncodedWords {
  /** Longest raw value read, in characters; the rest is ignored. */
  public static final int MAX_INPUT_LENGTH = 4096;

  // RFC 2047 §2: an encoded word has no white space and is at most 75 characters; be lenient on
  // length
  private static final Pattern WORD =
      Pattern.compile("=\\?([^?\\s]{1,64})\\?([bBqQ])\\?([^?\\s]{0,1000})\\?=");

  private EncodedWords() {}

  /** The unfolded, decoded value. */
  public static String decode(String raw) {
    requireNonNull(raw, "raw");
    String s = raw.length() > MAX_INPUT_LENGTH ? raw.substring(0, MAX_INPUT_LENGTH) : raw;
    s = s.replace("\r\n", "").replace('\r', ' ').replace('\n', ' ');
    Matcher m = WORD.matcher(s);
    StringBuilder out = new StringBuilder(s.length());
    int pos = 0;
    boolean lastWasWord = false;
    while (m.find()) {
      String gap = s.substring(pos, m.start());
      String decoded = decodeWord(m.group(1), m.group(2), m.group(3));
      // white space between two adjacent encoded words is not part of the text (RFC 2047 §6.2)
      if (!(lastWasWord && decoded != null && gap.isBlank())) {
        out.append(gap);
      }
      if (decoded == null) {
        out.append(m.group());
        lastWasWord = false;
      } else {
        out.append(decoded);
        lastWasWord = true;
      }
      pos = m.end();
    }
    out.append(s, pos, s.length());
    return out.toString();
  }

  private static String decodeWord(String charsetName, String encoding, String text) {
    int star = charsetName.indexOf('*'); // RFC 2231 language suffix
    String name = star >= 0 ? charsetName.substring(0, star) : charsetName;
    Charset cs;
    try {
      cs = Charset.forName(name);
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      return null;
    }
    byte[] bytes;
    if (encoding.equalsIgnoreCase("B")) {
      try {
        bytes = Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        return null;
      }
    } else {
      bytes = decodeQ(text);
      if (bytes == null) {
        return null;
      }
    }
    return new String(bytes, cs);
  }

  private static byte[] decodeQ(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '_') {
        out.write(' ');
      } else if (c == '=') {
        if (i + 2 >= text.length()) {
          return null;
        }
        int hi = hex(text.charAt(i + 1));
        int lo = hex(text.charAt(i + 2));
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else if (c < 0x80) {
        out.write(c);
      } else {
        return null;
      }
    }
    return out.toByteArray();
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
