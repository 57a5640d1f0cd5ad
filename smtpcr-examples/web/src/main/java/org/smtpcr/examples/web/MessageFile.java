package org.smtpcr.examples.web;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A catalogue file of page texts, {@code messages.properties} or {@code messages_de.properties}: a
 * strict, UTF-8 subset of the {@code .properties} format that says where it is wrong. Lines are
 * {@code key=value} (or {@code key: value}); {@code #} and {@code !} start comments; a line ending
 * in an odd number of backslashes continues on the next; a backslash, u and four hex digits, {@code
 * \n}, {@code \t}, {@code \\}, {@code \=}, {@code \:}, {@code \#}, {@code \!} and {@code \ } are
 * escapes. Keys are lower-case dotted names ({@code [a-z0-9._-]}). A duplicate key, a line with no
 * {@code =}, a bad escape or a byte sequence that is not UTF-8 is an error naming the file and the
 * line.
 */
final class MessageFile {
  /** Largest file read: 256 KiB, about ten times the English catalogue. */
  static final int MAX_BYTES = 256 * 1024;

  /** Longest key. */
  static final int MAX_KEY = 100;

  private MessageFile() {}

  /**
   * A value and the line its key stands on.
   *
   * @param value the value, escapes resolved
   * @param line the line number, from 1
   */
  record Entry(String value, int line) {}

  /**
   * Parses {@code bytes}.
   *
   * @param name the file's name for messages, such as {@code
   *     /etc/smtpcr/page/messages_de.properties}
   * @param bytes its content
   * @return the entries by key, in file order
   * @throws IllegalArgumentException "NAME line N: what is wrong"
   */
  static Map<String, Entry> parse(String name, byte[] bytes) {
    requireNonNull(name, "name");
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException(name + ": larger than " + MAX_BYTES + " bytes");
    }
    String text = decode(name, bytes);
    if (text.startsWith("\ufeff")) {
      text = text.substring(1);
    }
    String[] lines = text.split("\r\n|\n|\r", -1);
    Map<String, Entry> out = new LinkedHashMap<>();
    int i = 0;
    while (i < lines.length) {
      int first = i + 1;
      String line = lines[i++].stripLeading();
      if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == '!') {
        continue;
      }
      StringBuilder logical = new StringBuilder(line);
      while (endsInContinuation(logical)) {
        logical.setLength(logical.length() - 1);
        if (i >= lines.length) {
          throw error(name, first, "the last line continues (ends in a backslash)");
        }
        logical.append(lines[i++].stripLeading());
      }
      int sep = separator(logical);
      if (sep < 0) {
        throw error(name, first, "no '=' between key and text");
      }
      String key = logical.substring(0, sep).strip();
      if (!isKey(key)) {
        throw error(
            name,
            first,
            "key '"
                + ascii(key.length() > 40 ? key.substring(0, 40) + "..." : key)
                + "' is not a lower-case dotted name ([a-z0-9._-], at most "
                + MAX_KEY
                + ")");
      }
      String value = unescape(name, first, logical.substring(sep + 1).stripLeading());
      if (out.putIfAbsent(key, new Entry(value, first)) != null) {
        throw error(
            name, first, "key " + key + " given twice (first on line " + out.get(key).line() + ")");
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private static String decode(String name, byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (MalformedInputException e) {
      throw error(name, lineAt(bytes, firstBadByte(bytes)), "not UTF-8 (save the file as UTF-8)");
    } catch (CharacterCodingException e) {
      throw error(name, 1, "not UTF-8 (save the file as UTF-8)");
    }
  }

  /** The offset of the first byte that is not valid UTF-8, in one pass over the bytes. */
  private static int firstBadByte(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(in, out, true);
    return r.isError() ? in.position() : bytes.length;
  }

  private static int lineAt(byte[] bytes, int offset) {
    int line = 1;
    for (int i = 0; i < offset && i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }

  private static boolean endsInContinuation(CharSequence s) {
    int n = 0;
    for (int i = s.length() - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
      n++;
    }
    return n % 2 == 1;
  }

  private static int separator(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '=' || c == ':') {
        return i;
      }
    }
    return -1;
  }

  private static boolean isKey(String key) {
    if (key.isEmpty() || key.length() > MAX_KEY) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static String unescape(String name, int line, String v) {
    StringBuilder sb = new StringBuilder(v.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (++i >= v.length()) {
        throw error(name, line, "a backslash ends the text");
      }
      char e = v.charAt(i);
      switch (e) {
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case '\\', '=', ':', '#', '!', ' ' -> sb.append(e);
        case 'u' -> {
          if (i + 4 >= v.length()) {
            throw error(name, line, "\\u needs four hex digits");
          }
          int cp = 0;
          for (int k = 1; k <= 4; k++) {
            int d = Character.digit(v.charAt(i + k), 16);
            if (d < 0) {
              throw error(name, line, "\\u needs four hex digits");
            }
            cp = cp * 16 + d;
          }
          sb.append((char) cp);
          i += 4;
        }
        default -> throw error(name, line, "unknown escape \\" + printable(e));
      }
    }
    return sb.toString();
  }

  /** {@code s} with anything but printable ASCII as {@code ?}: it goes into a log line. */
  static String ascii(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return sb.toString();
  }

  private static String printable(char c) {
    return c >= 0x21 && c < 0x7f ? String.valueOf(c) : String.format("u%04x", (int) c);
  }

  private static IllegalArgumentException error(String name, int line, String what) {
    return new IllegalArgumentException(name + " line " + line + ": " + what);
  }
}
