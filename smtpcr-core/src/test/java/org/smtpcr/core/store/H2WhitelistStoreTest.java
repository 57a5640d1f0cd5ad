package org.smtpcr.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.tokens.SenderAuthentication;

/** The store contract on an H2 file database in a temporary directory. */
final class H2WhitelistStoreTest extends JdbcWhitelistStoreContract {
  @TempDir Path dir;
  private JdbcDataSource dataSource;

  @Override
  DataSource dataSource() {
    if (dataSource == null) {
      dataSource = fileDataSource(dir);
    }
    return dataSource;
  }

  static JdbcDataSource fileDataSource(Path dir) {
    JdbcDataSource ds = new JdbcDataSource();
    // keep the database open between the store's connections (no pool here); SHUTDOWN closes it
    ds.setURL("jdbc:h2:file:" + dir.resolve("whitelist").toAbsolutePath() + ";DB_CLOSE_DELAY=-1");
    ds.setUser("sa");
    ds.setPassword("");
    return ds;
  }

  @AfterEach
  void shutdown() throws SQLException {
    if (dataSource != null) {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.execute("SHUTDOWN");
      }
    }
  }

  @Test
  void lookups_runWithTheQueryTimeout_setOncePerConnection() throws SQLException {
    List<Integer> timeoutsAtExecute = new ArrayList<>();
    AtomicInteger sets = new AtomicInteger();
    try (Connection shared = dataSource().getConnection()) {
      // one connection handed out again and again, as a pool does
      DataSource pooled =
          (DataSource)
              Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {DataSource.class},
                  (proxy, method, args) -> {
                    if (!method.getName().equals("getConnection")) {
                      return method.invoke(dataSource(), args);
                    }
                    return connectionProxy(shared, timeoutsAtExecute, sets);
                  });
      JdbcWhitelistStore store =
          JdbcWhitelistStore.builder()
              .dataSource(pooled)
              .queryTimeout(Duration.ofSeconds(7))
              .build();
      store.add(WhitelistKey.pair(ALICE, BOB));
      int setsBefore = sets.get();
      timeoutsAtExecute.clear();
      for (int i = 0; i < 20; i++) {
        assertTrue(covers(store, ALICE, BOB));
      }
      assertEquals(20, timeoutsAtExecute.size());
      assertTrue(timeoutsAtExecute.stream().allMatch(t -> t == 7), timeoutsAtExecute::toString);
      assertEquals(
          setsBefore,
          sets.get(),
          "H2 keeps the timeout per connection: no SET QUERY_TIMEOUT per look-up");
    }
  }

  @Test
  void operationsSince030_runWithTheQueryTimeout() throws SQLException {
    List<Integer> timeoutsAtExecute = new ArrayList<>();
    AtomicInteger sets = new AtomicInteger();
    try (Connection shared = dataSource().getConnection()) {
      DataSource pooled =
          (DataSource)
              Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {DataSource.class},
                  (proxy, method, args) -> {
                    if (!method.getName().equals("getConnection")) {
                      return method.invoke(dataSource(), args);
                    }
                    return connectionProxy(shared, timeoutsAtExecute, sets);
                  });
      JdbcWhitelistStore store =
          JdbcWhitelistStore.builder()
              .dataSource(pooled)
              .queryTimeout(Duration.ofSeconds(7))
              .clock(clock())
              .build();
      store.migrate();
      timeoutsAtExecute.clear();
      WhitelistKey k = WhitelistKey.pair(ALICE, BOB);
      store.confirm(k, Optional.empty(), SenderAuthentication.SPF_PASS, EntryOrigin.PAGE);
      store.confirm(k, Optional.empty(), SenderAuthentication.SPF_PASS, EntryOrigin.PAGE);
      store.deny(k);
      store.findDenial(WhitelistCandidates.of(ALICE, BOB));
      store.listDenials(Optional.empty(), 10);
      store.removeDenial(k);
      RateBucket b = new RateBucket("k", T0.plusSeconds(60), 1);
      store.countIfUnder(List.of(b));
      store.countIfUnder(List.of(b));
      store.countOf("k");
      store.removeExpired();
      assertTrue(timeoutsAtExecute.size() >= 16, timeoutsAtExecute::toString);
      assertTrue(timeoutsAtExecute.stream().allMatch(t -> t == 7), timeoutsAtExecute::toString);
    }
  }

  /**
   * {@code c} with a no-op close, whose statements record their timeout when they run (a query or
   * an update).
   */
  private static Connection connectionProxy(
      Connection c, List<Integer> timeouts, AtomicInteger sets) {
    return (Connection)
        Proxy.newProxyInstance(
            H2WhitelistStoreTest.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("close")) {
                return null;
              }
              Object result = invoke(c, method, args);
              if (result instanceof PreparedStatement ps) {
                return Proxy.newProxyInstance(
                    H2WhitelistStoreTest.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class},
                    (p2, m2, a2) -> {
                      if (m2.getName().equals("setQueryTimeout")) {
                        sets.incrementAndGet();
                      } else if (m2.getName().equals("executeQuery")
                          || m2.getName().equals("executeUpdate")) {
                        timeouts.add(ps.getQueryTimeout());
                      }
                      return invoke(ps, m2, a2);
                    });
              }
              return result;
            });
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Test
  void data_survivesClosingTheDatabase() throws SQLException {
    store().add(WhitelistKey.pair(ALICE, BOB));
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    }
    assertTrue(covers(secondInstance(clock()), ALICE, BOB));
  }
}
