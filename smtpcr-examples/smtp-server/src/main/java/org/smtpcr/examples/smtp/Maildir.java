package org.smtpcr.examples.smtp;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Maildir (tmp/, new/, cur/) that messages are delivered into the way qmail's maildir(5) asks:
 * the message is written to {@code tmp/} under a unique name, forced to disk, and only then renamed
 * into {@code new/}, so a reader never sees a partial message. Thread-safe.
 */
final class Maildir {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path root;
  private final Path tmp;
  private final Path fresh;
  private final String host;
  private final Clock clock;
  private final long pid = ProcessHandle.current().pid();
  private final AtomicLong counter = new AtomicLong();

  private Maildir(Path root, String host, Clock clock) {
    this.root = root;
    this.tmp = root.resolve("tmp");
    this.fresh = root.resolve("new");
    this.host = host;
    this.clock = clock;
  }

  /**
   * Opens the Maildir at {@code root}, creating it and its three subdirectories when missing.
   *
   * @param root the Maildir directory
   * @param hostName the host name for unique file names ({@code /} and {@code :} are escaped)
   * @param clock the clock for file names
   */
  static Maildir open(Path root, String hostName, Clock clock) throws IOException {
    requireNonNull(root, "root");
    requireNonNull(hostName, "hostName");
    requireNonNull(clock, "clock");
    Path r = root.toAbsolutePath();
    for (String sub : new String[] {"tmp", "new", "cur"}) {
      Files.createDirectories(r.resolve(sub));
    }
    return new Maildir(r, hostName.replace("/", "\\057").replace(":", "\\072"), clock);
  }

  Path root() {
    return root;
  }

  Path newDirectory() {
    return fresh;
  }

  Path tmpDirectory() {
    return tmp;
  }

  /** Starts a delivery: an empty file in {@code tmp/} that {@link Delivery#commit()} moves. */
  Delivery begin() throws IOException {
    String name = uniqueName();
    Path file = tmp.resolve(name);
    FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new Delivery(name, file, ch);
  }

  /** {@code <seconds>.M<micros>P<pid>Q<counter>R<random>.<host>}, as maildir(5) suggests. */
  private String uniqueName() {
    Instant now = clock.instant();
    byte[] r = new byte[8];
    RANDOM.nextBytes(r);
    return now.getEpochSecond()
        + ".M"
        + (now.getNano() / 1000)
        + "P"
        + pid
        + "Q"
        + counter.incrementAndGet()
        + "R"
        + HexFormat.of().formatHex(r)
        + "."
        + host;
  }

  @Override
  public String toString() {
    return "Maildir[" + root + "]";
  }

  /**
   * One message on its way into {@code new/}. Closing a delivery that was not committed deletes its
   * file in {@code tmp/}. One thread.
   */
  final class Delivery implements Closeable {
    private final String name;
    private final Path file;
    private final FileChannel channel;
    private boolean finished;

    private Delivery(String name, Path file, FileChannel channel) {
      this.name = name;
      this.file = file;
      this.channel = channel;
    }

    /** Appends bytes to the message. */
    void write(byte[] b, int off, int len) throws IOException {
      ByteBuffer buf = ByteBuffer.wrap(b, off, len);
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
    }

    /**
     * Reads back what was written so far, from the file in {@code tmp/}: the message as received,
     * for checks that need all of it (DKIM) without holding it in memory.
     */
    InputStream read() throws IOException {
      if (finished) {
        throw new IllegalStateException("delivery already finished");
      }
      return new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
    }

    /** The file in {@code tmp/} while the delivery is open. */
    Path tmpFile() {
      return file;
    }

    /**
     * Forces the message to disk, renames it into {@code new/} and forces that directory.
     *
     * @return the file in {@code new/}
     */
    Path commit() throws IOException {
      if (finished) {
        throw new IllegalStateException("delivery already finished");
      }
      finished = true;
      Path target = fresh.resolve(name);
      try {
        channel.force(true);
        channel.close();
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException | RuntimeException e) {
        channel.close();
        Files.deleteIfExists(file);
        throw e;
      }
      syncDirectory(fresh);
      return target;
    }

    @Override
    public void close() throws IOException {
      if (finished) {
        return;
      }
      finished = true;
      try {
        channel.close();
      } finally {
        Files.deleteIfExists(file);
      }
    }
  }

  /** Makes a rename durable: fsync on the directory (Linux allows it; elsewhere it may not). */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // not every platform can open a directory for reading; the rename itself is already done
    }
  }
}
