package org.smtpcr.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class PolicyLoadTest {
  @Test
  void cpuTicks_addsUserAndSystemTime_afterACommandNameWithSpacesAndParentheses(@TempDir Path dir)
      throws Exception {
    // the fields of proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt
    // majflt cmajflt utime stime ...
    Path stat = dir.resolve("stat");
    Files.writeString(
        stat,
        "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 900 0 7 0 1234 567 3 4 20 0 31 0\n",
        StandardCharsets.US_ASCII);
    assertEquals(1234 + 567, PolicyLoad.cpuTicks(stat));
  }

  @Test
  void cpuTicks_ofThisProcess_growsAsItWorks() throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    assertTrue(threads.isCurrentThreadCpuTimeSupported(), "this JVM cannot time a thread's CPU");
    Path self = Path.of("/proc/self/stat");
    long before = PolicyLoad.cpuTicks(self);
    // 30 ms of CPU time, three ticks, by the JVM's own account of this thread
    long start = threads.getCurrentThreadCpuTime();
    long x = 1;
    while (threads.getCurrentThreadCpuTime() - start < 30_000_000L) {
      for (int i = 0; i < 100_000; i++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
    }
    assertTrue(PolicyLoad.cpuTicks(self) > before, "no CPU time counted for 30 ms of work " + x);
  }

  @Test
  void poolTurns_takesTheMedianOverTheTurnsOfAllPairs(@TempDir Path dir) throws Exception {
    Path p1 = dir.resolve("pair1.properties");
    Path p2 = dir.resolve("pair2.properties");
    Files.writeString(
        p1,
        "connections=16\nturns=2\nerrors=0\na.rps=100.0,100.0\nb.rps=90.0,99.0\nlossPercent=10.0,1.0\n"
            + "a.serverCpuUsPerRequest=10.0,12.0\nb.serverCpuUsPerRequest=11.0,13.0\n",
        StandardCharsets.US_ASCII);
    Files.writeString(
        p2,
        "connections=16\nturns=3\nerrors=0\na.rps=200.0,200.0,200.0\nb.rps=196.0,210.0,194.0\n"
            + "lossPercent=2.0,-5.0,3.0\na.serverCpuUsPerRequest=9.0,9.0,9.0\n"
            + "b.serverCpuUsPerRequest=10.0,10.0,10.0\n",
        StandardCharsets.US_ASCII);
    java.util.Properties out = new java.util.Properties();
    out.load(new java.io.StringReader(PolicyLoad.poolTurns(java.util.List.of(p1, p2))));
    assertEquals("5", out.getProperty("turns"));
    assertEquals("2", out.getProperty("pairs"));
    assertEquals("16", out.getProperty("connections"));
    // the losses 10, 1, 2, -5, 3: the median is 2, not the loss of the servers' medians
    assertEquals(2.0, Double.parseDouble(out.getProperty("lossPercent")));
    assertEquals(1.0, Double.parseDouble(out.getProperty("lossPercentQ1")));
    assertEquals(3.0, Double.parseDouble(out.getProperty("lossPercentQ3")));
    assertEquals(200.0, Double.parseDouble(out.getProperty("a.rpsMedian")));
    assertEquals(10.0, Double.parseDouble(out.getProperty("b.serverCpuUsPerRequestMedian")));
    assertTrue(out.getProperty("summary").startsWith("5 turns (2 pairs): B lost 2.00 %"));
    // five values are too few for 95 %: the interval is all of them
    assertEquals(-5.0, Double.parseDouble(out.getProperty("lossPercentCiLow")));
    assertEquals(10.0, Double.parseDouble(out.getProperty("lossPercentCiHigh")));
    assertTrue(
        out.getProperty("summary").contains("interval of the median -5.00 % to 10.00 %"),
        out.getProperty("summary"));
  }

  @Test
  void medianInterval_knownValues() {
    // n = 48 (the goal's 4 pairs of 12 turns): the 17th and the 32nd smallest
    assertArrayEquals(new int[] {16, 31}, PolicyLoad.medianInterval(48));
    // n = 10: P(X <= 1) = 11/1024 <= 2.5 % < P(X <= 2) = 56/1024
    assertArrayEquals(new int[] {1, 8}, PolicyLoad.medianInterval(10));
    assertArrayEquals(new int[] {0, 5}, PolicyLoad.medianInterval(6));
    assertArrayEquals(new int[] {0, 4}, PolicyLoad.medianInterval(5));
    assertArrayEquals(new int[] {0, 0}, PolicyLoad.medianInterval(1));
    assertThrows(IllegalArgumentException.class, () -> PolicyLoad.medianInterval(0));
  }

  /**
   * Exact coverage, in integers, for every n from 6 to 400: at least 95 %, and the next narrower
   * interval would cover less.
   */
  @Test
  void medianInterval_coversAtLeast95PercentAndIsTheNarrowestThatDoes() {
    for (int n = 6; n <= 400; n++) {
      int[] ci = PolicyLoad.medianInterval(n);
      assertEquals(n - 1, ci[0] + ci[1], "symmetric, n = " + n);
      int j = ci[0] + 1; // the lower bound is the jth smallest
      BigInteger all = BigInteger.TWO.pow(n);
      // the coverage of [x(j), x(n+1-j)] is 1 - 2 P(X < j), X ~ Binomial(n, 1/2)
      BigInteger tail = BigInteger.ZERO;
      for (int m = 0; m < j; m++) {
        tail = tail.add(choose(n, m));
      }
      assertTrue(
          tail.multiply(BigInteger.valueOf(40)).compareTo(all) <= 0, "P(X < j) <= 1/40, n = " + n);
      BigInteger narrower = tail.add(choose(n, j));
      assertTrue(
          narrower.multiply(BigInteger.valueOf(40)).compareTo(all) > 0,
          "j + 1 would cover less than 95 %, n = " + n);
    }
  }

  private static BigInteger choose(int n, int k) {
    BigInteger r = BigInteger.ONE;
    for (int i = 1; i <= k; i++) {
      r = r.multiply(BigInteger.valueOf(n - k + i)).divide(BigInteger.valueOf(i));
    }
    return r;
  }

  @Test
  void poolTurns_refusesAPairWithFailedRequestsOrMissingTurns(@TempDir Path dir) throws Exception {
    Path failed = dir.resolve("failed.properties");
    Files.writeString(
        failed,
        "turns=1\nerrors=3\na.rps=1.0\nb.rps=1.0\nlossPercent=0.0\n"
            + "a.serverCpuUsPerRequest=1.0\nb.serverCpuUsPerRequest=1.0\n",
        StandardCharsets.US_ASCII);
    Path short1 = dir.resolve("short.properties");
    Files.writeString(
        short1,
        "turns=2\nerrors=0\na.rps=1.0\nb.rps=1.0,1.0\nlossPercent=0.0,0.0\n"
            + "a.serverCpuUsPerRequest=1.0,1.0\nb.serverCpuUsPerRequest=1.0,1.0\n",
        StandardCharsets.US_ASCII);
    Path other = dir.resolve("other.properties");
    Files.writeString(
        other,
        "connections=256\nturns=1\nerrors=0\na.rps=1.0\nb.rps=1.0\nlossPercent=0.0\n"
            + "a.serverCpuUsPerRequest=1.0\nb.serverCpuUsPerRequest=1.0\n",
        StandardCharsets.US_ASCII);
    Path noCpu = dir.resolve("nocpu.properties");
    Files.writeString(
        noCpu,
        "turns=1\nerrors=0\na.rps=1.0\nb.rps=1.0\nlossPercent=0.0\n",
        StandardCharsets.US_ASCII);
    for (Path p : java.util.List.of(failed, short1, noCpu)) {
      org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class,
          () -> PolicyLoad.poolTurns(java.util.List.of(p)),
          p.getFileName().toString());
    }
    // two pairs at different connection counts are not one measurement
    Path ok = dir.resolve("ok.properties");
    Files.writeString(
        ok,
        "connections=16\nturns=1\nerrors=0\na.rps=1.0\nb.rps=1.0\nlossPercent=0.0\n"
            + "a.serverCpuUsPerRequest=1.0\nb.serverCpuUsPerRequest=1.0\n",
        StandardCharsets.US_ASCII);
    PolicyLoad.poolTurns(java.util.List.of(ok));
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> PolicyLoad.poolTurns(java.util.List.of(ok, other)));
  }

  @Test
  void medianAndQuantile() {
    assertEquals(2.0, PolicyLoad.median(new double[] {3, 1, 2}));
    assertEquals(2.5, PolicyLoad.median(new double[] {4, 1, 3, 2}));
    assertTrue(Double.isNaN(PolicyLoad.median(new double[0])));
    assertEquals(1.75, PolicyLoad.quantile(new double[] {1, 2, 3, 4}, 0.25));
    assertEquals(4.0, PolicyLoad.quantile(new double[] {1, 2, 3, 4}, 1));
  }
}
