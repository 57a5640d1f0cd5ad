package org.smtpcr.examples.runtime;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * An output stream whose bytes are written to the target by one thread of its own, so that the
 * threads that log (a server's decision workers, each writing one decision-log line) copy their
 * line into memory and go on, instead of each making a system call under one shared lock. The
 * {@code smtpcr} command puts standard error behind one.
 *
 * <p>Nothing is dropped and the order is kept:
 *
 * <ul>
 *   <li>{@link #flush()} hands the bytes to the writer without waiting for it; the writer also
 *       writes what is pending at least every {@value #IDLE_MILLIS} ms;
 *   <li>a writer that falls {@value #DEFAULT_LIMIT} bytes behind makes the callers wait;
 *   <li>{@link #direct()} (the command calls it as the JVM shuts down) writes what is pending and
 *       from then on writes each call through at once, so the lines other shutdown hooks log are
 *       not left in memory.
 * </ul>
 *
 * <p>What is pending when the process is killed outright ({@code SIGKILL}) is lost: at most what
 * was logged in the last few milliseconds. An error writing to the target ends nothing: the bytes
 * are dropped, as a failed write to standard error would drop them.
 *
 * <p>Thread-safe.
 *
 * @since 0.3.0
 */
public final class BackgroundOutputStream extends OutputStream {
  /** How far behind the writer may fall, in bytes, before callers wait. */
  public static final int DEFAULT_LIMIT = 1 << 20;

  /** The writer writes what is pending at least this often, even without a flush. */
  static final long IDLE_MILLIS = 100;

  /**
   * After a write, the writer lets the lines of this long gather before it writes again: under load
   * one system call (and one wake-up) carries many lines, not one each. Each wake-up of a thread
   * costs as much as writing some tens of lines (on a small virtual machine, some 15 µs of CPU
   * time): 10 ms halved the writer's CPU time per line against 2 ms under the policy benchmark's
   * load, and is still far below what a person watching the log would notice.
   */
  static final long GATHER_MILLIS = 10;

  /** How much room a buffer has at first, and at least. */
  static final int INITIAL_CAPACITY = 8192;

  /**
   * After this many takes, a buffer with room for more than four times the most it held in them is
   * made smaller: memory a burst took is given back, while a steady load (some hundred KB in each
   * take at a policy server's rates) keeps its room instead of growing it again every time.
   */
  static final int SHRINK_AFTER = 64;

  private final OutputStream target;
  private final int limit;

  /** Guards {@link #pending}, {@link #direct} and {@link #closed}; waited on by both sides. */
  private final Object lock = new Object();

  /** Held while bytes are taken from {@link #pending} and written: keeps them in order. */
  private final Object writeLock = new Object();

  /** The bytes callers wrote that are not taken yet. Guarded by {@link #lock}. */
  private Chunk pending = new Chunk();

  /**
   * The other buffer: {@link #take()} swaps it in for {@link #pending}, so that the bytes are
   * written from it without being copied while callers wait for the lock. Guarded by {@link
   * #writeLock}.
   */
  private Chunk spare = new Chunk();

  private boolean direct;
  private boolean closed;

  /**
   * Whether the writer waits for bytes, with nothing pending: a flush must wake it. Written under
   * {@link #lock}; a flush reads it without the lock, after its write took the lock (a writer that
   * went idle before that write is seen idle, one that checks after it finds the bytes).
   */
  private volatile boolean idle;

  private final Thread writer;

  private BackgroundOutputStream(OutputStream target, int limit, String threadName) {
    this.target = target;
    this.limit = limit;
    this.writer = new Thread(this::run, threadName);
    this.writer.setDaemon(true);
  }

  /**
   * Starts the writer thread for {@code target}.
   *
   * @param target where the bytes go
   * @param threadName the writer thread's name
   * @return the stream
   */
  public static BackgroundOutputStream start(OutputStream target, String threadName) {
    return start(target, DEFAULT_LIMIT, threadName);
  }

  static BackgroundOutputStream start(OutputStream target, int limit, String threadName) {
    requireNonNull(target, "target");
    requireNonNull(threadName, "threadName");
    checkArgument(limit > 0, "limit must be positive");
    BackgroundOutputStream s = new BackgroundOutputStream(target, limit, threadName);
    s.writer.start();
    return s;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    synchronized (lock) {
      if (closed) {
        throw new IOException("stream closed");
      }
      if (!direct) {
        while (pending.size() > 0 && pending.size() + len > limit && !direct && !closed) {
          lock.notifyAll();
          try {
            lock.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the log writer caught up");
          }
        }
        if (!direct && !closed) {
          pending.write(b, off, len);
          return;
        }
      }
    }
    // direct: through at once, after anything still pending, in order
    synchronized (writeLock) {
      writeOut(take());
      writeOut(b, off, len);
      flushOut();
    }
  }

  /**
   * Hands what is pending to the writer; does not wait for it. A writer that is gathering lines (it
   * wrote less than {@value #GATHER_MILLIS} ms ago) is not woken: it writes them all when it has
   * gathered.
   */
  @Override
  public void flush() {
    if (idle) {
      synchronized (lock) {
        lock.notifyAll();
      }
    }
  }

  /**
   * Writes what is pending now, and every later write at once, in the caller's thread: for the last
   * lines of a process that is shutting down.
   */
  public void direct() {
    synchronized (writeLock) {
      synchronized (lock) {
        direct = true;
        lock.notifyAll();
      }
      writeOut(take());
      flushOut();
    }
  }

  /** Writes what is pending, stops the writer and closes nothing else (not the target). */
  @Override
  public void close() {
    direct();
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    try {
      writer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The pending bytes, in a buffer that callers no longer write to; the caller holds {@link
   * #writeLock}, writes them and resets the buffer before the next take.
   */
  private Chunk take() {
    synchronized (lock) {
      Chunk full = pending;
      pending = spare;
      spare = full;
      lock.notifyAll();
      return full;
    }
  }

  private void run() {
    boolean wrote = false;
    while (true) {
      synchronized (lock) {
        if (closed || direct) {
          return;
        }
        try {
          if (wrote && pending.size() < limit / 2) {
            // gather: callers that fill the buffer, direct() and close() still wake it (a buffer
            // half full already is written at once: a caller may be about to wait for room)
            lock.wait(GATHER_MILLIS);
          } else if (pending.size() == 0) {
            idle = true;
            try {
              lock.wait(IDLE_MILLIS);
            } finally {
              idle = false;
            }
          }
        } catch (InterruptedException e) {
          return;
        }
        if (closed || direct) {
          return;
        }
      }
      synchronized (writeLock) {
        Chunk b = take();
        wrote = b.size() > 0;
        if (wrote) {
          writeOut(b);
          flushOut();
        } else {
          // an empty take counts too: a server gone quiet after a burst gives its room back
          b.reset();
        }
      }
    }
  }

  /** Writes {@code b}, which {@link #take()} returned and is now {@link #spare}, and empties it. */
  private void writeOut(Chunk b) {
    try {
      b.writeTo(target);
    } catch (IOException e) {
      // standard error that cannot be written to: nothing else to tell it to
    } finally {
      b.reset();
    }
  }

  private void writeOut(byte[] b, int off, int len) {
    if (len == 0) {
      return;
    }
    try {
      target.write(b, off, len);
    } catch (IOException e) {
      // standard error that cannot be written to: nothing else to tell it to
    }
  }

  private void flushOut() {
    try {
      target.flush();
    } catch (IOException e) {
      // as above
    }
  }

  /**
   * The bytes of one take: grows as writes need, and gives back what a burst took ({@link
   * #SHRINK_AFTER}). Not thread-safe: guarded as {@link #pending} and {@link #spare} are.
   */
  static final class Chunk {
    private byte[] bytes = new byte[INITIAL_CAPACITY];
    private int size;

    /** The most this chunk held in the takes since it was last looked at for shrinking. */
    private int peak;

    private int takes;

    int size() {
      return size;
    }

    /** How many bytes it has room for (for tests). */
    int capacity() {
      return bytes.length;
    }

    void write(byte[] b, int off, int len) {
      if (len > bytes.length - size) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + len));
      }
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }

    void writeTo(OutputStream out) throws IOException {
      if (size > 0) {
        out.write(bytes, 0, size);
      }
    }

    /**
     * Empties it. Once in {@link #SHRINK_AFTER} calls, if it has room for more than four times the
     * most it held since, its room becomes twice that (at least {@link #INITIAL_CAPACITY}).
     */
    void reset() {
      peak = Math.max(peak, size);
      size = 0;
      if (++takes == SHRINK_AFTER) {
        int keep = Math.max(INITIAL_CAPACITY, 2 * peak);
        if (bytes.length > 2 * keep) {
          bytes = new byte[keep];
        }
        peak = 0;
        takes = 0;
      }
    }
  }

  @Override
  public String toString() {
    return "BackgroundOutputStream[" + writer.getName() + "]";
  }
}
