package org.smtpcr.core.engine;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import org.smtpcr.core.Decision;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.Stage;

/**
 * One answer the engine gave, as {@link DecisionListener}s see it, with the {@linkplain
 * DecisionContext client and envelope} it was about (since 0.3.0; before, events carried no
 * addresses).
 *
 * @param sessionId the transaction's session id
 * @param stage the stage decided
 * @param ruleId the id of the rule that decided, as {@link DecisionOutcome#ruleId()} names it
 * @param decision the decision returned to the MTA
 * @param elapsedNanos how long deciding took
 * @param failed whether the decision is the fallback for a rule, store or engine failure
 * @param context the client and envelope decided (since 0.3.0)
 * @since 0.1.0
 */
public record DecisionEvent(
    String sessionId,
    Stage stage,
    String ruleId,
    Decision decision,
    long elapsedNanos,
    boolean failed,
    DecisionContext context) {
  /** Checks the components. */
  public DecisionEvent {
    requireNonNull(context, "context");
    requireNonNull(sessionId, "sessionId");
    requireNonNull(stage, "stage");
    requireNonNull(ruleId, "ruleId");
    requireNonNull(decision, "decision");
    checkArgument(elapsedNanos >= 0, "elapsedNanos must not be negative");
  }
}
