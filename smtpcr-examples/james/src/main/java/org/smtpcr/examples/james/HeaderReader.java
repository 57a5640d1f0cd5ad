package org.smtpcr.examples.james;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.smtpcr.core.Header;
import org.smtpcr.examples.runtime.HeaderParser;

/**
 * Reads the header section of a message, at most a given number of bytes of it, with the runtime's
 * {@link HeaderParser}: a message whose headers are longer is judged by the headers that fit (the
 * engine looks at the Subject, which comes early). Values are kept raw, folded and encoded as
 * received; the engine unfolds and decodes.
 */
final class HeaderReader {
  private HeaderReader() {}

  /**
   * Parses the headers at the start of {@code message}, reading at most {@code maxBytes} bytes.
   *
   * @throws IOException if the message cannot be read
   */
  static List<Header> read(InputStream message, int maxBytes) throws IOException {
    return HeaderParser.parse(message, maxBytes);
  }
}
