package org.smtpcr.examples.cli;

/** A one-line JSON object writer: string, number and null fields, RFC 8259 escaping. */
final class Json {
  private final StringBuilder sb = new StringBuilder("{");

  private Json() {}

  static Json object() {
    return new Json();
  }

  Json field(String name, String value) {
    key(name);
    quote(value);
    return this;
  }

  Json field(String name, long value) {
    key(name);
    sb.append(value);
    return this;
  }

  Json nullField(String name) {
    key(name);
    sb.append("null");
    return this;
  }

  private void key(String name) {
    if (sb.length() > 1) {
      sb.append(',');
    }
    quote(name);
    sb.append(':');
  }

  private void quote(String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  @Override
  public String toString() {
    return sb + "}";
  }
}
