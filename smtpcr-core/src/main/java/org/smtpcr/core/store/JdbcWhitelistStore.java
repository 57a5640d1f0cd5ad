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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * <p><b>Schema.</b> The store creates and migrates its own tables, {@code <prefix>whitelist},
 * {@code <prefix>deny} (the deny list: sender and recipient key, the time denied), {@code
 * <prefix>counters} (bucket key, window end, count) and {@code <prefix>schema_version} (prefix
 * {@code smtpcr_} by default), on first use or on {@link #migrate()}. Several processes may start
 * at once: on PostgreSQL the whole migration runs in one transaction under an advisory lock; on H2,
 * whose DDL commits at once, every step is idempotent and a step that loses a race is retried. A
 * schema newer than this library is refused rather than touched. Instants are stored as epoch
 * milliseconds. (Two processes can share an H2 file only through H2's {@code ;AUTO_SERVER=TRUE},
 * which makes the first process listen on a TCP port on every interface unless the system property
 * {@code h2.bindAddress} is set, for example to {@code 127.0.0.1}; several MX hosts should share
 * PostgreSQL.)
 *
 * <p><b>Added columns and tables.</b> A column that older versions of this library can live with
 * (nullable, and never named by their statements) is added on start, to a table that lacks it,
 * without a new schema version; so is a table they never use: hosts that still run the older
 * version keep working on the same database during a rolling upgrade. The {@code authentication}
 * column (the {@link SenderAuthentication} keyword an entry records, since 0.2.0) is such a column;
 * rows without a value, and values this version does not know, read as {@link
 * SenderAuthentication#UNCHECKED}. An older host that renews an entry leaves its recorded
 * authentication as it was. The {@code origin} column (the {@link EntryOrigin} keyword, since
 * 0.3.0) is another: rows without a value, and values this version does not know, read as {@link
 * EntryOrigin#ADMIN}, which a confirmation never overwrites. (During a rolling upgrade an older
 * host's page writes with {@code add} and so leaves no origin: its confirmations read as an
 * administrator's; and its {@code add} over an automatic entry leaves that entry's origin as it
 * was.) The deny and counters tables (since 0.3.0) are such tables.
 *
 * <p><b>Writes.</b> {@link #add} is an atomic upsert ({@code MERGE INTO … KEY} on H2, {@code INSERT
 * … ON CONFLICT} on PostgreSQL) and is safe with any number of threads and processes writing the
 * same keys; a transient conflict is retried a few times. {@link #confirm} and {@link
 * #countIfUnder} each run in one transaction (their comments say how they stay exact under
 * concurrency), retried when it loses a race.
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

  /**
   * Attempts at the schema migration: hosts starting at once race on H2, whose DDL is not
   * transactional.
   */
  private static final int MIGRATION_ATTEMPTS = 10;

  private static final int WRITE_ATTEMPTS = 5;
  private static final int TRANSACTION_ATTEMPTS = 10;
  private static final int H2_CONCURRENT_UPDATE = 90131;
  private static final String AUTHENTICATION_COLUMN = "authentication";
  private static final String AUTHENTICATION_TYPE = "VARCHAR(16)";
  private static final String ORIGIN_COLUMN = "origin";
  private static final String ORIGIN_TYPE = "VARCHAR(16)";
  private static final String ENTRY_COLUMNS =
      "sender_key, recipient_key, expires_at, added_at, authentication, origin";
  private static final int MAX_BUCKETS = 16;

  /** Rows {@link #addAll} sends to the database at a time. */
  private static final int BATCH_SIZE = 1000;

  private final DataSource dataSource;
  private final String table;
  private final String versionTable;
  private final String denyTable;
  private final String countersTable;
  private final Clock clock;
  private final int queryTimeoutSeconds;
  private final Object migrationLock = new Object();
  private volatile SqlDialect dialect; // set once the schema is known to be current

  private JdbcWhitelistStore(Builder b) {
    this.dataSource = b.dataSource;
    this.table = b.tablePrefix + "whitelist";
    this.versionTable = b.tablePrefix + "schema_version";
    this.denyTable = b.tablePrefix + "deny";
    this.countersTable = b.tablePrefix + "counters";
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
        ps.setString(6, EntryOrigin.ADMIN.keyword());
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

  /**
   * {@inheritDoc}
   *
   * <p>One transaction: the upsert of {@link #add}, sent in JDBC batches of {@value #BATCH_SIZE},
   * then one commit, so that an import is written all or nothing and other hosts see it at once. A
   * transaction that loses a race with a concurrent writer is run again, as {@link #confirm} is.
   */
  @Override
  public void addAll(List<WhitelistAddition> additions) {
    requireNonNull(additions, "additions");
    // one row per key, the last addition's: a batch that PostgreSQL's driver rewrites into one
    // multi-row INSERT (reWriteBatchedInserts) may not name a key twice
    Map<WhitelistKey, WhitelistAddition> byKey = new LinkedHashMap<>();
    for (WhitelistAddition a : additions) {
      requireNonNull(a, "addition");
      byKey.remove(a.key());
      byKey.put(a.key(), a);
    }
    List<WhitelistAddition> copy = List.copyOf(byKey.values());
    if (copy.isEmpty()) {
      return;
    }
    SqlDialect d = ready();
    String sql = d.upsert(table);
    inTransaction(
        "add entries",
        c -> {
          long added = now();
          try (PreparedStatement ps = prepare(c, sql)) {
            int pending = 0;
            for (WhitelistAddition a : copy) {
              ps.setString(1, a.key().sender());
              ps.setString(2, a.key().recipient());
              setExpiry(ps, 3, a.expiresAt().map(t -> t.truncatedTo(ChronoUnit.MILLIS)));
              ps.setLong(4, added);
              ps.setString(5, a.authentication().keyword());
              ps.setString(6, EntryOrigin.ADMIN.keyword());
              ps.addBatch();
              if (++pending == BATCH_SIZE) {
                ps.executeBatch();
                pending = 0;
              }
            }
            if (pending > 0) {
              ps.executeBatch();
            }
          }
          return copy.size();
        });
  }

  /**
   * The condition that matches exactly the {@code candidates}: they are a cross product of
   * recipient and sender keys, so one {@code IN} per column finds them in one query. Bind it with
   * {@link #bindCandidates}.
   */
  private static String candidatesClause(WhitelistCandidates candidates) {
    return "recipient_key IN ("
        + String.join(", ", Collections.nCopies(candidates.recipientKeys().size(), "?"))
        + ") AND sender_key IN ("
        + String.join(", ", Collections.nCopies(candidates.senderKeys().size(), "?"))
        + ")";
  }

  /** Binds {@link #candidatesClause}'s parameters from 1; returns the next parameter index. */
  private static int bindCandidates(PreparedStatement ps, WhitelistCandidates candidates)
      throws SQLException {
    return bindCandidates(ps, candidates, 1);
  }

  /** Binds {@link #candidatesClause}'s parameters from {@code first}; returns the next index. */
  private static int bindCandidates(PreparedStatement ps, WhitelistCandidates candidates, int first)
      throws SQLException {
    int i = first;
    for (String r : candidates.recipientKeys()) {
      ps.setString(i++, r);
    }
    for (String sk : candidates.senderKeys()) {
      ps.setString(i++, sk);
    }
    return i;
  }

  @Override
  public boolean containsAny(WhitelistCandidates candidates) {
    requireNonNull(candidates, "candidates");
    ready();
    // the candidates are a cross product: one IN per column finds exactly them, in one query
    String sql =
        "SELECT 1 FROM "
            + table
            + " WHERE "
            + candidatesClause(candidates)
            + " AND (expires_at IS NULL OR expires_at > ?) LIMIT 1";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, sql)) {
      int i = bindCandidates(ps, candidates);
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
    String sql =
        "SELECT "
            + ENTRY_COLUMNS
            + " FROM "
            + table
            + " WHERE "
            + candidatesClause(candidates)
            + " AND (expires_at IS NULL OR expires_at > ?)";
    List<WhitelistEntry> found = new ArrayList<>(2);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, sql)) {
      int i = bindCandidates(ps, candidates);
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
        "SELECT expires_at, added_at, authentication, origin FROM "
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
            entry(
                key,
                expires,
                never,
                rs.getLong(2),
                authentication(rs.getString(3)),
                origin(rs.getString(4))));
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
        "SELECT "
            + ENTRY_COLUMNS
            + " FROM "
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
    try (Connection c = dataSource.getConnection();
        PreparedStatement entries =
            prepare(
                c, "DELETE FROM " + table + " WHERE expires_at IS NOT NULL AND expires_at <= ?");
        PreparedStatement windows =
            prepare(c, "DELETE FROM " + countersTable + " WHERE window_end <= ?")) {
      long now = now();
      entries.setLong(1, now);
      long n = entries.executeUpdate();
      windows.setLong(1, now);
      n += windows.executeUpdate();
      commitIfNeeded(c);
      return n;
    } catch (SQLException e) {
      throw failure("remove expired entries", e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>One transaction reads the row with {@code SELECT … FOR UPDATE}, decides in Java and writes.
   * An upsert cannot tell which of the three cases it met on both databases alike, and the renewal
   * needs the old row (the later expiry, the stronger authentication). The lock makes a second
   * confirmation of the same key wait and then read the first one's row, on PostgreSQL's READ
   * COMMITTED and on H2; when no row exists yet there is nothing to lock, so two confirmations may
   * both insert: the loser fails with a unique violation and its transaction is retried, and then
   * finds the winner's row. Exactly one of them reports {@link Confirmation#CREATED}.
   */
  @Override
  public Confirmation confirm(
      WhitelistKey key,
      Optional<Instant> expiresAt,
      SenderAuthentication authentication,
      EntryOrigin origin) {
    requireNonNull(key, "key");
    requireNonNull(expiresAt, "expiresAt");
    requireNonNull(authentication, "authentication");
    requireNonNull(origin, "origin");
    checkArgument(origin != EntryOrigin.ADMIN, "confirm records automatic entries; use add");
    Optional<Instant> expiry = expiresAt.map(t -> t.truncatedTo(ChronoUnit.MILLIS));
    ready();
    return inTransaction("confirm an entry", c -> confirm(c, key, expiry, authentication, origin));
  }

  private Confirmation confirm(
      Connection c,
      WhitelistKey key,
      Optional<Instant> expiresAt,
      SenderAuthentication authentication,
      EntryOrigin origin)
      throws SQLException {
    long now = now();
    WhitelistEntry old = null;
    try (PreparedStatement ps =
        prepare(
            c,
            "SELECT expires_at, added_at, authentication, origin FROM "
                + table
                + " WHERE sender_key = ? AND recipient_key = ? FOR UPDATE")) {
      ps.setString(1, key.sender());
      ps.setString(2, key.recipient());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          long expires = rs.getLong(1);
          boolean never = rs.wasNull();
          old =
              entry(
                  key,
                  expires,
                  never,
                  rs.getLong(2),
                  authentication(rs.getString(3)),
                  origin(rs.getString(4)));
        }
      }
    }
    if (old == null) {
      try (PreparedStatement ps =
          prepare(
              c, "INSERT INTO " + table + " (" + ENTRY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, key.sender());
        ps.setString(2, key.recipient());
        setExpiry(ps, 3, expiresAt);
        ps.setLong(4, now);
        ps.setString(5, authentication.keyword());
        ps.setString(6, origin.keyword());
        ps.executeUpdate(); // a concurrent insert of the key wins: unique violation, retried
      }
      return Confirmation.CREATED;
    }
    boolean expired = old.isExpiredAt(Instant.ofEpochMilli(now));
    if (!expired && old.origin() == EntryOrigin.ADMIN) {
      return Confirmation.KEPT;
    }
    try (PreparedStatement ps =
        prepare(
            c,
            "UPDATE "
                + table
                + " SET expires_at = ?, added_at = ?, authentication = ?, origin = ?"
                + " WHERE sender_key = ? AND recipient_key = ?")) {
      setExpiry(ps, 1, expired ? expiresAt : Renewal.laterExpiry(old.expiresAt(), expiresAt));
      ps.setLong(2, now);
      ps.setString(
          3,
          (expired ? authentication : Renewal.stronger(old.authentication(), authentication))
              .keyword());
      ps.setString(4, (expired ? origin : old.origin()).keyword());
      ps.setString(5, key.sender());
      ps.setString(6, key.recipient());
      ps.executeUpdate();
    }
    return expired ? Confirmation.CREATED : Confirmation.RENEWED;
  }

  private static void setExpiry(PreparedStatement ps, int index, Optional<Instant> expiresAt)
      throws SQLException {
    if (expiresAt.isPresent()) {
      ps.setLong(index, expiresAt.get().toEpochMilli());
    } else {
      ps.setNull(index, Types.BIGINT);
    }
  }

  @Override
  public void deny(WhitelistKey key) {
    requireNonNull(key, "key");
    SqlDialect d = ready();
    String sql =
        d.insertIfAbsent(denyTable, List.of("sender_key", "recipient_key"), List.of("added_at"));
    inTransaction(
        "deny a key",
        c -> {
          try (PreparedStatement ps = prepare(c, sql)) {
            ps.setString(1, key.sender());
            ps.setString(2, key.recipient());
            ps.setLong(3, now());
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public boolean removeDenial(WhitelistKey key) {
    requireNonNull(key, "key");
    ready();
    String sql = "DELETE FROM " + denyTable + " WHERE sender_key = ? AND recipient_key = ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, sql)) {
      ps.setString(1, key.sender());
      ps.setString(2, key.recipient());
      int n = ps.executeUpdate();
      commitIfNeeded(c);
      return n > 0;
    } catch (SQLException e) {
      throw failure("remove a denial", e);
    }
  }

  @Override
  public Optional<WhitelistKey> findDenial(WhitelistCandidates candidates) {
    requireNonNull(candidates, "candidates");
    ready();
    // as findAny: one query for every candidate, the most specific match picked here
    String sql =
        "SELECT sender_key, recipient_key FROM "
            + denyTable
            + " WHERE "
            + candidatesClause(candidates);
    List<WhitelistKey> found = new ArrayList<>(2);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, sql)) {
      bindCandidates(ps, candidates);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(key(rs.getString(1), rs.getString(2)));
        }
      }
    } catch (SQLException e) {
      throw failure("look up a denial", e);
    }
    if (found.isEmpty()) {
      return Optional.empty();
    }
    for (WhitelistKey k : candidates.keys()) {
      if (found.contains(k)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /**
   * One query for both answers: the whitelist's matching rows and the deny list's, in one {@code
   * UNION ALL}, each table searched as {@link #findAny} and {@link #findDenial} search it. On H2
   * the two queries of those methods, one after the other.
   */
  @Override
  public PairLookup lookUp(WhitelistCandidates candidates) {
    requireNonNull(candidates, "candidates");
    if (ready() == SqlDialect.H2) {
      // H2 runs in the process: there is no round trip to save, and it answers the two plain
      // queries faster than their UNION ALL (the policy server on an H2 file served about a third
      // fewer requests/s with it)
      Optional<WhitelistKey> denial = findDenial(candidates);
      return new PairLookup(denial, findAny(candidates));
    }
    String where = candidatesClause(candidates);
    String sql =
        "SELECT "
            + ENTRY_COLUMNS
            + ", 0 FROM "
            + table
            + " WHERE "
            + where
            + " AND (expires_at IS NULL OR expires_at > ?) UNION ALL"
            + " SELECT sender_key, recipient_key, NULL, added_at, NULL, NULL, 1 FROM "
            + denyTable
            + " WHERE "
            + where;
    List<WhitelistEntry> entries = new ArrayList<>(2);
    List<WhitelistKey> denials = new ArrayList<>(1);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, sql)) {
      int i = bindCandidates(ps, candidates, 1);
      ps.setLong(i++, now());
      bindCandidates(ps, candidates, i);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getInt(7) == 0) {
            entries.add(entry(rs));
          } else {
            denials.add(key(rs.getString(1), rs.getString(2)));
          }
        }
      }
    } catch (SQLException e) {
      throw failure("look up a pair", e);
    }
    Optional<WhitelistKey> denial = Optional.empty();
    Optional<WhitelistEntry> entry = Optional.empty();
    for (WhitelistKey k : candidates.keys()) {
      if (denial.isEmpty() && denials.contains(k)) {
        denial = Optional.of(k);
      }
      if (entry.isEmpty()) {
        for (WhitelistEntry e : entries) {
          if (e.key().equals(k)) {
            entry = Optional.of(e);
            break;
          }
        }
      }
    }
    return new PairLookup(denial, entry);
  }

  @Override
  public WhitelistPage listDenials(Optional<WhitelistKey> after, int limit) {
    requireNonNull(after, "after");
    checkArgument(
        limit >= 1 && limit <= MAX_PAGE_SIZE, "limit must be 1..%s, got %s", MAX_PAGE_SIZE, limit);
    ready();
    String sql =
        "SELECT sender_key, recipient_key, added_at FROM "
            + denyTable
            + (after.isPresent()
                ? " WHERE (sender_key > ? OR (sender_key = ? AND recipient_key > ?))"
                : "")
            + " ORDER BY sender_key, recipient_key LIMIT ?";
    List<WhitelistEntry> page = new ArrayList<>(Math.min(limit, 64));
    boolean more = false;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, sql)) {
      int i = 1;
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
          page.add(
              new WhitelistEntry(
                  key(rs.getString(1), rs.getString(2)),
                  Optional.empty(),
                  Instant.ofEpochMilli(rs.getLong(3))));
        }
      }
    } catch (SQLException e) {
      throw failure("list denials", e);
    }
    Optional<WhitelistKey> next =
        more ? Optional.of(page.get(page.size() - 1).key()) : Optional.empty();
    return new WhitelistPage(page, next);
  }

  /**
   * {@inheritDoc}
   *
   * <p>One transaction: for each open window, in (key, end) order so that two transactions never
   * wait for each other's rows in a cycle, an {@code UPDATE … SET count = count + 1 WHERE … AND
   * count < limit}, or an insert of the window's first event when it has no row. The update locks
   * the row until the commit; a concurrent update of it waits and then checks the limit against the
   * committed count (PostgreSQL's READ COMMITTED re-evaluates the condition on the newest row; H2
   * does the same or fails with a conflict that is retried), so N front ends counting into a window
   * of limit L count exactly L. If any bucket is full the transaction is rolled back.
   */
  @Override
  public Optional<RateBucket> countIfUnder(List<RateBucket> buckets) {
    requireNonNull(buckets, "buckets");
    checkArgument(
        buckets.size() <= MAX_BUCKETS, "at most %s buckets, got %s", MAX_BUCKETS, buckets.size());
    for (RateBucket b : buckets) {
      requireNonNull(b, "bucket");
    }
    SqlDialect d = ready();
    return inTransaction("count an event", c -> countIfUnder(c, d, buckets));
  }

  private Optional<RateBucket> countIfUnder(Connection c, SqlDialect d, List<RateBucket> buckets)
      throws SQLException {
    long now = now();
    List<RateBucket> open = new ArrayList<>(buckets.size());
    for (RateBucket b : buckets) {
      if (windowEnd(b) > now) {
        open.add(b);
      }
    }
    if (open.isEmpty()) {
      return Optional.empty();
    }
    open.sort(
        Comparator.comparing(RateBucket::key).thenComparingLong(JdbcWhitelistStore::windowEnd));
    List<RateBucket> full = new ArrayList<>(1);
    try (PreparedStatement update =
            prepare(
                c,
                "UPDATE "
                    + countersTable
                    + " SET count = count + 1"
                    + " WHERE bucket_key = ? AND window_end = ? AND count < ?");
        PreparedStatement insert =
            prepare(
                c,
                d.insertIfAbsent(
                    countersTable, List.of("bucket_key", "window_end"), List.of("count")))) {
      for (RateBucket b : open) {
        if (!increment(update, insert, b)) {
          full.add(b);
        }
      }
    }
    if (full.isEmpty()) {
      return Optional.empty();
    }
    c.rollback();
    for (RateBucket b : buckets) {
      if (full.contains(b)) {
        return Optional.of(b);
      }
    }
    throw new AssertionError("a full bucket that was not asked for");
  }

  /** Counts one event in {@code b}'s window; false when it is full. */
  private static boolean increment(PreparedStatement update, PreparedStatement insert, RateBucket b)
      throws SQLException {
    update.setString(1, b.key());
    update.setLong(2, windowEnd(b));
    update.setLong(3, b.limit());
    if (update.executeUpdate() > 0) {
      return true;
    }
    insert.setString(1, b.key());
    insert.setLong(2, windowEnd(b));
    insert.setLong(3, 1); // every limit is at least 1
    if (insert.executeUpdate() > 0) {
      return true;
    }
    // the row exists: it was full, or a concurrent transaction inserted it after the update looked
    return update.executeUpdate() > 0;
  }

  private static long windowEnd(RateBucket b) {
    return b.windowEnd().truncatedTo(ChronoUnit.MILLIS).toEpochMilli();
  }

  @Override
  public long countOf(String key) {
    requireNonNull(key, "key");
    ready();
    String sql =
        "SELECT COALESCE(SUM(count), 0) FROM "
            + countersTable
            + " WHERE bucket_key = ? AND window_end > ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, sql)) {
      ps.setString(1, key);
      ps.setLong(2, now());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw failure("read a counter", e);
    }
  }

  /** Work done in one transaction by {@link #inTransaction}. */
  @FunctionalInterface
  private interface Transaction<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction on one connection and commits it (work that decides to
   * write nothing rolls back itself). A transaction that loses a race (a unique violation, a
   * serialization failure or deadlock, an H2 lock timeout or concurrent update) is rolled back and
   * run again, a few times.
   */
  private <T> T inTransaction(String operation, Transaction<T> work) {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(c);
          throw e;
        } finally {
          restoreAutoCommit(c, autoCommit);
        }
      } catch (SQLException e) {
        if (attempt < TRANSACTION_ATTEMPTS && isWriteConflict(e)) {
          log.debug(
              "whitelist store: {} lost a race (SQLState {}), attempt {}",
              operation,
              e.getSQLState(),
              attempt);
          continue;
        }
        throw failure(operation, e);
      }
    }
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
                + ORIGIN_COLUMN
                + " "
                + ORIGIN_TYPE
                + ", "
                + "CONSTRAINT "
                + table
                + "_pk PRIMARY KEY (sender_key, recipient_key))");
        execute(
            c, "CREATE INDEX IF NOT EXISTS " + table + "_expires ON " + table + " (expires_at)");
      }
      // columns and tables added without a new schema version (see the class comment)
      addColumnIfAbsent(c, AUTHENTICATION_COLUMN, AUTHENTICATION_TYPE); // since 0.2.0
      addColumnIfAbsent(c, ORIGIN_COLUMN, ORIGIN_TYPE); // since 0.3.0
      if (!hasTable(c, denyTable)) { // since 0.3.0
        execute(
            c,
            "CREATE TABLE IF NOT EXISTS "
                + denyTable
                + " (sender_key "
                + d.keyColumn()
                + " NOT NULL, recipient_key "
                + d.keyColumn()
                + " NOT NULL, added_at BIGINT NOT NULL, CONSTRAINT "
                + denyTable
                + "_pk PRIMARY KEY (sender_key, recipient_key))");
        log.info("whitelist store: table {} created", denyTable);
      }
      if (!hasTable(c, countersTable)) { // since 0.3.0
        execute(
            c,
            "CREATE TABLE IF NOT EXISTS "
                + countersTable
                + " (bucket_key "
                + d.bucketKeyColumn()
                + " NOT NULL, window_end BIGINT NOT NULL, count BIGINT NOT NULL, CONSTRAINT "
                + countersTable
                + "_pk PRIMARY KEY (bucket_key, window_end))");
        execute(
            c,
            "CREATE INDEX IF NOT EXISTS "
                + countersTable
                + "_end ON "
                + countersTable
                + " (window_end)");
        log.info("whitelist store: table {} created", countersTable);
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
   * Adds a nullable column to the whitelist table unless it has it. Asked of the metadata first, so
   * that the common case takes no table lock (PostgreSQL locks a table for any {@code ALTER TABLE},
   * even one that changes nothing); {@code IF NOT EXISTS} covers a host that added it meanwhile.
   */
  private void addColumnIfAbsent(Connection c, String column, String type) throws SQLException {
    if (hasColumn(c, column)) {
      return;
    }
    execute(c, "ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " + column + " " + type);
    log.info("whitelist table {}: column {} added", table, column);
  }

  /** Whether the whitelist table, in the connection's current schema, has {@code column}. */
  private boolean hasColumn(Connection c, String column) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    try (ResultSet rs =
        md.getColumns(
            c.getCatalog(), c.getSchema(), namePattern(md, table), storedName(md, column))) {
      return rs.next();
    }
  }

  /** Whether {@code name} is a table in the connection's current schema. */
  private static boolean hasTable(Connection c, String name) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    try (ResultSet rs = md.getTables(c.getCatalog(), c.getSchema(), namePattern(md, name), null)) {
      return rs.next();
    }
  }

  /** An unquoted name as the database stores it (H2 folds unquoted names to upper case). */
  private static String storedName(DatabaseMetaData md, String name) throws SQLException {
    return md.storesUpperCaseIdentifiers() ? name.toUpperCase(Locale.ROOT) : name;
  }

  /** A metadata pattern that matches exactly the unquoted {@code name}. */
  private static String namePattern(DatabaseMetaData md, String name) throws SQLException {
    String n = storedName(md, name);
    String escape = md.getSearchStringEscape();
    if (escape != null && !escape.isEmpty()) {
      n = n.replace("_", escape + "_"); // '_' matches any character in a metadata pattern
    }
    return n;
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

  /** The entry of a row of {@link #ENTRY_COLUMNS}. */
  private static WhitelistEntry entry(ResultSet rs) throws SQLException {
    WhitelistKey key = key(rs.getString(1), rs.getString(2));
    long expires = rs.getLong(3);
    boolean never = rs.wasNull();
    return entry(
        key,
        expires,
        never,
        rs.getLong(4),
        authentication(rs.getString(5)),
        origin(rs.getString(6)));
  }

  private static WhitelistEntry entry(
      WhitelistKey key,
      long expires,
      boolean never,
      long added,
      SenderAuthentication authentication,
      EntryOrigin origin) {
    return new WhitelistEntry(
        key,
        never ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expires)),
        Instant.ofEpochMilli(added),
        authentication,
        origin);
  }

  /**
   * The origin a row records: none (a row written before the column existed, or by an older host,
   * whose writes are all an administrator's {@code add}) and keywords this version does not know
   * read as ADMIN, the origin an automatic confirmation never overwrites.
   */
  private static EntryOrigin origin(String keyword) {
    if (keyword == null) {
      return EntryOrigin.ADMIN;
    }
    try {
      return EntryOrigin.fromKeyword(keyword);
    } catch (IllegalArgumentException e) {
      return EntryOrigin.ADMIN;
    }
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
