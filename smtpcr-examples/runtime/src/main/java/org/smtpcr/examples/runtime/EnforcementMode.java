package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;
import org.smtpcr.core.Decision;
import org.smtpcr.core.reply.SmtpReply;

/**
 * Whether a route refuses what the engine refuses ({@link #ENFORCE}, the default) or only watches
 * ({@link #OBSERVE}), the first step of a rollout ({@code docs/rollout.md}). Every route asks
 * {@link #refusal(Decision)} what to send, so that the mode means the same on each.
 *
 * @since 0.3.0
 */
public enum EnforcementMode {
  /** Challenges, refusals and deferrals are sent to the client. */
  ENFORCE,
  /**
   * The engine decides, logs and counts as usual, but the route accepts every recipient and
   * message; the decision log's line says what it would have answered ({@code action=accept
   * would=challenge mode=observe}, {@link DecisionLog}). A failing store accepts too: observing
   * must never lose or delay mail.
   */
  OBSERVE;

  /**
   * The reply the route sends for {@code decision}: its negative reply when enforcing, never one
   * when observing. What it would have been is in the decision log's line for the decision, which
   * the engine wrote already ({@link DecisionLog#from(Settings, org.smtpcr.tokens.KeyRing)} reads
   * the same {@link Settings#MODE}).
   *
   * @param decision the engine's decision
   * @return the reply to send, or empty to accept
   */
  public Optional<SmtpReply> refusal(Decision decision) {
    requireNonNull(decision, "decision");
    return this == ENFORCE ? decision.negativeReply() : Optional.empty();
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
