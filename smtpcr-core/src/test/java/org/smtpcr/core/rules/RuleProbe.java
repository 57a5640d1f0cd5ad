package org.smtpcr.core.rules;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.smtpcr.core.Decision;
import org.smtpcr.core.DecisionEngine;
import org.smtpcr.core.DecisionEvent;
import org.smtpcr.core.DecisionRule;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.tokens.KeyRing;

/** Runs one rule alone in an engine and tells whether it decided or abstained. */
final class RuleProbe {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
  static final KeyRing RING = KeyRing.generate();
  private static final String ID = "probe";

  private RuleProbe() {}

  /** The event of deciding {@code tx} with a chain of only {@code rule}. */
  static DecisionEvent event(DecisionRule rule, Transaction tx) {
    List<DecisionEvent> events = new ArrayList<>();
    DecisionEngine engine = DecisionEngine.builder().keyRing(RING).clock(CLOCK)
        .challengeBase(URI.create("https://cr.example.com/")).listener(events::add).rule(ID, rule).build();
    engine.decide(tx);
    return events.get(0);
  }

  /** The rule's decision, or empty when it abstained. */
  static Optional<Decision> decide(DecisionRule rule, Transaction tx) {
    DecisionEvent e = event(rule, tx);
    if (e.failed()) {
      throw new AssertionError("rule failed: " + e);
    }
    return e.ruleId().equals(ID) ? Optional.of(e.decision()) : Optional.empty();
  }

  static Transaction.Builder tx(Stage stage) {
    return Transaction.builder().stage(stage).clientAddress(ip("198.51.100.7")).helo("mx.example.net");
  }

  static Transaction rcpt(String from, String to) {
    return tx(Stage.RCPT).reversePath(from).forwardPath(to).build();
  }

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // literals only: no DNS
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
