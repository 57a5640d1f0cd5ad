package org.smtpcr.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.smtpcr.benchmarks.Goals.Compare;
import org.smtpcr.benchmarks.Goals.Goal;

final class GoalsTest {
  private final Results run =
      RenderTest.results(Map.of("ours", 380.0, "peer", 2924.0, "accept", 1001.0));

  @Test
  void times_isTheRatioToThePeerOfTheSameRun() {
    Goal faster = Goals.goal("at least 5× faster | peer ÷ ours | score | ≥ 5");
    assertTrue(faster.met(run));
    assertEquals("7.69×", faster.measured(run));
    assertFalse(Goals.goal("at least 10× faster | peer ÷ ours | score | ≥ 10").met(run));
  }

  @Test
  void atMost_boundsTheValue() {
    assertFalse(Goals.goal("accept ≤ 1 µs | accept | score | ≤ 1000 ns").met(run));
    assertEquals(
        "1,001 ns", Goals.goal("accept ≤ 1 µs | accept | score | ≤ 1000 ns").measured(run));
  }

  @Test
  void notMeasured_isNotMet() {
    assertFalse(Goals.goal("x | absent ÷ ours | score | ≥ 1").met(run));
    assertFalse(Goals.goal("x | absent | score | ≤ 1e9 ns").met(run));
  }

  @Test
  void table_saysMetOrNotMet() {
    List<Goal> goals =
        List.of(
            Goals.goal("5× faster | peer ÷ ours | score | ≥ 5"),
            Goals.goal("accept ≤ 1 µs | accept | score | ≤ 1000 ns"));
    assertEquals(
        """
        | goal | measured | result |
        |---|---:|---:|
        | 5× faster | 7.69× | **met** |
        | accept ≤ 1 µs | 1,001 ns | **not met** |
        """,
        Goals.table(goals, run));
  }

  @Test
  void everyGroup_hasGoals() {
    assertEquals(6, Goals.of("tokens").size());
    assertEquals(2, Goals.of("core").size());
    assertEquals(23, Goals.of("policy").size());
    assertEquals(
        new Goal("t", "a", "b", Compare.RATIO, "rps", "×", 10, Double.POSITIVE_INFINITY),
        Goals.goal("t | a ÷ b | rps | ≥ 10"));
    assertEquals(
        new Goal("t", "a", null, Compare.VALUE, "p99us", " µs", Double.NEGATIVE_INFINITY, 1000),
        Goals.goal("t | a | p99us | ≤ 1000 µs"));
    assertEquals(
        new Goal("t", "a", "b", Compare.LOSS_PERCENT, "rps", " %", Double.NEGATIVE_INFINITY, 5),
        Goals.goal("t | a − b | rps | ≤ 5 %"));
  }

  @Test
  void loss_isThePercentOfThePeersRequestsLost() {
    Goal cost = Goals.goal("log costs under 5 % | on − off | rps | ≤ 5 %");
    Results lost4 = rps(Map.of("on", 9_600.0, "off", 10_000.0));
    assertTrue(cost.met(lost4));
    assertEquals("4.00 %", cost.measured(lost4));
    Results lost6 = rps(Map.of("on", 9_400.0, "off", 10_000.0));
    assertFalse(cost.met(lost6));
    assertEquals("6.00 %", cost.measured(lost6));
    // faster with the log on than off: noise, a negative loss, and within the bound
    Results gained = rps(Map.of("on", 10_200.0, "off", 10_000.0));
    assertTrue(cost.met(gained));
    assertEquals("-2.00 %", cost.measured(gained));
  }

  @Test
  void loss_eitherSideNotMeasured_isNotMetAndShowsNoUnit() {
    Goal cost = Goals.goal("log costs under 5 % | on − off | rps | ≤ 5 %");
    for (Results r :
        List.of(rps(Map.of("on", 9_600.0)), rps(Map.of("off", 10_000.0)), rps(Map.of()))) {
      assertFalse(cost.met(r));
      assertEquals("–", cost.measured(r));
    }
  }

  @Test
  void goal_malformed_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> Goals.goal("t | a ÷ b | rps"));
    assertThrows(IllegalArgumentException.class, () -> Goals.goal("t | a − b | rps | = 5 %"));
  }

  @Test
  void policyGoalsAndRows_nameOnlyMeasurementsAFullRunWrites() {
    // every id a run of all servers at 1, 16 and 256 connections writes, and only those
    Map<String, Map<String, Double>> all = new HashMap<>();
    for (String server :
        List.of(
            "postgrey",
            "floor",
            "ours-memory",
            "ours-memory-observed",
            "ours-memory-tuned",
            "ours-h2",
            "ours-postgresql",
            "ours-postgresql-cached",
            "ours-cli",
            "ours-cli-packaged")) {
      for (String run : List.of("c1", "c16", "c256", "c1-halting", "rate")) {
        all.put(server + "-" + run, Map.of("rps", 1.0, "p99us", 1.0));
      }
      all.put(server + "-footprint", Map.of("peakmb", 1.0, "endmb", 1.0, "startupms", 1.0));
    }
    // the decision log's turns: the median loss, in the goals and the conditions, not in the
    // tables; and each pair's turns, which are no row either
    for (String run : List.of("c16", "c256")) {
      all.put("ours-memory-observed-turns-" + run, Map.of("lossPercent", 1.0));
      all.put("observed-turns-" + run + "-pair1", Map.of("lossPercentMedian", 1.0));
    }
    Results full = new Results(all);
    for (Goal g : Goals.of("policy")) {
      assertTrue(Double.isFinite(g.value(full)), g.text() + " names a measurement no run writes");
    }
    // and the throughput table has a row for each of them, and for nothing else
    assertEquals(
        all.keySet().stream()
            .filter(id -> !id.endsWith("-rate") && !id.endsWith("-footprint"))
            .filter(id -> !id.contains("-turns-"))
            .collect(Collectors.toSet()),
        Tables.of("policy", full).get(0).rows().stream()
            .map(Render.Row::id)
            .collect(Collectors.toSet()));
    // and the footprint table a row for each server's footprint
    assertEquals(
        all.keySet().stream().filter(id -> id.endsWith("-footprint")).collect(Collectors.toSet()),
        Tables.of("policy", full).get(3).rows().stream()
            .map(Render.Row::id)
            .collect(Collectors.toSet()));
  }

  @Test
  void policyRows_ofARunAtOneConnectionOnly_leaveTheLogsTurnsOut() {
    // POLICY_CONNECTIONS=1: the turns (always 16 and 256 connections) are the only ids at 16 and
    // 256, and must not become rows or columns of their own
    Map<String, Map<String, Double>> all = new HashMap<>();
    all.put("postgrey-c1", Map.of("rps", 1.0, "p99us", 1.0));
    all.put("ours-memory-c1", Map.of("rps", 2.0, "p99us", 1.0));
    for (String run : List.of("c16", "c256")) {
      all.put("ours-memory-observed-turns-" + run, Map.of("lossPercent", 1.0, "rps", 1.0));
    }
    all.put("observed-turns-c16-pair1", Map.of("lossPercentMedian", 1.0));
    // a row for every server at 1 connection (those not measured show nothing), none at 16 or 256
    java.util.Set<String> rows =
        Tables.of("policy", new Results(all)).get(0).rows().stream()
            .map(Render.Row::id)
            .collect(Collectors.toSet());
    assertTrue(rows.containsAll(java.util.Set.of("postgrey-c1", "ours-memory-c1")), rows::toString);
    assertTrue(rows.stream().allMatch(id -> id.endsWith("-c1")), rows::toString);
  }

  @Test
  void policyGoals_footprintOfThePackagedCommand_againstPostgreyAndTheDefaultJvm() {
    Map<String, Map<String, Double>> byId = new HashMap<>();
    byId.put("postgrey-footprint", Map.of("peakmb", 24.0));
    byId.put("ours-cli-packaged-footprint", Map.of("peakmb", 90.0));
    byId.put("ours-cli-footprint", Map.of("peakmb", 350.0));
    byId.put("ours-cli-c16", Map.of("rps", 10_000.0));
    byId.put("ours-cli-packaged-c16", Map.of("rps", 9_200.0));
    byId.put("ours-cli-c256", Map.of("rps", 10_000.0));
    byId.put("ours-cli-packaged-c256", Map.of("rps", 8_850.0));
    Results r = new Results(byId);
    Map<String, String> seen = new HashMap<>();
    Goals.of("policy").stream()
        .filter(g -> g.id().startsWith("ours-cli"))
        .forEach(g -> seen.put(g.text(), g.measured(r) + (g.met(r) ? " met" : " not met")));
    assertEquals(
        Map.of(
            "`smtpcr policy-server`, packaged JVM options: peak resident memory under load at"
                + " most 4× Postgrey's",
            "3.75× met",
            "`smtpcr policy-server`, packaged JVM options: under 10 % of the default JVM's"
                + " requests/s lost at 16 connections",
            "8.00 % met",
            "`smtpcr policy-server`, packaged JVM options: under 10 % of the default JVM's"
                + " requests/s lost at 256 connections",
            "11.5 % not met"),
        seen);
    // 4× is the bound: 100 MB against Postgrey's 24 is not met
    byId.put("ours-cli-packaged-footprint", Map.of("peakmb", 100.0));
    assertFalse(
        Goals.of("policy").stream()
            .filter(g -> g.id().equals("ours-cli-packaged-footprint"))
            .findFirst()
            .orElseThrow()
            .met(new Results(byId)));
  }

  @Test
  void policyGoals_postgresqlWithTheCacheAndTheCostOfTheLog() {
    Map<String, Double> m = new HashMap<>();
    m.put("postgrey-c16", 3_000.0);
    m.put("postgrey-c256", 3_000.0);
    m.put("ours-postgresql-cached-c16", 33_000.0);
    m.put("ours-postgresql-cached-c256", 27_000.0);
    Map<String, Map<String, Double>> byId = new HashMap<>();
    m.forEach((id, v) -> byId.put(id, Map.of("rps", v)));
    // the pooled turns give their median's confidence interval, which the table shows
    byId.put(
        "ours-memory-observed-turns-c16",
        Map.of("lossPercent", 3.33, "lossPercentCiLow", 2.5, "lossPercentCiHigh", 4.71));
    byId.put("ours-memory-observed-turns-c256", Map.of("lossPercent", 10.4));
    byId.put("ours-postgresql-cached-rate", Map.of("p99us", 1_900.0));
    Results r = new Results(byId);
    Map<String, String> seen = new HashMap<>();
    Goals.of("policy").stream()
        .filter(g -> g.id().contains("postgresql-cached") || g.id().contains("observed"))
        .forEach(g -> seen.put(g.text(), g.measured(r) + (g.met(r) ? " met" : " not met")));
    assertEquals(
        Map.of(
            "SMTPCR, PostgreSQL store, near cache: at least 10× Postgrey's requests/s at 16"
                + " connections",
            "11.0× met",
            "SMTPCR, PostgreSQL store, near cache: at least 10× Postgrey's requests/s at 256"
                + " connections",
            "9.00× not met",
            "SMTPCR, PostgreSQL store, near cache: p99 under 2 ms at 1,000 requests/s",
            "1,900 µs met",
            "decision log and metrics: under 5 % of the requests/s lost, in-memory store, 16"
                + " connections (median of the turns' losses)",
            "3.33 % (95 % interval 2.50 to 4.71 %) met",
            "decision log and metrics: under 5 % of the requests/s lost, in-memory store, 256"
                + " connections (median of the turns' losses)",
            "10.4 % not met"),
        seen);
  }

  private static Results rps(Map<String, Double> values) {
    Map<String, Map<String, Double>> m = new HashMap<>();
    values.forEach((id, v) -> m.put(id, Map.of("rps", v)));
    return new Results(m);
  }
}
