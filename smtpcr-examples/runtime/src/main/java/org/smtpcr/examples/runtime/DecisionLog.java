package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;
import org.smtpcr.core.engine.DecisionContext;
import org.smtpcr.core.engine.DecisionEvent;
import org.smtpcr.core.engine.DecisionListener;
import org.smtpcr.core.reply.SmtpReply;
import org.smtpcr.tokens.KeyRing;

/**
 * The decision log: one INFO line per decision on the logger {@code
 * org.smtpcr.examples.runtime.DecisionLog}, in {@code key=value} form, with the client and the
 * envelope written as {@link Settings#LOG_ADDRESSES} says (docs/operations.md lists the fields):
 *
 * <pre>
 * action=challenge rule=default reason=550/5.7.1 stage=rcpt client_address=192.0.2.1
 *   client_name=mail.example.org helo=mail.example.org sender=alice@example.org
 *   recipient=bob@example.com queue_id=4Xy7Zq1AbC session=s1f0c delay_ms=0.4
 * </pre>
 *
 * <p>When the route {@linkplain EnforcementMode#OBSERVE observes}, {@code action} is what the route
 * did and {@code would} what enforcing would have done, and every line says {@code mode=observe}:
 *
 * <pre>
 * action=accept would=challenge mode=observe rule=default reason=550/5.7.1 stage=rcpt ...
 * </pre>
 *
 * <p>Every shipped route installs it ({@link StandardEngine#builder}). Immutable and thread-safe.
 *
 * @since 0.3.0
 */
public final class DecisionLog implements DecisionListener {
  private static final Logger log = LoggerFactory.getLogger(DecisionLog.class);

  /** Each verdict's and stage's name in lower case, by ordinal: not made again per line. */
  private static final String[] VERDICTS = lowerCaseNames(Decision.Verdict.values());

  private static final String[] STAGES = lowerCaseNames(Stage.values());

  private final LogLine lines;
  private final EnforcementMode mode;

  private DecisionLog(LogLine lines, EnforcementMode mode) {
    this.lines = lines;
    this.mode = mode;
  }

  /**
   * The decision log for these settings.
   *
   * @param settings the settings ({@link Settings#LOG_ADDRESSES}, and {@link Settings#MODE}, which
   *     the route must use too)
   * @param ring the site's key ring, which keys the hashes of addresses
   * @return the listener
   */
  public static DecisionLog from(Settings settings, KeyRing ring) {
    return of(LogLine.from(settings, ring), settings.get(Settings.MODE));
  }

  /**
   * The decision log writing with {@code lines}, for a route that enforces.
   *
   * @param lines how lines and addresses are written
   * @return the listener
   */
  public static DecisionLog of(LogLine lines) {
    return of(lines, EnforcementMode.ENFORCE);
  }

  /**
   * The decision log writing with {@code lines}, for a route in {@code mode}.
   *
   * @param lines how lines and addresses are written
   * @param mode the route's mode: observing, a refusal is logged as {@code action=accept would=...}
   * @return the listener
   */
  public static DecisionLog of(LogLine lines, EnforcementMode mode) {
    return new DecisionLog(requireNonNull(lines, "lines"), requireNonNull(mode, "mode"));
  }

  @Override
  public void onDecision(DecisionEvent event) {
    if (log.isInfoEnabled()) {
      // the line as the message, without arguments: the backend copies it as it is, without
      // looking for placeholders (what a peer sent can hold "{}": it is written as it came)
      log.info(format(event));
    }
  }

  /**
   * The line written for {@code event}.
   *
   * @param event the decision
   * @return the line, without a line end
   */
  public String format(DecisionEvent event) {
    requireNonNull(event, "event");
    Decision d = event.decision();
    DecisionContext c = event.context();
    String verdict = VERDICTS[d.verdict().ordinal()];
    LogLine.Builder b = lines.line();
    if (mode == EnforcementMode.OBSERVE) {
      b.add("action", "accept");
      if (d.verdict() != Decision.Verdict.ACCEPT) {
        b.add("would", verdict);
      }
      b.add("mode", "observe");
    } else {
      b.add("action", verdict);
    }
    b.add("rule", event.ruleId())
        .add("reason", reason(event))
        .add("stage", STAGES[event.stage().ordinal()])
        .address("client_address", c.clientAddress());
    c.clientName().ifPresent(n -> b.add("client_name", n));
    c.helo().ifPresent(h -> b.add("helo", h));
    c.reversePath().ifPresent(p -> b.address("sender", p));
    c.forwardPath().ifPresent(p -> b.address("recipient", p));
    c.queueId().ifPresent(q -> b.add("queue_id", q));
    return b.add("session", event.sessionId())
        .add("delay_ms", millis(event.elapsedNanos()))
        .toString();
  }

  private static String[] lowerCaseNames(Enum<?>[] values) {
    String[] names = new String[values.length];
    for (Enum<?> v : values) {
      names[v.ordinal()] = v.name().toLowerCase(Locale.ROOT);
    }
    return names;
  }

  /** {@code pass}, {@code failure}, or the reply's code and enhanced status. */
  private static String reason(DecisionEvent event) {
    if (event.failed()) {
      return "failure";
    }
    return event.decision().negativeReply().map(DecisionLog::codeAndStatus).orElse("pass");
  }

  private static String codeAndStatus(SmtpReply r) {
    return r.code() + "/" + r.enhancedStatus();
  }

  /** Milliseconds with one decimal, without a locale. */
  static String millis(long nanos) {
    long tenths = nanos / 100_000;
    return (tenths / 10) + "." + (tenths % 10);
  }

  @Override
  public String toString() {
    return "DecisionLog[addresses="
        + lines.addresses().name().toLowerCase(Locale.ROOT)
        + ", mode="
        + mode.name().toLowerCase(Locale.ROOT)
        + "]";
  }
}
