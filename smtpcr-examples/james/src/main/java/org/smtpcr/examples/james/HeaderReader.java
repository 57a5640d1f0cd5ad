package org.smtpcr.examples.james;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import javax.mail.MessagingException;
import javax.mail.internet.InternetHeaders;
import org.smtpcr.core.Header;

/**
 * Reads the header section of a message, at most a given number of bytes of it: a message whose
 * headers are longer is judged by the headers that fit (the engine looks at the Subject, which
 * comes early). Values are kept raw, folded and encoded as received; the engine unfolds and decodes.
 */
final class HeaderReader {
  private HeaderReader() {}

  /**
   * Parses the headers at the start of {@code message}, reading at most {@code maxBytes} bytes.
   *
   * @throws IOException if the message cannot be read or its headers cannot be parsed
   */
  static List<Header> read(InputStream message, int maxBytes) throws IOException {
    requireNonNull(message, "message");
    checkArgument(maxBytes > 0, "maxBytes must be positive, got %s", maxBytes);
    InternetHeaders parsed;
    try {
      parsed = new InternetHeaders(new Bounded(message, maxBytes));
    } catch (MessagingException e) {
      throw new IOException("the message headers cannot be parsed", e);
    }
    List<Header> headers = new ArrayList<>();
    for (Enumeration<javax.mail.Header> e = parsed.getAllHeaders(); e.hasMoreElements(); ) {
      javax.mail.Header h = e.nextElement();
      if (h.getName() != null && h.getValue() != null) {
        headers.add(new Header(h.getName(), h.getValue()));
      }
    }
    return headers;
  }

  /** Ends the stream after {@code limit} bytes; never reads past them. */
  static final class Bounded extends FilterInputStream {
    private long remaining;

    Bounded(InputStream in, long limit) {
      super(in);
      this.remaining = limit;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(Math.min(n, Math.max(0, remaining)));
      remaining -= skipped;
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(in.available(), Math.max(0, remaining));
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
      // not supported: a reset would undo the bound
    }

    @Override
    public synchronized void reset() throws IOException {
      throw new IOException("mark/reset not supported");
    }
  }
}
