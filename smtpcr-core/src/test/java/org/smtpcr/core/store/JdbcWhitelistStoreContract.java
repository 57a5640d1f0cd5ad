package org.smtpcr.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.store.testing.WhitelistStoreContract;

/** What {@link JdbcWhitelistStore} adds to the contract, on a real database. */
abstract class JdbcWhitelistStoreContract extends WhitelistStoreContract {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private String prefix;

  /** The database under test. */
  abstract DataSource dataSource();

  @Override
  protected final WhitelistStore newStore(Clock clock) {
    prefix = "t" + PREFIXES.incrementAndGet() + "_";
    return store(prefix, clock);
  }

  @Override
  protected final WhitelistStore secondInstance(Clock clock) {
    return store(prefix, clock);
  }

  private JdbcWhitelistStore store(String tablePrefix, Clock clock) {
    return JdbcWhitelistStore.builder()
        .dataSource(dataSource())
        .tablePrefix(tablePrefix)
        .clock(clock)
        .build();
  }

  private int versionRows(String tablePrefix) throws SQLException {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT COUNT(*), MAX(version) FROM " + tablePrefix + "schema_version")) {
      rs.next();
      assertEquals(JdbcWhitelistStore.SCHEMA_VERSION, rs.getInt(2));
      return rs.getInt(1);
    }
  }

  @Test
  void migrate_twiceAndFromASecondInstance_isIdempotent() throws SQLException {
    JdbcWhitelistStore s = (JdbcWhitelistStore) store();
    s.migrate();
    s.migrate();
    store().add(WhitelistKey.pair(ALICE, BOB));
    ((JdbcWhitelistStore) secondInstance(clock())).migrate();
    assertEquals(1, versionRows(prefix));
    assertTrue(covers(store(), ALICE, BOB), "migration of a current schema keeps the data");
  }

  @Test
  void migrate_manyInstancesAtOnce_allSucceedWithOneSchema() throws Exception {
    String fresh = "m" + PREFIXES.incrementAndGet() + "_";
    int n = 4;
    CyclicBarrier start = new CyclicBarrier(n);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(
            pool.submit(
                () -> {
                  JdbcWhitelistStore s = store(fresh, clock());
                  start.await();
                  s.migrate();
                  s.add(WhitelistKey.pair(ALICE, BOB));
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, versionRows(fresh));
    assertEquals(1, store(fresh, clock()).count());
  }

  @Test
  void migrate_newerSchema_isRefusedAndLeftAlone() throws SQLException {
    ((JdbcWhitelistStore) store()).migrate();
    store().add(WhitelistKey.pair(ALICE, BOB));
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE " + prefix + "schema_version SET version = 99 WHERE id = 1");
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
    JdbcWhitelistStore newer = (JdbcWhitelistStore) secondInstance(clock());
    StoreException e = assertThrows(StoreException.class, newer::migrate);
    assertTrue(e.getMessage().contains("99"), e.getMessage());
    assertThrows(StoreException.class, () -> covers(newer, ALICE, BOB));
    assertTrue(covers(store(), ALICE, BOB), "the instance that migrated earlier still works");
  }

  @Test
  void tablePrefixes_keepDeploymentsApart() {
    store().add(WhitelistKey.pair(ALICE, BOB));
    WhitelistStore other = store("o" + PREFIXES.incrementAndGet() + "_", clock());
    assertFalse(covers(other, ALICE, BOB));
    assertEquals(0, other.count());
  }
}
