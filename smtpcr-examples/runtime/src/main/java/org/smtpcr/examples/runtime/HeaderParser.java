package org.smtpcr.examples.runtime;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.smtpcr.core.Header;

/**
 * Reads the header fields at the start of a message (RFC 5322 §2.2): lines {@code name: value} up
 * to the first empty line, continuation lines (starting with a space or tab) folded into the field
 * before them with their line break kept. Accepts CRLF and bare LF. Bounded: reads at most {@link
 * #MAX_HEADER_BYTES} bytes and keeps at most {@link #MAX_FIELDS} fields; what lies beyond is
 * ignored, and a line cut by the byte bound is dropped. Lines that are not fields (no colon, a name
 * with characters outside RFC 5322 ftext) are skipped. Bytes are read as UTF-8 (RFC 6532), invalid
 * sequences replaced. Values are kept raw (folded and encoded as received, with the space after the
 * colon); the engine unfolds and decodes. The one header parser of every route.
 *
 * <p>Thread-safe (stateless).
 *
 * @since 0.1.0
 */
public final class HeaderParser {
  /**
   * Bytes of the message that are looked at.
   *
   * @since 0.1.0
   */
  public static final int MAX_HEADER_BYTES = 64 * 1024;

  /**
   * Fields kept.
   *
   * @since 0.1.0
   */
  public static final int MAX_FIELDS = 1000;

  private HeaderParser() {}

  /**
   * Parses the header fields at the start of {@code message[0..length)}.
   *
   * @param message the message bytes (only the first {@link #MAX_HEADER_BYTES} are read)
   * @param length how many bytes of {@code message} are valid
   * @return the fields in message order
   * @since 0.1.0
   */
  public static List<Header> parse(byte[] message, int length) {
    requireNonNull(message, "message");
    int end = Math.min(Math.min(length, message.length), MAX_HEADER_BYTES);
    return parse(message, end, end < length);
  }

  /**
   * Parses the header fields at the start of {@code message}, reading at most {@code maxBytes}
   * bytes of it: a message whose headers are longer is judged by the fields that fit.
   *
   * @param message the message; read up to the bound, not closed
   * @param maxBytes the most bytes to read, positive
   * @return the fields in message order
   * @throws IOException if the message cannot be read
   * @since 0.1.0
   */
  public static List<Header> parse(InputStream message, int maxBytes) throws IOException {
    requireNonNull(message, "message");
    checkArgument(maxBytes > 0, "maxBytes must be positive, got %s", maxBytes);
    int bound = maxBytes;
    byte[] head = message.readNBytes(bound);
    // a full read may have cut a line: the parser drops an unfinished last line
    return parse(head, head.length, head.length == bound);
  }

  private static List<Header> parse(byte[] message, int end, boolean truncated) {
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
