package org.smtpcr.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The {@code core} section judges the goals and computes the ratios from the right entries. */
final class CoreReportTest {
  private static final Report.RunInfo INFO = new Report.RunInfo("2026-03-01 12:00 UTC", 2, "Test CPU",
      "24 GiB", "Linux 6 amd64", "benchmarks/run-core.sh", "noisy", "0.10 0.20 0.30", "jmh-core.json");

  private static final String SETTINGS = """
      "jmhVersion":"1.37","threads":1,"forks":2,"jvm":"/usr/bin/java","jvmArgs":[],
      "jdkVersion":"17.0.15","vmName":"OpenJDK 64-Bit Server VM","vmVersion":"17.0.15+6",
      "warmupIterations":3,"warmupTime":"1 s","warmupBatchSize":1,"measurementIterations":4,
      "measurementTime":"1 s","measurementBatchSize":1""";

  private static String avgt(String method, double score, double error) {
    return """
        {"benchmark":"org.smtpcr.benchmarks.DecisionBenchmark.%s","mode":"avgt",%s,
         "primaryMetric":{"score":%s,"scoreError":%s,"scoreConfidence":[%s,%s],"scoreUnit":"ns/op",
           "rawData":[[%s,%s],[%s]]},
         "secondaryMetrics":{"gc.alloc.rate.norm":{"score":256.0,"scoreError":"NaN",
           "scoreConfidence":[256.0,256.0],"scoreUnit":"B/op","rawData":[[256.0]]}}}
        """.formatted(method, SETTINGS, score, error, score - error, score + error, score, score + 1, score - 1);
  }

  private static String sample(String method, String db, double p50) {
    String params = db == null ? "" : "\"params\":{\"db\":\"" + db + "\"},";
    return """
        {"benchmark":"org.smtpcr.benchmarks.StoreLookupBenchmark.%s","mode":"sample",%s %s,
         "primaryMetric":{"score":%s,"scoreError":1.0,"scoreConfidence":[%s,%s],
           "scorePercentiles":{"0.0":%s,"50.0":%s,"90.0":%s,"95.0":%s,"99.0":%s,"99.9":%s,"100.0":%s},
           "scoreUnit":"ns/op","rawDataHistogram":[[[[%s,1000],[%s,500]]],[[[%s,250]]]]},
         "secondaryMetrics":{}}
        """.formatted(method, params, SETTINGS, p50 * 1.1, p50, p50 * 1.2, p50 / 2, p50, p50 * 1.5, p50 * 1.8,
        p50 * 3, p50 * 10, p50 * 100, p50, p50 * 2, p50);
  }

  private static JmhResults run(double accept, double challenge) throws IOException {
    return JmhResults.parse("[" + String.join(",",
        avgt("accept", accept, 50),
        avgt("rcptAccepted", 1_200, 40),
        avgt("mapGet", 20, 1),
        avgt("challenge", challenge, 100),
        avgt("tokenMint", 500, 10),
        avgt("jwtMint", 2_000, 100),
        avgt("canonicalize", 300, 10),
        avgt("storeHit", 400, 10),
        avgt("storeMiss", 900, 10),
        avgt("formatChallenge", 1_000, 10),
        sample("jdbcHit", "h2", 12_000),
        sample("jdbcMiss", "h2", 15_000),
        sample("selectOne", "h2", 3_000),
        sample("jdbcHit", "postgresql", 60_000),
        sample("jdbcMiss", "postgresql", 66_000),
        sample("selectOne", "postgresql", 30_000),
        sample("inMemoryHit", null, 300),
        sample("inMemoryMiss", null, 600)) + "]");
  }

  @Test
  void render_judgesGoalsAndComputesRatios() throws IOException {
    String md = CoreReport.render(run(800, 4_000), INFO, "postgres (PostgreSQL) 15.18", "1.00 0.90 0.80");
    assertTrue(md.startsWith("## Decision engine and whitelist store look-ups\n"), md);
    // 800 + 50 <= 1000: met; 4000 > 3000: not met
    assertTrue(md.contains("| accept of a whitelisted pair ≤ 1 µs | 800 ns ± 50.0 (best iteration 799), 0.80× the goal | **met** |"), md);
    assertTrue(md.contains("| full challenge ≤ 3 µs | 4,000 ns ± 100 (best iteration 3,999), 1.33× the goal | **not met** |"), md);
    assertTrue(md.contains("| accept ÷ `ConcurrentHashMap.get` | **40.0×** |"), md);
    assertTrue(md.contains("| challenge ÷ `ChallengeTokens.mint` | **8.00×** |"), md);
    assertTrue(md.contains("| challenge ÷ HS256 JWT mint | **2.00×** |"), md);
    assertTrue(md.contains("| HS256 JWT mint ÷ `ChallengeTokens.mint` | **4.00×** |"), md);
    // breakdown: accept 800 = 300 + 400 + rest 100; challenge 4000 = 300 + 900 + 500 + 1000 + rest 1300
    assertTrue(md.contains("| parse and canonicalize both paths | 300 | 256 | 38 % | 8 % |"), md);
    assertTrue(md.contains("| rest | | | 13 % | 33 % |"), md);
    // store: p50 in µs, ratios against SELECT 1 of the same database and the in-memory store
    assertTrue(md.contains("| H2 2.3.232, file | hit | 13.2 | 12.0 | 18.0 | 36.0 | 120 | 1,750 | – | 4.00× | 40.0× |"), md);
    assertTrue(md.contains("| PostgreSQL, TCP to 127.0.0.1 | miss | 72.6 | 66.0 | 99.0 | 198 | 660 | 1,750 | – | 2.20× | 110.0× |"), md);
    assertTrue(md.contains("| in-memory (10,000 pairs) | peer: hit | 0.330 | 0.300 |"), md);
    assertTrue(md.contains("PostgreSQL 15.18 started by the benchmark"), md);
    // accept: canonicalize 300 vs store hit 400; challenge: format 1000 of 4000
    assertTrue(md.contains("The largest single step of the accept is the store hit (50 % of it). "
        + "The largest single step of the challenge is the reply text (25 % of it)."), md);
    assertTrue(md.contains("0.10 0.20 0.30 just before the run, 1.00 0.90 0.80 just after it"), md);
    assertTrue(md.contains("```sh\nbenchmarks/run-core.sh\n```"), md);
  }

  @Test
  void render_qualifiesAGoalMetOnlyWithinTheErrorBars() throws IOException {
    String md = CoreReport.render(run(980, 2_500), INFO, "", "");
    assertTrue(md.contains("0.98× the goal | **met** (not beyond the error bars) |"), md);
    assertTrue(md.contains("| full challenge ≤ 3 µs | 2,500 ns ± 100 (best iteration 2,499), 0.83× the goal | **met** |"), md);
  }

  @Test
  void render_saysWhatWasNotMeasured() throws IOException {
    JmhResults onlyAccept = JmhResults.parse("[" + avgt("accept", 1_500, 10) + "]");
    String md = CoreReport.render(onlyAccept, INFO, "", "");
    assertTrue(md.contains("| full challenge ≤ 3 µs | not measured | – |"), md);
    assertTrue(md.contains("| accept ÷ `ConcurrentHashMap.get` | not measured |"), md);
    assertTrue(!md.contains("### Whitelist store look-ups"), md);
  }

  @Test
  void parse_keepsParamsPercentilesAndSamples() throws IOException {
    JmhResults r = run(800, 4_000);
    JmhResults.Result pg = r.method("jdbcHit", "db", "postgresql").orElseThrow();
    assertEquals(60_000, pg.percentile(50), 1e-9);
    assertEquals(1_750, pg.samples());
    assertEquals("sample", pg.mode());
    assertEquals(12_000, r.method("jdbcHit", "db", "h2").orElseThrow().percentile(50), 1e-9);
    assertEquals(799, r.method("accept").orElseThrow().best(), 1e-9);
  }
}
