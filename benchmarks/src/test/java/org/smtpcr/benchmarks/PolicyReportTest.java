package org.smtpcr.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

final class PolicyReportTest {
  private static final Report.RunInfo INFO = new Report.RunInfo("2026-03-01 12:00 UTC", 2, "Test CPU",
      "24 GiB", "Linux 6 amd64", "benchmarks/run-policy.sh", "quiet", "0.10 0.20 0.30", "results");

  private static Properties run(double rps, double p50, double p99, String mode, double rate) {
    Properties p = new Properties();
    p.setProperty("connections", "16");
    p.setProperty("mode", mode);
    p.setProperty("offeredRate", Double.toString(rate));
    p.setProperty("knownFraction", "0.9");
    p.setProperty("seconds", "10.0");
    p.setProperty("requests", Long.toString((long) (rps * 10)));
    p.setProperty("errors", "0");
    p.setProperty("rps", Double.toString(rps));
    p.setProperty("p50us", Double.toString(p50));
    p.setProperty("p90us", Double.toString(p50 * 2));
    p.setProperty("p99us", Double.toString(p99));
    p.setProperty("p999us", Double.toString(p99 * 2));
    p.setProperty("maxus", Double.toString(p99 * 3));
    p.setProperty("scheduledP50us", Double.toString(p50 + 500));
    p.setProperty("scheduledP99us", Double.toString(p99 + 500));
    p.setProperty("action.pass", "9");
    p.setProperty("action.reject", "1");
    return p;
  }

  private static PolicyReport.Setup setup(String postgrey, String busyPollMicros, boolean held) {
    return new PolicyReport.Setup(postgrey, "OpenJDK 17", busyPollMicros, held, "haltpoll driver, haltpoll governor");
  }

  private static PolicyReport.Results results(double oursAt16, double oursP99) {
    Map<String, Properties> m = new LinkedHashMap<>();
    m.put("postgrey-c1", run(2_000, 400, 900, "max", 0));
    m.put("postgrey-c16", run(2_100, 7_000, 9_000, "max", 0));
    m.put("postgrey-rate", run(1_000, 600, 3_000, "rate", 1000));
    m.put("ours-memory-c1", run(25_000, 40, 90, "max", 0));
    m.put("ours-memory-c16", run(oursAt16, 300, 900, "max", 0));
    m.put("ours-memory-rate", run(1_000, 80, oursP99, "rate", 1000));
    return new PolicyReport.Results(m);
  }

  @Test
  void render_goalsMet_saysMetWithRatios() {
    String md = PolicyReport.render(results(40_000, 300), INFO, setup("Debian package 1.37-1.1", "200", false));
    assertTrue(md.startsWith("## Postfix policy server vs Postgrey\n"), md);
    assertTrue(md.contains("| SMTPCR, in-memory store | 12.5× at 1, 19.0× at 16 | **met** |"), md);
    assertTrue(md.contains("| SMTPCR, in-memory store | p99 300 µs (p50 80 µs; from schedule p99 800 µs) | **met** |"), md);
    assertTrue(md.contains("| 16 | 2,100 | 40,000 | 19.0× |"), md);
    assertTrue(md.contains("benchmarks/run-policy.sh"), md);
    assertTrue(md.contains("Debian package 1.37-1.1"), md);
  }

  @Test
  void render_floorAndTunedRuns_columnsAndTheFloorSentence() {
    PolicyReport.Results base = results(40_000, 300);
    Map<String, Properties> m = new LinkedHashMap<>(base.runs());
    m.put("floor-c1", run(16_000, 60, 120, "max", 0));
    m.put("floor-c16", run(60_000, 200, 500, "max", 0));
    m.put("ours-memory-tuned-c1", run(22_000, 40, 90, "max", 0));
    m.put("ours-memory-tuned-c16", run(45_000, 300, 900, "max", 0));
    String md = PolicyReport.render(new PolicyReport.Results(m), INFO, setup("", "150", false));

    assertTrue(md.contains("| connections | Postgrey | floor (does nothing) | ÷ Postgrey | SMTPCR, in-memory store |"
        + " ÷ Postgrey | SMTPCR, in-memory store, tuned | ÷ Postgrey |"), md);
    assertTrue(md.contains("| 1 | 2,000 | 16,000 | 8.0× | 25,000 | 12.5× | 22,000 | 11.0× |"), md);
    assertTrue(md.contains("| SMTPCR, in-memory store, tuned | 11.0× at 1, 21.4× at 16 | **met** |"), md);
    assertTrue(md.contains("At 1 connection the floor itself reaches 16,000 requests/s, 8.0× Postgrey's"), md);
    assertTrue(md.contains("No server that sleeps between requests can reach 10× there."), md);
    assertTrue(md.contains("The tuned configuration, whose event loop stays awake between requests, gets past"), md);
    assertTrue(md.contains("`busyPoll(150 µs)`"), md);
  }

  @Test
  void render_onlyTheTunedConfiguration_noRowsForTheDefaults() {
    Map<String, Properties> m = new LinkedHashMap<>();
    m.put("postgrey-c1", run(2_000, 400, 900, "max", 0));
    m.put("floor-c1", run(16_000, 60, 120, "max", 0));
    m.put("ours-memory-tuned-c1", run(15_000, 40, 90, "max", 0));
    String md = PolicyReport.render(new PolicyReport.Results(m), INFO, setup("", "200", false));

    assertTrue(md.contains("| SMTPCR, in-memory store, tuned | 7.5× at 1 | **not met** |"), md);
    assertTrue(!md.contains("| SMTPCR, in-memory store |"), "no row for a configuration that did not run:\n" + md);
    assertTrue(!md.contains("gets past the floor"), "the tuned run did not beat the floor:\n" + md);
    assertTrue(md.contains("SMTPCR runs with an in-memory store tuned, as"), md);
    assertTrue(!md.contains("H2 store:"), "no H2 conditions without an H2 run:\n" + md);
  }

  @Test
  void render_cpuLatencyHeld_saysSoAndShowsTheHaltingRunsBesideTheOthers() {
    PolicyReport.Results base = results(40_000, 300);
    Map<String, Properties> m = new LinkedHashMap<>(base.runs());
    m.put("floor-c1", run(40_000, 20, 50, "max", 0));
    m.put("postgrey-c1-halting", run(1_500, 600, 900, "max", 0));
    m.put("floor-c1-halting", run(12_000, 70, 130, "max", 0));
    m.put("ours-memory-c1-halting", run(9_000, 100, 200, "max", 0));
    String md = PolicyReport.render(new PolicyReport.Results(m), INFO, setup("", "200", true));

    assertTrue(md.contains("Every run is made under a CPU latency request of 0 µs"), md);
    assertTrue(md.contains("| the same at 1 connection, CPUs may halt | SMTPCR, in-memory store | 6.0× | **not met** |"), md);
    assertTrue(md.contains("| 1, CPUs may halt | 1,500 | 12,000 | 8.0× | 9,000 | 6.0× |"), md);
    assertTrue(md.contains("| SMTPCR, in-memory store | 1, CPUs may halt | 100 | 200 | 600 |"), md);
    assertTrue(md.contains("At 1 connection the floor itself reaches 40,000 requests/s, 20.0× Postgrey's; with CPUs"
        + " that may halt, 12,000 requests/s, 8.0×."), md);
    assertTrue(md.contains("With CPUs that may halt, no server that sleeps between requests can reach 10× there."), md);
    assertTrue(!md.contains(" No server that sleeps"), "the floor reached 10× under the request:\n" + md);
    assertTrue(md.contains("- CPU idle: cpuidle haltpoll driver, haltpoll governor; a CPU latency request of 0 µs held"
        + " during every run except those marked"), md);
    // the goal over 1 and 16 connections comes from the runs under the request, and says so
    assertTrue(md.contains("at 1, 16 and 256 connections, CPU latency request 0 µs | SMTPCR, in-memory store | 12.5× at 1,"
        + " 19.0× at 16 | **met** |"), md);
  }

  @Test
  void render_noCpuLatencyRequest_saysCpusMayHalt() {
    String md = PolicyReport.render(results(40_000, 300), INFO, setup("", "200", false));
    assertTrue(md.contains("- CPU idle: cpuidle haltpoll driver, haltpoll governor; no CPU latency request; idle CPUs"
        + " may halt."), md);
    assertTrue(md.contains("at 1, 16 and 256 connections | SMTPCR, in-memory store |"), md);
    assertTrue(!md.contains("CPU latency request of"), md);
  }

  @Test
  void render_withoutTheTunedConfiguration_doesNotDescribeIt() {
    String md = PolicyReport.render(results(40_000, 300), INFO, setup("", "200", false));
    assertTrue(!md.contains("busyPoll("), md);
  }

  @Test
  void render_goalsMissed_saysNotMet() {
    String md = PolicyReport.render(results(15_000, 1_500), INFO, setup("", "200", false));
    assertTrue(md.contains("7.1× at 16 | **not met** |"), md);
    assertTrue(md.contains("p99 1,500 µs") && md.contains("**not met**"), md);
  }
}
