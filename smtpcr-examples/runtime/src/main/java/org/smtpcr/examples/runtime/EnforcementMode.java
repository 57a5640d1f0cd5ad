package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.Decision;
import org.smtpcr.core.reply.SmtpReply;

/**
 * Whether a route refuses what the engine refuses ({@link #ENFORCE}, the default) or only watches
 * ({@link #OBSERVE}), the first step of a rollout ({@code docs/rollout.md}). Every route asks
 * {@link #refusal(Decision, String, String)} what to send, so that the mode means the same on each.
 *
 * @since 0.3.0
 */
public enum EnforcementMode {
  /** Challenges, refusals and deferrals are sent to the client. */
  ENFORCE,
  /**
   * The engine decides, logs and counts as usual, but the route accepts every recipient and
   * message, and logs at INFO what it would have answered. A failing store accepts too: observing
   * must never lose or delay mail.
   */
  OBSERVE;

  private static final Logger log = LoggerFactory.getLogger(EnforcementMode.class);

  /**
   * The reply the route sends for {@code decision}: its negative reply when enforcing, never one
   * when observing (then one INFO line says what it would have been: verdict, code, rule and
   * session, no addresses).
   *
   * @param decision the engine's decision
   * @param ruleId the id of the rule that decided, for the log line
   * @param sessionId the session id, or {@code -}, for the log line
   * @return the reply to send, or empty to accept
   */
  public Optional<SmtpReply> refusal(Decision decision, String ruleId, String sessionId) {
    requireNonNull(decision, "decision");
    requireNonNull(ruleId, "ruleId");
    requireNonNull(sessionId, "sessionId");
    Optional<SmtpReply> reply = decision.negativeReply();
    if (this == ENFORCE || reply.isEmpty()) {
      return reply;
    }
    if (log.isInfoEnabled()) {
      log.info(
          "mode=observe action=accept would={} code={} rule={} session={}",
          wouldBe(decision).orElseThrow(),
          reply.get().code(),
          SessionIds.sanitize(ruleId).orElse("-"),
          SessionIds.sanitize(sessionId).orElse("-"));
    }
    return Optional.empty();
  }

  /**
   * What an observing route would have done: {@code would-challenge}, {@code would-reject} or
   * {@code would-defer}; empty for an accept.
   *
   * @param decision the engine's decision
   * @return the words, or empty
   */
  public static Optional<String> wouldBe(Decision decision) {
    requireNonNull(decision, "decision");
    return decision.verdict() == Decision.Verdict.ACCEPT
        ? Optional.empty()
        : Optional.of("would-" + decision.verdict().name().toLowerCase(Locale.ROOT));
  }

  /**
   * Parses {@code enforce} or {@code observe}, in any case.
   *
   * @param text the mode as written
   * @return the mode
   * @throws IllegalArgumentException for anything else
   */
  public static EnforcementMode parse(String text) {
    requireNonNull(text, "text");
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "enforce" -> ENFORCE;
      case "observe" -> OBSERVE;
      default -> throw new IllegalArgumentException("must be enforce or observe");
    };
  }
}
