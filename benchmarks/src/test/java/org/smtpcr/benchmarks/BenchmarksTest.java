package org.smtpcr.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.reply.PostfixReplies;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.PostgresServer;
import org.smtpcr.examples.policy.PolicyServer;
import org.smtpcr.tokens.ChallengeClaims;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.TokenException;

/**
 * Each benchmark does what its name says, at small sizes so that the build stays quick; the
 * benchmarks check their full-size setup themselves. The token formats do equal work (each verifier
 * checks signature and expiry); decisions accept and challenge; stores find hits and not misses;
 * the load generator counts, bounds and classifies; the floor answers once per request.
 */
final class BenchmarksTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final Clock AT_T0 = Clock.fixed(T0, ZoneOffset.UTC);
  private static final Clock EXPIRED = Clock.offset(AT_T0, Duration.ofDays(7).plusSeconds(301));
  private static final Clock STILL_VALID = Clock.offset(AT_T0, Duration.ofDays(7).plusSeconds(299));
  private static final String S = TokenFixtures.SENDER;
  private static final String R = TokenFixtures.RECIPIENT;

  @Test
  void tokens_eachFormatRoundTripsAndRejectsExpiredAndTampered() {
    new TokenBenchmark().setUp();
    String token = TokenFixtures.challengeTokens(AT_T0).mint(S, R);
    assertEquals(104, token.length(), "9 header + 2 × 20 address + 16 tag bytes in base32");
    ChallengeClaims c = TokenFixtures.challengeTokens(STILL_VALID).verify(token);
    assertEquals(List.of(S, R), List.of(c.sender(), c.recipient()));
    assertThrows(TokenException.class, () -> TokenFixtures.challengeTokens(EXPIRED).verify(token));
    assertThrows(
        TokenException.class, () -> TokenFixtures.challengeTokens(AT_T0).verify(tamper(token)));
    for (Function<Clock, Jwts.Jwt> jwt :
        List.<Function<Clock, Jwts.Jwt>>of(Jwts::nimbus, Jwts::auth0)) {
      String t = jwt.apply(AT_T0).mint(S, R);
      assertEquals(new Jwts.Addresses(S, R), jwt.apply(STILL_VALID).verify(t));
      assertEquals(new Jwts.Addresses(S, R), Jwts.nimbus(AT_T0).verify(t), "interchangeable JWTs");
      assertEquals(new Jwts.Addresses(S, R), Jwts.auth0(AT_T0).verify(t), "interchangeable JWTs");
      assertThrows(Jwts.Rejected.class, () -> jwt.apply(EXPIRED).verify(t));
      assertThrows(Jwts.Rejected.class, () -> jwt.apply(AT_T0).verify(tamper(t)));
      String otherSignature = jwt.apply(AT_T0).mint(R, S).replaceAll(".*\\.", ".");
      assertThrows(
          Jwts.Rejected.class,
          () -> jwt.apply(AT_T0).verify(t.replaceAll("\\.[^.]*$", otherSignature)));
    }
  }

  @Test
  void decisions_acceptWhitelistedPairsAndChallengeWithALinkThatVerifies() {
    DecisionBenchmark b = new DecisionBenchmark();
    b.whitelistSize = 5_000;
    b.setUp(); // checks every verdict of the pre-built traffic
    ChallengeTokens verifier = TokenFixtures.challengeTokens(Clock.systemUTC());
    String prefix = "550 5.7.1 " + CoreFixtures.CHALLENGE_BASE + "c/";
    Set<String> recipients = new HashSet<>();
    for (int i = 0; i < 2 * CoreFixtures.TRAFFIC; i++) {
      assertInstanceOf(Decision.Accept.class, b.accept());
      String wire = b.challenge();
      List<String> lines = wire.lines().toList();
      assertTrue(
          lines.size() >= 2 && lines.get(0).startsWith("550-5.7.1 ") && wire.endsWith("\r\n"),
          wire);
      String last = lines.get(lines.size() - 1);
      assertTrue(last.startsWith(prefix), wire);
      recipients.add(verifier.verify(last.substring(prefix.length())).recipient());
      verifier.verify(b.tokenMint());
      Jwts.auth0(Clock.systemUTC()).verify(b.jwtMint());
      assertTrue(b.formatChallenge().startsWith("550-5.7.1 "));
    }
    assertTrue(recipients.size() > 100, "challenges vary");
    assertEquals(
        CoreFixtures.traffic(500, 50),
        CoreFixtures.traffic(500, 50),
        "the same traffic in every fork");
  }

  @Test
  void observe_eachRowLogsAndCountsWhatItClaims_andStandardErrorIsRestored() throws Exception {
    java.io.PrintStream before = System.err;
    java.util.Properties system = (java.util.Properties) System.getProperties().clone();
    try {
      for (String observe : List.of("none", "metrics", "log", "both")) {
        ObserveBenchmark b = new ObserveBenchmark();
        b.observe = observe;
        try {
          b.setUp(); // checks the lines, their form and the counts of ten decisions
          ObserveBenchmark.Cursor c = new ObserveBenchmark.Cursor();
          long lines = b.lines.get();
          for (int i = 0; i < 100; i++) {
            assertInstanceOf(Decision.Accept.class, b.observed(c).decision());
          }
          assertEquals(b.logs() ? 100 : 0, b.lines.get() - lines, observe);
        } finally {
          b.tearDown();
        }
        assertSame(before, System.err, observe);
      }
    } finally {
      System.setProperties(system); // the command's logging settings, which setUp applies
    }
  }

  @Test
  void stores_findHitsNotMisses_postgresqlStoppedAtTheEnd() throws Exception {
    StoreLookupBenchmark.Memory m = new StoreLookupBenchmark.Memory();
    m.size = 2_000;
    m.open(); // checks every probe
    boolean postgres = PostgresServer.findBinDir().isPresent();
    for (String db : postgres ? List.of("h2", "postgresql") : List.of("h2")) {
      StoreLookupBenchmark.Jdbc s = new StoreLookupBenchmark.Jdbc();
      s.db = db;
      s.size = 2_000;
      s.open(); // checks every probe, the count and SELECT 1
      int port = s.server == null ? -1 : s.server.port();
      assertTrue(new StoreLookupBenchmark().jdbcHit(s));
      s.close();
      if (port > 0) {
        assertThrows(
            java.io.IOException.class,
            () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
      }
    }
    assertTrue(postgres || !Boolean.getBoolean("smtpcr.it.required"), PostgresServer.NOT_INSTALLED);
  }

  @Test
  void policyLoadTurns_askTwoServersInAlternation_andGiveEachTurnsLoss() throws Exception {
    InMemoryWhitelistStore store = InMemoryWhitelistStore.builder().build();
    PolicyMix.fill(store);
    // which server decided, in the order they decided: the runs never overlap (a run waits for
    // its replies and closes its connections before the next starts)
    java.util.Queue<String> order = new java.util.concurrent.ConcurrentLinkedQueue<>();
    try (PolicyServer a = turnsServer(store, "A", order);
        PolicyServer b = turnsServer(store, "B", order)) {
      String self = Long.toString(ProcessHandle.current().pid());
      Map<String, Object> t =
          PolicyLoad.turns(
              Map.of(
                  "ports", a.port() + "," + b.port(),
                  "server-pids", self + "," + self,
                  "turns", "3",
                  "seconds", "0.2",
                  "warmup-seconds", "0.05",
                  "first-warmup-seconds", "0.1"),
              2,
              0.9);
      assertEquals(0L, t.get("errors"));
      assertEquals(3, t.get("turns"));
      // first runs A, B; then turns A B, B A, A B: as blocks of one server, A B A B A B (always
      // A then B would make eight blocks; one server asked twice, fewer)
      List<String> blocks = new java.util.ArrayList<>();
      for (String s : order) {
        if (blocks.isEmpty() || !blocks.get(blocks.size() - 1).equals(s)) {
          blocks.add(s);
        }
      }
      assertEquals(List.of("A", "B", "A", "B", "A", "B"), blocks);
      double[] ra = numbers(t.get("a.rps"));
      double[] rb = numbers(t.get("b.rps"));
      double[] loss = numbers(t.get("lossPercent"));
      assertEquals(3, ra.length);
      assertEquals(3, numbers(t.get("b.serverCpuUsPerRequest")).length);
      for (int i = 0; i < 3; i++) {
        assertTrue(ra[i] > 0 && rb[i] > 0, "both asked in every turn");
        assertEquals(100 * (1 - rb[i] / ra[i]), loss[i], 1e-9, "the loss of turn " + i);
      }
      assertEquals(PolicyLoad.median(loss), (double) t.get("lossPercentMedian"), 1e-12);
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> PolicyLoad.turns(Map.of("ports", "1,2,3"), 1, 0.9),
        "two servers, not three");
  }

  /** A policy server whose engine notes {@code name} in {@code order} for every decision. */
  private static PolicyServer turnsServer(
      InMemoryWhitelistStore store, String name, java.util.Queue<String> order)
      throws java.io.IOException {
    DecisionEngine engine =
        CoreFixtures.engine(
            store,
            PostfixReplies.formatter(),
            java.util.Optional.empty(),
            java.util.Optional.of(e -> order.add(name)));
    return PolicyServer.builder().engine(engine).store(store).workerThreads(1).build().start();
  }

  private static double[] numbers(Object commaSeparated) {
    return java.util.Arrays.stream(commaSeparated.toString().split(","))
        .mapToDouble(Double::parseDouble)
        .toArray();
  }

  @Test
  void policyLoad_countsBoundsAndClassifies() throws Exception {
    InMemoryWhitelistStore store = InMemoryWhitelistStore.builder().build();
    PolicyMix.fill(store);
    DecisionEngine engine = CoreFixtures.engine(store, PostfixReplies.formatter());
    try (PolicyServer server =
        PolicyServer.builder().engine(engine).store(store).workerThreads(2).build().start()) {
      PolicyLoad.Tally t = new PolicyLoad(server.port(), 4, 0, 0.5).run(60_000_000_000L, 1_000);
      assertEquals(1_000, t.requests);
      assertEquals(0, t.errors);
      assertTrue(
          t.actions.get("pass") > 300 && t.actions.get("reject") > 300, "half known: " + t.actions);
      PolicyLoad open = new PolicyLoad(server.port(), 2, 400, 0.9);
      t = open.run(500_000_000L, 1_000_000);
      assertTrue(t.requests >= 150 && t.requests <= 201, "400/s for 0.5 s: " + t.requests);
      assertTrue(open.summary(0.5, t).contains("scheduledP99us="));
      assertEquals(
          PolicyMix.POOL_SIZE, new PolicyLoad(server.port(), 1, 0, 1).seed().actions.get("pass"));
    }
    assertEquals(
        "defer", PolicyLoad.kind("DEFER_IF_PERMIT Greylisted, see http://postgrey.schweikert.ch/"));
    assertEquals("pass", PolicyLoad.kind("PREPEND X-Greylist: delayed 1 seconds"));
    assertEquals("defer", PolicyLoad.kind("451 4.3.0 Temporary local problem"));
    assertEquals("other", PolicyLoad.kind("garbage"));
    assertEquals(100, PolicyLoad.pct(new long[] {10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 0.99));
    assertFalse(
        PolicyMix.knownPool().contains(PolicyMix.unknown(new java.util.SplittableRandom(1))));
  }

  @Test
  void floor_answersOncePerRequest_evenWhenSplitOrSentAhead() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
      Socket accepted = server.accept();
      Thread t = new Thread(() -> PolicyBenchServer.serveFloor(accepted));
      t.start();
      OutputStream out = client.getOutputStream();
      InputStream in = client.getInputStream();
      byte[] request = PolicyMix.request(PolicyMix.knownPool().get(0), "s1");
      out.write(request);
      out.write(request); // two requests sent ahead
      out.write(request, 0, request.length - 1); // a third, its empty line split off
      assertEquals(
          "action=DUNNO\n\n".repeat(2), new String(in.readNBytes(28), StandardCharsets.US_ASCII));
      out.write(request, request.length - 1, 1);
      assertEquals("action=DUNNO\n\n", new String(in.readNBytes(14), StandardCharsets.US_ASCII));
      client.shutdownOutput();
      t.join(10_000);
    }
  }

  /** Changes one character in the middle, keeping the alphabet. */
  private static String tamper(String token) {
    int i = token.length() / 2;
    char c = token.charAt(i);
    char d =
        c == 'a'
            ? 'b'
            : c == 'A'
                ? 'B'
                : Character.isLowerCase(c)
                    ? 'a'
                    : Character.isUpperCase(c) ? 'A' : c == '0' ? '1' : '0';
    return token.substring(0, i) + d + token.substring(i + 1);
  }
}
