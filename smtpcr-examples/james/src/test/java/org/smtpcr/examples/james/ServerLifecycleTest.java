package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.tokens.KeyRing;

/** A server that has served a session leaves no thread behind once stopped. */
final class ServerLifecycleTest {
  private static final Duration THREADS_DEADLINE = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void close_afterSession_leavesNoThreads() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    JamesTestServer server =
        JamesTestServer.start(
            Fixtures.docSnippet(
                "smtpserver.xml",
                Fixtures.keyFile(dir, KeyRing.generate()),
                Fixtures.h2Url(dir, "whitelist")));
    Set<String> during;
    try (SmtpClient c = SmtpClient.connect(server.port(), "client.sender.example")) {
      c.command("MAIL FROM:<mallory@sender.example>");
      assertTrue(
          c.command("RCPT TO:<bob@example.org>").startsWith("550-5.7.1 ")); // the store was asked
      during = names(newThreads(before));
    } finally {
      server.close();
    }
    assertTrue(
        during.stream().anyMatch(n -> n.startsWith(OwnedExecutorNettyServer.NAME)),
        "netty threads ran: " + during);
    assertTrue(
        during.stream().anyMatch(n -> n.startsWith("smtpcr-whitelist-")),
        "the pool's threads ran: " + during);

    // a thread ends a little after the executor that owns it reports termination: wait for each
    long deadline = System.nanoTime() + THREADS_DEADLINE.toNanos();
    for (Thread t : newThreads(before)) {
      long remainingMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      t.join(remainingMillis);
    }
    assertEquals(
        Set.of(), names(newThreads(before)), "threads still running after the server stopped");
  }

  /** Live threads not in {@code before}, except the JDK's common fork-join pool. */
  private static Set<Thread> newThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> !before.contains(t))
        .filter(t -> !t.getName().startsWith("ForkJoinPool.commonPool-"))
        .collect(Collectors.toSet());
  }

  private static Set<String> names(Set<Thread> threads) {
    return threads.stream().map(Thread::getName).collect(Collectors.toCollection(TreeSet::new));
  }
}
