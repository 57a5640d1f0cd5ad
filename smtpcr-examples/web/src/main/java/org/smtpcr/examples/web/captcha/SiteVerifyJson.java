package org.smtpcr.examples.web.captcha;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code siteverify} answer: one JSON object (RFC 8259) of at most {@link #MAX_LENGTH}
 * characters, nested at most {@link #MAX_DEPTH} deep. Objects become {@code Map<String, Object>},
 * arrays {@code List<Object>}, strings {@code String}, {@code true}/{@code false} {@code Boolean},
 * numbers their {@code String} text (never used), {@code null} {@link #NULL}. A name that occurs
 * twice in one object is malformed: {@code {"success":false,"success":true}} must not read as
 * either. Anything malformed throws {@link IllegalArgumentException}, and nothing else is thrown.
 */
final class SiteVerifyJson {
  /** JSON {@code null}. */
  static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  /** Longest text read: the answers are a few hundred characters. */
  static final int MAX_LENGTH = SiteVerifier.MAX_ANSWER_BYTES;

  /** Deepest nesting read (Turnstile nests {@code metadata} one level). */
  static final int MAX_DEPTH = 8;

  private final String s;
  private int i;

  private SiteVerifyJson(String s) {
    this.s = s;
  }

  /** Reads {@code text}, which must be one JSON object. */
  @SuppressWarnings("unchecked") // object() builds only Map<String, Object>
  static Map<String, Object> parseObject(String text) {
    requireNonNull(text, "text");
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "JSON text of " + text.length() + " characters; at most " + MAX_LENGTH);
    }
    SiteVerifyJson p = new SiteVerifyJson(text);
    p.skipSpace();
    if (p.peek() != '{') {
      throw p.error("not a JSON object");
    }
    Object v = p.value(0);
    p.skipSpace();
    if (p.i != text.length()) {
      throw p.error("trailing characters");
    }
    return (Map<String, Object>) v;
  }

  private Object value(int depth) {
    if (depth >= MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
    char c = peek();
    return switch (c) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case '"' -> string();
      case 't' -> literal("true", true);
      case 'f' -> literal("false", false);
      case 'n' -> literal("null", NULL);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        throw error("unexpected character");
      }
    };
  }

  private Map<String, Object> object(int depth) {
    i++;
    Map<String, Object> m = new LinkedHashMap<>();
    skipSpace();
    if (peek() == '}') {
      i++;
      return Collections.unmodifiableMap(m);
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw error("expected a member name");
      }
      String key = string();
      skipSpace();
      expect(':');
      skipSpace();
      if (m.put(key, value(depth + 1)) != null) {
        throw error("a member name occurs twice");
      }
      skipSpace();
      char c = next();
      if (c == '}') {
        return Collections.unmodifiableMap(m);
      }
      if (c != ',') {
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) {
    i++;
    List<Object> l = new ArrayList<>();
    skipSpace();
    if (peek() == ']') {
      i++;
      return Collections.unmodifiableList(l);
    }
    while (true) {
      skipSpace();
      l.add(value(depth + 1));
      skipSpace();
      char c = next();
      if (c == ']') {
        return Collections.unmodifiableList(l);
      }
      if (c != ',') {
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return sb.toString();
      }
      if (c < 0x20) {
        throw error("control character in a string");
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> sb.append(hex4());
        default -> throw error("bad escape");
      }
    }
  }

  private char hex4() {
    if (i + 4 > s.length()) {
      throw error("unexpected end");
    }
    int v = 0;
    for (int k = 0; k < 4; k++) {
      int d = Character.digit(s.charAt(i++), 16);
      if (d < 0) {
        throw error("bad \\u escape");
      }
      v = v * 16 + d;
    }
    return (char) v;
  }

  private String number() {
    int start = i;
    if (peek() == '-') {
      i++;
    }
    if (peek() == '0') {
      i++;
    } else {
      digits();
    }
    if (i < s.length() && s.charAt(i) == '.') {
      i++;
      digits();
    }
    if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      digits();
    }
    return s.substring(start, i);
  }

  private void digits() {
    int start = i;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    if (i == start) {
      throw error("expected a digit");
    }
  }

  private Object literal(String word, Object v) {
    if (!s.startsWith(word, i)) {
      throw error("unexpected word");
    }
    i += word.length();
    return v;
  }

  private void skipSpace() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      i++;
    }
  }

  private char peek() {
    if (i >= s.length()) {
      throw error("unexpected end");
    }
    return s.charAt(i);
  }

  private char next() {
    char c = peek();
    i++;
    return c;
  }

  private void expect(char c) {
    if (next() != c) {
      i--;
      throw error("expected '" + c + "'");
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("malformed JSON at offset " + i + ": " + what);
  }
}
