package org.smtpcr.tokens;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Captures what a class logs through {@link System.Logger}, which writes to
 * {@code java.util.logging} when no other backend is installed, as in these tests.
 */
final class CapturedLog implements AutoCloseable {
  private final Logger logger; // a strong reference, so the configured logger is not collected
  private final Level previousLevel;
  private final boolean previousUseParent;
  private final List<LogRecord> records = new ArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      synchronized (records) {
        records.add(record);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private CapturedLog(String name) {
    logger = Logger.getLogger(name);
    previousLevel = logger.getLevel();
    previousUseParent = logger.getUseParentHandlers();
    logger.setLevel(Level.ALL);
    logger.setUseParentHandlers(false); // captured, not printed
    handler.setLevel(Level.ALL);
    logger.addHandler(handler);
  }

  static CapturedLog of(Class<?> type) {
    return new CapturedLog(type.getName());
  }

  List<LogRecord> records() {
    synchronized (records) {
      return List.copyOf(records);
    }
  }

  /** Every record as a log file would show it: level, message with parameters, and thrown. */
  String text() {
    SimpleFormatter f = new SimpleFormatter();
    StringBuilder sb = new StringBuilder();
    for (LogRecord r : records()) {
      sb.append(r.getLevel()).append(' ').append(f.formatMessage(r)).append('\n');
      if (r.getThrown() != null) {
        sb.append(r.getThrown()).append('\n');
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
    logger.setLevel(previousLevel);
    logger.setUseParentHandlers(previousUseParent);
  }
}
