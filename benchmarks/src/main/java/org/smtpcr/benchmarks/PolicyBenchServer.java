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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.reply.PostfixReplies;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.JdbcWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.policy.PolicyServer;
import org.smtpcr.tokens.KeyRing;

/**
 * The servers measured besides Postgrey, on 127.0.0.1: our {@link PolicyServer} as {@code smtpcr
 * policy-server} runs it, its store holding the known pairs ({@code --store memory|h2}), or the
 * floor ({@code --store floor}): a thread per connection, blocking I/O, and {@code action=DUNNO} to
 * every request without reading it, what the machine allows any server. Writes its port to {@code
 * --port-file} once it listens; runs until killed or {@code --max-seconds}.
 */
public final class PolicyBenchServer {
  private static final byte[] DUNNO = "action=DUNNO\n\n".getBytes(StandardCharsets.US_ASCII);

  private PolicyBenchServer() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = PolicyLoad.options(args);
    String kind = o.getOrDefault("store", "memory");
    int workers =
        Integer.parseInt(
            o.getOrDefault("workers", Integer.toString(PolicyServer.DEFAULT_WORKER_THREADS)));
    long busyPollMicros = Long.parseLong(o.getOrDefault("busy-poll-us", "0"));
    int port;
    if (kind.equals("floor")) {
      ServerSocket server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
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
      WhitelistStore store = InMemoryWhitelistStore.builder().build();
      if (kind.equals("h2")) { // as the smtpcr command opens it: HikariCP over an embedded H2 file
        Path dir =
            Files.createDirectories(
                Path.of(o.getOrDefault("h2-dir", "benchmarks/target/policy-h2")));
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl("jdbc:h2:file:" + dir.toAbsolutePath().resolve("whitelist"));
        c.setUsername("sa");
        c.setMaximumPoolSize(Math.max(1, workers));
        store = JdbcWhitelistStore.builder().dataSource(new HikariDataSource(c)).build();
      } else if (!kind.equals("memory")) {
        System.err.println("PolicyBenchServer: --store must be memory, h2 or floor");
        System.exit(2);
      }
      AddressCanonicalizer canon = AddressCanonicalizer.standard();
      for (PolicyMix.Triplet t : PolicyMix.knownPool()) {
        store.add(
            WhitelistKey.pair(
                canon.canonicalize(t.sender()), canon.forRecipients().canonicalize(t.recipient())));
      }
      DecisionEngine engine =
          DecisionEngine.builder()
              .keyRing(KeyRing.generate())
              .replyFormatter(
                  PostfixReplies.formatter()) // the texts `smtpcr policy-server` answers with
              .challengeBase(URI.create("https://cr.example.com/"))
              .rules(StandardRules.builder().whitelistStore(store).build())
              .build();
      PolicyServer server =
          PolicyServer.builder()
              .engine(engine)
              .store(store)
              .workerThreads(workers)
              .busyPoll(Duration.ofNanos(busyPollMicros * 1000))
              .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .build()
              .start();
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      port = server.port();
    }
    Path tmp = Path.of(o.get("port-file") + ".tmp");
    Files.writeString(tmp, Integer.toString(port), StandardCharsets.US_ASCII);
    Files.move(tmp, Path.of(o.get("port-file")), StandardCopyOption.ATOMIC_MOVE);
    System.out.println(
        kind
            + " server ("
            + workers
            + " workers, busy poll "
            + busyPollMicros
            + " µs) on 127.0.0.1:"
            + port);
    Thread.sleep(Long.parseLong(o.getOrDefault("max-seconds", "900")) * 1000);
    System.err.println("PolicyBenchServer: stopping after --max-seconds");
    System.exit(0);
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
