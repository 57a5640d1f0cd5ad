package org.smtpcr.auth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The header section of a message, read from a stream up to the empty line, bounded. Each field is
 * kept as sent ({@code Name: value} with its folding, line ends made CRLF, without the final CRLF),
 * the form jDKIM canonicalizes.
 */
final class HeaderSection {
  /** Longest header section read, in bytes. */
  static final int MAX_BYTES = 512 * 1024;

  /** Most fields kept. */
  static final int MAX_FIELDS = 2000;

  private final List<String> fields;
  private final boolean complete;
  private final long bytesRead;

  // by lowercase name: a signature's h= may name the same field many times
  private final Map<String, List<String>> byName = new HashMap<>();

  private HeaderSection(List<String> fields, boolean complete, long bytesRead) {
    this.fields = fields;
    this.complete = complete;
    this.bytesRead = bytesRead;
    for (String f : fields) {
      byName.computeIfAbsent(name(f), k -> new ArrayList<>()).add(f);
    }
    byName.replaceAll((k, v) -> List.copyOf(v));
  }

  /**
   * Reads the header section and the empty line after it. {@link #complete()} is false when it was
   * longer than {@value #MAX_BYTES} bytes or had more than {@value #MAX_FIELDS} fields; the stream
   * is then left where reading stopped.
   */
  static HeaderSection read(InputStream in) throws IOException {
    List<String> fields = new ArrayList<>();
    ByteArrayOutputStream field = new ByteArrayOutputStream();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    // jDKIM turns the field back into bytes with the platform charset: decode with it too
    Charset cs = Charset.defaultCharset();
    long read = 0;
    while (true) {
      line.reset();
      int c;
      while ((c = in.read()) >= 0) {
        read++;
        if (read > MAX_BYTES) {
          return new HeaderSection(List.copyOf(fields), false, read);
        }
        if (c == '\n') {
          break;
        }
        line.write(c);
      }
      byte[] b = line.toByteArray();
      int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
      boolean eof = c < 0;
      if (len == 0 || (eof && len == 0)) {
        flush(field, fields, cs);
        return new HeaderSection(List.copyOf(fields), fields.size() <= MAX_FIELDS, read);
      }
      if ((b[0] == ' ' || b[0] == '\t') && field.size() > 0) {
        field.write('\r');
        field.write('\n');
      } else {
        flush(field, fields, cs);
        if (fields.size() > MAX_FIELDS) {
          return new HeaderSection(List.copyOf(fields), false, read);
        }
      }
      field.write(b, 0, len);
      if (eof) {
        flush(field, fields, cs);
        return new HeaderSection(List.copyOf(fields), fields.size() <= MAX_FIELDS, read);
      }
    }
  }

  private static void flush(ByteArrayOutputStream field, List<String> fields, Charset cs) {
    if (field.size() > 0) {
      String f = field.toString(cs);
      if (f.indexOf(':') > 0) {
        fields.add(f);
      }
      field.reset();
    }
  }

  /** False when a bound was hit: the fields are then only a prefix. */
  boolean complete() {
    return complete;
  }

  /** Bytes read, including the empty line. */
  long bytesRead() {
    return bytesRead;
  }

  /** All fields, top to bottom. */
  List<String> fields() {
    return fields;
  }

  /** The fields with this name (case-insensitive), top to bottom. */
  List<String> fields(String name) {
    return byName.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }

  /** The name of a field (before the colon, trailing blanks removed). */
  static String name(String field) {
    int colon = field.indexOf(':');
    return field.substring(0, colon).stripTrailing().toLowerCase(Locale.ROOT);
  }

  /** The value of a field (after the colon), as sent. */
  static String value(String field) {
    return field.substring(field.indexOf(':') + 1);
  }
}
