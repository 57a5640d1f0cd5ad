package org.smtpcr.examples.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Under systemd, standard error goes to the journal, which reads a {@code <N>} at the start of each
 * line as its syslog priority (systemd's {@code SyslogLevelPrefix}, on by default). This stream
 * puts that prefix in front of every line slf4j-simple writes: {@code <3>} for ERROR, {@code <4>}
 * WARN, {@code <6>} INFO and {@code <7>} DEBUG and TRACE. A line without a level (a stack trace's)
 * takes the level of the line before it; one that follows none is {@code <3>}, an error message of
 * the command itself. Not thread-safe on its own: {@link java.io.PrintStream} serializes the writes
 * of one line.
 */
final class JournalPrefix extends OutputStream {
  /** The environment variable systemd sets when standard output or error is the journal. */
  static final String JOURNAL_STREAM = "JOURNAL_STREAM";

  private static final List<Map.Entry<String, Integer>> LEVELS =
      List.of(
          Map.entry("ERROR", 3),
          Map.entry("WARN", 4),
          Map.entry("INFO", 6),
          Map.entry("DEBUG", 7),
          Map.entry("TRACE", 7));

  private final OutputStream out;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private int previous = 3;

  JournalPrefix(OutputStream out) {
    this.out = out;
  }

  /**
   * Whether standard error should carry priorities: under systemd, and not for {@code demo}, which
   * is run on a console.
   */
  static boolean wanted(Map<String, String> env, String... args) {
    String stream = env.get(JOURNAL_STREAM);
    if (stream == null || stream.isEmpty()) {
      return false;
    }
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config")) {
        i++; // its value
      } else if (!args[i].startsWith("-")) {
        return !args[i].equals("demo");
      }
    }
    return true;
  }

  /** The syslog priority of a line slf4j-simple wrote, or -1 when it names no level. */
  static int priority(String text) {
    // "[INFO] Foo - ..." (levelInBrackets), "[thread] INFO Foo - ...", "12:00:00 [WARN] ...": the
    // level is a word of what comes before the first " - "; never one of the message's
    int end = text.indexOf(" - ");
    String head = text.substring(0, end >= 0 ? Math.min(end, 300) : Math.min(text.length(), 300));
    for (String word : head.split(" ", -1)) {
      for (Map.Entry<String, Integer> l : LEVELS) {
        if (word.equals(l.getKey()) || word.equals("[" + l.getKey() + "]")) {
          return end >= 0 ? l.getValue() : -1;
        }
      }
    }
    return -1;
  }

  @Override
  public void write(int b) throws IOException {
    line.write(b);
    if (b == '\n') {
      emit();
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      write(b[i]);
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush(); // a line without its end yet waits for it: its prefix comes first
  }

  @Override
  public void close() throws IOException {
    if (line.size() > 0) {
      emit();
    }
    out.close();
  }

  private void emit() throws IOException {
    int p = priority(line.toString(StandardCharsets.ISO_8859_1));
    if (p < 0) {
      p = previous;
    }
    previous = p;
    out.write(('<' + Integer.toString(p) + '>').getBytes(StandardCharsets.US_ASCII));
    line.writeTo(out);
    line.reset();
    out.flush();
  }
}
