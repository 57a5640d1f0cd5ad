package org.smtpcr.core.store;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.tokens.SenderAuthentication;

/**
 * A whitelist in a relational database reached through a caller-supplied {@link DataSource}: an H2
 * file database for a single host, or PostgreSQL shared by several MX hosts. Bring your own pool
 * (or none); this class opens one connection per operation and closes it at once. (Without a pool,
 * give H2 {@code ;DB_CLOSE_DELAY=-1} in its URL so it does not reopen the file for every
 * operation.)
 *
 * <pre>{@code
 * JdbcWhitelistStore store = JdbcWhitelistStore.builder().dataSource(dataSource).build();
 * store.migrate();   // optional: fail fast at start-up instead of on first use
 * }</pre>
 *
 * <p><b>Schema.</b> The store creates and migrates its own two tables, {@code <prefix>whitelist}
 * and {@code <prefix>schema_version} (prefix {@code smtpcr_} by default), on first use or on {@link
 * #migrate()}. Several processes may start at once: on PostgreSQL the whole migration runs in one
 * transaction under an advisory lock; on H2, whose DDL commits at once, every step is idempotent
 * and a step that loses a race is retried. A schema newer than this library is refused rather than
 * touched. Instants are stored as epoch milliseconds. (Two processes can share an H2 file only
 * through H2's {@code ;AUTO_SERVER=TRUE}, which makes the first process listen on a TCP port on
 * every interface unless the system property {@code h2.bindAddress} is set, for example to {@code
 * 127.0.0.1}; several MX hosts should share PostgreSQL.)
 *
 * <p><b>Added columns.</b> A column that older versions of this library can live with (nullable,
 * and never named by their statements) is added on start, to a table that lacks it, without a new
 * schema version: hosts that still run the older version keep working on the same database during a
 * rolling upgrade. The {@code authentication} column (the {@link SenderAuthentication} keyword an
 * entry records, since 0.2.0) is such a column; rows without a value, and values this version does
 * not know, read as {@link SenderAuthentication#UNCHECKED}. An older host that renews an entry
 * leaves its recorded authentication as it was.
 *
 * <p><b>Writes.</b> {@link #add} is an atomic upsert ({@code MERGE INTO … KEY} on H2, {@code INSERT
 * … ON CONFLICT} on PostgreSQL) and is safe with any number of threads and processes writing the
 * same keys; a transient conflict is retried a few times.
 *
 * <p><b>Failures.</b> Every {@link SQLException} becomes a {@link StoreException} whose message
 * names the operation and the SQLState, never the URL, user or password. The dialect is detected
 * from {@code DatabaseMetaData}; databases other than H2 and PostgreSQL are refused.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class JdbcWhitelistStore implements WhitelistStore {
  /** The schema version this library creates and understands. */
  public static final int SCHEMA_VERSION = 1;

  /** The table prefix used when none is configured. */
  public static final String DEFAULT_TABLE_PREFIX = "smtpcr_";

  /** The statement timeout used when none is configured: 5 seconds. */
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(JdbcWhitelistStore.class);
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,29}");
  private static final int MIGRATION_ATTEMPTS = 3;
  private static final int WRITE_ATTEMPTS = 5;
  private static final int H2_CONCURRENT_UPDATE = 90131;
  private static final String AUTHENTICATION_COLUMN = "authentication";
  private static final String AUTHENTICATION_TYPE = "VARCHAR(16)";

  private final DataSource dataSource;
  private final String table;
  private final String versionTable;
  private final Clock clock;
  private final int queryTimeoutSeconds;
  private final Object migrationLock = new Object();
  private volatile SqlDialect dialect; // set once the schema is known to be current

  private JdbcWhitelistStore(Builder b) {
    this.dataSource = b.dataSource;
    this.table = b.tablePrefix + "whitelist";
    this.versionTable = b.tablePrefix + "schema_version";
    this.clock = b.clock;
    this.queryTimeoutSeconds = (int) b.queryTimeout.toSeconds();
  }

  /**
   * Starts a builder; only the data source is required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates or upgrades the schema now, unless this instance already did. Operations do this on
   * first use anyway; call it at start-up to find a misconfigured database early.
   *
   * @throws StoreException if the database cannot be reached, is not H2 or PostgreSQL, or holds a
   *     schema newer than {@value #SCHEMA_VERSION}
   */
  public void migrate() {
    ready();
  }

  @Override
  public void add(WhitelistKey key, SenderAuthentication authentication) {
    requireNonNull(key, "key");
    requireNonNull(authentication, "authentication");
    upsert(key, null, authentication);
  }

  @Override
  public void add(WhitelistKey key, Instant expiresAt, SenderAuthentication authentication) {
    requireNonNull(key, "key");
    requireNonNull(expiresAt, "expiresAt");
    requireNonNull(authentication, "authentication");
    upsert(key, expiresAt.truncatedTo(ChronoUnit.MILLIS).toEpochMilli(), authentication);
  }

  /**
   * Inserts or replaces the row of {@code key}; a null {@code expires} is stored as SQL NULL
   * (never).
   */
  private void upsert(WhitelistKey key, Long expires, SenderAuthentication authentication) {
    SqlDialect d = ready();
    long added = now();
    String sql = d.upsert(table);
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = prepare(c, sql)) {
        ps.setString(1, key.sender());
        ps.setString(2, key.recipient());
        if (expires == null) {
          ps.setNull(3, Types.BIGINT);
        } else {
          ps.setLong(3, expires);
        }
        ps.setLong(4, added);
        ps.setString(5, authentication.keyword());
        ps.executeUpdate();
        commitIfNeeded(c);
        return;
      } catch (SQLException e) {
        if (attempt < WRITE_ATTEMPTS && isWriteConflict(e)) {
          log.debug(
              "whitelist upsert conflict (SQLState {}), attempt {}", e.getSQLState(), attempt);
          continue;
        }
        throw failure("add an entry", e);
      }
    }
  }

  @Override
  public boolean containsAny(WhitelistCandidates candidates) {
    requireNonNull(candidates, "candidates");
    ready();
    // the candidates are a cross product: one IN per column finds exactly them, in one query
    List<String> recipients = candidates.recipientKeys();
    List<String> senders = candidates.senderKeys();
    String sql =
        "SELECT 1 FROM "
            + table
            + " WHERE recipient_key IN ("
            + String.join(", ", Collections.nCopies(recipients.size(), "?"))
            + ") AND sender_key IN ("
            + String.join(", ", Collections.nCopies(senders.size(), "?"))
            + ") AND (expires_at IS NULL OR expires_at > ?) LIMIT 1";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, sql)) {
      int i = 1;
      for (String r : recipients) {
        ps.setString(i++, r);
      }
      for (String s : senders) {
        ps.setString(i++, s);
      }
      ps.setLong(i, now());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw failure("look up a pair", e);
    }
  }

  @Override
  public Optional<WhitelistEntry> findAny(WhitelistCandidates candidates) {
    requireNonNull(candidates, "candidates");
    ready();
    // the query of containsAny, reading every matching row (at most one per candidate): the most
    // specific one is picked here, in the candidates' order
    List<String> recipients = candidates.recipientKeys();
    List<String> senders = candidates.senderKeys();
    String sql =
        "SELECT sender_key, recipient_key, expires_at, added_at, authentication FROM "
            + table
            + " WHERE recipient_key IN ("
            + String.join(", ", Collections.nCopies(recipients.size(), "?"))
            + ") AND sender_key IN ("
            + String.join(", ", Collections.nCopies(senders.size(), "?"))
            + ") AND (expires_at IS NULL OR expires_at > ?)";
    List<WhitelistEntry> found = new ArrayList<>(2);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, sql)) {
      int i = 1;
      for (String r : recipients) {
        ps.setString(i++, r);
      }
      for (String s : senders) {
        ps.setString(i++, s);
      }
      ps.setLong(i, now());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(entry(rs));
        }
      }
    } catch (SQLException e) {
      throw failure("look up a pair", e);
    }
    for (WhitelistKey k : candidates.keys()) {
      for (WhitelistEntry e : found) {
        if (e.key().equals(k)) {
          return Optional.of(e);
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public Optional<WhitelistEntry> find(WhitelistKey key) {
    requireNonNull(key, "key");
    ready();
    String sql =
        "SELECT expires_at, added_at, authentication FROM "
            + table
            + " WHERE sender_key = ? AND recipient_key = ? AND (expires_at IS NULL OR expires_at > ?)";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, sql)) {
      ps.setString(1, key.sender());
      ps.setString(2, key.recipient());
      ps.setLong(3, now());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        long expires = rs.getLong(1);
        boolean never = rs.wasNull();
        return Optional.of(
            entry(key, expires, never, rs.getLong(2), authentication(rs.getString(3))));
      }
    } catch (SQLException e) {
      throw failure("find an entry", e);
    }
  }

  @Override
  public boolean remove(WhitelistKey key) {
    requireNonNull(key, "key");
    ready();
    String sql =
        "DELETE FROM "
            + table
            + " WHERE sender_key = ? AND recipient_key = ? AND (expires_at IS NULL OR expires_at > ?)";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, sql)) {
      ps.setString(1, key.sender());
      ps.setString(2, key.recipient());
      ps.setLong(3, now());
      int n = ps.executeUpdate();
      commitIfNeeded(c);
      return n > 0;
    } catch (SQLException e) {
      throw failure("remove an entry", e);
    }
  }

  @Override
  public WhitelistPage list(int limit) {
    return page(Optional.empty(), limit);
  }

  @Override
  public WhitelistPage listAfter(WhitelistKey after, int limit) {
    requireNonNull(after, "after");
    return page(Optional.of(after), limit);
  }

  private WhitelistPage page(Optional<WhitelistKey> after, int limit) {
    checkArgument(
        limit >= 1 && limit <= MAX_PAGE_SIZE, "limit must be 1..%s, got %s", MAX_PAGE_SIZE, limit);
    ready();
    String sql =
        "SELECT sender_key, recipient_key, expires_at, added_at, authentication FROM "
            + table
            + " WHERE (expires_at IS NULL OR expires_at > ?)"
            + (after.isPresent()
                ? " AND (sender_key > ? OR (sender_key = ? AND recipient_key > ?))"
                : "")
            + " ORDER BY sender_key, recipient_key LIMIT ?";
    List<WhitelistEntry> page = new ArrayList<>(Math.min(limit, 64));
    boolean more = false;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, sql)) {
      int i = 1;
      ps.setLong(i++, now());
      if (after.isPresent()) {
        ps.setString(i++, after.get().sender());
        ps.setString(i++, after.get().sender());
        ps.setString(i++, after.get().recipient());
      }
      ps.setInt(i, limit + 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (page.size() == limit) {
            more = true;
            break;
          }
          page.add(entry(rs));
        }
      }
    } catch (SQLException e) {
      throw failure("list entries", e);
    }
    Optional<WhitelistKey> next =
        more ? Optional.of(page.get(page.size() - 1).key()) : Optional.empty();
    return new WhitelistPage(page, next);
  }

  @Override
  public long count() {
    ready();
    String sql = "SELECT COUNT(*) FROM " + table + " WHERE (expires_at IS NULL OR expires_at > ?)";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, sql)) {
      ps.setLong(1, now());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw failure("count entries", e);
    }
  }

  @Override
  public long removeExpired() {
    ready();
    String sql = "DELETE FROM " + table + " WHERE expires_at IS NOT NULL AND expires_at <= ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, sql)) {
      ps.setLong(1, now());
      int n = ps.executeUpdate();
      commitIfNeeded(c);
      return n;
    } catch (SQLException e) {
      throw failure("remove expired entries", e);
    }
  }

  @Override
  public Confirmation confirm(
      WhitelistKey key,
      Optional<Instant> expiresAt,
      SenderAuthentication authentication,
      EntryOrigin origin) {
    throw new UnsupportedOperationException("JDBC deny list, confirmations and counters: not yet");
  }

  @Override
  public void deny(WhitelistKey key) {
    throw new UnsupportedOperationException("JDBC deny list, confirmations and counters: not yet");
  }

  @Override
  public boolean removeDenial(WhitelistKey key) {
    throw new UnsupportedOperationException("JDBC deny list, confirmations and counters: not yet");
  }

  @Override
  public Optional<WhitelistKey> findDenial(WhitelistCandidates candidates) {
    throw new UnsupportedOperationException("JDBC deny list, confirmations and counters: not yet");
  }

  @Override
  public WhitelistPage listDenials(Optional<WhitelistKey> after, int limit) {
    throw new UnsupportedOperationException("JDBC deny list, confirmations and counters: not yet");
  }

  @Override
  public Optional<RateBucket> countIfUnder(List<RateBucket> buckets) {
    throw new UnsupportedOperationException("JDBC deny list, confirmations and counters: not yet");
  }

  @Override
  public long countOf(String key) {
    throw new UnsupportedOperationException("JDBC deny list, confirmations and counters: not yet");
  }

  @Override
  public String toString() {
    return "JdbcWhitelistStore[table=" + table + ", dialect=" + dialect + "]";
  }

  // ---------------------------------------------------------------------------------------------
  // schema

  private SqlDialect ready() {
    SqlDialect d = dialect;
    if (d != null) {
      return d;
    }
    synchronized (migrationLock) {
      if (dialect == null) {
        dialect = migrateWithRetries();
      }
      return dialect;
    }
  }

  private SqlDialect migrateWithRetries() {
    for (int attempt = 1; ; attempt++) {
      Connection connection;
      try {
        connection = dataSource.getConnection();
      } catch (SQLException e) {
        // the database is unreachable: retrying here would only make every waiting decision slower
        throw failure("connect", e);
      }
      try (Connection c = connection) {
        String product = c.getMetaData().getDatabaseProductName();
        SqlDialect d = SqlDialect.forProductName(product == null ? "" : product);
        if (d == null) {
          throw new StoreException(
              "whitelist store supports H2 and PostgreSQL, not " + sanitizeProduct(product));
        }
        migrate(c, d);
        return d;
      } catch (SQLException e) {
        // two processes creating the same table at once: the loser sees it on the next attempt.
        // A lost connection (SQLState class 08) is no such race.
        boolean connectionLost = e.getSQLState() != null && e.getSQLState().startsWith("08");
        if (attempt < MIGRATION_ATTEMPTS && !connectionLost) {
          log.debug(
              "whitelist schema migration attempt {} failed (SQLState {})",
              attempt,
              e.getSQLState());
          continue;
        }
        throw failure("create or migrate the schema", e);
      }
    }
  }

  private void migrate(Connection c, SqlDialect d) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      if (d == SqlDialect.POSTGRESQL) {
        try (PreparedStatement ps = prepare(c, "SELECT pg_advisory_xact_lock(?)")) {
          ps.setLong(1, advisoryLockKey());
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
          }
        }
      }
      execute(
          c,
          "CREATE TABLE IF NOT EXISTS "
              + versionTable
              + " (id INT NOT NULL PRIMARY KEY, version INT NOT NULL)");
      execute(c, d.insertVersionRowIfAbsent(versionTable));
      int version;
      try (PreparedStatement ps =
              prepare(c, "SELECT version FROM " + versionTable + " WHERE id = 1 FOR UPDATE");
          ResultSet rs = ps.executeQuery()) {
        checkState(rs.next(), "version row vanished");
        version = rs.getInt(1);
      }
      if (version > SCHEMA_VERSION) {
        throw new StoreException(
            "whitelist schema version "
                + version
                + " is newer than this library's ("
                + SCHEMA_VERSION
                + "); upgrade SMTPCR");
      }
      if (version < 1) {
        execute(
            c,
            "CREATE TABLE IF NOT EXISTS "
                + table
                + " ("
                + "sender_key "
                + d.keyColumn()
                + " NOT NULL, "
                + "recipient_key "
                + d.keyColumn()
                + " NOT NULL, "
                + "expires_at BIGINT, "
                + "added_at BIGINT NOT NULL, "
                + AUTHENTICATION_COLUMN
                + " "
                + AUTHENTICATION_TYPE
                + ", "
                + "CONSTRAINT "
                + table
                + "_pk PRIMARY KEY (sender_key, recipient_key))");
        execute(
            c, "CREATE INDEX IF NOT EXISTS " + table + "_expires ON " + table + " (expires_at)");
      }
      if (!hasColumn(c, AUTHENTICATION_COLUMN)) {
        // a table of 0.1.0: add the column without a new schema version (see the class comment)
        execute(
            c,
            "ALTER TABLE "
                + table
                + " ADD COLUMN IF NOT EXISTS "
                + AUTHENTICATION_COLUMN
                + " "
                + AUTHENTICATION_TYPE);
        log.info("whitelist table {}: column {} added", table, AUTHENTICATION_COLUMN);
      }
      if (version < SCHEMA_VERSION) {
        try (PreparedStatement ps =
            prepare(
                c, "UPDATE " + versionTable + " SET version = ? WHERE id = 1 AND version < ?")) {
          ps.setInt(1, SCHEMA_VERSION);
          ps.setInt(2, SCHEMA_VERSION);
          if (ps.executeUpdate() > 0) {
            log.info(
                "whitelist schema {} migrated from version {} to {}",
                table,
                version,
                SCHEMA_VERSION);
          }
        }
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    } finally {
      restoreAutoCommit(c, autoCommit);
    }
  }

  /**
   * Whether the whitelist table, in the connection's current schema, has {@code column}. Asked of
   * the metadata first, so that the common case takes no table lock (PostgreSQL locks a table for
   * any {@code ALTER TABLE}, even one that changes nothing).
   */
  private boolean hasColumn(Connection c, String column) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    String t = table;
    String col = column;
    if (md.storesUpperCaseIdentifiers()) { // H2 folds unquoted names to upper case
      t = t.toUpperCase(Locale.ROOT);
      col = col.toUpperCase(Locale.ROOT);
    }
    String escape = md.getSearchStringEscape();
    if (escape != null && !escape.isEmpty()) {
      t = t.replace("_", escape + "_"); // '_' matches any character in a metadata pattern
    }
    try (ResultSet rs = md.getColumns(c.getCatalog(), c.getSchema(), t, col)) {
      return rs.next();
    }
  }

  private long advisoryLockKey() {
    // a stable 63-bit number per table prefix, so two deployments in one database do not block each
    // other
    long h = 0xcbf29ce484222325L;
    for (byte b : ("smtpcr-schema:" + table).getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return h & Long.MAX_VALUE;
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  private PreparedStatement prepare(Connection c, String sql) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    try {
      applyTimeout(ps);
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
    return ps;
  }

  private void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      applyTimeout(s);
      s.execute(sql);
    }
  }

  /**
   * Sets the statement timeout unless the statement already has it. Some drivers keep it per
   * connection and run a command to change it (H2 executes {@code SET QUERY_TIMEOUT}, which also
   * costs it its parsed-query cache): there it is set once per pooled connection, not per look-up.
   */
  private void applyTimeout(Statement s) throws SQLException {
    if (s.getQueryTimeout() != queryTimeoutSeconds) {
      s.setQueryTimeout(queryTimeoutSeconds);
    }
  }

  private static void commitIfNeeded(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      log.debug("rollback failed (SQLState {})", e.getSQLState());
    }
  }

  private static void restoreAutoCommit(Connection c, boolean autoCommit) {
    try {
      c.setAutoCommit(autoCommit);
    } catch (SQLException e) {
      log.debug("could not restore auto-commit (SQLState {})", e.getSQLState());
    }
  }

  private static boolean isWriteConflict(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLTransientException
        || "23505".equals(state) // unique violation: a concurrent insert of the same key won
        || (state != null && state.startsWith("40")) // serialization failure, deadlock
        || "HYT00".equals(state) // H2 lock timeout
        || e.getErrorCode() == H2_CONCURRENT_UPDATE;
  }

  private long now() {
    return clock.instant().toEpochMilli();
  }

  /** The entry of a row of (sender_key, recipient_key, expires_at, added_at, authentication). */
  private static WhitelistEntry entry(ResultSet rs) throws SQLException {
    WhitelistKey key = key(rs.getString(1), rs.getString(2));
    long expires = rs.getLong(3);
    boolean never = rs.wasNull();
    return entry(key, expires, never, rs.getLong(4), authentication(rs.getString(5)));
  }

  private static WhitelistEntry entry(
      WhitelistKey key,
      long expires,
      boolean never,
      long added,
      SenderAuthentication authentication) {
    return new WhitelistEntry(
        key,
        never ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expires)),
        Instant.ofEpochMilli(added),
        authentication);
  }

  /**
   * The authentication a row records: none (a row written before the column existed, or by an older
   * host) and keywords this version does not know (written by a newer one) read as UNCHECKED, the
   * value that claims nothing.
   */
  private static SenderAuthentication authentication(String keyword) {
    return keyword == null
        ? SenderAuthentication.UNCHECKED
        : SenderAuthentication.ofKeyword(keyword).orElse(SenderAuthentication.UNCHECKED);
  }

  private static WhitelistKey key(String sender, String recipient) {
    try {
      return new WhitelistKey(sender, recipient);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new StoreException("whitelist table holds a malformed key: " + e.getMessage());
    }
  }

  private static StoreException failure(String operation, SQLException e) {
    return new StoreException(
        "whitelist store could not "
            + operation
            + " (SQLState "
            + e.getSQLState()
            + ", error code "
            + e.getErrorCode()
            + ")",
        e);
  }

  private static String sanitizeProduct(String product) {
    if (product == null) {
      return "an unnamed database";
    }
    String p = product.length() > 40 ? product.substring(0, 40) : product;
    return p.replaceAll("[^A-Za-z0-9 ._-]", "?");
  }

  /**
   * Builds a {@link JdbcWhitelistStore}. Each option may be set once. Not thread-safe. Building
   * does not touch the database.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private DataSource dataSource;
    private String tablePrefix;
    private Clock clock;
    private Duration queryTimeout;

    private Builder() {}

    /**
     * The database (required). Connections are borrowed per operation and closed at once.
     *
     * @param dataSource the data source
     * @return this builder
     */
    public Builder dataSource(DataSource dataSource) {
      checkState(this.dataSource == null, "dataSource was already set");
      this.dataSource = requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * The prefix of the two table names (default {@value JdbcWhitelistStore#DEFAULT_TABLE_PREFIX}):
     * a lowercase letter, then up to 29 lowercase letters, digits or underscores.
     *
     * @param tablePrefix the prefix
     * @return this builder
     */
    public Builder tablePrefix(String tablePrefix) {
      checkState(this.tablePrefix == null, "tablePrefix was already set");
      requireNonNull(tablePrefix, "tablePrefix");
      checkArgument(
          PREFIX.matcher(tablePrefix).matches(), "tablePrefix must match [a-z][a-z0-9_]{0,29}");
      this.tablePrefix = tablePrefix;
      return this;
    }

    /**
     * The clock for added-at times and expiry checks (default: the system UTC clock). With several
     * hosts on one database, their clocks should agree to a second or so.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      checkState(this.clock == null, "clock was already set");
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How long one statement may run (default 5 s; whole seconds, 1 s to 1 h). A decision waits for
     * the store, so keep it short.
     *
     * @param queryTimeout the timeout
     * @return this builder
     */
    public Builder queryTimeout(Duration queryTimeout) {
      checkState(this.queryTimeout == null, "queryTimeout was already set");
      requireNonNull(queryTimeout, "queryTimeout");
      checkArgument(
          queryTimeout.toSeconds() >= 1 && queryTimeout.toSeconds() <= 3600,
          "queryTimeout must be 1 s to 1 h, got %s",
          queryTimeout);
      this.queryTimeout = queryTimeout;
      return this;
    }

    /**
     * Builds the store without connecting; the schema is checked on first use or by {@link
     * JdbcWhitelistStore#migrate()}.
     *
     * @return the store
     */
    public JdbcWhitelistStore build() {
      checkState(dataSource != null, "dataSource is required");
      if (tablePrefix == null) {
        tablePrefix = DEFAULT_TABLE_PREFIX;
      }
      if (clock == null) {
        clock = Clock.systemUTC();
      }
      if (queryTimeout == null) {
        queryTimeout = DEFAULT_QUERY_TIMEOUT;
      }
      return new JdbcWhitelistStore(this);
    }
  }
}
