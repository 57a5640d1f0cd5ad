package org.smtpcr.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetAddress;
import java.net.Socket;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;
import org.smtpcr.benchmarks.CoreFixtures.Pair;
import org.smtpcr.benchmarks.CoreFixtures.Traffic;
import org.smtpcr.core.Decision;
import org.smtpcr.core.store.PostgresServer;
import org.smtpcr.tokens.ChallengeClaims;
import org.smtpcr.tokens.ChallengeTokens;

/**
 * Every operation the {@code core} benchmarks time does what its name says: the accept benchmarks
 * accept, the challenge benchmark formats a real challenge whose link verifies, hits are found and
 * misses are not, on H2, on PostgreSQL (when installed) and in memory. Smaller stores than the
 * benchmarks', so the build stays quick; the benchmarks check their full-size setup themselves.
 */
final class CoreBenchmarksTest {
  private static final int ROUNDS = 2 * CoreFixtures.TRAFFIC; // every pre-built transaction, twice
  private static final Blackhole BLACKHOLE = new Blackhole(
      "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

  private static DecisionBenchmark decisions;

  @BeforeAll
  static void setUpDecisions() {
    decisions = new DecisionBenchmark();
    decisions.whitelistSize = 5_000;
    decisions.setUp();
  }

  @Test
  void traffic_isVariedAndSplitIntoKnownAndUnknown() {
    Traffic t = CoreFixtures.traffic(5_000, DecisionBenchmark.RECIPIENTS);
    assertEquals(5_000, t.whitelisted().size());
    assertEquals(5_000, t.whitelisted().stream().map(Pair::keyString).distinct().count());
    Set<String> whitelistedSenders = new HashSet<>();
    t.whitelisted().forEach(p -> whitelistedSenders.add(p.sender().value()));
    assertTrue(t.whitelisted().containsAll(t.known()));
    assertTrue(t.unknown().stream().noneMatch(p -> whitelistedSenders.contains(p.sender().value())));
    assertTrue(t.known().stream().map(p -> p.sender().value()).distinct().count() > 500, "varied senders");
    assertTrue(t.known().stream().map(Pair::forwardPath).distinct().count() > 300, "varied recipients");
    assertTrue(t.known().stream().anyMatch(p -> !p.reversePath().equals("<" + p.sender().value() + ">")),
        "some paths differ from their canonical form");
    assertEquals(t, CoreFixtures.traffic(5_000, DecisionBenchmark.RECIPIENTS), "the same in every fork");
  }

  @Test
  void accept_acceptsEveryWhitelistedPair() {
    for (int i = 0; i < ROUNDS; i++) {
      assertInstanceOf(Decision.Accept.class, decisions.accept());
      assertInstanceOf(Decision.Accept.class, decisions.rcptAccepted());
      assertEquals(Boolean.TRUE, decisions.mapGet());
      assertTrue(decisions.storeHit());
    }
  }

  @Test
  void challenge_formatsAChallengeWhoseLinkVerifies() {
    ChallengeTokens verifier = TokenFixtures.challengeTokens(Clock.systemUTC());
    Set<String> recipients = new HashSet<>();
    for (int i = 0; i < ROUNDS; i++) {
      String wire = decisions.challenge();
      List<String> lines = wire.lines().toList();
      assertTrue(lines.size() >= 2, wire);
      assertTrue(lines.subList(0, lines.size() - 1).stream().allMatch(l -> l.startsWith("550-5.7.1 ")), wire);
      String last = lines.get(lines.size() - 1);
      String prefix = "550 5.7.1 " + CoreFixtures.CHALLENGE_BASE + "c/";
      assertTrue(last.startsWith(prefix), wire);
      assertTrue(wire.endsWith("\r\n"), "wire text ends with CRLF");
      ChallengeClaims claims = verifier.verify(last.substring(prefix.length()));
      assertTrue(wire.contains("<" + claims.recipient() + ">"), wire);
      recipients.add(claims.recipient());
      assertFalse(decisions.storeMiss());
    }
    assertTrue(recipients.size() > 100, "challenges vary");
  }

  @Test
  void peers_mintTokensOfTheUnknownPairs() {
    ChallengeTokens verifier = TokenFixtures.challengeTokens(Clock.systemUTC());
    Auth0Jwt jwt = TokenFixtures.auth0(Clock.systemUTC());
    for (int i = 0; i < ROUNDS; i++) {
      ChallengeClaims c = verifier.verify(decisions.tokenMint());
      Addresses a = jwt.verify(decisions.jwtMint());
      assertFalse(c.sender().isEmpty());
      assertFalse(a.recipient().isEmpty());
      assertTrue(decisions.formatChallenge().startsWith("550-5.7.1 "));
      decisions.canonicalize(BLACKHOLE);
    }
  }

  @Test
  void h2_findsHitsNotMissesAndAnswersSelectOne() throws Exception {
    checkJdbc(StoreLookupBenchmark.H2);
  }

  @Test
  void postgresql_findsHitsNotMissesAndStopsTheServer() throws Exception {
    if (PostgresServer.findBinDir().isEmpty()) {
      if (Boolean.getBoolean("smtpcr.it.required")) {
        fail(PostgresServer.NOT_INSTALLED + " (required because smtpcr.it.required=true)");
      }
      Assumptions.abort(PostgresServer.NOT_INSTALLED);
    }
    checkJdbc(StoreLookupBenchmark.POSTGRESQL);
  }

  @Test
  void inMemory_findsHitsNotMisses() {
    StoreLookupBenchmark.Memory m = new StoreLookupBenchmark.Memory();
    m.size = 2_000;
    m.open();
    StoreLookupBenchmark b = new StoreLookupBenchmark();
    for (int i = 0; i < ROUNDS; i++) {
      assertTrue(b.inMemoryHit(m));
      assertFalse(b.inMemoryMiss(m));
    }
  }

  private static void checkJdbc(String db) throws Exception {
    StoreLookupBenchmark.Jdbc s = new StoreLookupBenchmark.Jdbc();
    s.db = db;
    s.size = 2_000;
    s.open();
    int port = -1;
    try {
      StoreLookupBenchmark b = new StoreLookupBenchmark();
      for (int i = 0; i < ROUNDS; i++) {
        assertTrue(b.jdbcHit(s), db + " hit " + i);
        assertFalse(b.jdbcMiss(s), db + " miss " + i);
        assertTrue(b.selectOne(s));
      }
      assertEquals(2_000, s.store().count());
      port = s.postgresPort();
    } finally {
      s.close();
    }
    if (port > 0) {
      try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
        fail("PostgreSQL still listens on port " + port + " after close");
      } catch (java.io.IOException expected) {
        // stopped
      }
    }
  }
}
