package org.smtpcr.core.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link DecisionListener#logging()}. */
final class LoggingListener implements DecisionListener {
  static final LoggingListener INSTANCE =
      new LoggingListener(LoggerFactory.getLogger(DecisionEngine.class));

  private final Logger log;

  LoggingListener(Logger log) {
    this.log = log;
  }

  @Override
  public void onDecision(DecisionEvent e) {
    if (log.isDebugEnabled()) {
      log.debug(
          "decision stage={} verdict={} code={} rule={} session={} micros={}{}",
          e.stage(),
          e.decision().verdict(),
          e.decision().negativeReply().map(r -> r.code() + " " + r.enhancedStatus()).orElse("-"),
          e.ruleId(),
          e.sessionId(),
          e.elapsedNanos() / 1000,
          e.failed() ? " failed=true" : "");
    }
  }

  @Override
  public String toString() {
    return "DecisionListener.logging()";
  }
}
