package org.smtpcr.benchmarks;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
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
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.smtpcr.benchmarks.CoreFixtures.Pair;
import org.smtpcr.benchmarks.CoreFixtures.Traffic;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.JdbcWhitelistStore;
import org.smtpcr.core.store.PostgresServer;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistStore;

/**
 * One whitelist store look-up on H2 and on a PostgreSQL server each fork starts on 127.0.0.1, with
 * the peers {@code SELECT 1} and the in-memory store (see docs/benchmarks.md). Sample time: every
 * call is timed. Tables are {@code ANALYZE}d after the fill, so that no background analyze changes
 * the plan during the measurement.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StoreLookupBenchmark {
  static final int STORE_SIZE = 10_000;
  static final int POOL_SIZE = 2;

  /**
   * A store holding {@link #size} pairs, asked in turn for pairs it holds and pairs it does not.
   */
  abstract static class Filled {
    /** Pairs to store; the sanity tests use fewer, to be quick. */
    int size = STORE_SIZE;

    WhitelistStore store;
    private Traffic traffic;
    private int next;

    void fill(WhitelistStore empty) {
      store = empty;
      traffic = CoreFixtures.traffic(size, CoreFixtures.LOCAL_RECIPIENTS);
      CoreFixtures.fill(store, traffic);
    }

    /**
     * Checks the count and every pair (hits and misses share the turn, so each is taken a full
     * round).
     */
    void check(String name) {
      boolean asClaimed = store.count() == size;
      for (int i = 0; i < CoreFixtures.TRAFFIC; i++) {
        asClaimed &= hit();
      }
      for (int i = 0; i < CoreFixtures.TRAFFIC; i++) {
        asClaimed &= !miss();
      }
      if (!asClaimed) {
        throw new IllegalStateException(
            name + ": the store is not what the benchmark claims to measure");
      }
    }

    boolean hit() {
      return lookUp(traffic.known());
    }

    boolean miss() {
      return lookUp(traffic.unknown());
    }

    private boolean lookUp(List<Pair> pairs) {
      Pair p = pairs.get(next);
      next = (next + 1) & (CoreFixtures.TRAFFIC - 1);
      return store.containsAny(WhitelistCandidates.of(p.sender(), p.recipient()));
    }
  }

  /** A JDBC store on the database {@link #db}, filled, behind a pool. */
  @State(Scope.Thread)
  public static class Jdbc extends Filled {
    @Param({"h2", "postgresql"})
    public String db;

    PostgresServer server;
    private Path h2Dir;
    private HikariDataSource pool;

    @Setup(Level.Trial)
    public void open() throws SQLException, IOException {
      HikariConfig config = new HikariConfig();
      if (db.equals("h2")) {
        h2Dir = Files.createTempDirectory("smtpcr-bench-h2");
        config.setJdbcUrl("jdbc:h2:file:" + h2Dir.resolve("whitelist").toAbsolutePath());
        config.setUsername("sa");
      } else {
        server = PostgresServer.start();
        config.setJdbcUrl(server.jdbcUrl());
        config.setUsername(PostgresServer.USER);
      }
      config.setMaximumPoolSize(POOL_SIZE);
      config.setMinimumIdle(POOL_SIZE);
      try {
        pool = new HikariDataSource(config);
        fill(JdbcWhitelistStore.builder().dataSource(pool).build());
        try (Connection c = pool.getConnection();
            Statement s = c.createStatement()) {
          s.execute(
              db.equals("h2")
                  ? "ANALYZE"
                  : "ANALYZE " + JdbcWhitelistStore.DEFAULT_TABLE_PREFIX + "whitelist");
        }
        check(db);
        if (!selectOne()) {
          throw new IllegalStateException(db + ": no row from SELECT 1");
        }
      } catch (SQLException | RuntimeException e) {
        close();
        throw e;
      }
    }

    /** Closes the pool, stops the server, deletes the files. */
    @TearDown(Level.Trial)
    public void close() throws IOException {
      try (PostgresServer s = server;
          HikariDataSource p = pool) {
        // closed in reverse order: the pool, then the server
      } finally {
        if (h2Dir != null) {
          MoreFiles.deleteRecursively(h2Dir, RecursiveDeleteOption.ALLOW_INSECURE);
        }
      }
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
  public static class Memory extends Filled {
    @Setup(Level.Trial)
    public void open() {
      fill(InMemoryWhitelistStore.builder().build());
      check("in-memory");
    }
  }

  @Benchmark
  public boolean jdbcHit(Jdbc s) {
    return s.hit();
  }

  @Benchmark
  public boolean jdbcMiss(Jdbc s) {
    return s.miss();
  }

  @Benchmark
  public boolean selectOne(Jdbc s) throws SQLException {
    return s.selectOne();
  }

  @Benchmark
  public boolean inMemoryHit(Memory m) {
    return m.hit();
  }

  @Benchmark
  public boolean inMemoryMiss(Memory m) {
    return m.miss();
  }

  /** Prints {@code postgres --version} of the installation the benchmark would start, if any. */
  public static void main(String[] args) {
    PostgresServer.version().ifPresent(System.out::println);
  }
}
