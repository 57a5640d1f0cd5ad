package org.smtpcr.benchmarks;

import com.google.common.net.InetAddresses;
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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.smtpcr.auth.SmtpcrAuthenticator;
import org.smtpcr.auth.testing.Dnsmasq;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.auth.AuthenticationResults;
import org.smtpcr.core.auth.SenderAuthenticator;
import org.smtpcr.core.reply.PostfixReplies;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.JdbcWhitelistStore;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.policy.PolicyServer;

/**
 * The servers of the policy benchmark besides Postgrey (see docs/benchmarks.md), on
 * 127.0.0.1:{@code --port}: our {@link PolicyServer} as {@code smtpcr policy-server} runs it, its
 * store holding the known pairs ({@code --store memory|h2}, {@code --h2-dir --workers
 * --busy-poll-us}, {@code --spf on [--spf-cache off]}), or the floor ({@code --store floor}). Runs
 * until killed or {@code --max-seconds}.
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
      Optional<SenderAuthenticator> auth = Optional.empty();
      if (o.getOrDefault("spf", "off").equals("on")) {
        auth = Optional.of(spf(store, !o.getOrDefault("spf-cache", "on").equals("off")));
      }
      // the reply texts `smtpcr policy-server` answers with
      PolicyServer server =
          PolicyServer.builder()
              .engine(CoreFixtures.engine(store, PostfixReplies.formatter(), auth))
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

  /**
   * SPF on ({@code --spf on}): SMTPCR's evaluator, cached unless {@code --spf-cache off}, asking a
   * dnsmasq started here (stopped at exit) that publishes {@code v=spf1 ip4:198.51.0.0/16 -all} for
   * the known senders' domains and nothing for the unknown ones' (so these are checked and found to
   * publish nothing). Exits with status 3 when the engine does not call it.
   */
  private static SenderAuthenticator spf(WhitelistStore store, boolean cacheOn) {
    Dnsmasq.Builder zone = Dnsmasq.builder("example");
    for (int i = 0; i < 100; i++) {
      zone.txt("sender" + i + ".example", "v=spf1 ip4:198.51.0.0/16 -all");
    }
    Dnsmasq dns = zone.start();
    Runtime.getRuntime().addShutdownHook(new Thread(dns::close));
    AtomicLong calls = new AtomicLong();
    SmtpcrAuthenticator ours =
        SmtpcrAuthenticator.builder().dnsServer(dns.address()).cache(cacheOn).build();
    SenderAuthenticator counting =
        new SenderAuthenticator() {
          @Override
          public AuthenticationResults checkSender(InetAddress client, String helo, String from) {
            calls.incrementAndGet();
            return ours.checkSender(client, helo, from);
          }

          @Override
          public AuthenticationResults checkMessage(
              AuthenticationResults atRcpt, String from, InputStream message) throws IOException {
            return ours.checkMessage(atRcpt, from, message);
          }
        };
    PolicyMix.Triplet t = PolicyMix.knownPool().get(0);
    CoreFixtures.engine(store, PostfixReplies.formatter(), Optional.of(counting))
        .decide(
            Transaction.builder()
                .sessionId("check")
                .clientAddress(InetAddresses.forString(t.client()))
                .helo("mail.sender.example")
                .stage(Stage.RCPT)
                .reversePath(t.sender())
                .forwardPath(t.recipient())
                .build());
    if (calls.get() == 0) {
      System.err.println(
          "PolicyBenchServer: the engine does not call its sender authenticator; no SPF run");
      dns.close();
      System.exit(3);
    }
    return counting;
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
