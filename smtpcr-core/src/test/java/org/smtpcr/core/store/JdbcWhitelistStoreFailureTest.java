package org.smtpcr.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.tokens.SenderAuthentication;

/** {@link JdbcWhitelistStore} against databases that fail or are not supported. */
final class JdbcWhitelistStoreFailureTest {
  private static final CanonicalAddress ALICE =
      CanonicalAddress.parseCanonical("alice@example.org");
  private static final CanonicalAddress BOB = CanonicalAddress.parseCanonical("bob@example.com");

  /** A data source whose every connection attempt fails like a refused connection. */
  static DataSource unreachable() {
    return new StubDataSource() {
      @Override
      public Connection getConnection() throws SQLException {
        throw new SQLException(
            "Connection to db.internal:5432 refused; url=jdbc:postgresql://db.internal/wl"
                + "?user=smtpcr&password=hunter2",
            "08001");
      }
    };
  }

  @Test
  void operations_databaseUnreachable_throwStoreExceptionWithoutCredentials() {
    JdbcWhitelistStore store = JdbcWhitelistStore.builder().dataSource(unreachable()).build();
    StoreException e =
        assertThrows(
            StoreException.class, () -> store.containsAny(WhitelistCandidates.of(ALICE, BOB)));
    assertTrue(e.getMessage().contains("08001"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    assertFalse(e.getMessage().contains("db.internal"), e.getMessage());
    assertThrows(StoreException.class, () -> store.add(WhitelistKey.pair(ALICE, BOB)));
    assertThrows(StoreException.class, store::migrate);
  }

  @Test
  void operationsSince030_databaseUnreachable_throwStoreExceptionWithoutCredentials() {
    JdbcWhitelistStore store = JdbcWhitelistStore.builder().dataSource(unreachable()).build();
    WhitelistKey k = WhitelistKey.pair(ALICE, BOB);
    List<Executable> operations =
        List.of(
            () ->
                store.confirm(k, Optional.empty(), SenderAuthentication.SPF_PASS, EntryOrigin.PAGE),
            () -> store.deny(k),
            () -> store.removeDenial(k),
            () -> store.findDenial(WhitelistCandidates.of(ALICE, BOB)),
            () -> store.listDenials(Optional.empty(), 10),
            () -> store.countIfUnder(List.of(new RateBucket("k", Instant.MAX, 1))),
            () -> store.countOf("k"),
            store::removeExpired);
    for (Executable op : operations) {
      StoreException e = assertThrows(StoreException.class, op);
      assertTrue(e.getMessage().contains("08001"), e.getMessage());
      assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
      assertFalse(e.getMessage().contains("db.internal"), e.getMessage());
    }
  }

  @Test
  void contains_databaseUnreachable_triesToConnectOnceNotOncePerRetry() {
    java.util.concurrent.atomic.AtomicInteger attempts =
        new java.util.concurrent.atomic.AtomicInteger();
    DataSource counting =
        new StubDataSource() {
          @Override
          public Connection getConnection() throws SQLException {
            attempts.incrementAndGet();
            throw new SQLException("refused", "08001");
          }
        };
    JdbcWhitelistStore store = JdbcWhitelistStore.builder().dataSource(counting).build();
    StoreException e =
        assertThrows(
            StoreException.class, () -> store.containsAny(WhitelistCandidates.of(ALICE, BOB)));
    assertTrue(e.getMessage().contains("could not connect"), e.getMessage());
    assertEquals(
        1,
        attempts.get(),
        "a decision waits for one connection attempt, not one per migration retry");
  }

  @Test
  void migrate_unsupportedDatabase_throwsStoreExceptionNamingIt() {
    DatabaseMetaData meta =
        (DatabaseMetaData)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class},
                (p, m, a) -> {
                  if (m.getName().equals("getDatabaseProductName")) {
                    return "MySQL\r\nInjected";
                  }
                  throw new UnsupportedOperationException(m.getName());
                });
    Connection conn =
        (Connection)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Connection.class},
                (p, m, a) ->
                    switch (m.getName()) {
                      case "getMetaData" -> meta;
                      case "close" -> null;
                      default -> throw new UnsupportedOperationException(m.getName());
                    });
    DataSource ds =
        new StubDataSource() {
          @Override
          public Connection getConnection() {
            return conn;
          }
        };
    StoreException e =
        assertThrows(
            StoreException.class,
            () -> JdbcWhitelistStore.builder().dataSource(ds).build().migrate());
    assertTrue(e.getMessage().contains("H2 and PostgreSQL"), e.getMessage());
    assertTrue(e.getMessage().contains("MySQL"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "no line break from the database name");
  }

  @Test
  void builder_badOptions_areRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> JdbcWhitelistStore.builder().tablePrefix("x; DROP TABLE y"));
    assertThrows(
        IllegalArgumentException.class, () -> JdbcWhitelistStore.builder().tablePrefix("Upper_"));
    assertThrows(
        IllegalArgumentException.class,
        () -> JdbcWhitelistStore.builder().queryTimeout(Duration.ZERO));
    assertThrows(IllegalStateException.class, () -> JdbcWhitelistStore.builder().build());
    assertEquals(
        "JdbcWhitelistStore[table=smtpcr_whitelist, dialect=null]",
        JdbcWhitelistStore.builder().dataSource(unreachable()).build().toString());
  }

  /** A DataSource whose only real method is getConnection(). */
  abstract static class StubDataSource implements DataSource {
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
      // not used
    }

    @Override
    public void setLoginTimeout(int seconds) {
      // not used
    }

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
