package org.smtpcr.benchmarks;

import org.smtpcr.core.rules.StandardRules;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.reply.PostfixReplies;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.JdbcWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.policy.PolicyServer;
import org.smtpcr.tokens.KeyRing;

/**
 * Our policy server as the benchmark runs it: the default decision chain, the store pre-filled with
 * the {@link PolicyMix#knownPool() known pairs}, on {@code 127.0.0.1}. Writes the port to
 * {@code --port-file} once it listens and runs until SIGTERM or {@code --max-seconds} (default 900).
 *
 * <pre>
 * java -cp benchmarks.jar org.smtpcr.benchmarks.PolicyBenchServer --port-file FILE
 *     [--store memory|h2] [--h2-dir DIR] [--workers 8] [--busy-poll-us 0] [--max-seconds 900]
 * </pre>
 */
public final class PolicyBenchServer {
  private PolicyBenchServer() {}

  /** Runs the server; exits with status 2 on a usage error. */
  public static void main(String[] args) throws Exception {
    Map<String, String> o = PolicyLoad.options(args);
    String portFile = o.get("port-file");
    if (portFile == null) {
      System.err.println("PolicyBenchServer: --port-file is required");
      System.exit(2);
    }
    String kind = o.getOrDefault("store", "memory");
    int workers = Integer.parseInt(o.getOrDefault("workers", Integer.toString(PolicyServer.DEFAULT_WORKER_THREADS)));
    long maxSeconds = Long.parseLong(o.getOrDefault("max-seconds", "900"));
    long busyPollMicros = Long.parseLong(o.getOrDefault("busy-poll-us", "0"));
    HikariDataSource pool = null;
    WhitelistStore store;
    switch (kind) {
      case "memory" -> store = InMemoryWhitelistStore.builder().build();
      case "h2" -> {
        Path dir = Path.of(o.getOrDefault("h2-dir", "benchmarks/target/policy-h2"));
        Files.createDirectories(dir);
        // as the smtpcr command opens it: HikariCP over an embedded H2 file
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl("jdbc:h2:file:" + dir.toAbsolutePath().resolve("whitelist"));
        c.setUsername("sa");
        c.setPassword("");
        c.setMaximumPoolSize(Math.max(1, workers));
        c.setPoolName("policy-bench");
        pool = new HikariDataSource(c);
        store = JdbcWhitelistStore.builder().dataSource(pool).build();
      }
      default -> {
        System.err.println("PolicyBenchServer: --store must be memory or h2");
        System.exit(2);
        return;
      }
    }
    AddressCanonicalizer canon = AddressCanonicalizer.standard();
    for (PolicyMix.Triplet t : PolicyMix.knownPool()) {
      store.add(WhitelistKey.pair(canon.canonicalize(t.sender()), canon.forRecipients().canonicalize(t.recipient())));
    }
    DecisionEngine engine = DecisionEngine.builder()
        .keyRing(KeyRing.generate())
        .replyFormatter(PostfixReplies.formatter()) // the texts `smtpcr policy-server` answers with
        .challengeBase(URI.create("https://cr.example.com/"))
        .rules(StandardRules.builder().whitelistStore(store).build())
        .build();
    PolicyServer server = PolicyServer.builder()
        .engine(engine)
        .store(store)
        .workerThreads(workers)
        .busyPoll(Duration.ofNanos(busyPollMicros * 1000))
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .build()
        .start();
    CountDownLatch stop = new CountDownLatch(1);
    HikariDataSource jdbc = pool;
    Thread hook = new Thread(() -> {
      server.close();
      if (jdbc != null) {
        jdbc.close();
      }
      stop.countDown();
    }, "policy-bench-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Path tmp = Path.of(portFile + ".tmp");
    Files.writeString(tmp, Integer.toString(server.port()), StandardCharsets.US_ASCII);
    Files.move(tmp, Path.of(portFile), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    System.out.println("policy server (" + kind + " store, " + store.count() + " known pairs, " + workers
        + " workers, busy poll " + busyPollMicros + " us) on 127.0.0.1:" + server.port());
    if (!stop.await(maxSeconds, TimeUnit.SECONDS)) {
      System.err.println("PolicyBenchServer: stopping after --max-seconds " + maxSeconds);
      System.exit(0);
    }
  }
}
