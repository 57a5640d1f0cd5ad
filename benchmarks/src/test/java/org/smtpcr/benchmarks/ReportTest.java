package org.smtpcr.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ReportTest {
  private static final Report.RunInfo INFO = new Report.RunInfo("2026-03-01 12:00 UTC", 2, "Test CPU",
      "24 GiB", "Linux 6 amd64", "benchmarks/run.sh", "quiet", "0.10 0.20 0.30", "results.json");

  private static final TokenSamples SAMPLES =
      TokenSamples.mint(Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC));

  private static String entry(String method, double score, double error) {
    return """
        {"jmhVersion":"1.37","benchmark":"org.smtpcr.benchmarks.TokenBenchmark.%s","mode":"avgt",
         "threads":1,"forks":1,"jvm":"/usr/bin/java","jvmArgs":[],"jdkVersion":"17.0.15",
         "vmName":"OpenJDK 64-Bit Server VM","vmVersion":"17.0.15+6","warmupIterations":3,
         "warmupTime":"1 s","warmupBatchSize":1,"measurementIterations":5,"measurementTime":"1 s",
         "measurementBatchSize":1,
         "primaryMetric":{"score":%s,"scoreError":%s,"scoreConfidence":[%s,%s],"scoreUnit":"ns/op",
           "rawData":[[%s,%s],[%s]]},
         "secondaryMetrics":{"gc.alloc.rate.norm":{"score":512.0,"scoreError":"NaN",
           "scoreConfidence":[512.0,512.0],"scoreUnit":"B/op","rawData":[[512.0]]}}}
        """.formatted(method, score, error, score - error, score + error, score, score + 1, score - 1);
  }

  private static JmhResults results(double smtpcrVerify) throws IOException {
    return JmhResults.parse("[" + String.join(",",
        entry("smtpcrMint", 200, 10),
        entry("smtpcrVerify", smtpcrVerify, 10),
        entry("nimbusMint", 3000, 100),
        entry("nimbusVerify", 2500, 100),
        entry("auth0Mint", 1500, 50),
        entry("auth0Verify", 4000, 100),
        entry("passCodeCompute", 150, 5),
        entry("passCodeVerify", 160, 5)) + "]");
  }

  @Test
  void comparesAgainstTheFasterJwtLibraryPerOperation() throws IOException {
    String md = TokenReport.render(results(1000), SAMPLES, INFO);
    // mint: auth0 (1500) is faster than Nimbus (3000): 1500 / 200 = 7.5
    assertTrue(md.contains("| mint at least 5× faster than the faster JWT library | 7.50× (200 vs 1,500 ns, auth0"), md);
    // verify: Nimbus (2500) is faster: 2500 / 1000 = 2.5
    assertTrue(md.contains("| verify at least 5× faster than the faster JWT library | 2.50× (1,000 vs 2,500 ns, Nimbus"), md);
    assertTrue(md.contains("**not met**"), md);
    assertTrue(md.contains("| token at most half as long as the JWT | 104 vs " + SAMPLES.shortestJwtLength()), md);
    assertTrue(md.contains("| 512 |"), md);
    // best iteration: score - 1 in the second fork
    assertTrue(md.contains("| mint | SMTPCR `ChallengeTokens.mint` | 200 | 10.0 | 199 | 512 | **7.50×** (6.90×) |"), md);
    assertTrue(md.contains("benchmarks/run.sh"), md);
    assertTrue(md.startsWith("## Challenge tokens vs JWT\n"), md);
  }

  @Test
  void errorBarsQualifyAMetGoal() throws IOException {
    // 2500 / 490 = 5.1 point estimate; worst case 2400 / 500 = 4.8
    String md = TokenReport.render(results(490), SAMPLES, INFO);
    assertTrue(md.contains("**met** (not beyond the error bars)"), md);
  }

  @Test
  void saysSoWhenErrorBarsAreTooWide() throws IOException {
    JmhResults r = JmhResults.parse("[" + String.join(",",
        entry("smtpcrMint", 200, 10), entry("nimbusMint", 3000, 3500), entry("auth0Mint", 4000, 100)) + "]");
    String md = TokenReport.render(r, SAMPLES, INFO);
    assertTrue(md.contains("15.0× (200 vs 3,000 ns, Nimbus JOSE+JWT"), md);
    assertTrue(md.contains("error bars too wide to bound it; best iterations 15.1×) | **met** (not beyond the error bars) |"), md);
    assertTrue(md.contains("| verify at least 5× faster than the faster JWT library | not measured |"), md);
  }

  @Test
  void spliceReplacesOnlyItsOwnSection() {
    String doc = "# Benchmarks\n\nintro\n\n" + DocSections.begin("tokens") + "\nold\n" + DocSections.end("tokens")
        + "\n\n" + DocSections.begin("core") + "\ncore text\n" + DocSections.end("core") + "\n";
    String out = DocSections.splice(doc, "tokens", "## new\n");
    assertEquals("# Benchmarks\n\nintro\n\n" + DocSections.begin("tokens") + "\n## new\n" + DocSections.end("tokens")
        + "\n\n" + DocSections.begin("core") + "\ncore text\n" + DocSections.end("core") + "\n", out);
    assertEquals(out, DocSections.splice(out, "tokens", "## new"));
  }

  @Test
  void spliceAppendsAMissingSection() {
    assertEquals("# B\n\n" + DocSections.begin("core") + "\nx\n" + DocSections.end("core") + "\n",
        DocSections.splice("# B\n", "core", "x"));
  }

  @Test
  void spliceRefusesBrokenMarkers() {
    String doc = DocSections.end("tokens") + "\n" + DocSections.begin("tokens") + "\n";
    assertThrows(IllegalArgumentException.class, () -> DocSections.splice(doc, "tokens", "x"));
  }
}
