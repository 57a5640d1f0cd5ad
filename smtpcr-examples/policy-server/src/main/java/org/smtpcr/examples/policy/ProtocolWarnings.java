package org.smtpcr.examples.policy;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs protocol problems (a request that breaks the syntax or a bound, too many connections) at
 * WARN, one line per closed connection, and at most {@value #PER_MINUTE} lines a minute for the
 * whole server: a peer that keeps sending garbage cannot flood the log. Lines over the limit go to
 * DEBUG and are counted in the next WARN line. Thread-safe.
 */
final class ProtocolWarnings {
  static final int PER_MINUTE = 20;
  private static final long MINUTE_NANOS = 60_000_000_000L;
  private static final Logger log = LoggerFactory.getLogger(PolicyServer.class);

  private final LongSupplier nanoTime;
  private long windowStart;
  private int inWindow;
  private long suppressed;

  ProtocolWarnings(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.windowStart = nanoTime.getAsLong();
  }

  /**
   * Logs that a connection is closed without a reply.
   *
   * @param peer the peer's address as the socket reports it
   * @param reason what was wrong; no peer bytes
   * @param excerpt a sanitized excerpt (see {@link Excerpt}), or empty
   */
  void closing(String peer, String reason, String excerpt) {
    String shown = excerpt.isEmpty() ? "" : " (line starts \"" + excerpt + "\")";
    long dropped;
    synchronized (this) {
      long now = nanoTime.getAsLong();
      if (now - windowStart >= MINUTE_NANOS) {
        windowStart = now;
        inWindow = 0;
      }
      if (inWindow >= PER_MINUTE) {
        suppressed++;
        log.debug("closing policy connection from {} without reply: {}{}", peer, reason, shown);
        return;
      }
      inWindow++;
      dropped = suppressed;
      suppressed = 0;
    }
    if (dropped > 0) {
      log.warn(
          "closing policy connection from {} without reply: {}{}; {} more such warnings were suppressed",
          peer,
          reason,
          shown,
          dropped);
    } else {
      log.warn("closing policy connection from {} without reply: {}{}", peer, reason, shown);
    }
  }
}
