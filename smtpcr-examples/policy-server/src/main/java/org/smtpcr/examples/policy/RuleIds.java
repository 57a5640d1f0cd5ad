package org.smtpcr.examples.policy;

import java.util.Optional;
import org.smtpcr.core.DecisionEvent;
import org.smtpcr.core.DecisionListener;

/**
 * Hands the engine's {@link DecisionEvent} (which names the deciding rule) from the listener to the
 * decider. The engine calls its listener on the thread that asked for the decision, right after
 * deciding, so a thread-local carries it across.
 */
final class RuleIds {
  private static final ThreadLocal<DecisionEvent> LAST = new ThreadLocal<>();

  static final DecisionListener LISTENER = LAST::set;

  private RuleIds() {}

  static void clear() {
    LAST.remove();
  }

  static Optional<DecisionEvent> take() {
    DecisionEvent e = LAST.get();
    LAST.remove();
    return Optional.ofNullable(e);
  }
}
