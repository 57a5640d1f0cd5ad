package org.smtpcr.core.store;

import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract on a real PostgreSQL server that the test starts and stops itself. */
final class PostgresWhitelistStoreTest extends JdbcWhitelistStoreContract {
  private static PostgresServer server;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.startIfInstalled().orElse(null);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Override
  DataSource dataSource() {
    return PostgresServer.require(server).dataSource();
  }
}
