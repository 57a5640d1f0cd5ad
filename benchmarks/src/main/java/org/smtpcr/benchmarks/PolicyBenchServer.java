package org.smtpcr.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.smtpcr.core.reply.PostfixReplies;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.JdbcWhitelistStore;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.policy.PolicyServer;

/**
 * The servers of the policy benchmark besides Postgrey (see docs/benchmarks.md), on
 * 127.0.0.1:{@code --port}: our {@link PolicyServer} as {@code smtpcr policy-server} runs it, its
 * store holding the known pairs ({@code --store memory|h2}, {@code --h2-dir --workers
 * --busy-poll-us}), or the floor ({@code --store floor}). Runs until killed or {@code
 * --max-seconds}.
 */
public final class PolicyBenchServer {
  private static final byte[] DUNNO = "action=DUNNO\n\n".getBytes(StandardCharsets.US_ASCII);

  private PolicyBenchServer() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = PolicyLoad.options(args);
    String kind = o.getOrDefault("store", "memory");
    int workers = (int) PolicyLoad.number(o, "workers", PolicyServer.DEFAULT_WORKER_THREADS);
    long busyPollMicros = (long) PolicyLoad.number(o, "busy-poll-us", 0);
    InetSocketAddress address =
        new InetSocketAddress(
            InetAddress.getLoopbackAddress(), (int) PolicyLoad.number(o, "port", 0));
    int port;
    if (kind.equals("floor")) {
      ServerSocket server = new ServerSocket();
      server.bind(address, 512);
      daemon(
          () -> {
            try {
              while (true) {
                Socket s = server.accept();
                daemon(() -> serveFloor(s));
              }
            } catch (IOException e) {
              // closed
            }
          });
      port = server.getLocalPort();
    } else {
      WhitelistStore store =
          switch (kind) {
            case "memory" -> InMemoryWhitelistStore.builder().build();
            case "h2" ->
                JdbcWhitelistStore.builder()
                    .dataSource(
                        h2(
                            o.getOrDefault("h2-dir", "benchmarks/target/policy-h2"),
                            Math.max(1, workers)))
                    .build();
            default -> throw new IllegalArgumentException("--store must be memory, h2 or floor");
          };
      PolicyMix.fill(store);
      // the reply texts `smtpcr policy-server` answers with
      PolicyServer server =
          PolicyServer.builder()
              .engine(CoreFixtures.engine(store, PostfixReplies.formatter()))
              .store(store)
              .workerThreads(workers)
              .busyPoll(Duration.ofNanos(busyPollMicros * 1000))
              .bind(address)
              .build()
              .start();
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      port = server.port();
    }
    System.out.printf(
        "%s server (%d workers, busy poll %d µs) on 127.0.0.1:%d%n",
        kind, workers, busyPollMicros, port);
    Thread.sleep((long) PolicyLoad.number(o, "max-seconds", 900) * 1000);
    System.err.println("PolicyBenchServer: stopping after --max-seconds");
    System.exit(0);
  }

  /** As the smtpcr command opens it: HikariCP over an embedded H2 file. */
  private static HikariDataSource h2(String dir, int poolSize) throws IOException {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(
        "jdbc:h2:file:"
            + Files.createDirectories(Path.of(dir)).toAbsolutePath().resolve("whitelist"));
    c.setUsername("sa");
    c.setMaximumPoolSize(poolSize);
    return new HikariDataSource(c);
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r);
    t.setDaemon(true);
    t.start();
  }

  /** The floor: answers each request once its empty line (two line feeds in a row) has arrived. */
  static void serveFloor(Socket s) {
    try (s) {
      s.setTcpNoDelay(true);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      byte[] buf = new byte[16 * 1024];
      boolean lastWasLineFeed = false;
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          boolean lineFeed = buf[i] == '\n';
          if (lineFeed && lastWasLineFeed) {
            out.write(DUNNO);
            lineFeed = false;
          }
          lastWasLineFeed = lineFeed;
        }
      }
    } catch (IOException e) {
      // the generator closed the connection
    }
  }
}
