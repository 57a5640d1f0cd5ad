package org.smtpcr.examples.runtime;

import java.net.InetAddress;
import java.util.Optional;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;
import org.smtpcr.core.engine.DecisionContext;
import org.smtpcr.core.engine.DecisionEvent;

/** Decision events for the tests of listeners that only pass them on. */
public final class DecisionEvents {
  private DecisionEvents() {}

  /**
   * An accept at RCPT from loopback, alice@example.org to bob@example.com.
   *
   * @param session the session id, which tells events apart
   * @return the event
   */
  public static DecisionEvent accept(String session) {
    return new DecisionEvent(
        session,
        Stage.RCPT,
        "default",
        Decision.accept(),
        1,
        false,
        new DecisionContext(
            InetAddress.getLoopbackAddress(),
            Optional.empty(),
            Optional.empty(),
            Optional.of("alice@example.org"),
            Optional.of("bob@example.com"),
            Optional.empty()));
  }
}
