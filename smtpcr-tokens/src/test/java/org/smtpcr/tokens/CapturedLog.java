package org.smtpcr.tokens;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Captures what a class logs through SLF4J while it is open. The tests' binding is slf4j-simple,
 * configured by {@code simplelogger.properties} to write one {@code LEVEL logger - message} line
 * per event to the current {@code System.err}; this class swaps {@code System.err} and keeps the
 * events of one logger (with any stack trace lines that follow them). Not for parallel tests.
 */
final class CapturedLog implements AutoCloseable {
  private static final Pattern EVENT =
      Pattern.compile("(TRACE|DEBUG|INFO|WARN|ERROR) (\\S+) - (.*)");

  /** One logged event: its SLF4J level name, and the formatted message plus any stack trace. */
  record Event(String level, String message) {}

  private final String loggerName;
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

  private CapturedLog(String loggerName) {
    this.loggerName = loggerName;
    System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
  }

  static CapturedLog of(Class<?> type) {
    return new CapturedLog(type.getName());
  }

  /** The events of the logger, in order. */
  List<Event> records() {
    String captured = buffer.toString(StandardCharsets.UTF_8);
    List<Event> events = new ArrayList<>();
    String level = null;
    String logger = null;
    StringBuilder message = null;
    for (String line : captured.lines().toList()) {
      Matcher m = EVENT.matcher(line);
      if (m.matches()) {
        if (loggerName.equals(logger)) {
          events.add(new Event(level, message.toString()));
        }
        level = m.group(1);
        logger = m.group(2);
        message = new StringBuilder(m.group(3));
      } else if (message != null) {
        message.append('\n').append(line); // a stack trace, or a message with line breaks
      }
    }
    if (loggerName.equals(logger)) {
      events.add(new Event(level, message.toString()));
    }
    return events;
  }

  /** Every event as a log file would show it: level, then the message with any stack trace. */
  String text() {
    StringBuilder sb = new StringBuilder();
    for (Event e : records()) {
      sb.append(e.level()).append(' ').append(e.message()).append('\n');
    }
    return sb.toString();
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
