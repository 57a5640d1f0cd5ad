package org.smtpcr.examples.web;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for the Chrome DevTools protocol, with no dependency: {@link #parse} reads
 * objects (as {@code Map<String, Object>}), arrays ({@code List<Object>}), strings, numbers ({@code
 * Long} when integral and in range, else {@code Double}), booleans and {@link #NULL}; {@link
 * #write} writes the same kinds. Input is bounded in length and nesting depth; anything malformed
 * throws {@link IllegalArgumentException}.
 */
final class Json {
  /** JSON {@code null}. */
  static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  /** Longest text parsed: screenshots arrive as base64 in one message. */
  static final int MAX_LENGTH = 64 * 1024 * 1024;

  static final int MAX_DEPTH = 200;

  private final String s;
  private int i;

  private Json(String s) {
    this.s = s;
  }

  static Object parse(String text) {
    requireNonNull(text, "text");
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "JSON text of " + text.length() + " characters; at most " + MAX_LENGTH);
    }
    Json p = new Json(text);
    p.skipSpace();
    Object v = p.value(0);
    p.skipSpace();
    if (p.i != text.length()) {
      throw p.error("trailing characters");
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("JSON text is not an object");
    }
    return (Map<String, Object>) v;
  }

  static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.toString();
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    writeString(sb, s);
    return sb.toString();
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
    if (i >= s.length()) {
      throw error("unexpected end");
    }
    char c = s.charAt(i);
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
      m.put(key, value(depth + 1));
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
    i++; // opening quote
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return sb.toString();
      }
      if (c < 0x20) {
        throw error("control character in string");
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
        case 'u' -> {
          if (i + 4 > s.length()) {
            throw error("short \\u escape");
          }
          int cp = 0;
          for (int k = 0; k < 4; k++) {
            int d = Character.digit(s.charAt(i + k), 16);
            if (d < 0) {
              throw error("bad \\u escape");
            }
            cp = cp * 16 + d;
          }
          i += 4;
          sb.append((char) cp);
        }
        default -> throw error("bad escape");
      }
    }
  }

  private Object number() {
    int start = i;
    if (peek() == '-') {
      i++;
    }
    if (peek() == '0') {
      i++;
    } else if (isDigit(peek())) {
      while (isDigit(peek())) {
        i++;
      }
    } else {
      throw error("bad number");
    }
    boolean integral = true;
    if (peek() == '.') {
      integral = false;
      i++;
      if (!isDigit(peek())) {
        throw error("bad fraction");
      }
      while (isDigit(peek())) {
        i++;
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      i++;
      if (peek() == '+' || peek() == '-') {
        i++;
      }
      if (!isDigit(peek())) {
        throw error("bad exponent");
      }
      while (isDigit(peek())) {
        i++;
      }
    }
    String text = s.substring(start, i);
    if (integral && text.length() <= 18) {
      return Long.parseLong(text);
    }
    return Double.parseDouble(text);
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
    return i < s.length() ? s.charAt(i) : '\0';
  }

  private char next() {
    if (i >= s.length()) {
      throw error("unexpected end");
    }
    return s.charAt(i++);
  }

  private void expect(char c) {
    if (next() != c) {
      throw error("expected '" + c + "'");
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("malformed JSON at offset " + i + ": " + what);
  }

  private static void write(StringBuilder sb, Object v, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("nested deeper than " + MAX_DEPTH);
    }
    if (v == NULL) {
      sb.append("null");
    } else if (v instanceof String str) {
      writeString(sb, str);
    } else if (v instanceof Boolean b) {
      sb.append(b.booleanValue());
    } else if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        throw new IllegalArgumentException("JSON has no NaN or infinity");
      }
      sb.append(d.doubleValue());
    } else if (v instanceof Number n) {
      sb.append(n.longValue());
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        writeString(sb, (String) e.getKey());
        sb.append(':');
        write(sb, e.getValue(), depth + 1);
      }
      sb.append('}');
    } else if (v instanceof List<?> l) {
      sb.append('[');
      for (int k = 0; k < l.size(); k++) {
        if (k > 0) {
          sb.append(',');
        }
        write(sb, l.get(k), depth + 1);
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException(
          "cannot write " + (v == null ? "a Java null" : v.getClass().getName()) + " as JSON");
    }
  }

  private static void writeString(StringBuilder sb, String str) {
    sb.append('"');
    for (int k = 0; k < str.length(); k++) {
      char c = str.charAt(k);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c)) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
