package org.smtpcr.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

final class PolicyStartupTest {
  @Test
  void summary_medianLeastAndMost() {
    assertEquals(
        "startupms=300.0\nstartupmsMin=100.0\nstartupmsMax=900.0\nstartups=3\n"
            .replace("\n", System.lineSeparator()),
        PolicyStartup.summary(List.of(900.0, 100.0, 300.0)));
    assertTrue(
        PolicyStartup.summary(List.of(100.0, 300.0, 200.0, 900.0)).startsWith("startupms=250.0"));
    assertTrue(PolicyStartup.summary(List.of()).startsWith("startupms=NaN"));
  }

  @Test
  void firstAnswer_timesAServerFromItsStartToItsFirstReply_thenStopsIt() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                PolicyBenchServer.class.getName(),
                "--store",
                "floor",
                "--port",
                String.valueOf(port),
                "--max-seconds",
                "60")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      long nanos = PolicyStartup.firstAnswer(p, port, t0);
      assertTrue(nanos > 0 && nanos < System.nanoTime() - t0 + 1, "elapsed: " + nanos);
    } finally {
      PolicyStartup.stop(p);
    }
    assertFalse(p.isAlive());
  }

  @Test
  void firstAnswer_serverThatEndsFirst_fails() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    p.waitFor();
    IOException e =
        assertThrows(IOException.class, () -> PolicyStartup.firstAnswer(p, 9, System.nanoTime()));
    assertTrue(e.getMessage().contains("ended"), e.getMessage());
  }

  @Test
  void knownForImport_everyKnownPairOnceNeverExpiring() {
    List<String> lines = PolicyLoad.knownForImport().lines().toList();
    assertEquals(PolicyMix.POOL_SIZE, lines.size());
    PolicyMix.Triplet first = PolicyMix.knownPool().get(0);
    assertEquals(first.sender() + " " + first.recipient() + " never", lines.get(0));
    assertTrue(lines.stream().allMatch(l -> l.matches("\\S+@\\S+ \\S+@cr\\.test never")));
  }
}
