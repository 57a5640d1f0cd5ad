package org.smtpcr.examples.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.examples.runtime.DecisionLog;
import org.smtpcr.examples.runtime.LogAddresses;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.tokens.KeyRing;

/**
 * The decision log as an administrator reads it: one INFO line per request on a real socket, for a
 * challenge and an accept, with Postfix's client, HELO, envelope, queue id and instance.
 */
final class DecisionLogLineTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PREFIX = "DecisionLog - ";

  private final KeyRing keys = KeyRing.generate();
  private final InMemoryWhitelistStore store = Fixtures.store();
  private PolicyServer server;
  private PolicyClient client;

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    Await.until(
        WAIT,
        () -> Threads.policyThreads().isEmpty(),
        () -> "threads left: " + Threads.policyThreads());
  }

  private PolicyClient start(LogAddresses mode) throws IOException {
    DecisionEngine engine =
        DecisionEngine.builder()
            .keyRing(keys)
            .challengeBase(Fixtures.BASE)
            .rules(StandardRules.builder().whitelistStore(store).build())
            .listener(
                DecisionLog.from(
                    Settings.builder().set(Settings.LOG_ADDRESSES, mode).build(), keys))
            .build();
    server = PolicyServer.builder().engine(engine).store(store).build().start();
    client = new PolicyClient(server.port());
    return client;
  }

  private static Map<String, String> request(String sender) {
    return Fixtures.with(Fixtures.rcpt(sender, "bob@cr.test"), "queue_id", "4Xy7Zq1AbC");
  }

  /** The messages of the decision log's lines. */
  private static List<String> decisionLines(LogCapture log) {
    return log.text()
        .lines()
        .filter(l -> l.contains(PREFIX))
        .map(l -> l.substring(l.indexOf(PREFIX) + PREFIX.length()))
        .toList();
  }

  @Test
  void challengeThenAccept_eachWritesOneLineWithTheEnvelope() throws IOException {
    PolicyClient c = start(LogAddresses.FULL);
    try (LogCapture log = new LogCapture()) {
      assertTrue(c.ask(request("alice@sender.example")).startsWith("550 5.7.1 "));
      store.add(
          WhitelistKey.pair(
              CanonicalAddress.parseCanonical("alice@sender.example"),
              CanonicalAddress.parseCanonical("bob@cr.test")));
      assertEquals("DUNNO", c.ask(request("alice@sender.example")));
      List<String> lines = decisionLines(log);
      assertEquals(2, lines.size(), log.text());
      String envelope =
          " stage=rcpt client_address=192.0.2.10 client_name=mail.sender.example"
              + " helo=mail.sender.example sender=alice@sender.example recipient=bob@cr.test"
              + " queue_id=4Xy7Zq1AbC session=360.6b0b0369.b2517.0 delay_ms=";
      assertTrue(
          lines.get(0).startsWith("action=challenge rule=default reason=550/5.7.1" + envelope),
          lines.get(0));
      assertTrue(
          lines.get(1).startsWith("action=accept rule=whitelist-store reason=pass" + envelope),
          lines.get(1));
      assertTrue(
          log.text().lines().filter(l -> l.contains(PREFIX)).allMatch(l -> l.contains("INFO")));
    }
  }

  @Test
  void hostileHeloAndLongValues_cannotBreakTheLine() throws IOException {
    PolicyClient c = start(LogAddresses.FULL);
    try (LogCapture log = new LogCapture()) {
      Map<String, String> r = request("alice@sender.example");
      r.put("helo_name", "evil\rINFO DecisionLog - action=accept " + "x".repeat(3000));
      r.put("client_name", "name with spaces \"and\" quotes");
      c.ask(r);
      // every line is one of the logger's (the long HELO also gets a WARN: the link does not fit)
      assertTrue(log.text().lines().allMatch(l -> l.startsWith("[smtpcr-policy-")), log.text());
      List<String> lines = decisionLines(log);
      assertEquals(1, lines.size(), log.text());
      String line = lines.get(0);
      assertTrue(line.startsWith("action=challenge "), line);
      assertTrue(
          line.contains(" client_name=\"name with spaces \\\"and\\\" quotes\" helo=\"evil?INFO"),
          line);
      assertTrue(line.length() < 1200, "bounded: " + line.length());
    }
  }

  @Test
  void hashMode_showsNoAddressButTheSameValueTwice() throws IOException {
    PolicyClient c = start(LogAddresses.HASH);
    try (LogCapture log = new LogCapture()) {
      c.ask(request("alice@sender.example"));
      c.ask(request("Alice@Sender.Example"));
      List<String> lines = decisionLines(log);
      assertEquals(2, lines.size(), log.text());
      for (String l : lines) {
        assertFalse(l.contains("@") || l.contains("192.0.2.10"), l);
        assertTrue(l.matches(".* client_address=h[0-9a-f]:[0-9a-f]{16} .*"), l);
      }
      String sender0 = lines.get(0).replaceAll(".* sender=(\\S+) .*", "$1");
      assertTrue(sender0.startsWith("h"), sender0);
      assertTrue(lines.get(1).contains(" sender=" + sender0 + " "), lines.get(1));
    }
  }

  @Test
  void noneMode_showsNoAddress() throws IOException {
    PolicyClient c = start(LogAddresses.NONE);
    try (LogCapture log = new LogCapture()) {
      c.ask(request("alice@sender.example"));
      String line = decisionLines(log).get(0);
      assertFalse(line.contains("@") || line.contains("192.0.2.10"), line);
      assertFalse(
          line.contains("sender=") || line.contains("recipient=") || line.contains("address="),
          line);
      assertTrue(line.contains(" client_name=mail.sender.example helo="), line);
    }
  }
}
