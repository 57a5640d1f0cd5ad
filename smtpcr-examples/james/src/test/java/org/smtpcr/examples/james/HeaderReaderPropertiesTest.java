package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** {@link HeaderReader#read} never consumes more bytes than its bound, whatever the header size. */
final class HeaderReaderPropertiesTest {
  @Property
  void read_neverConsumesMoreThanTheBound(
      @ForAll @IntRange(min = 1, max = 5000) int maxBytes,
      @ForAll @IntRange(min = 0, max = 20_000) int headerBytes)
      throws Exception {
    String message = "X-A: " + "a".repeat(headerBytes) + "\r\n\r\nbody";
    Counting in = new Counting(stream(message));
    HeaderReader.read(in, maxBytes);
    assertTrue(in.count <= maxBytes, in.count + " > " + maxBytes);
  }

  private static InputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Counts the bytes read through it. */
  private static final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
