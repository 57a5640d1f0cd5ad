package org.smtpcr.core.store;

import java.util.Locale;

/** The SQL that differs between the databases {@link JdbcWhitelistStore} supports. */
enum SqlDialect {
  H2 {
    @Override
    String keyColumn() {
      return "VARCHAR(255)";
    }

    @Override
    String upsert(String table) {
      return "MERGE INTO "
          + table
          + " (sender_key, recipient_key, expires_at, added_at, authentication)"
          + " KEY (sender_key, recipient_key) VALUES (?, ?, ?, ?, ?)";
    }

    @Override
    String insertVersionRowIfAbsent(String versionTable) {
      return "INSERT INTO "
          + versionTable
          + " (id, version) SELECT 1, 0 FROM (VALUES (1)) AS one(x)"
          + " WHERE NOT EXISTS (SELECT 1 FROM "
          + versionTable
          + " WHERE id = 1)";
    }
  },

  POSTGRESQL {
    @Override
    String keyColumn() {
      // byte order, so pages come in the same order whatever the database locale
      return "VARCHAR(255) COLLATE \"C\"";
    }

    @Override
    String upsert(String table) {
      return "INSERT INTO "
          + table
          + " (sender_key, recipient_key, expires_at, added_at, authentication)"
          + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (sender_key, recipient_key)"
          + " DO UPDATE SET expires_at = EXCLUDED.expires_at, added_at = EXCLUDED.added_at,"
          + " authentication = EXCLUDED.authentication";
    }

    @Override
    String insertVersionRowIfAbsent(String versionTable) {
      return "INSERT INTO "
          + versionTable
          + " (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING";
    }
  };

  /** The column type of the two key columns. */
  abstract String keyColumn();

  /**
   * Inserts or replaces a row; parameters: sender, recipient, expires_at, added_at, authentication.
   */
  abstract String upsert(String table);

  /** Creates the single version row with version 0 unless it exists. */
  abstract String insertVersionRowIfAbsent(String versionTable);

  /**
   * The dialect for a {@code DatabaseMetaData.getDatabaseProductName()}, or null if unsupported.
   */
  static SqlDialect forProductName(String productName) {
    String p = productName.toLowerCase(Locale.ROOT);
    if (p.equals("h2")) {
      return H2;
    }
    if (p.equals("postgresql")) {
      return POSTGRESQL;
    }
    return null;
  }
}
