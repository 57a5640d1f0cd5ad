package org.smtpcr.examples.runtime;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears every committed change to the whitelist and deny tables of a PostgreSQL store, and tells a
 * {@link CachingWhitelistStore}: a thread holds one connection of its own, outside the pool, that
 * {@code LISTEN}s on the store's channel and waits on pgjdbc's {@code
 * PGConnection#getNotifications(int)}.
 *
 * <p>The notifications come from a statement-level trigger on both tables ({@code AFTER INSERT OR
 * UPDATE OR DELETE OR TRUNCATE ... FOR EACH STATEMENT}), which this class creates when it is
 * missing. A trigger rather than a {@code NOTIFY} in SMTPCR's write path, because it also hears
 * every writer that isn't this version of SMTPCR: an older release, {@code psql}, an import made
 * with SQL. PostgreSQL folds equal notifications of one transaction into one, so an import of
 * 10,000 entries clears each cache once.
 *
 * <p>When the connection fails, or goes silent (after each half second without a notification,
 * {@link Connection#isValid(int)} is asked, with a one-second timeout), the cache is told
 * {@linkplain CachingWhitelistStore#lost() lost} at once, so it stops serving; the thread then
 * reconnects, every second, and the cache serves again once {@code LISTEN} is back.
 *
 * <p>pgjdbc is reached by reflection, so this module needs no compile-time dependency on it and
 * works whichever class loader holds the driver (James's {@code jdbc-drivers/}).
 */
final class PostgresChanges implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PostgresChanges.class);

  /**
   * How long one wait for notifications lasts; the connection is then checked ({@code SELECT 1}),
   * which renews the cache's {@linkplain CachingWhitelistStore#LEASE lease}.
   */
  private static final int WAIT_MILLIS = 250;

  /**
   * The listening connection's network timeout after set-up: a statement that gets no answer in
   * this time fails, and the listener reconnects. The cache has stopped serving before then, when
   * its lease ran out.
   */
  private static final int NETWORK_TIMEOUT_MILLIS = 1000;

  /** The table prefixes {@code JdbcWhitelistStore} accepts; they go into SQL unquoted. */
  private static final java.util.regex.Pattern PREFIX =
      java.util.regex.Pattern.compile("[a-z][a-z0-9_]{0,29}");

  /** The listening connection's {@code application_name}, set once the cache serves. */
  static final String APPLICATION_NAME = "smtpcr-near-cache";

  private static final Duration RETRY = Duration.ofSeconds(1);

  private final Supplier<Connection> connect;
  private final Runnable prepare;
  private final String prefix;
  private final CachingWhitelistStore cache;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile Connection current;

  private PostgresChanges(
      Supplier<Connection> connect,
      Runnable prepare,
      String prefix,
      CachingWhitelistStore cache,
      String name) {
    this.connect = connect;
    this.prepare = prepare;
    this.prefix = prefix;
    this.cache = cache;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
  }

  /**
   * Starts listening for {@code cache}.
   *
   * @param connect opens a new connection to the store's database (not from the pool)
   * @param prepare creates the store's tables if they are missing (before the triggers)
   * @param tablePrefix the store's table prefix
   * @param cache the cache to tell
   * @param name the thread's name
   */
  static PostgresChanges start(
      Supplier<Connection> connect,
      Runnable prepare,
      String tablePrefix,
      CachingWhitelistStore cache,
      String name) {
    checkArgument(
        PREFIX.matcher(requireNonNull(tablePrefix, "tablePrefix")).matches(),
        "the table prefix must match %s",
        PREFIX);
    PostgresChanges c =
        new PostgresChanges(
            requireNonNull(connect, "connect"),
            requireNonNull(prepare, "prepare"),
            requireNonNull(tablePrefix, "tablePrefix"),
            requireNonNull(cache, "cache"),
            requireNonNull(name, "name"));
    c.thread.start();
    return c;
  }

  /** The channel the trigger notifies on. */
  static String channel(String prefix) {
    return prefix + "changes";
  }

  /**
   * The statements that create the notifying function and the two triggers; each is idempotent
   * except {@code CREATE TRIGGER}, which {@link #ensureTriggers} runs only when it is missing.
   */
  static String functionSql(String prefix) {
    return "CREATE OR REPLACE FUNCTION "
        + prefix
        + "notify_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('"
        + channel(prefix)
        + "', ''); RETURN NULL; END $$";
  }

  static String triggerSql(String prefix, String table) {
    return "CREATE TRIGGER "
        + prefix
        + table
        + "_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
        + prefix
        + table
        + " FOR EACH STATEMENT EXECUTE PROCEDURE "
        + prefix
        + "notify_change()";
  }

  private void run() {
    boolean warned = false;
    try {
      while (!closed) {
        try (Connection c = connect.get()) {
          current = c;
          prepare.run();
          ensureTriggers(c);
          try (Statement s = c.createStatement()) {
            s.execute("LISTEN " + channel(prefix));
          }
          selfTest(c);
          cache.listening();
          // what an operator (and the tests) see in pg_stat_activity once this cache serves
          try (Statement s = c.createStatement()) {
            s.execute("SET application_name TO '" + APPLICATION_NAME + "'");
          }
          log.info("whitelist near cache on: listening for changes on channel {}", channel(prefix));
          warned = false;
          listen(c);
        } catch (SQLException | RuntimeException e) {
          cache.lost();
          if (closed) {
            break;
          }
          if (!warned) {
            log.warn(
                "whitelist near cache off: cannot hear the store's changes ({}); every look-up"
                    + " goes to the database until it can",
                describe(e));
            warned = true;
          } else {
            log.debug("store change listener still down: {}", describe(e));
          }
        } finally {
          current = null;
        }
        if (!closed) {
          cache.lost();
          if (stopped.await(RETRY.toMillis(), TimeUnit.MILLISECONDS)) {
            break;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      cache.lost();
    }
  }

  private void listen(Connection c) throws SQLException {
    Object pg = pgConnection(c);
    Method poll = pollMethod(pg);
    c.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MILLIS);
    try (PreparedStatement ping = c.prepareStatement("SELECT 1")) {
      while (!closed) {
        if (notifications(pg, poll, WAIT_MILLIS) > 0) {
          cache.changed();
        }
        // an answer proves the connection alive now: any change committed before it was sent to
        // us before this answer, so it was heard above or is heard in the next wait
        try (ResultSet r = ping.executeQuery()) {
          r.next();
        }
        cache.alive();
      }
    }
  }

  /**
   * Checks that a notification on the channel reaches this connection (a session hears its own
   * {@code NOTIFY}): a pooler in transaction mode (PgBouncer) accepts {@code LISTEN} and then
   * delivers nothing, and a cache behind it would never hear a change.
   */
  private void selfTest(Connection c) throws SQLException {
    Object pg = pgConnection(c);
    Method poll = pollMethod(pg);
    try (PreparedStatement p = c.prepareStatement("SELECT pg_catalog.pg_notify(?, 'self-test')")) {
      p.setString(1, channel(prefix));
      p.execute();
    }
    if (notifications(pg, poll, NETWORK_TIMEOUT_MILLIS) == 0) {
      throw new SQLException(
          "a notification on channel "
              + channel(prefix)
              + " did not come back to the listening connection (a connection pooler in"
              + " transaction mode between SMTPCR and PostgreSQL?)");
    }
  }

  /** Creates the function and the triggers when a trigger is missing (the store's tables exist). */
  private void ensureTriggers(Connection c) throws SQLException {
    if (hasTrigger(c, "whitelist") && hasTrigger(c, "deny")) {
      return;
    }
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute(functionSql(prefix));
      for (String table : new String[] {"whitelist", "deny"}) {
        if (!hasTrigger(c, table)) {
          s.execute(triggerSql(prefix, table));
        }
      }
      c.commit();
      log.info(
          "created the change-notification triggers on {}whitelist and {}deny", prefix, prefix);
    } catch (SQLException e) {
      c.rollback();
      // another host created them at the same moment: fine once both are there
      if (!(hasTrigger(c, "whitelist") && hasTrigger(c, "deny"))) {
        throw e;
      }
    } finally {
      c.setAutoCommit(auto);
    }
  }

  private boolean hasTrigger(Connection c, String table) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT 1 FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class r ON r.oid = t.tgrelid"
                + " WHERE t.tgname = ? AND r.relname = ? AND pg_catalog.pg_table_is_visible(r.oid)"
                // a disabled trigger sends nothing: the cache must not serve on its account
                + " AND t.tgenabled <> 'D'")) {
      p.setString(1, prefix + table + "_notify");
      p.setString(2, prefix + table);
      try (ResultSet r = p.executeQuery()) {
        return r.next();
      }
    }
  }

  private static Object pgConnection(Connection c) throws SQLException {
    try {
      Class<?> type =
          Class.forName("org.postgresql.PGConnection", false, c.getClass().getClassLoader());
      return c.unwrap(type);
    } catch (ClassNotFoundException e) {
      throw new SQLException("the connection is not pgjdbc's (org.postgresql.PGConnection)", e);
    }
  }

  private static Method pollMethod(Object pg) throws SQLException {
    try {
      Class<?> type =
          Class.forName("org.postgresql.PGConnection", false, pg.getClass().getClassLoader());
      return type.getMethod("getNotifications", int.class);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      throw new SQLException("this pgjdbc has no getNotifications(int) (42.2 or later needed)", e);
    }
  }

  private static int notifications(Object pg, Method poll, int waitMillis) throws SQLException {
    try {
      Object array = poll.invoke(pg, waitMillis);
      return array == null ? 0 : Array.getLength(array);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof SQLException s) {
        throw s;
      }
      throw new SQLException("getNotifications failed", e.getCause());
    } catch (IllegalAccessException e) {
      throw new SQLException("getNotifications is not accessible", e);
    }
  }

  /** The exception's type and message; JDBC messages name no password. */
  private static String describe(Exception e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + oneLine(m));
  }

  private static String oneLine(String m) {
    StringBuilder b = new StringBuilder(Math.min(m.length(), 300));
    for (int i = 0; i < m.length() && b.length() < 300; i++) {
      char ch = m.charAt(i);
      b.append(ch < 0x20 || ch == 0x7f || ch == '\u2028' || ch == '\u2029' ? ' ' : ch);
    }
    return b.toString();
  }

  /** Stops the thread and closes its connection; the cache stops serving. */
  @Override
  public void close() {
    closed = true;
    stopped.countDown();
    Connection c = current;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException | RuntimeException e) {
        // the thread ends either way
      }
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    cache.lost();
  }
}
