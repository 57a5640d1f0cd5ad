package org.smtpcr.core.rules;

import java.util.Optional;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;
import org.smtpcr.core.spi.DecisionRule;
import org.smtpcr.core.spi.RuleContext;

/**
 * Decides mail from the null sender {@code <>} (bounces, delivery status notifications,
 * sender-verification probes), which is never challenged: no person can answer a challenge sent to
 * a bounce. By default it is accepted; {@link #reject()} refuses it at RCPT instead (the engine
 * would otherwise reject it too, for lack of a sender to put in a challenge link).
 *
 * @since 0.1.0
 */
public final class NullSenderRule implements DecisionRule {
  private static final NullSenderRule ACCEPT = new NullSenderRule(false);
  private static final NullSenderRule REJECT = new NullSenderRule(true);

  private final boolean reject;

  private NullSenderRule(boolean reject) {
    this.reject = reject;
  }

  /**
   * The rule that accepts the null sender at every stage from MAIL on (the default).
   *
   * @return the rule
   */
  public static NullSenderRule accept() {
    return ACCEPT;
  }

  /**
   * The rule that refuses the null sender at RCPT and DATA with the reject reply (it abstains at
   * MAIL: RFC 5321 §4.5.5 has servers accept {@code MAIL FROM:<>}).
   *
   * @return the rule
   */
  public static NullSenderRule reject() {
    return REJECT;
  }

  @Override
  public Optional<Decision> decide(RuleContext context) {
    if (!context.isNullSender()) {
      return Optional.empty();
    }
    if (!reject) {
      return Optional.of(context.accept());
    }
    return context.stage().compareTo(Stage.RCPT) >= 0
        ? Optional.of(context.reject())
        : Optional.empty();
  }

  @Override
  public String id() {
    return "null-sender";
  }

  @Override
  public String toString() {
    return reject ? "NullSenderRule.reject()" : "NullSenderRule.accept()";
  }
}
