package org.smtpcr.core.rules;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.smtpcr.core.Decision;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.spi.DecisionRule;
import org.smtpcr.core.spi.RuleChain;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;

/** Runs one rule alone in an engine and tells whether it decided or abstained. */
final class RuleProbe {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
  static final KeyRing RING = KeyRing.generate();
  private static final String ID = "probe";

  private RuleProbe() {}

  /** The event of deciding {@code tx} with a chain of only {@code rule}. */
  static DecisionOutcome event(DecisionRule rule, Transaction tx) {
    RuleChain chain =
        RuleChain.builder()
            .clock(CLOCK)
            .challengeTokens(ChallengeTokens.builder().keyRing(RING).clock(CLOCK).build())
            .challengeBase(URI.create("https://cr.example.com/"))
            .rule(ID, rule)
            .build();
    return chain.evaluate(tx);
  }

  static Optional<Decision> decide(DecisionRule rule, Transaction tx) {
    DecisionOutcome e = event(rule, tx);
    if (e.failed()) {
      throw new AssertionError("rule failed: " + e);
    }
    return e.ruleId().equals(ID) ? Optional.of(e.decision()) : Optional.empty();
  }

  static Transaction.Builder tx(Stage stage) {
    return Transaction.builder()
        .stage(stage)
        .clientAddress(ip("198.51.100.7"))
        .helo("mx.example.net");
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
