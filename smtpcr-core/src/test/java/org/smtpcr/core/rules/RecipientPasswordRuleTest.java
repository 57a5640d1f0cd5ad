package org.smtpcr.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpcr.core.rules.RuleProbe.decide;
import static org.smtpcr.core.rules.RuleProbe.rcpt;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.Header;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.spi.DecisionRule;
import org.smtpcr.core.spi.RuleChain;
import org.smtpcr.tokens.ChallengeTokens;

final class RecipientPasswordRuleTest {
  private static final Optional<Decision> ACCEPT = Optional.of(Decision.accept());
  private final RecipientPasswordRule rule =
      RecipientPasswordRule.builder().password("Bob@Example.com", "Xyzzy-42").subject(true).build();

  private static Transaction data(String subject) {
    return RuleProbe.tx(Stage.DATA)
        .reversePath("<stranger@example.net>")
        .forwardPath("<bob@example.com>")
        .headers(List.of(new Header("Subject", subject)))
        .build();
  }

  @Test
  void subaddress_passwordInAnyCase_accepts() {
    assertEquals(
        ACCEPT, decide(rule, rcpt("<stranger@example.net>", "<bob+xyzzy-42@example.com>")));
    assertEquals(ACCEPT, decide(rule, rcpt("<>", "<BOB+XYZZY-42@example.com>")));
  }

  @Test
  void wrongPasswordOrOtherRecipient_abstains() {
    assertEquals(
        Optional.empty(), decide(rule, rcpt("<s@example.net>", "<bob+xyzzy-43@example.com>")));
    assertEquals(
        Optional.empty(), decide(rule, rcpt("<s@example.net>", "<bob+xyzzy@example.com>")));
    assertEquals(
        Optional.empty(), decide(rule, rcpt("<s@example.net>", "<carol+xyzzy-42@example.com>")));
    assertEquals(Optional.empty(), decide(rule, rcpt("<s@example.net>", "<bob@example.com>")));
  }

  @Test
  void subject_passwordAsAWordAtData_accepts() {
    assertEquals(ACCEPT, decide(rule, data("Hi Bob, the password is XYZZY-42.")));
    assertEquals(Optional.empty(), decide(rule, data("the password is xyzzy-421")));
    assertEquals(Optional.empty(), decide(rule, data("the password is axyzzy-42")));
  }

  @Test
  void subjectDisabled_abstainsAtData() {
    RecipientPasswordRule r =
        RecipientPasswordRule.builder().password("bob@example.com", "xyzzy-42").build();
    assertFalse(r.usesHeaders());
    assertTrue(rule.usesHeaders());
    assertEquals(Optional.empty(), decide(r, data("xyzzy-42")));
  }

  @Test
  void builder_badPassword_refusedWithoutEchoingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RecipientPasswordRule.builder().password("bob@example.com", "open sesame"));
    assertFalse(e.getMessage().contains("sesame"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> RecipientPasswordRule.builder().password("bob@example.com", "abc"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            RecipientPasswordRule.builder()
                .password("bob@example.com", "first-one")
                .password("BOB@example.com", "second-one"));
  }

  @Test
  void builder_passwordUnderEightCharacters_refusedWithAClearMessage() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RecipientPasswordRule.builder().password("bob@example.com", "xyzzy-1"));
    assertEquals("a recipient password has 8 to 64 characters, got 7", e.getMessage());
    IllegalArgumentException viaStandardRules =
        assertThrows(
            IllegalArgumentException.class,
            () -> StandardRules.builder().recipientPassword("bob@example.com", "xyzzy"));
    assertEquals(
        "a recipient password has 8 to 64 characters, got 5", viaStandardRules.getMessage());
    RecipientPasswordRule.builder().password("bob@example.com", "xyzzy-12");
  }

  @Test
  void attempts_overTheCap_notChecked_otherClientsAndTheNextHourAre() throws Exception {
    MutableClock clock = new MutableClock();
    RecipientPasswordRule capped =
        RecipientPasswordRule.builder()
            .password("bob@example.com", "Xyzzy-42")
            .attemptsPerHour(3)
            .build();
    String log;
    try (StdErr err = new StdErr()) {
      for (int i = 0; i < 3; i++) {
        assertEquals(
            Optional.empty(),
            decideAt(capped, clock, rcptFrom(EVE, "<bob+guess-00" + i + "@example.com>")));
      }
      assertEquals(
          Optional.empty(),
          decideAt(capped, clock, rcptFrom(EVE, "<bob+xyzzy-42@example.com>")),
          "over the cap: the right password is not even checked");
      assertEquals(
          Optional.empty(), decideAt(capped, clock, rcptFrom(EVE, "<bob+xyzzy-42@example.com>")));
      assertEquals(
          ACCEPT,
          decideAt(capped, clock, rcptFrom("198.51.100.8", "<bob+xyzzy-42@example.com>")),
          "another client is checked");
      log = err.text();
    }
    assertEquals(1, count(log, "WARN"), "one WARN per client window: " + log);
    assertTrue(
        log.contains("198.51.100.7") && !log.toLowerCase(Locale.ROOT).contains("xyzzy"), log);

    clock.advance(Duration.ofMinutes(59));
    assertEquals(
        Optional.empty(), decideAt(capped, clock, rcptFrom(EVE, "<bob+xyzzy-42@example.com>")));
    clock.advance(Duration.ofMinutes(1));
    assertEquals(ACCEPT, decideAt(capped, clock, rcptFrom(EVE, "<bob+xyzzy-42@example.com>")));
  }

  @Test
  void attempts_eightSubjectWordsAreOneAttempt_andTheRightOneIsNotReachedOverTheCap() {
    MutableClock clock = new MutableClock();
    RecipientPasswordRule capped =
        RecipientPasswordRule.builder()
            .password("bob@example.com", "Xyzzy-42")
            .subject(true)
            .attemptsPerHour(1)
            .build();
    assertEquals(
        Optional.empty(),
        decideAt(
            capped,
            clock,
            data(
                "guess-001 guess-002 guess-003 guess-004 guess-005 guess-006 guess-007 guess-008"
                    + " xyzzy-42")));
    assertEquals(Optional.empty(), decideAt(capped, clock, data("xyzzy-42")));
  }

  @Test
  void attempts_anOrdinarySubjectCostsOneAttempt_notOnePerWord() {
    MutableClock clock = new MutableClock();
    RecipientPasswordRule capped =
        RecipientPasswordRule.builder()
            .password("bob@example.com", "Xyzzy-42")
            .subject(true)
            .attemptsPerHour(2)
            .build();
    // three words of a password's length, none of them a guess: a shared relay's ordinary mail
    assertEquals(
        Optional.empty(),
        decideAt(capped, clock, data("Quarterly planning meeting tomorrow afternoon")));
    assertTrue(decideAt(capped, clock, data("xyzzy-42")).isPresent());
  }

  @Test
  void attempts_defaultIsTenPerHour() {
    MutableClock clock = new MutableClock();
    RecipientPasswordRule r =
        RecipientPasswordRule.builder().password("bob@example.com", "Xyzzy-42").build();
    for (int i = 0; i < RecipientPasswordRule.DEFAULT_ATTEMPTS_PER_HOUR; i++) {
      decideAt(r, clock, rcptFrom(EVE, "<bob+guess-0" + i + "@example.com>"));
    }
    assertEquals(Optional.empty(), decideAt(r, clock, rcptFrom(EVE, "<bob+xyzzy-42@example.com>")));
  }

  @Test
  void attempts_shortSubaddressesAndOtherRecipients_doNotCount() {
    MutableClock clock = new MutableClock();
    RecipientPasswordRule capped =
        RecipientPasswordRule.builder()
            .password("bob@example.com", "Xyzzy-42")
            .attemptsPerHour(1)
            .build();
    for (int i = 0; i < 5; i++) {
      decideAt(capped, clock, rcptFrom(EVE, "<bob+lists@example.com>"));
      decideAt(capped, clock, rcptFrom(EVE, "<carol+guess-001@example.com>"));
    }
    assertEquals(ACCEPT, decideAt(capped, clock, rcptFrom(EVE, "<bob+xyzzy-42@example.com>")));
  }

  @Test
  void attempts_ipv6ClientsShareTheirSlash64() {
    MutableClock clock = new MutableClock();
    RecipientPasswordRule capped =
        RecipientPasswordRule.builder()
            .password("bob@example.com", "Xyzzy-42")
            .attemptsPerHour(1)
            .build();
    decideAt(capped, clock, rcptFrom("2001:db8:1:2::1", "<bob+guess-001@example.com>"));
    assertEquals(
        Optional.empty(),
        decideAt(capped, clock, rcptFrom("2001:db8:1:2::99", "<bob+xyzzy-42@example.com>")));
    assertEquals(
        ACCEPT, decideAt(capped, clock, rcptFrom("2001:db8:1:3::1", "<bob+xyzzy-42@example.com>")));
  }

  @Test
  void attempts_tableFull_newClientsNotCheckedUntilWindowsEnd() {
    MutableClock clock = new MutableClock();
    RecipientPasswordRule capped =
        RecipientPasswordRule.builder()
            .password("bob@example.com", "Xyzzy-42")
            .attemptsPerHour(5)
            .maxClients(2)
            .build();
    decideAt(capped, clock, rcptFrom("192.0.2.1", "<bob+guess-001@example.com>"));
    decideAt(capped, clock, rcptFrom("192.0.2.2", "<bob+guess-001@example.com>"));
    assertEquals(
        Optional.empty(),
        decideAt(capped, clock, rcptFrom("192.0.2.3", "<bob+xyzzy-42@example.com>")),
        "no room to count this client: not checked");
    clock.advance(Duration.ofHours(1));
    assertEquals(
        ACCEPT, decideAt(capped, clock, rcptFrom("192.0.2.3", "<bob+xyzzy-42@example.com>")));
  }

  @Test
  void toString_neverShowsThePassword() {
    assertFalse(rule.toString().toLowerCase(Locale.ROOT).contains("xyzzy"), rule.toString());
  }

  private static final String EVE = "198.51.100.7";

  private static Transaction rcptFrom(String client, String to) {
    return Transaction.builder()
        .stage(Stage.RCPT)
        .clientAddress(RuleProbe.ip(client))
        .helo("mx.example.net")
        .reversePath("<stranger@example.net>")
        .forwardPath(to)
        .build();
  }

  /** {@link RuleProbe#decide} with a clock that moves. */
  private static Optional<Decision> decideAt(DecisionRule rule, Clock clock, Transaction tx) {
    DecisionOutcome e =
        RuleChain.builder()
            .clock(clock)
            .challengeTokens(ChallengeTokens.builder().keyRing(RuleProbe.RING).clock(clock).build())
            .challengeBase(URI.create("https://cr.example.com/"))
            .rule("probe", rule)
            .build()
            .evaluate(tx);
    assertFalse(e.failed(), e::toString);
    return e.ruleId().equals("probe") ? Optional.of(e.decision()) : Optional.empty();
  }

  private static int count(String text, String word) {
    int n = 0;
    for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
      n++;
    }
    return n;
  }

  /** A clock that tests move forward. */
  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-03-01T12:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** What slf4j-simple writes to System.err while open. Not for parallel tests. */
  private static final class StdErr implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    StdErr() {
      System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    }

    String text() {
      return buffer.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
      System.setErr(original);
    }
  }
}
