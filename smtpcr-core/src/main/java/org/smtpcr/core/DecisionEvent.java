package org.smtpcr.core;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * One answer the engine gave, as {@link DecisionListener}s see it. It carries no addresses.
 *
 * @param sessionId the transaction's session id
 * @param stage the stage decided
 * @param ruleId the id of the rule that decided; {@value #DEFAULT} when every rule abstained, or
 *     one of the engine's own ids: {@value #INVALID_ADDRESS}, {@value #PENDING},
 *     {@value #PENDING_MIX}, {@value #RECIPIENT_LIMIT}, {@value #RCPT}
 * @param decision the decision returned to the MTA
 * @param elapsedNanos how long deciding took
 * @param failed whether the decision is the fallback for a rule, store or engine failure
 * @since 0.1.0
 */
public record DecisionEvent(String sessionId, Stage stage, String ruleId, Decision decision, long elapsedNanos,
    boolean failed) {
  /**
   * Every rule abstained.
   */
  public static final String DEFAULT = "default";

  /**
   * A path could not be canonicalized; the answer is {@code 553 5.1.7} (sender) or {@code 553 5.1.3}
   * (recipient).
   */
  public static final String INVALID_ADDRESS = "invalid-address";

  /**
   * A recipient was accepted provisionally, to be decided at the end of DATA.
   */
  public static final String PENDING = "pending";

  /**
   * A recipient could not join the transaction (accepted outright vs. pending); {@code 452 4.5.3}.
   */
  public static final String PENDING_MIX = "pending-mix";

  /**
   * A transaction reached {@link TransactionState#MAX_RECIPIENTS}; {@code 452 4.5.3}.
   */
  public static final String RECIPIENT_LIMIT = "recipient-limit";

  /**
   * End of DATA with every recipient accepted outright at RCPT: nothing left to decide.
   */
  public static final String RCPT = "rcpt";

  /**
   * Checks the components.
   */
  public DecisionEvent {
    requireNonNull(sessionId, "sessionId");
    requireNonNull(stage, "stage");
    requireNonNull(ruleId, "ruleId");
    requireNonNull(decision, "decision");
    checkArgument(elapsedNanos >= 0, "elapsedNanos must not be negative");
  }
}
