package org.smtpcr.examples.policy;

import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * One kind of WARN line that a peer can cause, at most {@value #PER_MINUTE} a minute: over that,
 * the line goes to DEBUG and is counted in the next WARN line, so no peer can flood the log.
 * Thread-safe.
 */
final class WarnLimit {
  static final int PER_MINUTE = 20;
  private static final long MINUTE_NANOS = 60_000_000_000L;

  private final Logger log;
  private final LongSupplier nanoTime;
  private long windowStart;
  private int inWindow;
  private long suppressed;

  WarnLimit(Logger log, LongSupplier nanoTime) {
    this.log = log;
    this.nanoTime = nanoTime;
    this.windowStart = nanoTime.getAsLong();
  }

  /** Logs {@code format} (SLF4J placeholders) at WARN, or at DEBUG over the limit. */
  void warn(String format, Object... arguments) {
    long dropped;
    synchronized (this) {
      long now = nanoTime.getAsLong();
      if (now - windowStart >= MINUTE_NANOS) {
        windowStart = now;
        inWindow = 0;
      }
      if (inWindow >= PER_MINUTE) {
        suppressed++;
        log.debug(format, arguments);
        return;
      }
      inWindow++;
      dropped = suppressed;
      suppressed = 0;
    }
    if (dropped > 0) {
      log.warn(format + " ({} more such warnings were suppressed)", append(arguments, dropped));
    } else {
      log.warn(format, arguments);
    }
  }

  private static Object[] append(Object[] arguments, Object last) {
    Object[] all = new Object[arguments.length + 1];
    System.arraycopy(arguments, 0, all, 0, arguments.length);
    all[arguments.length] = last;
    return all;
  }
}
