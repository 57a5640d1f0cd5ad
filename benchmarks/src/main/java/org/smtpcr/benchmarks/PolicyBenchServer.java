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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.smtpcr.auth.SmtpcrAuthenticator;
import org.smtpcr.auth.testing.Dnsmasq;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.auth.AuthenticationResults;
import org.smtpcr.core.auth.SenderAuthenticator;
import org.smtpcr.core.engine.DecisionListener;
import org.smtpcr.core.reply.PostfixReplies;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.JdbcWhitelistStore;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.policy.PolicyServer;
import org.smtpcr.examples.runtime.BackgroundOutputStream;
import org.smtpcr.examples.runtime.CachingWhitelistStore;
import org.smtpcr.examples.runtime.CoarseClock;
import org.smtpcr.examples.runtime.DecisionLog;
import org.smtpcr.examples.runtime.LogPrintStream;
import org.smtpcr.examples.runtime.OpenStore;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.runtime.StoreSpec;
import org.smtpcr.examples.runtime.metrics.MetricsServer;
import org.smtpcr.examples.runtime.metrics.MicrometerDecisionListener;
import org.smtpcr.examples.runtime.metrics.TimedWhitelistStore;

/**
 * The servers of the policy benchmark besides Postgrey (see docs/benchmarks.md), on
 * 127.0.0.1:{@code --port}: our {@link PolicyServer} as {@code smtpcr policy-server} runs it, its
 * store holding the known pairs ({@code --store memory|h2|postgresql}, {@code --h2-dir --pg-url
 * --workers --busy-poll-us}, {@code --spf on [--spf-cache off]}), or the floor ({@code --store
 * floor}). {@code --cache on} puts the near cache in front of the PostgreSQL store; {@code
 * --memory-first on} tries each decision on the event loop first ({@code
 * PolicyServer.Builder.memoryFirst}); {@code --observe on} adds what the command adds besides: the
 * INFO decision log through the command's logging configuration, and Micrometer metrics served on a
 * free port. Runs until killed or {@code --max-seconds}. Exits with status 3 when a part asked for
 * does not work here: the near cache does not serve, or the engine does not call the SPF check.
 */
public final class PolicyBenchServer {
  private static final byte[] DUNNO = "action=DUNNO\n\n".getBytes(StandardCharsets.US_ASCII);

  private PolicyBenchServer() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = PolicyLoad.options(args);
    boolean observe = on(o, "observe");
    // as the command decides: slf4j-simple's time only when set as a system property
    boolean ownTime = System.getProperty("org.slf4j.simpleLogger.showDateTime") != null;
    if (observe) {
      // before the first logger exists
      applyCommandLogging(System.getProperties());
      // and standard error as the command's Main sets it up: written by a thread of its own
      BackgroundOutputStream background =
          BackgroundOutputStream.start(
              new java.io.FileOutputStream(java.io.FileDescriptor.err), "smtpcr-log");
      // with the time in front of each log line, as the command writes to a console or a file
      java.nio.charset.Charset cs = java.nio.charset.Charset.defaultCharset();
      LogPrintStream err =
          ownTime
              ? LogPrintStream.plain(background, cs)
              : LogPrintStream.timeStamped(
                  background, cs, CoarseClock.system(ZoneId.systemDefault()));
      err.writeOutAtExit(background);
      System.setErr(err);
    }
    String kind = o.getOrDefault("store", "memory");
    int workers = (int) PolicyLoad.number(o, "workers", PolicyServer.DEFAULT_WORKER_THREADS);
    long busyPollMicros = (long) PolicyLoad.number(o, "busy-poll-us", 0);
    InetSocketAddress address =
        new InetSocketAddress(
            InetAddress.getLoopbackAddress(), (int) PolicyLoad.number(o, "port", 0));
    int port;
    String observed = "";
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
      boolean cached = on(o, "cache");
      if (cached && !kind.equals("postgresql")) {
        throw new IllegalArgumentException("--cache on needs --store postgresql");
      }
      OpenStore pg =
          kind.equals("postgresql") ? postgresql(requireOption(o, "pg-url"), cached) : null;
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
            case "postgresql" -> pg.jdbc();
            default ->
                throw new IllegalArgumentException(
                    "--store must be memory, h2, postgresql or floor");
          };
      PolicyMix.fill(store);
      if (pg != null) {
        analyze(pg.spec());
        if (cached) {
          store = nearCache(pg);
        }
      }
      Optional<SenderAuthenticator> auth = Optional.empty();
      if (on(o, "spf")) {
        auth = Optional.of(spf(store, !o.getOrDefault("spf-cache", "on").equals("off")));
      }
      Optional<DecisionListener> listener = Optional.empty();
      if (observe) {
        // as `smtpcr policy-server --metrics-listen` wires them (MetricsOption in the cli)
        MetricsServer metrics =
            MetricsServer.builder()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .store(store)
                .build()
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(metrics::close));
        store = TimedWhitelistStore.of(store, metrics.registry());
        // in the deciding thread, the log written past slf4j as the command writes it
        // (MetricsOption.Monitoring, CommandLog)
        DecisionLog decisionLog = DecisionLog.from(Settings.defaults(), TokenFixtures.keyRing());
        if (!ownTime && System.err instanceof LogPrintStream err) {
          decisionLog = decisionLog.writingTo(err);
        }
        listener =
            Optional.of(decisionLog.andThen(MicrometerDecisionListener.of(metrics.registry())));
        observed = ", decision log at INFO, metrics on 127.0.0.1:" + metrics.address().getPort();
      }
      boolean memoryFirst = on(o, "memory-first") && workers > 0 && auth.isEmpty();
      observed += memoryFirst ? ", memory first" : "";
      // the reply texts `smtpcr policy-server` answers with
      PolicyServer server =
          PolicyServer.builder()
              .engine(CoreFixtures.engine(store, PostfixReplies.formatter(), auth, listener))
              .store(store)
              .workerThreads(workers)
              .busyPoll(Duration.ofNanos(busyPollMicros * 1000))
              .memoryFirst(memoryFirst)
              .bind(address)
              .build()
              .start();
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      port = server.port();
    }
    System.out.printf(
        "%s server (%d workers, busy poll %d µs) on 127.0.0.1:%d%s%n",
        kind, workers, busyPollMicros, port, observed);
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

  /**
   * As {@code smtpcr policy-server --store-url jdbc:postgresql:...} opens it (the cli's {@code
   * DataDirectory}): a {@link StoreSpec} with a pool of 4 connections and a 3 s wait for one,
   * opened by {@link OpenStore} (HikariCP, the JDBC store, and the near cache when {@code cached});
   * the cache is asked for explicitly either way, since on PostgreSQL it is on by default.
   */
  private static OpenStore postgresql(String url, boolean cached) {
    StoreSpec spec =
        StoreSpec.parse(
            name ->
                switch (name) {
                  case StoreSpec.URL -> Optional.of(url);
                  case StoreSpec.USER -> Optional.of("smtpcr"); // PostgresServer.USER
                  case StoreSpec.POOL_SIZE -> Optional.of("4");
                  case StoreSpec.CONNECTION_TIMEOUT -> Optional.of("3s");
                  case StoreSpec.CACHE -> Optional.of(cached ? "on" : "off");
                  default -> Optional.empty();
                });
    OpenStore open = OpenStore.open(spec, "smtpcr-whitelist");
    Runtime.getRuntime().addShutdownHook(new Thread(open::close));
    return open;
  }

  /** Fresh statistics for the planner once the pairs are in, as the core group does. */
  private static void analyze(StoreSpec spec) throws SQLException {
    Properties p = new Properties();
    spec.user().ifPresent(u -> p.setProperty("user", u));
    try (Connection c = DriverManager.getConnection(spec.url(), p);
        Statement s = c.createStatement()) {
      s.execute("ANALYZE " + JdbcWhitelistStore.DEFAULT_TABLE_PREFIX + "whitelist");
    }
  }

  /**
   * The near cache of {@code pg} ({@code --cache on}), once it serves: it answers from memory only
   * while it hears PostgreSQL's notifications, so a run that started before it listens would
   * measure the database. At exit it prints its hits and misses, for the run's conditions. Exits
   * with status 3 when it does not serve within 30 s.
   */
  static WhitelistStore nearCache(OpenStore pg) throws InterruptedException {
    CachingWhitelistStore cache =
        pg.cache().orElseThrow(() -> new IllegalStateException("no near cache: " + pg.spec()));
    pg.store(); // starts the cache's listener, as a server's first decision does
    for (int i = 0; i < 300 && !cache.isFilterServing(); i++) {
      Thread.sleep(100);
    }
    if (!cache.isServing()) {
      System.err.println("PolicyBenchServer: the near cache does not serve (no LISTEN)");
      System.exit(3);
    }
    if (!cache.isFilterServing()) {
      System.err.println("PolicyBenchServer: the near cache's key filter was not built");
      System.exit(3);
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () ->
                    System.out.printf(
                        "near cache: %d hits (%d of them by the key filter), %d misses%n",
                        cache.hitCount(), cache.filterHitCount(), cache.missCount())));
    return cache;
  }

  /**
   * Sets the {@code smtpcr} command's logging configuration (its {@code simplelogger.properties},
   * copied into this jar at build time) as system properties, which slf4j-simple reads before its
   * own file; properties already set (on the command line) win.
   */
  static void applyCommandLogging(Properties into) throws IOException {
    commandLogging().forEach((k, v) -> into.putIfAbsent(k, v));
  }

  /** The {@code smtpcr} command's {@code simplelogger.properties}. */
  static Properties commandLogging() throws IOException {
    Properties p = new Properties();
    try (InputStream in =
        PolicyBenchServer.class.getResourceAsStream("cli/simplelogger.properties")) {
      if (in == null) {
        throw new IOException("the smtpcr command's simplelogger.properties is not in this jar");
      }
      p.load(in);
    }
    return p;
  }

  private static boolean on(Map<String, String> o, String name) {
    String v = o.getOrDefault(name, "off");
    if (!v.equals("on") && !v.equals("off")) {
      throw new IllegalArgumentException("--" + name + " is on or off, not " + v);
    }
    return v.equals("on");
  }

  private static String requireOption(Map<String, String> o, String name) {
    String v = o.get(name);
    if (v == null) {
      throw new IllegalArgumentException("--" + name + " is required here");
    }
    return v;
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
