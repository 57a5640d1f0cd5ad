package org.smtpcr.core;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * What a decision engine answered, and why: the {@link Decision}, the id of the rule that decided
 * it, and whether it is the fallback for a failure. This is the one public door to "which rule
 * decided" (for logs, metrics and protocol replies that name the rule); nothing else carries it.
 *
 * @param decision the decision to hand to the MTA
 * @param ruleId the id of the rule that decided: a rule's own id, {@value #DEFAULT} when every rule
 *     abstained, or one of the engine's own ids: {@value #INVALID_ADDRESS}, {@value #PENDING},
 *     {@value #PENDING_MIX}, {@value #RECIPIENT_LIMIT}, {@value #RCPT}
 * @param failed whether the decision is the fallback for a rule, store or engine failure (then the
 *     decision is a temporary {@link Decision.Defer}, never a permanent refusal)
 * @since 0.1.0
 */
public record DecisionOutcome(Decision decision, String ruleId, boolean failed) {
  /** Every rule abstained: the engine challenged (RCPT, DATA) or accepted (earlier stages). */
  public static final String DEFAULT = "default";

  /**
   * A path could not be canonicalized; the answer is {@code 553 5.1.7} (sender) or {@code 553
   * 5.1.3} (recipient).
   */
  public static final String INVALID_ADDRESS = "invalid-address";

  /** A recipient was accepted provisionally, to be decided at the end of DATA. */
  public static final String PENDING = "pending";

  /**
   * A recipient could not join the transaction (accepted outright vs. pending); {@code 452 4.5.3}.
   */
  public static final String PENDING_MIX = "pending-mix";

  /** A transaction reached its recipient limit; {@code 452 4.5.3}. */
  public static final String RECIPIENT_LIMIT = "recipient-limit";

  /** End of DATA with every recipient accepted outright at RCPT: nothing left to decide. */
  public static final String RCPT = "rcpt";

  /** Checks the components: a failure is always answered with a temporary {@code Defer}. */
  public DecisionOutcome {
    requireNonNull(decision, "decision");
    requireNonNull(ruleId, "ruleId");
    checkArgument(
        !failed || decision instanceof Decision.Defer,
        "a failed outcome must defer, got %s",
        decision.verdict());
  }

  /**
   * Whether {@code id} is one the engine uses for itself and no rule may take.
   *
   * @param id a rule id
   * @return true for {@value #DEFAULT}, {@value #INVALID_ADDRESS}, {@value #PENDING}, {@value
   *     #PENDING_MIX}, {@value #RECIPIENT_LIMIT} and {@value #RCPT}
   */
  public static boolean isReservedId(String id) {
    return switch (id) {
      case DEFAULT, INVALID_ADDRESS, PENDING, PENDING_MIX, RECIPIENT_LIMIT, RCPT -> true;
      default -> false;
    };
  }
}
