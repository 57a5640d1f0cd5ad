package org.smtpcr.core.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** The SQL that differs between the databases {@link JdbcWhitelistStore} supports. */
enum SqlDialect {
  H2 {
    @Override
    String keyColumn() {
      return "VARCHAR(255)";
    }

    @Override
    String bucketKeyColumn() {
      return "VARCHAR(" + RateBucket.MAX_KEY_LENGTH + ")";
    }

    @Override
    String upsert(String table) {
      return "MERGE INTO "
          + table
          + " (sender_key, recipient_key, expires_at, added_at, authentication, origin)"
          + " KEY (sender_key, recipient_key) VALUES (?, ?, ?, ?, ?, ?)";
    }

    @Override
    String insertIfAbsent(String table, List<String> keyColumns, List<String> otherColumns) {
      // the standard MERGE: inserts when no row has the key. A concurrent insert of the same key
      // can still make it fail with a unique violation, which the caller retries
      List<String> all = concat(keyColumns, otherColumns);
      StringBuilder on = new StringBuilder();
      for (String k : keyColumns) {
        on.append(on.length() == 0 ? "" : " AND ").append("t.").append(k).append(" = s.").append(k);
      }
      return "MERGE INTO "
          + table
          + " AS t USING (VALUES ("
          + placeholders(all.size())
          + ")) AS s("
          + String.join(", ", all)
          + ") ON "
          + on
          + " WHEN NOT MATCHED THEN INSERT ("
          + String.join(", ", all)
          + ") VALUES (s."
          + String.join(", s.", all)
          + ")";
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
    String bucketKeyColumn() {
      return "VARCHAR(" + RateBucket.MAX_KEY_LENGTH + ") COLLATE \"C\"";
    }

    @Override
    String upsert(String table) {
      return "INSERT INTO "
          + table
          + " (sender_key, recipient_key, expires_at, added_at, authentication, origin)"
          + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sender_key, recipient_key)"
          + " DO UPDATE SET expires_at = EXCLUDED.expires_at, added_at = EXCLUDED.added_at,"
          + " authentication = EXCLUDED.authentication, origin = EXCLUDED.origin";
    }

    @Override
    String insertIfAbsent(String table, List<String> keyColumns, List<String> otherColumns) {
      // waits for a concurrent insert of the same key and then does nothing: never a violation
      List<String> all = concat(keyColumns, otherColumns);
      return "INSERT INTO "
          + table
          + " ("
          + String.join(", ", all)
          + ") VALUES ("
          + placeholders(all.size())
          + ") ON CONFLICT ("
          + String.join(", ", keyColumns)
          + ") DO NOTHING";
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

  /** The column type of a counter's key. */
  abstract String bucketKeyColumn();

  /**
   * Inserts or replaces a row; parameters: sender, recipient, expires_at, added_at, authentication,
   * origin.
   */
  abstract String upsert(String table);

  /**
   * Inserts a row unless one with the same primary key ({@code keyColumns}) is present; the
   * parameters are the values of {@code keyColumns} then {@code otherColumns}. The update count is
   * 1 when a row was inserted, 0 when one was present. On H2, a concurrent insert of the same key
   * may make it fail with a unique violation, which callers retry.
   */
  abstract String insertIfAbsent(String table, List<String> keyColumns, List<String> otherColumns);

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static String placeholders(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

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
