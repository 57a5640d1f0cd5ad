package org.smtpcr.examples.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

final class TransactionRecipientsTest {
  /** A clock the test moves. */
  private static final class MovingClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final MovingClock clock = new MovingClock();
  private final TransactionRecipients t = new TransactionRecipients(clock);

  @Test
  void add_thenAccepted_perInstanceInOrder() {
    t.add("1.a", "bob@cr.test");
    t.add("1.a", "carol@cr.test");
    t.add("2.b", "dave@cr.test");
    assertEquals(List.of("bob@cr.test", "carol@cr.test"), t.accepted("1.a"));
    assertEquals(List.of("dave@cr.test"), t.accepted("2.b"));
    assertEquals(List.of(), t.accepted("3.c"));
  }

  @Test
  void end_returnsAndForgets() {
    t.add("1.a", "bob@cr.test");
    assertEquals(List.of("bob@cr.test"), t.end("1.a"));
    assertEquals(List.of(), t.accepted("1.a"));
    assertEquals(0, t.size());
  }

  @Test
  void emptyOrOverlongInstance_isNotTracked() {
    t.add("", "bob@cr.test");
    t.add("x".repeat(TransactionRecipients.MAX_INSTANCE_LENGTH + 1), "bob@cr.test");
    assertEquals(0, t.size());
    assertEquals(List.of(), t.accepted(""));
  }

  @Test
  void idleTransaction_isForgottenAfterMaxIdle() {
    t.add("1.a", "bob@cr.test");
    clock.advance(TransactionRecipients.MAX_IDLE.minusSeconds(1));
    assertEquals(List.of("bob@cr.test"), t.accepted("1.a"), "still there, and touched");
    clock.advance(TransactionRecipients.MAX_IDLE.minusSeconds(1));
    t.add("2.b", "carol@cr.test");
    assertEquals(List.of("bob@cr.test"), t.accepted("1.a"));
    clock.advance(TransactionRecipients.MAX_IDLE.plusSeconds(1));
    assertEquals(List.of(), t.accepted("1.a"));
    assertEquals(0, t.size());
  }

  @Test
  void recipientsPerTransaction_areBounded() {
    for (int i = 0; i < TransactionRecipients.MAX_RECIPIENTS + 10; i++) {
      t.add("1.a", "r" + i + "@cr.test");
    }
    assertEquals(TransactionRecipients.MAX_RECIPIENTS, t.accepted("1.a").size());
  }

  @Test
  void transactions_areBoundedLeastRecentlyUsedFirst() {
    t.add("keep", "bob@cr.test");
    for (int i = 0; i < TransactionRecipients.MAX_TRANSACTIONS + 5; i++) {
      t.add("t" + i, "r@cr.test");
      if (i % 1000 == 0) {
        t.accepted("keep"); // used: stays
      }
    }
    assertEquals(TransactionRecipients.MAX_TRANSACTIONS, t.size());
    assertEquals(List.of("bob@cr.test"), t.accepted("keep"));
    assertEquals(List.of(), t.accepted("t0"));
  }

  @Test
  void sameRecipientTwice_isKeptOnce() {
    t.add("t", "bob@cr.test");
    t.add("t", "bob@cr.test");
    assertEquals(List.of("bob@cr.test"), t.accepted("t"));
  }

  @Test
  void characters_areBoundedAcrossTransactions() {
    String big = "a".repeat(990) + "@cr.test";
    int perTransaction = 100;
    int transactions =
        (int) (TransactionRecipients.MAX_CHARS / ((long) big.length() * perTransaction)) + 3;
    for (int i = 0; i < transactions; i++) {
      for (int j = 0; j < perTransaction; j++) {
        // distinct recipients of one length (a repeated one is kept once)
        t.add("t" + i, String.format("%03d", j) + big.substring(3));
      }
    }
    assertTrue(
        (long) t.size() * perTransaction * big.length() <= TransactionRecipients.MAX_CHARS,
        "kept " + t.size());
    assertEquals(perTransaction, t.accepted("t" + (transactions - 1)).size(), "the newest stays");
  }
}
