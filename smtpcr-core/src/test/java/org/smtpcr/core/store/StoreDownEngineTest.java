package org.smtpcr.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.tokens.KeyRing;

/** A JDBC store whose database is unreachable or goes down makes the engine defer, never refuse. */
final class StoreDownEngineTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

  private static DecisionEngine engine(WhitelistStore store) {
    return DecisionEngine.builder()
        .keyRing(KeyRing.generate())
        .clock(CLOCK)
        .challengeBase(URI.create("https://cr.example.com/"))
        .rules(StandardRules.builder().whitelistStore(store).build())
        .build();
  }

  private static Transaction rcpt() throws Exception {
    return Transaction.builder()
        .stage(Stage.RCPT)
        .clientAddress(InetAddress.getByName("192.0.2.1"))
        .reversePath("<alice@example.org>")
        .forwardPath("<bob@example.com>")
        .build();
  }

  private static void assertDefer451(Decision d) {
    Decision.Defer defer = assertInstanceOf(Decision.Defer.class, d);
    assertEquals(451, defer.reply().code());
    assertEquals("4.3.0", defer.reply().enhancedStatus());
  }

  @Test
  void decide_dataSourceThrows_defers451() throws Exception {
    WhitelistStore store =
        JdbcWhitelistStore.builder()
            .dataSource(JdbcWhitelistStoreFailureTest.unreachable())
            .build();
    assertDefer451(engine(store).decide(rcpt()).decision());
  }

  @Test
  void decide_postgresStopped_defers451() throws Exception {
    try (PostgresServer pg = PostgresServer.startOrSkip()) {
      JdbcWhitelistStore store =
          JdbcWhitelistStore.builder().dataSource(pg.dataSource()).clock(CLOCK).build();
      store.add(
          WhitelistKey.pair(
              CanonicalAddress.parseCanonical("alice@example.org"),
              CanonicalAddress.parseCanonical("bob@example.com")));
      DecisionEngine engine = engine(store);
      assertEquals(Decision.accept(), engine.decide(rcpt()).decision());
      pg.stop();
      assertDefer451(engine.decide(rcpt()).decision());
    }
  }
}
