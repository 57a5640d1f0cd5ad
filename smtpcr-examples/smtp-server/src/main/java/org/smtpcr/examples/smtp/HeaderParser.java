package org.smtpcr.examples.smtp;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.smtpcr.core.Header;

/**
 * Reads the header fields at the start of a message (RFC 5322 §2.2): lines {@code name: value} up
 * to the first empty line, continuation lines (starting with a space or tab) folded into the field
 * before them with their line break kept. Accepts CRLF and bare LF. Bounded: reads at most
 * {@link #MAX_HEADER_BYTES} bytes and keeps at most {@link #MAX_FIELDS} fields; what lies beyond is
 * ignored, and a line cut by the byte bound is dropped. Lines that are not fields (no colon, a name
 * with characters outside RFC 5322 ftext) are skipped. Bytes are read as UTF-8 (RFC 6532), invalid
 * sequences replaced.
 */
final class HeaderParser {
  /** Bytes of the message that are looked at. */
  static final int MAX_HEADER_BYTES = 64 * 1024;
  /** Fields kept. */
  static final int MAX_FIELDS = 1000;

  private HeaderParser() {}

  /**
   * Parses the header fields at the start of {@code message[0..length)}.
   *
   * @param message the message bytes (only the first {@link #MAX_HEADER_BYTES} are read)
   * @param length how many bytes of {@code message} are valid
   * @return the fields in message order
   */
  static List<Header> parse(byte[] message, int length) {
    requireNonNull(message, "message");
    int end = Math.min(Math.min(length, message.length), MAX_HEADER_BYTES);
    boolean truncated = end < length;
    List<Header> fields = new ArrayList<>();
    String name = null;
    StringBuilder value = new StringBuilder();
    int pos = 0;
    while (pos < end && fields.size() < MAX_FIELDS) {
      int lf = indexOf(message, (byte) '\n', pos, end);
      if (lf < 0 && truncated) {
        break; // a line cut by the bound
      }
      int lineEnd = lf < 0 ? end : lf;
      int contentEnd = lineEnd > pos && message[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
      String line = new String(message, pos, contentEnd - pos, StandardCharsets.UTF_8);
      pos = lf < 0 ? end : lf + 1;
      if (line.isEmpty()) {
        break; // end of the header section
      }
      char first = line.charAt(0);
      if (first == ' ' || first == '\t') {
        if (name != null) {
          value.append("\r\n").append(line);
        }
        continue;
      }
      if (name != null) {
        fields.add(new Header(name, value.toString()));
        name = null;
      }
      int colon = line.indexOf(':');
      if (colon > 0 && isFieldName(line, colon)) {
        name = line.substring(0, colon);
        value.setLength(0);
        value.append(line, colon + 1, line.length());
      }
    }
    if (name != null && fields.size() < MAX_FIELDS) {
      fields.add(new Header(name, value.toString()));
    }
    return fields;
  }

  /** RFC 5322 ftext: printable US-ASCII except colon; no space. */
  private static boolean isFieldName(String line, int colon) {
    for (int i = 0; i < colon; i++) {
      char c = line.charAt(i);
      if (c < 33 || c > 126) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] b, byte v, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }
}
