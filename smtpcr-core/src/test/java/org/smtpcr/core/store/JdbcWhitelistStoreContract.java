package org.smtpcr.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.store.testing.WhitelistStoreContract;
import org.smtpcr.tokens.SenderAuthentication;

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

  /**
   * A database made by the first schema (0.1.0: no {@code authentication} column) is opened: the
   * column is added, the schema version stays 1 so that hosts still on 0.1.0 keep working, rows
   * from before read as UNCHECKED, and rows that an old host writes meanwhile too.
   */
  @Test
  void migrate_databaseOfTheFirstSchema_addsTheColumnAndReadsOldRowsAsUnchecked()
      throws SQLException {
    String old = "v" + PREFIXES.incrementAndGet() + "_";
    WhitelistKey alice = WhitelistKey.pair(ALICE, BOB);
    WhitelistKey dave = WhitelistKey.pair(DAVE, BOB);
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      boolean postgres =
          c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).equals("postgresql");
      String keyColumn = postgres ? "VARCHAR(255) COLLATE \"C\"" : "VARCHAR(255)";
      // the DDL of JdbcWhitelistStore 0.1.0, word for word
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + old
              + "schema_version (id INT NOT NULL PRIMARY KEY, version INT NOT NULL)");
      s.execute("INSERT INTO " + old + "schema_version (id, version) VALUES (1, 1)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + old
              + "whitelist (sender_key "
              + keyColumn
              + " NOT NULL, recipient_key "
              + keyColumn
              + " NOT NULL, expires_at BIGINT, added_at BIGINT NOT NULL, CONSTRAINT "
              + old
              + "whitelist_pk PRIMARY KEY (sender_key, recipient_key))");
      s.execute(
          "CREATE INDEX IF NOT EXISTS "
              + old
              + "whitelist_expires ON "
              + old
              + "whitelist (expires_at)");
      s.execute(oldInsert(old, alice));
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
    assertFalse(hasAuthenticationColumn(old));

    JdbcWhitelistStore store = store(old, clock());
    WhitelistEntry before = store.find(alice).orElseThrow();
    assertEquals(SenderAuthentication.UNCHECKED, before.authentication());
    assertEquals(EntryOrigin.ADMIN, before.origin());
    assertEquals(T0, before.addedAt());
    assertTrue(hasAuthenticationColumn(old), "the column was added on first use");
    assertEquals(
        1, versionRows(old), "one version row, still version " + JdbcWhitelistStore.SCHEMA_VERSION);

    store.add(alice, SenderAuthentication.SPF_PASS);
    assertEquals(SenderAuthentication.SPF_PASS, store.find(alice).orElseThrow().authentication());
    // a host still on 0.1.0 writes without the column: its rows read as UNCHECKED
    execute(oldInsert(old, dave));
    assertEquals(
        SenderAuthentication.UNCHECKED,
        store.findAny(WhitelistCandidates.of(DAVE, BOB)).orElseThrow().authentication());
    // a keyword from a newer version reads as UNCHECKED, never as a failure
    execute(
        "UPDATE "
            + old
            + "whitelist SET authentication = 'dmarc-pass' WHERE sender_key = '"
            + DAVE.value()
            + "'");
    assertEquals(SenderAuthentication.UNCHECKED, store.find(dave).orElseThrow().authentication());
    assertEquals(2, store.list(10).entries().size());

    JdbcWhitelistStore again = store(old, clock());
    again.migrate();
    assertEquals(SenderAuthentication.SPF_PASS, again.find(alice).orElseThrow().authentication());
  }

  /**
   * A database made by 0.2.0 (the {@code authentication} column, no {@code origin}, no deny or
   * counters table) is opened by several hosts at once: all start, the column and the tables are
   * added once, the schema version stays, rows from before and rows an old host writes meanwhile
   * read as ADMIN (so a confirmation keeps them), and the new tables work.
   */
  @Test
  void migrate_databaseOf020_byHostsAtOnce_addsOriginAndTablesAndReadsOldRowsAsAdmin()
      throws Exception {
    String old = "w" + PREFIXES.incrementAndGet() + "_";
    WhitelistKey alice = WhitelistKey.pair(ALICE, BOB);
    WhitelistKey dave = WhitelistKey.pair(DAVE, BOB);
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      boolean postgres =
          c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).equals("postgresql");
      String keyColumn = postgres ? "VARCHAR(255) COLLATE \"C\"" : "VARCHAR(255)";
      // the DDL of JdbcWhitelistStore 0.2.0, word for word
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + old
              + "schema_version (id INT NOT NULL PRIMARY KEY, version INT NOT NULL)");
      s.execute("INSERT INTO " + old + "schema_version (id, version) VALUES (1, 1)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + old
              + "whitelist (sender_key "
              + keyColumn
              + " NOT NULL, recipient_key "
              + keyColumn
              + " NOT NULL, expires_at BIGINT, added_at BIGINT NOT NULL, authentication"
              + " VARCHAR(16), CONSTRAINT "
              + old
              + "whitelist_pk PRIMARY KEY (sender_key, recipient_key))");
      s.execute(
          "CREATE INDEX IF NOT EXISTS "
              + old
              + "whitelist_expires ON "
              + old
              + "whitelist (expires_at)");
      s.execute(insert020(old, alice, "spf"));
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
    assertFalse(hasColumn(old + "whitelist", "origin"));
    assertFalse(hasColumn(old + "deny", "sender_key"));
    assertFalse(hasColumn(old + "counters", "bucket_key"));

    int hosts = 4;
    CyclicBarrier start = new CyclicBarrier(hosts);
    ExecutorService pool = Executors.newFixedThreadPool(hosts);
    List<JdbcWhitelistStore> stores = new ArrayList<>();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < hosts; i++) {
        JdbcWhitelistStore s = store(old, clock());
        stores.add(s);
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  s.migrate();
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(hasColumn(old + "whitelist", "origin"), "the column was added on start");
    assertTrue(hasColumn(old + "deny", "sender_key"), "the deny table was created");
    assertTrue(hasColumn(old + "counters", "bucket_key"), "the counters table was created");
    assertEquals(1, versionRows(old), "still version " + JdbcWhitelistStore.SCHEMA_VERSION);

    JdbcWhitelistStore store = stores.get(0);
    WhitelistEntry before = store.find(alice).orElseThrow();
    assertEquals(EntryOrigin.ADMIN, before.origin());
    assertEquals(SenderAuthentication.SPF_PASS, before.authentication());
    assertEquals(
        Confirmation.KEPT,
        store.confirm(alice, Optional.empty(), SenderAuthentication.DKIM_PASS, EntryOrigin.PAGE));
    assertEquals(before, stores.get(1).find(alice).orElseThrow());

    // a host still on 0.2.0 writes without the column: its rows read as ADMIN
    execute(insert020(old, dave, "unchecked"));
    assertEquals(
        EntryOrigin.ADMIN, store.findAny(WhitelistCandidates.of(DAVE, BOB)).orElseThrow().origin());
    assertEquals(
        Confirmation.KEPT,
        stores
            .get(2)
            .confirm(dave, Optional.empty(), SenderAuthentication.UNCHECKED, EntryOrigin.LEARNED));
    // an origin from a newer version reads as ADMIN too, never as a failure
    execute(
        "UPDATE "
            + old
            + "whitelist SET origin = 'imported' WHERE sender_key = '"
            + DAVE.value()
            + "'");
    assertEquals(EntryOrigin.ADMIN, store.find(dave).orElseThrow().origin());
    store
        .list(10)
        .entries()
        .forEach(e -> assertEquals(EntryOrigin.ADMIN, e.origin(), e.key().toString()));

    WhitelistKey page = WhitelistKey.pair(ALICE, CAROL);
    assertEquals(
        Confirmation.CREATED,
        store.confirm(page, Optional.empty(), SenderAuthentication.UNCHECKED, EntryOrigin.PAGE));
    assertEquals(EntryOrigin.PAGE, stores.get(3).find(page).orElseThrow().origin());
    store.deny(dave);
    assertEquals(Optional.of(dave), stores.get(3).findDenial(WhitelistCandidates.of(DAVE, BOB)));
    RateBucket b = new RateBucket("k", T0.plusSeconds(60), 1);
    assertEquals(Optional.empty(), store.countIfUnder(List.of(b)));
    assertEquals(Optional.of(b), stores.get(3).countIfUnder(List.of(b)));

    JdbcWhitelistStore again = store(old, clock());
    again.migrate();
    assertEquals(EntryOrigin.PAGE, again.find(page).orElseThrow().origin());
    assertEquals(1, again.countOf("k"));
  }

  /** The insert of a 0.2.0 host, which names the five columns it knows. */
  private static String insert020(String tablePrefix, WhitelistKey k, String authentication) {
    return "INSERT INTO "
        + tablePrefix
        + "whitelist (sender_key, recipient_key, expires_at, added_at, authentication) VALUES ('"
        + k.sender()
        + "', '"
        + k.recipient()
        + "', NULL, "
        + T0.toEpochMilli()
        + ", '"
        + authentication
        + "')";
  }

  /** Whether {@code table} exists and has {@code column}. */
  private boolean hasColumn(String table, String column) {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + column + " FROM " + table + " WHERE 1 = 0")) {
      return !rs.next();
    } catch (SQLException e) {
      return false;
    }
  }

  /** The insert of a 0.1.0 host, which names only the four columns it knows. */
  private static String oldInsert(String tablePrefix, WhitelistKey k) {
    return "INSERT INTO "
        + tablePrefix
        + "whitelist (sender_key, recipient_key, expires_at, added_at) VALUES ('"
        + k.sender()
        + "', '"
        + k.recipient()
        + "', NULL, "
        + T0.toEpochMilli()
        + ")";
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
  }

  private boolean hasAuthenticationColumn(String tablePrefix) {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT authentication FROM " + tablePrefix + "whitelist WHERE 1 = 0")) {
      return !rs.next();
    } catch (SQLException e) {
      return false;
    }
  }

  @Test
  void tablePrefixes_keepDeploymentsApart() {
    store().add(WhitelistKey.pair(ALICE, BOB));
    WhitelistStore other = store("o" + PREFIXES.incrementAndGet() + "_", clock());
    assertFalse(covers(other, ALICE, BOB));
    assertEquals(0, other.count());
  }

  private List<WhitelistAddition> additions(int n) {
    List<WhitelistAddition> all = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      WhitelistKey k =
          i % 3 == 0
              ? WhitelistKey.globalDomain("d" + i + ".example.net")
              : WhitelistKey.pair(address("s" + i + "@example.org"), BOB);
      all.add(
          new WhitelistAddition(
              k,
              i % 2 == 0 ? Optional.empty() : Optional.of(T0.plusSeconds(86_400L + i)),
              i % 5 == 0 ? SenderAuthentication.SPF_PASS : SenderAuthentication.UNCHECKED));
    }
    return all;
  }

  /** Ten thousand entries go in as one transaction of JDBC batches; the time is logged. */
  @Test
  void addAll_tenThousandEntries_allStoredAndTimeLogged() {
    List<WhitelistAddition> all = additions(10_000);
    WhitelistStore s = store();
    s.count(); // the schema, before the clock starts
    long start = System.nanoTime();
    s.addAll(all);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    LoggerFactory.getLogger(JdbcWhitelistStoreContract.class)
        .info("addAll of {} entries on {}: {} ms", all.size(), getClass().getSimpleName(), millis);
    assertEquals(10_000, s.count());
    WhitelistAddition last = all.get(9_999);
    WhitelistEntry e = s.find(last.key()).orElseThrow();
    assertEquals(last.expiresAt(), e.expiresAt());
    assertEquals(last.authentication(), e.authentication());
    assertEquals(EntryOrigin.ADMIN, e.origin());
  }

  /** A batch that fails midway leaves nothing behind: one transaction, rolled back. */
  @Test
  void addAll_failureInTheSecondBatch_writesNothing() {
    AtomicInteger batches = new AtomicInteger();
    DataSource real = dataSource();
    DataSource failing =
        new JdbcWhitelistStoreFailureTest.StubDataSource() {
          @Override
          public Connection getConnection() throws SQLException {
            Connection c = real.getConnection();
            return (Connection)
                Proxy.newProxyInstance(
                    getClass().getClassLoader(),
                    new Class<?>[] {Connection.class},
                    (proxy, m, args) -> {
                      Object r = invoke(m, c, args);
                      if (r instanceof PreparedStatement ps) {
                        return failingSecondBatch(ps, batches);
                      }
                      return r;
                    });
          }
        };
    store().add(WhitelistKey.pair(ALICE, CAROL)); // the schema, and one entry that must stay
    WhitelistStore s =
        JdbcWhitelistStore.builder().dataSource(failing).tablePrefix(prefix).clock(clock()).build();
    StoreException e = assertThrows(StoreException.class, () -> s.addAll(additions(2_500)));
    assertTrue(e.getMessage().contains("add entries"), e.getMessage());
    assertTrue(batches.get() >= 2, "batches sent: " + batches.get());
    assertEquals(1, store().count());
  }

  private static PreparedStatement failingSecondBatch(PreparedStatement ps, AtomicInteger batches) {
    return (PreparedStatement)
        Proxy.newProxyInstance(
            JdbcWhitelistStoreContract.class.getClassLoader(),
            new Class<?>[] {PreparedStatement.class},
            (proxy, m, args) -> {
              if (m.getName().equals("executeBatch") && batches.incrementAndGet() == 2) {
                throw new SQLException("injected failure", "XX000");
              }
              return invoke(m, ps, args);
            });
  }

  private static Object invoke(Method m, Object target, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
