package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Standard error behind a writer thread: every line arrives, whole and in each thread's order, and
 * {@code direct()} leaves nothing behind.
 */
final class BackgroundOutputStreamTest {
  /** A target that collects what it is given (synchronized: the writer and direct() write). */
  private static final class Collected extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      bytes.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      bytes.write(b, off, len);
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void linesFromManyThreads_allArrive_wholeAndInEachThreadsOrder() throws Exception {
    Collected target = new Collected();
    // a small limit, so that writers also wait for the writer thread
    BackgroundOutputStream s = BackgroundOutputStream.start(target, 4096, "test-log");
    PrintStream out = new PrintStream(s, true, StandardCharsets.UTF_8);
    int threads = 8;
    int lines = 2000;
    assertTrue(
        InThreads.run(
            threads,
            id -> {
              for (int i = 0; i < lines; i++) {
                out.println("thread=" + id + " line=" + i + " action=challenge rule=default");
              }
            },
            Duration.ofSeconds(60)));
    s.close();
    String[] got = target.text().split("\n");
    assertEquals(threads * lines, got.length);
    int[] next = new int[threads];
    for (String l : got) {
      String[] f = l.split(" ");
      assertEquals(4, f.length, l);
      int id = Integer.parseInt(f[0].substring("thread=".length()));
      assertEquals("line=" + next[id], f[1], "each thread's lines in order");
      next[id]++;
    }
  }

  @Test
  void direct_writesWhatIsPending_andEveryLaterWriteAtOnce() throws Exception {
    Collected target = new Collected();
    BackgroundOutputStream s = BackgroundOutputStream.start(target, "test-log");
    s.write("pending\n".getBytes(StandardCharsets.US_ASCII));
    s.direct();
    assertEquals("pending\n", target.text(), "nothing left in memory");
    s.write("later\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals("pending\nlater\n", target.text(), "written in the caller's thread");
    s.close();
    assertThrows(IOException.class, () -> s.write(1));
  }

  @Test
  void aTargetThatFails_endsNothing() throws Exception {
    OutputStream broken =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("closed");
          }
        };
    BackgroundOutputStream s = BackgroundOutputStream.start(broken, "test-log");
    PrintStream out = new PrintStream(s, true, StandardCharsets.UTF_8);
    out.println("lost, as on a closed standard error");
    s.direct();
    out.println("still no exception");
    s.close();
  }

  @Test
  void chunk_aSteadyLoad_keepsItsRoom_insteadOfGrowingAgainEachTake() {
    BackgroundOutputStream.Chunk c = new BackgroundOutputStream.Chunk();
    byte[] line = new byte[300];
    int grown = 0;
    for (int take = 0; take < 5 * BackgroundOutputStream.SHRINK_AFTER; take++) {
      int before = c.capacity();
      // some 230 KB a take: 10 ms of a policy server's decision lines
      for (int i = 0; i < 770; i++) {
        c.write(line, 0, line.length);
      }
      grown += c.capacity() > before ? 1 : 0;
      assertEquals(770 * 300, c.size());
      c.reset();
    }
    assertEquals(1, grown, "grown in the first take only");
  }

  @Test
  void chunk_afterABurst_givesTheRoomBack() throws IOException {
    BackgroundOutputStream.Chunk c = new BackgroundOutputStream.Chunk();
    c.write(new byte[1 << 20], 0, 1 << 20);
    c.reset();
    assertTrue(c.capacity() >= 1 << 20);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // the burst's take counts in the first look; the next finds only small ones
    int small = 2 * BackgroundOutputStream.SHRINK_AFTER - 1;
    for (int take = 1; take <= small; take++) {
      c.write(new byte[] {'a', '\n'}, 0, 2);
      c.writeTo(out);
      c.reset();
      if (take == BackgroundOutputStream.SHRINK_AFTER - 1) {
        assertTrue(c.capacity() >= 1 << 20, "kept while the burst is among the takes looked at");
      }
    }
    assertEquals(BackgroundOutputStream.INITIAL_CAPACITY, c.capacity());
    assertEquals("a\n".repeat(small), out.toString());
  }
}
