package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.examples.runtime.ExpirySweeper;

/** {@code whitelist prune} on demand, and the sweep every long-running server schedules. */
final class PruneAndSweepTest {
  @TempDir Path tmp;

  private String data() {
    return tmp.resolve("data").toString();
  }

  @Test
  void prune_removesExpiredEntriesAndSaysHowMany() throws Exception {
    try (DataDirectory d = DataDirectory.open(tmp.resolve("data"))) {
      d.store()
          .add(
              WhitelistKey.globalSender(CanonicalAddress.parseCanonical("old@example.org")),
              Instant.now().minus(Duration.ofDays(1)));
      d.store().add(WhitelistKey.globalSender(CanonicalAddress.parseCanonical("new@example.org")));
    }
    CommandRun.Result r = CommandRun.run("whitelist", "prune", "--data", data());
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals("removed 1 expired entries and ended counter windows\n", r.out());
    CommandRun.Result again = CommandRun.run("whitelist", "prune", "--data", data());
    assertEquals("removed 0 expired entries and ended counter windows\n", again.out());
    assertTrue(
        CommandRun.run("whitelist", "list", "--data", data()).out().startsWith("new@example.org"));
  }

  @Test
  void everyServer_schedulesTheSweep_atTheConfiguredInterval() throws Exception {
    CommandRun.keygen(tmp.resolve("data"));
    Path config = tmp.resolve("c.properties");
    Files.writeString(config, "sweepInterval=10m\nchallenge-base=https://cr.example/\n");
    List<String[]> commands =
        List.of(
            new String[] {"web", "--listen", "127.0.0.1:0"},
            new String[] {"smtp-server", "--listen", "127.0.0.1:0"},
            new String[] {"policy-server", "--listen", "127.0.0.1:0"},
            new String[] {"demo", "--smtp-port", "0", "--http-port", "0"});
    for (String[] c : commands) {
      List<String> args = new java.util.ArrayList<>(List.of("--config", config.toString()));
      args.addAll(List.of(c));
      args.addAll(List.of("--data", data()));
      try (TestLifecycle run = new TestLifecycle().start(args.toArray(String[]::new))) {
        ExpirySweeper sweeper = run.service(ExpirySweeper.class);
        assertEquals(Duration.ofMinutes(10), sweeper.interval(), c[0]);
        assertEquals(0, run.stop().exitCode());
        assertTrue(sweeper.toString().contains("closed"), () -> c[0] + ": stopped on shutdown");
      }
    }
    try (TestLifecycle run =
        new TestLifecycle()
            .start("web", "--data", data(), "--listen", "127.0.0.1:0", "--sweep-interval", "2h")) {
      assertEquals(Duration.ofHours(2), run.service(ExpirySweeper.class).interval());
      assertEquals(0, run.stop().exitCode());
    }
    CommandRun.Result bad = CommandRun.run("web", "--data", data(), "--sweep-interval", "0s");
    assertEquals(2, bad.exitCode(), bad::toString);
    assertTrue(bad.err().contains("--sweep-interval"), bad::toString);
  }
}
