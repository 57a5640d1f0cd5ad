package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.PassCodes;

/**
 * Not a test: measures what the page's proof of work costs a browser (headless Chromium running the
 * page's own worker script, {@code static/pow-worker.js}, on the challenge page) against a Java
 * solver ({@link ProofOfWork#solve}, one thread) in the same run, at the default difficulty and at
 * +2 and +4 bits, on fresh random challenges. Runs only when asked:
 *
 * <pre>
 * mvn -B -ntp -o -pl smtpcr-examples/web -am test -Dtest=PowCostMeasurement \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dsmtpcr.powcost=true
 * </pre>
 *
 * <p>It prints one line per difficulty and writes them to {@code target/pow-cost.txt}. The mean
 * over few solves is rough (the work per challenge is geometric: its standard deviation is about
 * its mean), so the solves per difficulty are printed with it.
 */
@EnabledIfSystemProperty(named = "smtpcr.powcost", matches = "true")
final class PowCostMeasurement {
  private static final int BASE = ChallengePage.DEFAULT_POW_DIFFICULTY_BITS;

  @Test
  void browserAgainstJava() throws Exception {
    KeyRing ring = KeyRing.generate();
    ChallengeTokens tokens = ChallengeTokens.of(ring);
    ChallengePage page =
        ChallengePage.builder()
            .tokens(tokens)
            .passCodes(PassCodes.of(ring))
            .store(InMemoryWhitelistStore.builder().build())
            .powDifficultyBits(0)
            .build();
    List<String> lines = new ArrayList<>();
    lines.add(
        "bits\tsolves\tbrowser wall ms/solve\tbrowser CPU ms/solve\tbrowser hashes/solve"
            + "\tbrowser CPU ns/hash\tJava CPU ns/hash\tratio per hash");
    try (ChallengeWebServer web =
            ChallengeWebServer.builder()
                .page(page)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .build()
                .start();
        ChromiumBrowser browser = ChromiumBrowser.launchOrSkip()) {
      browser.navigate(web.baseUri().resolve("c/" + tokens.mint("a@example.org", "b@example.com")));
      int[][] runs = {{BASE, 4}, {BASE + 2, 2}, {BASE + 4, 1}};
      for (int[] run : runs) {
        int bits = run[0];
        int solves = run[1];
        browser.evaluate(
            "window.__done = false; (async () => { const w = new Worker('../static/pow-worker.js');"
                + " let total = 0; let hashes = 0; for (let i = 0; i < "
                + solves
                + "; i++) { const b = crypto.getRandomValues(new Uint8Array(32));"
                + " const hex = Array.from(b, x => x.toString(16).padStart(2, '0')).join('');"
                + " const t0 = performance.now(); const m = await new Promise(res => {"
                + " w.onmessage = e => res(e.data); w.postMessage({challenge: hex, bits: "
                + bits
                + "}); }); total += performance.now() - t0; hashes += m.nonce + 1; } w.terminate();"
                + " window.__ms = total / "
                + solves
                + "; window.__hashes = hashes / "
                + solves
                + "; window.__done = true; })(); true");
        long cpu0 = chromiumCpuMillis(browser.pid());
        browser.waitFor("window.__done === true", Duration.ofMinutes(30));
        double cpuMs = (chromiumCpuMillis(browser.pid()) - cpu0) / (double) solves;
        double browserMs = Double.parseDouble(browser.evaluateString("window.__ms"));
        double hashes = Double.parseDouble(browser.evaluateString("window.__hashes"));
        double browserNs = cpuMs * 1e6 / hashes;
        double javaNs = javaCpuNsPerHash(bits, solves * 10);
        lines.add(
            String.format(
                Locale.ROOT,
                "%d\t%d\t%.0f\t%.0f\t%.0f\t%.0f\t%.1f\t%.1fx",
                bits,
                solves,
                browserMs,
                cpuMs,
                hashes,
                browserNs,
                javaNs,
                browserNs / javaNs));
      }
    }
    lines.forEach(System.out::println);
    Files.write(Path.of("target", "pow-cost.txt"), lines);
    assertEquals(4, lines.size());
  }

  /** Java's CPU time per hash (this thread's CPU time over the hashes tried). */
  private static double javaCpuNsPerHash(int bits, int solves) {
    SecureRandom random = new SecureRandom();
    byte[] challenge = new byte[32];
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long hashes = 0;
    long t0 = mx.getCurrentThreadCpuTime();
    for (int i = 0; i < solves; i++) {
      random.nextBytes(challenge);
      hashes += ProofOfWork.solve(challenge, bits) + 1;
    }
    return (mx.getCurrentThreadCpuTime() - t0) / (double) hashes;
  }

  /**
   * CPU time (user + system) of the browser and all its processes, from {@code /proc}: the load of
   * the machine then changes the figure little, as for the native solver.
   */
  private static long chromiumCpuMillis(long pid) throws IOException {
    long ticks = 0;
    List<Long> pids = new ArrayList<>();
    pids.add(pid);
    ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
    for (long p : pids) {
      Path stat = Path.of("/proc", Long.toString(p), "stat");
      if (!Files.exists(stat)) {
        continue;
      }
      String text = Files.readString(stat);
      String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ", -1);
      // fields 14 and 15 of stat (utime, stime), counted from the state field (3)
      ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
    return ticks * 10; // USER_HZ is 100 on Linux
  }
}
