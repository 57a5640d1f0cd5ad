package org.smtpcr.benchmarks;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.smtpcr.benchmarks.CoreFixtures.Pair;
import org.smtpcr.benchmarks.CoreFixtures.Traffic;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.JdbcWhitelistStore;
import org.smtpcr.core.store.PostgresServer;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistStore;

/**
 * Latency of one {@link JdbcWhitelistStore#contains} look-up, the question the engine asks the
 * store for every recipient no earlier rule decided, on (a) an H2 file database in a temporary
 * directory and (b) a PostgreSQL server started for the benchmark on a free 127.0.0.1 port (see
 * {@code PostgresServer} of smtpcr-core's test harness), each holding {@value #STORE_SIZE} pairs; for pairs it holds (hit) and
 * pairs it does not (miss). Mode sample time: every call is timed, so the report gives percentiles.
 *
 * <p>Both databases are reached through a HikariCP pool of {@value #POOL_SIZE} connections (the
 * store opens and closes a connection per operation; a deployment pools them). Peers in the same
 * run: a raw {@code SELECT 1} round trip through the same pool (prepare, execute, read one row,
 * close), the floor of any look-up on that database, and the {@link InMemoryWhitelistStore} with
 * the same pairs.
 *
 * <p>The tables are filled through the store itself and then {@code ANALYZE}d, so the planner
 * works from statistics and no background auto-analyze changes the plan during the measurement.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(2)
@Threads(1)
public class StoreLookupBenchmark {
  /** Pairs in each store. */
  public static final int STORE_SIZE = 10_000;

  /** Local recipients the pairs are spread over. */
  public static final int RECIPIENTS = 500;

  /** Connections in the HikariCP pool (fixed size). */
  public static final int POOL_SIZE = 2;

  /** The H2 database in the parameter {@code db}. */
  public static final String H2 = "h2";

  /** The PostgreSQL server in the parameter {@code db}. */
  public static final String POSTGRESQL = "postgresql";

  private static final int MASK = CoreFixtures.TRAFFIC - 1;

  /**
   * Look-ups to make: {@value CoreFixtures#TRAFFIC} pairs the store holds and as many it does not,
   * taken in turn.
   */
  static final class Probes {
    private final CanonicalAddress[] hitSenders;
    private final CanonicalAddress[] hitRecipients;
    private final CanonicalAddress[] missSenders;
    private final CanonicalAddress[] missRecipients;
    private int next;

    Probes(Traffic traffic) {
      int n = CoreFixtures.TRAFFIC;
      hitSenders = new CanonicalAddress[n];
      hitRecipients = new CanonicalAddress[n];
      missSenders = new CanonicalAddress[n];
      missRecipients = new CanonicalAddress[n];
      List<Pair> known = traffic.known();
      List<Pair> unknown = traffic.unknown();
      for (int i = 0; i < n; i++) {
        hitSenders[i] = known.get(i).sender();
        hitRecipients[i] = known.get(i).recipient();
        missSenders[i] = unknown.get(i).sender();
        missRecipients[i] = unknown.get(i).recipient();
      }
    }

    boolean hit(WhitelistStore store) {
      int i = next;
      next = (i + 1) & MASK;
      return store.containsAny(WhitelistCandidates.of(hitSenders[i], hitRecipients[i]));
    }

    boolean miss(WhitelistStore store) {
      int i = next;
      next = (i + 1) & MASK;
      return store.containsAny(WhitelistCandidates.of(missSenders[i], missRecipients[i]));
    }

    /** Throws unless every hit is found and no miss is. */
    void check(WhitelistStore store, String name) {
      for (int i = 0; i < CoreFixtures.TRAFFIC; i++) {
        if (!hit(store)) {
          throw new IllegalStateException(name + ": whitelisted pair " + i + " not found");
        }
        if (miss(store)) {
          throw new IllegalStateException(name + ": unknown pair " + i + " found");
        }
      }
    }
  }

  /** A JDBC store on the database {@link #db}, filled, behind a pool. */
  @State(Scope.Thread)
  public static class Jdbc {
    /** {@value StoreLookupBenchmark#H2} or {@value StoreLookupBenchmark#POSTGRESQL}. */
    @Param({H2, POSTGRESQL})
    public String db;

    /** Pairs to store; the sanity tests use fewer, to be quick. */
    int size = STORE_SIZE;

    private PostgresServer server;
    private Path h2Dir;
    private HikariDataSource pool;
    private JdbcWhitelistStore store;
    private Probes probes;

    /** Starts the database, fills the store and checks the probes. */
    @Setup(Level.Trial)
    public void open() throws SQLException, IOException {
      HikariConfig config = new HikariConfig();
      switch (db) {
        case H2 -> {
          h2Dir = Files.createTempDirectory("smtpcr-bench-h2");
          config.setJdbcUrl("jdbc:h2:file:" + h2Dir.resolve("whitelist").toAbsolutePath());
          config.setUsername("sa");
        }
        case POSTGRESQL -> {
          server = PostgresServer.start();
          config.setJdbcUrl(server.jdbcUrl());
          config.setUsername(PostgresServer.USER);
        }
        default -> throw new IllegalArgumentException("db must be " + H2 + " or " + POSTGRESQL + ", not " + db);
      }
      config.setPoolName("bench-" + db);
      config.setMaximumPoolSize(POOL_SIZE);
      config.setMinimumIdle(POOL_SIZE);
      try {
        pool = new HikariDataSource(config);
        store = JdbcWhitelistStore.builder().dataSource(pool).build();
        Traffic traffic = CoreFixtures.traffic(size, RECIPIENTS);
        CoreFixtures.fill(store, traffic);
        if (store.count() != size) {
          throw new IllegalStateException(db + " store holds " + store.count() + " pairs, not " + size);
        }
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
          s.execute(H2.equals(db) ? "ANALYZE" : "ANALYZE " + JdbcWhitelistStore.DEFAULT_TABLE_PREFIX + "whitelist");
        }
        probes = new Probes(traffic);
        probes.check(store, db);
        if (!selectOne()) {
          throw new IllegalStateException(db + ": SELECT 1 returned no row");
        }
      } catch (SQLException | RuntimeException e) {
        close();
        throw e;
      }
    }

    /** Closes the pool, stops the server, deletes the files. */
    @TearDown(Level.Trial)
    public void close() {
      try {
        if (pool != null) {
          pool.close();
        }
      } finally {
        if (server != null) {
          server.close();
        }
        if (h2Dir != null) {
          try {
            MoreFiles.deleteRecursively(h2Dir, RecursiveDeleteOption.ALLOW_INSECURE);
          } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + h2Dir, e);
          }
        }
      }
    }

    /** The store under test. */
    public JdbcWhitelistStore store() {
      return store;
    }

    /** The port of the PostgreSQL server, or -1 for H2. */
    int postgresPort() {
      return server == null ? -1 : server.port();
    }

    boolean hit() {
      return probes.hit(store);
    }

    boolean miss() {
      return probes.miss(store);
    }

    boolean selectOne() throws SQLException {
      try (Connection c = pool.getConnection();
          PreparedStatement ps = c.prepareStatement("SELECT 1");
          ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The in-memory store with the same pairs. */
  @State(Scope.Thread)
  public static class Memory {
    /** Pairs to store; the sanity tests use fewer, to be quick. */
    int size = STORE_SIZE;

    private InMemoryWhitelistStore store;
    private Probes probes;

    /** Fills the store and checks the probes. */
    @Setup(Level.Trial)
    public void open() {
      Traffic traffic = CoreFixtures.traffic(size, RECIPIENTS);
      store = InMemoryWhitelistStore.builder().build();
      CoreFixtures.fill(store, traffic);
      probes = new Probes(traffic);
      probes.check(store, "in-memory");
    }
  }

  /** {@code contains} of a pair the JDBC store holds. */
  @Benchmark
  public boolean jdbcHit(Jdbc s) {
    return s.hit();
  }

  /** {@code contains} of a pair the JDBC store does not hold. */
  @Benchmark
  public boolean jdbcMiss(Jdbc s) {
    return s.miss();
  }

  /** Peer: {@code SELECT 1} through the same pool, the floor of any look-up on that database. */
  @Benchmark
  public boolean selectOne(Jdbc s) throws SQLException {
    return s.selectOne();
  }

  /** Peer: {@code contains} of a held pair in the in-memory store. */
  @Benchmark
  public boolean inMemoryHit(Memory m) {
    return m.probes.hit(m.store);
  }

  /** Peer: {@code contains} of an unknown pair in the in-memory store. */
  @Benchmark
  public boolean inMemoryMiss(Memory m) {
    return m.probes.miss(m.store);
  }
}
