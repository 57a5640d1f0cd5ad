package org.smtpcr.examples.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.engine.DecisionListener;
import org.smtpcr.core.store.Confirmation;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.StoreException;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.core.store.testing.UnavailableWhitelistStore;
import org.smtpcr.examples.runtime.CachingWhitelistStore;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.runtime.StandardEngine;
import org.smtpcr.tokens.KeyRing;

/** The decision and page listeners and the timed store count what happened, no more. */
final class MicrometerListenersTest {
  private final MeterRegistry registry = new SimpleMeterRegistry();

  private static Transaction rcpt(String sender) throws Exception {
    return Transaction.builder()
        .stage(Stage.RCPT)
        .clientAddress(InetAddress.getByName("198.51.100.7"))
        .reversePath("<" + sender + ">")
        .forwardPath("<bob@example.com>")
        .build();
  }

  private double count(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  @Test
  void decisions_countedByVerdictAndRule_challengesMinted() throws Exception {
    WhitelistStore raw = InMemoryWhitelistStore.builder().build();
    WhitelistStore store = TimedWhitelistStore.of(raw, registry);
    raw.add(
        WhitelistKey.pair(
            CanonicalAddress.parseCanonical("carol@sender.example"),
            CanonicalAddress.parseCanonical("bob@example.com")));
    DecisionEngine engine =
        StandardEngine.builder(
                Settings.builder()
                    .set(Settings.CHALLENGE_BASE, URI.create("https://cr.example.com/"))
                    .set(Settings.SPF, false)
                    .set(Settings.DKIM, false)
                    .build(),
                KeyRing.generate(),
                store)
            .listener(DecisionListener.logging().andThen(MicrometerDecisionListener.of(registry)))
            .build();

    assertInstanceOf(
        Decision.Challenge.class, engine.decide(rcpt("alice@sender.example")).decision());
    assertInstanceOf(
        Decision.Challenge.class, engine.decide(rcpt("dave@sender.example")).decision());
    assertInstanceOf(Decision.Accept.class, engine.decide(rcpt("carol@sender.example")).decision());

    assertEquals(2, registry.get("smtpcr.challenges.minted").counter().count());
    assertEquals(
        2,
        registry
            .get("smtpcr.decisions")
            .tags("stage", "rcpt", "verdict", "challenge", "failed", "false")
            .counter()
            .count());
    assertEquals(
        1,
        count(
            "smtpcr.decisions", "verdict", "accept", "rule", "whitelist-store", "failed", "false"));
    assertEquals(3, registry.get("smtpcr.decision.duration").timer().count());
    assertEquals(0, count("smtpcr.store.failures", "operation", "contains-any"));
  }

  @Test
  void storeDown_failedDecisionAndStoreFailureCounted() throws Exception {
    WhitelistStore store =
        TimedWhitelistStore.of(new UnavailableWhitelistStore("database is down"), registry);
    DecisionEngine engine =
        StandardEngine.builder(
                Settings.builder()
                    .set(Settings.CHALLENGE_BASE, URI.create("https://cr.example.com/"))
                    .set(Settings.SPF, false)
                    .set(Settings.DKIM, false)
                    .build(),
                KeyRing.generate(),
                store)
            .listener(MicrometerDecisionListener.of(registry))
            .build();

    assertInstanceOf(Decision.Defer.class, engine.decide(rcpt("alice@sender.example")).decision());

    assertEquals(
        1,
        registry
            .get("smtpcr.decisions")
            .tags("verdict", "defer", "failed", "true")
            .counter()
            .count());
    double failures =
        registry.get("smtpcr.store.failures").counters().stream().mapToDouble(c -> c.count()).sum();
    assertEquals(1, failures, "the first store call failed, and the engine stopped there");
    assertEquals(0, registry.find("smtpcr.challenges.minted").counters().size());
  }

  @Test
  void latencyBuckets_tenMicrosecondsToThirtySeconds_oneTwoAndAHalfFivePerDecade() {
    Duration[] bounds = LatencyBuckets.bounds();
    assertEquals(20, bounds.length);
    // by the rule, not a copy of the table: 1, 2.5 and 5 times each decade from 10 µs to 10 s
    long decadeNanos = 10_000;
    for (int i = 0; i < 19; i++) {
      long nanos = i % 3 == 0 ? decadeNanos : i % 3 == 1 ? decadeNanos * 5 / 2 : decadeNanos * 5;
      assertEquals(Duration.ofNanos(nanos), bounds[i], "bound " + i);
      if (i % 3 == 2) {
        decadeNanos *= 10;
      }
    }
    assertEquals(Duration.ofSeconds(10), bounds[18]);
    assertEquals(Duration.ofSeconds(30), bounds[19], "then 30 s");
  }

  /** As Prometheus scrapes them: these buckets and no others (not Micrometer's 69 besides). */
  @Test
  void decisionAndStoreTimers_publishTheLatencyBucketsAndNoOthers() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    WhitelistStore store =
        TimedWhitelistStore.of(InMemoryWhitelistStore.builder().build(), prometheus);
    MicrometerDecisionListener.of(prometheus);
    store.count();
    String scrape = prometheus.scrape();
    for (List<String> le :
        List.of(
            bucketBounds(scrape, "smtpcr_decision_duration_seconds_bucket{", ""),
            bucketBounds(scrape, "smtpcr_store_duration_seconds_bucket{", "operation=\"count\""))) {
      assertEquals(21, le.size(), le + " in\n" + scrape);
      assertEquals("+Inf", le.get(20));
      Duration[] bounds = LatencyBuckets.bounds();
      for (int i = 0; i < 20; i++) {
        assertEquals(bounds[i].toNanos() / 1e9, Double.parseDouble(le.get(i)), 1e-12, le.get(i));
      }
    }
  }

  /**
   * The {@code le} values of the lines that start with {@code series} and contain {@code label}.
   */
  private static List<String> bucketBounds(String scrape, String series, String label) {
    List<String> le = new ArrayList<>();
    for (String line : scrape.lines().toList()) {
      if (line.startsWith(series) && line.contains(label)) {
        int at = line.indexOf("le=\"") + 4;
        le.add(line.substring(at, line.indexOf('"', at)));
      }
    }
    return le;
  }

  @Test
  void timedStore_rethrowsAndTimesEveryCall() {
    WhitelistStore store =
        TimedWhitelistStore.of(new UnavailableWhitelistStore("database is down"), registry);
    assertThrows(StoreException.class, store::count);
    assertThrows(StoreException.class, store::count);
    assertEquals(2, count("smtpcr.store.failures", "operation", "count"));
    assertEquals(
        2, registry.get("smtpcr.store.duration").tags("operation", "count").timer().count());

    WhitelistStore ok = TimedWhitelistStore.of(InMemoryWhitelistStore.builder().build(), registry);
    assertEquals(0, ok.count());
    assertEquals(
        3, registry.get("smtpcr.store.duration").tags("operation", "count").timer().count());
    assertEquals(2, count("smtpcr.store.failures", "operation", "count"));
  }

  @Test
  void timedStore_nearCacheAskedNotToWait_passesItOnAndCountsNoCallNorFailure() {
    WhitelistStore store =
        TimedWhitelistStore.of(
            CachingWhitelistStore.builder().store(InMemoryWhitelistStore.builder().build()).build(),
            registry);

    assertThrows(
        CachingWhitelistStore.WouldWait.class,
        () -> CachingWhitelistStore.withoutWaiting(store::count));

    assertEquals(0, count("smtpcr.store.failures", "operation", "count"));
    assertEquals(
        0, registry.get("smtpcr.store.duration").tags("operation", "count").timer().count());
  }

  @Test
  void pageListener_countsViewsConfirmationsAndRefusalsByReason() {
    MicrometerPageListener page = MicrometerPageListener.of(registry);
    page.onView("valid");
    page.onView("valid");
    page.onView("expired");
    page.onConfirmation(Confirmation.CREATED);
    page.onRefusal("bad-check");
    page.onRefusal("limit");
    page.onRefusal("bad-check");
    assertEquals(2, count("smtpcr.page.views", "link", "valid"));
    assertEquals(1, count("smtpcr.page.views", "link", "expired"));
    assertEquals(1, count("smtpcr.page.confirmations", "outcome", "created"));
    assertEquals(2, count("smtpcr.page.refusals", "reason", "bad-check"));
    assertEquals(1, count("smtpcr.page.refusals", "reason", "limit"));
  }
}
