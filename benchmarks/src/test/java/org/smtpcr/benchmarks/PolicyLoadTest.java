package org.smtpcr.benchmarks;

import org.smtpcr.core.rules.StandardRules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.examples.policy.PolicyServer;
import org.smtpcr.tokens.KeyRing;

/** The load generator against our server in this JVM, briefly: it counts, bounds and classifies right. */
final class PolicyLoadTest {
  private static PolicyServer server;

  @BeforeAll
  static void start() throws Exception {
    InMemoryWhitelistStore store = InMemoryWhitelistStore.builder().build();
    AddressCanonicalizer c = AddressCanonicalizer.standard();
    for (PolicyMix.Triplet t : PolicyMix.knownPool()) {
      store.add(WhitelistKey.pair(c.canonicalize(t.sender()), c.forRecipients().canonicalize(t.recipient())));
    }
    DecisionEngine engine = DecisionEngine.builder().keyRing(KeyRing.generate())
        .challengeBase(URI.create("https://cr.example.com/")).rules(StandardRules.builder().whitelistStore(store).build()).build();
    server = PolicyServer.builder().engine(engine).store(store).workerThreads(2).build().start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void run_closedLoop_stopsAtTheRequestLimit() throws Exception {
    PolicyLoad.Tally t = new PolicyLoad(server.port(), 4, 0, 0.5, 1_000).run(60_000_000_000L, 1_000);
    assertEquals(1_000, t.requests);
    assertEquals(0, t.errors);
    long pass = t.actions.getOrDefault("pass", 0L);
    long reject = t.actions.getOrDefault("reject", 0L);
    assertEquals(1_000, pass + reject, t.actions.toString());
    assertTrue(pass > 300 && reject > 300, "about half known, half unknown: " + t.actions);
  }

  @Test
  void run_openLoop_issuesAboutTheOfferedRate() throws Exception {
    PolicyLoad.Tally t = new PolicyLoad(server.port(), 2, 400, 0.9, 1_000_000).run(500_000_000L, 1_000_000);
    assertTrue(t.requests >= 150 && t.requests <= 201, "400/s for 0.5 s: " + t.requests);
    assertEquals(0, t.errors);
    Properties p = PolicyLoad.summary("test", 2, 400, 0.9, 0.5, t);
    assertEquals("rate", p.getProperty("mode"));
    assertTrue(Double.parseDouble(p.getProperty("scheduledP99us")) >= Double.parseDouble(p.getProperty("p50us")));
  }

  @Test
  void seed_sendsEveryKnownTripletOnce() throws Exception {
    PolicyLoad.Tally t = new PolicyLoad(server.port(), 1, 0, 1, 1).seed();
    assertEquals(PolicyMix.POOL_SIZE, t.requests);
    assertEquals(PolicyMix.POOL_SIZE, t.actions.get("pass"), "every known pair is in the store");
  }

  @Test
  void pct_nearestRank() {
    long[] v = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
    assertEquals(50, PolicyLoad.pct(v, 0.5));
    assertEquals(100, PolicyLoad.pct(v, 0.99));
    assertEquals(10, PolicyLoad.pct(v, 0.0));
    assertTrue(Double.isNaN(PolicyLoad.pct(new long[0], 0.5)));
  }

  @Test
  void kind_groupsPostfixAndPostgreyActions() {
    assertEquals("pass", PolicyLoad.kind("DUNNO"));
    assertEquals("pass", PolicyLoad.kind("PREPEND X-Greylist: delayed 1 seconds"));
    assertEquals("defer", PolicyLoad.kind("DEFER_IF_PERMIT Greylisted, see http://postgrey.schweikert.ch/"));
    assertEquals("defer", PolicyLoad.kind("451 4.3.0 Temporary local problem"));
    assertEquals("reject", PolicyLoad.kind("550 5.7.1 <bob@cr.test> only accepts mail from ... https://x/c/y"));
    assertEquals("other", PolicyLoad.kind("garbage"));
  }

  @Test
  void mix_unknownTripletsAreNeverInThePool() {
    List<PolicyMix.Triplet> pool = PolicyMix.knownPool();
    assertEquals(PolicyMix.POOL_SIZE, pool.size());
    assertEquals(pool, PolicyMix.knownPool(), "the pool is the same in every process");
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 1000; i++) {
      assertTrue(!pool.contains(PolicyMix.unknown(r)));
    }
  }
}
