package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
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

  /**
   * What slf4j-simple writes in front of a decision's line under the {@code smtpcr} command's
   * configuration: its level in brackets and the logger's short name.
   */
  private static final byte[] HEAD = "[INFO] DecisionLog - ".getBytes(StandardCharsets.US_ASCII);

  private final LogLine lines;
  private final EnforcementMode mode;

  /** Where lines are written past slf4j, or null: through slf4j. */
  private final LogPrintStream direct;

  /** Each thread's line, emptied and written again for each decision it logs. */
  private final ThreadLocal<LogLine.Builder> scratch;

  private DecisionLog(LogLine lines, EnforcementMode mode, LogPrintStream direct) {
    this.lines = lines;
    this.mode = mode;
    this.direct = direct;
    this.scratch = ThreadLocal.withInitial(lines::line);
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
    return new DecisionLog(requireNonNull(lines, "lines"), requireNonNull(mode, "mode"), null);
  }

  /**
   * This log, writing each line to {@code err} itself instead of through slf4j, as slf4j-simple
   * would write it there under the {@code smtpcr} command's configuration ({@code [INFO]
   * DecisionLog - action=...}, after what {@code err} puts in front of a line at INFO). A line is
   * formatted once, straight into bytes, in the thread that decided, and handed to {@code err}'s
   * target in one write, without the strings, encoding and locks slf4j-simple and a {@link
   * java.io.PrintStream} add per line ({@code docs/benchmarks.md}). The logger's level is still
   * slf4j's: a line is written only while it logs at INFO. The lines are printable US-ASCII, the
   * same bytes in any charset a console uses.
   *
   * <p>Only for a process whose slf4j-simple writes to {@code err} in the command's format (the
   * command checks its configuration first), and whose {@code err} writes to a thread-safe target,
   * such as a {@link BackgroundOutputStream}: the lines are written from every deciding thread at
   * once, past {@code err}'s lock. They do not wait for a message another thread is logging with
   * its stack trace, so on a console a decision line can come between the two.
   *
   * @param err the process's standard error, as the command sets it up
   * @return a log writing to {@code err}
   */
  public DecisionLog writingTo(LogPrintStream err) {
    return new DecisionLog(lines, mode, requireNonNull(err, "err"));
  }

  @Override
  public void onDecision(DecisionEvent event) {
    requireNonNull(event, "event");
    if (!log.isInfoEnabled()) {
      return;
    }
    if (direct == null) {
      // the line as the message, without arguments: the backend copies it as it is, without
      // looking for placeholders (what a peer sent can hold "{}": it is written as it came)
      log.info(format(event));
      return;
    }
    byte[] prefix = direct.infoPrefix();
    LogLine.Builder b =
        scratch.get().reset().put(prefix, 0, prefix.length).put(HEAD, 0, HEAD.length).fields();
    fields(event, b).put((byte) '\n');
    direct.writeLines(b.bytes(), 0, b.length());
  }

  /**
   * The line written for {@code event}.
   *
   * @param event the decision
   * @return the line, without a line end
   */
  public String format(DecisionEvent event) {
    requireNonNull(event, "event");
    return fields(event, lines.line()).toString();
  }

  /** Writes the fields of {@code event}'s line into {@code b}. */
  private LogLine.Builder fields(DecisionEvent event, LogLine.Builder b) {
    Decision d = event.decision();
    DecisionContext c = event.context();
    String verdict = VERDICTS[d.verdict().ordinal()];
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
    // without a lambda per field: this runs for every decision
    if (c.clientName().isPresent()) {
      b.add("client_name", c.clientName().get());
    }
    if (c.helo().isPresent()) {
      b.add("helo", c.helo().get());
    }
    if (c.reversePath().isPresent()) {
      b.address("sender", c.reversePath().get());
    }
    if (c.forwardPath().isPresent()) {
      b.address("recipient", c.forwardPath().get());
    }
    if (c.queueId().isPresent()) {
      b.add("queue_id", c.queueId().get());
    }
    return b.add("session", event.sessionId()).millis("delay_ms", event.elapsedNanos());
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

  @Override
  public String toString() {
    return "DecisionLog[addresses="
        + lines.addresses().name().toLowerCase(Locale.ROOT)
        + ", mode="
        + mode.name().toLowerCase(Locale.ROOT)
        + (direct == null ? "" : ", direct")
        + "]";
  }
}
