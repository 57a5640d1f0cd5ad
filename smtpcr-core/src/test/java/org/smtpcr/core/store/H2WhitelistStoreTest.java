package org.smtpcr.core.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on an H2 file database in a temporary directory. */
final class H2WhitelistStoreTest extends JdbcWhitelistStoreContract {
  @TempDir
  Path dir;
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
      try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
        s.execute("SHUTDOWN");
      }
    }
  }

  @Test
  void data_survivesClosingTheDatabase() throws SQLException {
    store.add(WhitelistKey.pair(ALICE, BOB));
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    }
    assertTrue(secondInstance(clock).contains(ALICE, BOB));
  }
}
