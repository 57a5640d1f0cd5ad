package org.smtpcr.core.engine;

import static java.util.Objects.requireNonNull;

/**
 * Receives every answer the engine gives: for metrics, audit logs or tests. Called on the thread
 * that asked for the decision, after it was made; keep it quick. A listener that throws is logged
 * at WARN and otherwise ignored: it never changes or delays the decision beyond its own run time.
 *
 * <p>The default, {@link #logging()}, writes one DEBUG line per decision and nothing at INFO.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface DecisionListener {
  /**
   * Called once per decision.
   *
   * @param event what was decided, by which rule, how fast
   */
  void onDecision(DecisionEvent event);

  /**
   * A listener that runs this one, then {@code next} (even if this one throws).
   *
   * @param next the listener to run second
   * @return the combined listener
   */
  default DecisionListener andThen(DecisionListener next) {
    requireNonNull(next, "next");
    return event -> {
      try {
        onDecision(event);
      } finally {
        next.onDecision(event);
      }
    };
  }

  /**
   * The default listener: one DEBUG line per decision on the logger {@code
   * org.smtpcr.core.engine.DecisionEngine}, with stage, verdict, reply code, rule id, session id
   * and elapsed microseconds; no addresses.
   *
   * @return the logging listener
   */
  static DecisionListener logging() {
    return LoggingListener.INSTANCE;
  }

  /**
   * A listener that does nothing.
   *
   * @return the silent listener
   */
  static DecisionListener none() {
    return event -> {};
  }
}
