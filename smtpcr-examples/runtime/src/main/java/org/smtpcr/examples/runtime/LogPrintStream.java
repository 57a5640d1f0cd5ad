package org.smtpcr.examples.runtime;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Standard error as the {@code smtpcr} command sets it up for slf4j-simple: each line is encoded
 * once and handed on in one write, with what its destination wants in front of it:
 *
 * <ul>
 *   <li>{@linkplain #timeStamped on a console or in a file}, the time ({@code HH:mm:ss}, the
 *       clock's zone) in front of each line slf4j-simple wrote ({@code [INFO] DecisionLog - ...}),
 *       as slf4j-simple's own {@code showDateTime} would put it, at a fraction of the cost (the
 *       text of a second is made once, not per line under one lock); other lines, a stack trace's,
 *       as they are;
 *   <li>{@linkplain #journal for the journal}, under systemd, every line's syslog priority, {@code
 *       <3>} for ERROR, {@code <4>} WARN, {@code <6>} INFO, {@code <7>} DEBUG and TRACE (systemd's
 *       {@code SyslogLevelPrefix}); a line without a level (a stack trace's) takes the level of the
 *       line written through this stream's text before it, and one that follows none is {@code
 *       <3>}, an error message of the command itself;
 *   <li>{@linkplain #plain as they are}.
 * </ul>
 *
 * <p>A line's level is the word {@code ERROR}, {@code WARN}, {@code INFO}, {@code DEBUG} or {@code
 * TRACE}, bracketed or not, before the line's first {@code " - "}: never a word of the message
 * itself, which comes after it (what a peer sent can hold {@code "[ERROR]"}).
 *
 * <p>Whole lines are written in one call to the target, so that a line printed whole ({@code
 * println}) never mixes with another thread's; a line is written only once it has ended: text
 * printed without a line end waits for it, for {@link #endLine()} or {@link #close()}, and a line
 * longer than {@value #MAX_LINE} bytes is written in parts. Errors of the target are kept for
 * {@link #checkError()}, as {@link PrintStream} keeps them. Thread-safe.
 *
 * @since 0.3.0
 */
public final class LogPrintStream extends PrintStream {
  private enum Prefix {
    NONE,
    TIME,
    PRIORITY
  }

  /** A line that grows longer without its end is written in parts of this many bytes. */
  static final int MAX_LINE = 1 << 20;

  /** How far into a line its level is looked for. */
  private static final int HEAD_LIMIT = 300;

  private static final byte[] NOTHING = new byte[0];

  /** {@code <0>} to {@code <7>}. */
  private static final byte[][] PRIORITIES = new byte[8][];

  static {
    for (int p = 0; p < PRIORITIES.length; p++) {
      PRIORITIES[p] = ("<" + p + ">").getBytes(StandardCharsets.US_ASCII);
    }
  }

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss ", Locale.ROOT);

  /** The time stamp of one second. */
  private record Stamp(long second, byte[] text) {}

  private final OutputStream target;
  private final Prefix prefix;
  private final Clock clock;
  private final Charset charset;

  /** The part of a line written so far without its end. Guarded by this. */
  private ByteArrayOutputStream partial = new ByteArrayOutputStream(256);

  /** The priority of the line before, for a line without a level. Guarded by this. */
  private int previous = 3;

  /** The last second's time stamp: made once a second, read by every line. */
  private volatile Stamp stamp;

  private LogPrintStream(OutputStream target, Prefix prefix, Clock clock, Charset charset) {
    super(requireNonNull(target, "target"), false, requireNonNull(charset, "charset"));
    this.target = target;
    this.prefix = prefix;
    this.clock = clock;
    this.charset = charset;
  }

  /**
   * Lines as they are.
   *
   * @param target where the lines go
   * @param charset how text is encoded
   * @return the stream
   */
  public static LogPrintStream plain(OutputStream target, Charset charset) {
    return new LogPrintStream(target, Prefix.NONE, Clock.systemUTC(), charset);
  }

  /**
   * Log lines with the time, {@code HH:mm:ss} in the clock's zone, in front.
   *
   * @param target where the lines go
   * @param charset how text is encoded
   * @param clock the time and its zone
   * @return the stream
   */
  public static LogPrintStream timeStamped(OutputStream target, Charset charset, Clock clock) {
    return new LogPrintStream(target, Prefix.TIME, requireNonNull(clock, "clock"), charset);
  }

  /**
   * Every line with its syslog priority in front, for the journal.
   *
   * @param target where the lines go
   * @param charset how text is encoded
   * @return the stream
   */
  public static LogPrintStream journal(OutputStream target, Charset charset) {
    return new LogPrintStream(target, Prefix.PRIORITY, Clock.systemUTC(), charset);
  }

  /**
   * The syslog priority of a line slf4j-simple wrote: that of the level word before its first
   * {@code " - "}, or -1 when there is none.
   *
   * @param text the line
   * @return 3 (ERROR), 4 (WARN), 6 (INFO), 7 (DEBUG, TRACE) or -1
   */
  static int priority(String text) {
    int end = text.indexOf(" - ");
    if (end < 0) {
      return -1;
    }
    // the command's own format, "[INFO] Name - ...": no words to split
    if (text.charAt(0) == '[') {
      int close = text.indexOf("] ");
      if (close > 0 && close < end) {
        int p = level(text, 1, close);
        if (p >= 0) {
          return p;
        }
      }
    }
    // another format ("12:00:00 [WARN] ...", "[thread] INFO Foo - ..."): the level is a word
    String head = text.substring(0, Math.min(end, HEAD_LIMIT));
    for (String word : head.split(" ", -1)) {
      int from = word.startsWith("[") && word.endsWith("]") && word.length() > 1 ? 1 : 0;
      int p = level(word, from, word.length() - from);
      if (p >= 0) {
        return p;
      }
    }
    return -1;
  }

  /** The priority of the level named by {@code text[from, to)}, or -1. */
  private static int level(String text, int from, int to) {
    // one look at the first letter, not a search of a table: this runs for every line
    char first = to > from ? text.charAt(from) : ' ';
    String name =
        switch (first) {
          case 'E' -> "ERROR";
          case 'W' -> "WARN";
          case 'I' -> "INFO";
          case 'D' -> "DEBUG";
          case 'T' -> "TRACE";
          default -> "";
        };
    if (name.isEmpty() || to - from != name.length() || !text.startsWith(name, from)) {
      return -1;
    }
    return switch (first) {
      case 'E' -> 3;
      case 'W' -> 4;
      case 'I' -> 6;
      default -> 7; // DEBUG, TRACE
    };
  }

  @Override
  public void println(String x) {
    String s = String.valueOf(x);
    if (s.indexOf('\n') >= 0) {
      // several lines: each gets its own prefix
      synchronized (this) {
        print(s);
        println();
      }
      return;
    }
    byte[] body = s.getBytes(charset);
    synchronized (this) {
      if (partial.size() > 0 || body.length >= MAX_LINE) {
        write(body, 0, body.length);
        lineEnd();
      } else {
        // the same head as a line written in pieces: its first HEAD_LIMIT bytes
        String head =
            body.length <= HEAD_LIMIT && body.length == s.length()
                ? s
                : new String(
                    body, 0, Math.min(body.length, HEAD_LIMIT), StandardCharsets.ISO_8859_1);
        emit(head, body, 0, body.length);
      }
    }
  }

  @Override
  public void println(Object x) {
    println(String.valueOf(x));
  }

  @Override
  public void write(int b) {
    synchronized (this) {
      // as PrintStream, only the low eight bits
      if ((byte) b == '\n') {
        lineEnd();
      } else {
        if (partial.size() >= MAX_LINE) {
          lineEnd();
        }
        partial.write(b);
      }
    }
  }

  @Override
  public void write(byte[] b, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    synchronized (this) {
      int from = off;
      for (int i = off; i < off + len; i++) {
        if (b[i] == '\n' || i - from + partial.size() >= MAX_LINE) {
          partial.write(b, from, i - from);
          lineEnd();
          from = b[i] == '\n' ? i + 1 : i;
        }
      }
      partial.write(b, from, off + len - from);
    }
  }

  /**
   * What this stream puts in front of a log line at INFO: the time stamp of this second, the
   * journal's {@code <6>}, or nothing. For a line written past slf4j with {@link #writeLines}.
   */
  byte[] infoPrefix() {
    return switch (prefix) {
      case TIME -> stamp();
      case PRIORITY -> PRIORITIES[6];
      case NONE -> NOTHING;
    };
  }

  /**
   * Hands whole lines, each with its prefix ({@link #infoPrefix()}) and its end, to the target in
   * one write, then flushes it, past this stream's text path and its lock: the decision log's lines
   * ({@link DecisionLog#writingTo}), from many threads at once, so the target must be thread-safe
   * (a {@link BackgroundOutputStream} is; its flush wakes an idle writer, as slf4j-simple's flush
   * after each line does). They do not change the priority a later line without a level takes in
   * the journal (that of the last line written through the text path: a stack trace's lines follow
   * the message they belong to).
   */
  void writeLines(byte[] lines, int off, int len) {
    try {
      target.write(lines, off, len);
      target.flush();
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      setError();
    }
  }

  /**
   * Registers the shutdown hook of a process whose standard error is this stream in front of {@code
   * background}: as the JVM shuts down, the unfinished line is ended, what is pending is written,
   * and every later line (those of other shutdown hooks) goes out at once.
   *
   * @param background the stream this one writes to
   * @throws IllegalArgumentException if this stream writes elsewhere
   */
  public void writeOutAtExit(BackgroundOutputStream background) {
    checkArgument(background == target, "this stream does not write to %s", background);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  endLine();
                  background.direct();
                },
                "smtpcr-log-exit"));
  }

  /**
   * Ends the line written so far without its end, if there is one, and writes it: for the last
   * words of a process that is shutting down.
   */
  public void endLine() {
    synchronized (this) {
      if (partial.size() > 0) {
        lineEnd();
      }
    }
  }

  /** Writes the unfinished line, if there is one, then closes the target. */
  @Override
  public void close() {
    endLine();
    super.close();
  }

  /** Writes the line written so far, which may be empty, with its end. Holds this. */
  private void lineEnd() {
    byte[] body = partial.toByteArray();
    if (body.length > 64 * 1024) {
      // a very long line grew the buffer: do not keep its capacity
      partial = new ByteArrayOutputStream(256);
    } else {
      partial.reset();
    }
    // the level's words are ASCII: a byte is a char for finding them
    emit(
        new String(body, 0, Math.min(body.length, HEAD_LIMIT), StandardCharsets.ISO_8859_1),
        body,
        0,
        body.length);
  }

  /** Writes one line, {@code text} its start as text, with its prefix and end. Holds this. */
  private void emit(String text, byte[] body, int off, int len) {
    byte[] head = NOTHING;
    if (prefix != Prefix.NONE) {
      int p = priority(text);
      if (prefix == Prefix.PRIORITY) {
        if (p < 0) {
          p = previous;
        }
        previous = p;
        head = PRIORITIES[p];
      } else if (p >= 0) {
        head = stamp();
      }
    }
    byte[] line = new byte[head.length + len + 1];
    System.arraycopy(head, 0, line, 0, head.length);
    System.arraycopy(body, off, line, head.length, len);
    line[line.length - 1] = '\n';
    try {
      target.write(line, 0, line.length);
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      setError();
    }
  }

  private byte[] stamp() {
    long now = clock.millis();
    long second = Math.floorDiv(now, 1000);
    Stamp s = stamp;
    if (s == null || s.second() != second) {
      s =
          new Stamp(
              second,
              TIME.format(java.time.Instant.ofEpochMilli(now).atZone(clock.getZone()))
                  .getBytes(StandardCharsets.US_ASCII));
      stamp = s;
    }
    return s.text();
  }

  @Override
  public String toString() {
    return "LogPrintStream[" + prefix.name().toLowerCase(Locale.ROOT) + "]";
  }
}
