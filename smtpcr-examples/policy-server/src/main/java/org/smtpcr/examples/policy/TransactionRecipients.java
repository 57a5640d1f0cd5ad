package org.smtpcr.examples.policy;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import org.smtpcr.core.Transaction;

/**
 * The recipients accepted so far in each SMTP transaction, by Postfix's {@code instance} attribute
 * (one value per transaction, the same at {@code RCPT} and {@code END-OF-MESSAGE}): what the engine
 * needs to count the recipients of a transaction, and what learning from outbound mail learns once
 * the message is accepted.
 *
 * <p><b>Bounds.</b> At most {@value #MAX_TRANSACTIONS} transactions, the least recently used
 * dropped first; at most {@link Transaction#MAX_ACCEPTED_RECIPIENTS} (1000, Postfix's default
 * {@code smtpd_recipient_limit}) recipients each (more are not kept), at most {@value #MAX_CHARS}
 * characters of recipients in all (the least recently used transactions go first); a transaction
 * not touched for {@link #MAX_IDLE} is forgotten (time from the {@link Clock}). A transaction ends
 * at {@code END-OF-MESSAGE} ({@link #end}); one that ends otherwise (RSET, QUIT, a rejected DATA)
 * is forgotten when idle.
 *
 * <p>Thread-safe.
 */
final class TransactionRecipients {
  static final int MAX_TRANSACTIONS = 10_000;
  static final int MAX_RECIPIENTS = Transaction.MAX_ACCEPTED_RECIPIENTS;

  /** All recipients kept, in characters (about 8 MB): the oldest transactions go beyond it. */
  static final long MAX_CHARS = 4_000_000;

  /** Longest instance kept; Postfix's are about 20 characters. */
  static final int MAX_INSTANCE_LENGTH = 64;

  /** Longer than Postfix lets one transaction take between two commands ({@code smtpd_timeout}). */
  static final Duration MAX_IDLE = Duration.ofHours(1);

  private static final class Entry {
    final List<String> recipients = new ArrayList<>();
    long chars;
    Instant touched;

    Entry(Instant touched) {
      this.touched = touched;
    }
  }

  private final Clock clock;
  // access order: the least recently used transaction comes first
  private final LinkedHashMap<String, Entry> byInstance = new LinkedHashMap<>(16, 0.75f, true);
  private long chars;

  TransactionRecipients(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * The recipients accepted so far in the transaction {@code instance}, in order.
   *
   * @param instance Postfix's instance; empty: no transaction is known
   * @return a copy, empty when none was accepted
   */
  synchronized List<String> accepted(String instance) {
    if (!usable(instance)) {
      return List.of();
    }
    Instant now = clock.instant();
    expire(now);
    Entry e = byInstance.get(instance);
    if (e == null) {
      return List.of();
    }
    e.touched = now;
    return List.copyOf(e.recipients);
  }

  /**
   * Records that {@code recipient} was accepted in the transaction {@code instance}.
   *
   * @param instance Postfix's instance; empty: nothing is recorded
   * @param recipient the forward-path
   */
  synchronized void add(String instance, String recipient) {
    requireNonNull(recipient, "recipient");
    if (!usable(instance)) {
      return;
    }
    Instant now = clock.instant();
    expire(now);
    Entry e = byInstance.computeIfAbsent(instance, k -> new Entry(now));
    e.touched = now;
    if (e.recipients.contains(recipient)) {
      return; // asked again for the same recipient (a second restriction list): one recipient
    }
    if (e.recipients.size() < MAX_RECIPIENTS) {
      e.recipients.add(recipient);
      e.chars += recipient.length();
      chars += recipient.length();
    }
    // over a bound: the least recently used transactions go, never the one just touched
    for (Iterator<Entry> it = byInstance.values().iterator();
        (byInstance.size() > MAX_TRANSACTIONS || chars > MAX_CHARS) && byInstance.size() > 1; ) {
      chars -= it.next().chars;
      it.remove();
    }
  }

  /**
   * Ends the transaction {@code instance} and returns its recipients.
   *
   * @param instance Postfix's instance
   * @return the recipients accepted in it, empty when none is known
   */
  synchronized List<String> end(String instance) {
    if (!usable(instance)) {
      return List.of();
    }
    expire(clock.instant());
    Entry e = byInstance.remove(instance);
    if (e == null) {
      return List.of();
    }
    chars -= e.chars;
    return List.copyOf(e.recipients);
  }

  /** How many transactions are kept. */
  synchronized int size() {
    return byInstance.size();
  }

  private static boolean usable(String instance) {
    return !instance.isEmpty() && instance.length() <= MAX_INSTANCE_LENGTH;
  }

  /** Drops the transactions idle for {@link #MAX_IDLE}: the least recently used come first. */
  private void expire(Instant now) {
    Instant limit = now.minus(MAX_IDLE);
    for (Iterator<Entry> it = byInstance.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (!e.touched.isBefore(limit)) {
        return;
      }
      chars -= e.chars;
      it.remove();
    }
  }
}
