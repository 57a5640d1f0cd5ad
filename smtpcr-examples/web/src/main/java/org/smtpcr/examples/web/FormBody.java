package org.smtpcr.examples.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A bounded parser for {@code application/x-www-form-urlencoded} bodies: at most {@value
 * #MAX_BYTES} bytes and {@value #MAX_FIELDS} fields, each name given once.
 */
final class FormBody {
  static final int MAX_BYTES = 8192;
  static final int MAX_FIELDS = 16;

  private final Map<String, String> fields;

  private FormBody(Map<String, String> fields) {
    this.fields = fields;
  }

  /**
   * Parses {@code body}.
   *
   * @return the fields, or empty when the body is too large, has too many fields, repeats a name or
   *     is not well-formed (bad percent escape or UTF-8)
   */
  static Optional<FormBody> parse(byte[] body) {
    if (body.length > MAX_BYTES) {
      return Optional.empty();
    }
    Map<String, String> fields = new HashMap<>();
    if (body.length == 0) {
      return Optional.of(new FormBody(fields));
    }
    String text = new String(body, StandardCharsets.ISO_8859_1); // bytes 1:1; escapes decoded below
    String[] parts = text.split("&", MAX_FIELDS + 2);
    if (parts.length > MAX_FIELDS) {
      return Optional.empty();
    }
    for (String part : parts) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      String value = eq < 0 ? "" : part.substring(eq + 1);
      Optional<String> n = decode(name);
      Optional<String> v = decode(value);
      if (n.isEmpty() || v.isEmpty() || fields.putIfAbsent(n.get(), v.get()) != null) {
        return Optional.empty();
      }
    }
    return Optional.of(new FormBody(fields));
  }

  Optional<String> get(String name) {
    return Optional.ofNullable(fields.get(name));
  }

  private static Optional<String> decode(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7e || s.charAt(i) < 0x20) {
        return Optional.empty(); // a browser percent-encodes everything outside printable ASCII
      }
    }
    try {
      return Optional.of(URLDecoder.decode(s, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
