package org.smtpcr.examples.runtime;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How to reach the whitelist database, for every route: a JDBC URL ({@code jdbc:h2:} or {@code
 * jdbc:postgresql:}; another sub-protocol with an explicit driver class), optional credentials, the
 * driver class, the pool size and how long a decision waits for a connection. {@link
 * #openDataSource(String)} makes the pooled {@code DataSource}; equal specs share one pool through
 * {@link SharedStores}. The URL and the password may hold secrets, so {@link #toString()} shows the
 * JDBC sub-protocol only, and no error message repeats either.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class StoreSpec {
  /**
   * Setting names, as {@link Settings} (under {@code store.}) and the mailets (prefixed: {@code
   * storeUrl}) spell them.
   *
   * @since 0.1.0
   */
  public static final String URL = "url";

  /** The user's setting name. @since 0.1.0 */
  public static final String USER = "user";

  /** The password's setting name. @since 0.1.0 */
  public static final String PASSWORD = "password";

  /**
   * The setting name of a file whose first line is the password (a password never belongs on a
   * command line, where every local user can read it).
   *
   * @since 0.3.0
   */
  public static final String PASSWORD_FILE = "passwordFile";

  /**
   * The environment variable that gives the password when neither {@value #PASSWORD} nor {@value
   * #PASSWORD_FILE} is set.
   *
   * @since 0.3.0
   */
  public static final String PASSWORD_ENVIRONMENT = "SMTPCR_STORE_PASSWORD";

  /** The driver class's setting name. @since 0.1.0 */
  public static final String DRIVER_CLASS = "driverClass";

  /** The pool size's setting name. @since 0.1.0 */
  public static final String POOL_SIZE = "poolSize";

  /** The connection timeout's setting name. @since 0.1.0 */
  public static final String CONNECTION_TIMEOUT = "connectionTimeout";

  /** The table prefix's setting name. @since 0.1.0 */
  public static final String TABLE_PREFIX = "tablePrefix";

  /**
   * The near cache's setting name: {@code auto} (the default: on for PostgreSQL, where changes are
   * seen through {@code LISTEN/NOTIFY}; off for other databases), {@code on} or {@code off}. See
   * {@link OpenStore}.
   *
   * @since 0.3.0
   */
  public static final String CACHE = "cache";

  /** The setting name of the most look-ups the near cache keeps. @since 0.3.0 */
  public static final String CACHE_SIZE = "cacheSize";

  /**
   * The setting name of how long the near cache may reuse an answer: a safety net on PostgreSQL,
   * where changes clear it within moments; the bound on how stale an answer may be elsewhere.
   *
   * @since 0.3.0
   */
  public static final String CACHE_TTL = "cacheTtl";

  /**
   * The setting name of the most keys the near cache's key filter holds (default {@value
   * CachingWhitelistStore#DEFAULT_FILTER_KEYS}; 0 for no filter; at most {@value
   * CachingWhitelistStore#MAX_FILTER_KEYS}): on PostgreSQL, a look-up of a sender the store does
   * not hold is then answered without a round trip. See {@link CachingWhitelistStore}.
   *
   * @since 0.3.0
   */
  public static final String CACHE_FILTER_KEYS = "cacheFilterKeys";

  /**
   * Whether a store gets a near cache ({@link OpenStore}).
   *
   * @since 0.3.0
   */
  public enum Cache {
    /** On for PostgreSQL (with {@code LISTEN/NOTIFY}), off for other databases. */
    AUTO,
    /**
     * On: for PostgreSQL as {@link #AUTO}; for other databases an answer is reused for up to the
     * {@value StoreSpec#CACHE_TTL}, which is then how long a change made by another process may go
     * unseen.
     */
    ON,
    /** Every look-up goes to the database. */
    OFF
  }

  /** The default most look-ups the near cache keeps. @since 0.3.0 */
  public static final int DEFAULT_CACHE_SIZE = 10_000;

  /** The default longest reuse of a cached answer. @since 0.3.0 */
  public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(1);

  private static final int MAX_CACHE_SIZE = 10_000_000;
  private static final Duration MAX_CACHE_TTL = Duration.ofDays(1);

  /**
   * The default pool size.
   *
   * @since 0.1.0
   */
  public static final int DEFAULT_POOL_SIZE = 4;

  static final int MAX_POOL_SIZE = 64;

  /** A decision waits for a connection; fail soon (451) rather than hold the SMTP client. */
  static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(1);

  private static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);
  private static final Duration MAX_CONNECTION_TIMEOUT = Duration.ofMinutes(1);
  private static final int MAX_URL_LENGTH = 2048;
  private static final int MAX_VALUE_LENGTH = 500;
  private static final Pattern SUBPROTOCOL =
      Pattern.compile("jdbc:([a-z][a-z0-9]{0,19}):.*", Pattern.DOTALL);
  private static final Pattern CLASS_NAME =
      Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

  private final String url;
  private final Optional<String> user;
  private final Optional<String> password;
  private final String driverClass;
  private final int poolSize;
  private final Duration connectionTimeout;
  private final Optional<String> tablePrefix;
  private final Cache cache;
  private final int cacheSize;
  private final Duration cacheTtl;
  private final int cacheFilterKeys;

  private StoreSpec(
      String url,
      Optional<String> user,
      Optional<String> password,
      String driverClass,
      int poolSize,
      Duration connectionTimeout,
      Optional<String> tablePrefix,
      Cache cache,
      int cacheSize,
      Duration cacheTtl,
      int cacheFilterKeys) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.driverClass = driverClass;
    this.poolSize = poolSize;
    this.connectionTimeout = connectionTimeout;
    this.tablePrefix = tablePrefix;
    this.cache = cache;
    this.cacheSize = cacheSize;
    this.cacheTtl = cacheTtl;
    this.cacheFilterKeys = cacheFilterKeys;
  }

  /**
   * Reads the spec through {@code setting}, which maps a setting name ({@code url}, {@code user},
   * {@code password}, {@code passwordFile}, {@code driverClass}, {@code poolSize}, {@code
   * connectionTimeout}, {@code tablePrefix}) to its configured value. The password is {@code
   * password}, else the first line of {@code passwordFile}, else the environment variable {@value
   * #PASSWORD_ENVIRONMENT}.
   *
   * @param setting the configured values by name
   * @return the spec
   * @throws IllegalArgumentException naming the setting that is missing or wrong, never its value
   *     when that may be secret
   * @since 0.1.0
   */
  public static StoreSpec parse(Function<String, Optional<String>> setting) {
    return parse(setting, name -> Optional.ofNullable(System.getenv(name)));
  }

  /**
   * {@link #parse(Function)} with another environment, for tests and embedders.
   *
   * @param setting the configured values by name
   * @param environment environment variables by name
   * @return the spec
   * @throws IllegalArgumentException naming the setting that is missing or wrong
   * @since 0.3.0
   */
  public static StoreSpec parse(
      Function<String, Optional<String>> setting, Function<String, Optional<String>> environment) {
    requireNonNull(setting, "setting");
    requireNonNull(environment, "environment");
    String url =
        setting
            .apply(URL)
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "the whitelist store's JDBC " + URL + " is required"));
    checkArgument(
        url.length() <= MAX_URL_LENGTH,
        "the store %s has %s characters; at most %s allowed",
        URL,
        url.length(),
        MAX_URL_LENGTH);
    checkArgument(
        url.chars().allMatch(c -> c >= 0x20 && c != 0x7f),
        "the store %s contains a control character",
        URL);
    Matcher m = SUBPROTOCOL.matcher(url);
    checkArgument(m.matches(), "the store %s must start with jdbc:<subprotocol>:", URL);
    String subprotocol = m.group(1);

    Optional<String> user = setting.apply(USER).filter(s -> !s.isEmpty());
    Optional<String> password = setting.apply(PASSWORD).filter(s -> !s.isEmpty());
    Optional<String> passwordFile =
        setting.apply(PASSWORD_FILE).map(String::strip).filter(s -> !s.isEmpty());
    checkArgument(
        password.isEmpty() || passwordFile.isEmpty(),
        "give the store %s or its %s, not both",
        PASSWORD,
        PASSWORD_FILE);
    if (passwordFile.isPresent()) {
      checkValue(passwordFile.get(), PASSWORD_FILE);
      password =
          Optional.of(
              SecretFiles.readPassword(Path.of(passwordFile.get()), "the store " + PASSWORD_FILE));
    } else if (password.isEmpty()) {
      password = environment.apply(PASSWORD_ENVIRONMENT).filter(s -> !s.isEmpty());
    }
    user.ifPresent(u -> checkValue(u, USER));
    password.ifPresent(
        p ->
            checkArgument(
                p.length() <= MAX_VALUE_LENGTH && p.chars().noneMatch(c -> c < 0x20),
                "the store %s is too long or contains a control character",
                PASSWORD));

    String driver =
        setting
            .apply(DRIVER_CLASS)
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .orElseGet(() -> inferDriver(subprotocol));
    checkArgument(
        CLASS_NAME.matcher(driver).matches() && driver.length() <= MAX_VALUE_LENGTH,
        "the store %s is not a Java class name",
        DRIVER_CLASS);

    int poolSize =
        setting
            .apply(POOL_SIZE)
            .map(String::strip)
            .map(
                s ->
                    SettingGrammar.integer(
                        "the store " + POOL_SIZE, s, Integer.MIN_VALUE, Integer.MAX_VALUE))
            .orElse(DEFAULT_POOL_SIZE);
    checkArgument(
        poolSize >= 1 && poolSize <= MAX_POOL_SIZE,
        "the store %s must be 1..%s, got %s",
        POOL_SIZE,
        MAX_POOL_SIZE,
        poolSize);

    Duration timeout =
        setting
            .apply(CONNECTION_TIMEOUT)
            .map(String::strip)
            .map(s -> SettingGrammar.duration("the store " + CONNECTION_TIMEOUT, s))
            .orElse(DEFAULT_CONNECTION_TIMEOUT);
    checkArgument(
        timeout.compareTo(MIN_CONNECTION_TIMEOUT) >= 0
            && timeout.compareTo(MAX_CONNECTION_TIMEOUT) <= 0,
        "the store %s must be 250 ms to 1 min, got %s",
        CONNECTION_TIMEOUT,
        timeout);

    Optional<String> prefix =
        setting.apply(TABLE_PREFIX).map(String::strip).filter(s -> !s.isEmpty());
    prefix.ifPresent(p -> checkValue(p, TABLE_PREFIX));

    Cache cache =
        setting
            .apply(CACHE)
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .map(StoreSpec::cacheMode)
            .orElse(Cache.AUTO);
    int cacheSize =
        setting
            .apply(CACHE_SIZE)
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .map(s -> SettingGrammar.integer("the store " + CACHE_SIZE, s, 1, MAX_CACHE_SIZE))
            .orElse(DEFAULT_CACHE_SIZE);
    Duration cacheTtl =
        setting
            .apply(CACHE_TTL)
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .map(s -> SettingGrammar.duration("the store " + CACHE_TTL, s))
            .orElse(DEFAULT_CACHE_TTL);
    checkArgument(
        cacheTtl.compareTo(Duration.ofMillis(1)) >= 0 && cacheTtl.compareTo(MAX_CACHE_TTL) <= 0,
        "the store %s must be 1 ms to 1 d, got %s",
        CACHE_TTL,
        cacheTtl);
    int cacheFilterKeys =
        setting
            .apply(CACHE_FILTER_KEYS)
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .map(
                s ->
                    SettingGrammar.integer(
                        "the store " + CACHE_FILTER_KEYS,
                        s,
                        0,
                        CachingWhitelistStore.MAX_FILTER_KEYS))
            .orElse(CachingWhitelistStore.DEFAULT_FILTER_KEYS);
    return new StoreSpec(
        url,
        user,
        password,
        driver,
        poolSize,
        timeout,
        prefix,
        cache,
        cacheSize,
        cacheTtl,
        cacheFilterKeys);
  }

  /**
   * The spec with only a URL, every other setting at its default.
   *
   * @param url the JDBC URL
   * @return the spec
   * @throws IllegalArgumentException if the URL is not usable
   * @since 0.1.0
   */
  public static StoreSpec ofUrl(String url) {
    requireNonNull(url, "url");
    return parse(name -> name.equals(URL) ? Optional.of(url) : Optional.empty());
  }

  /**
   * The spec from {@link Settings}' {@code store.*} settings.
   *
   * @param settings the settings
   * @return the spec, or empty when no {@code store.url} is set
   * @throws IllegalArgumentException naming the store setting that is wrong
   * @since 0.1.0
   */
  public static Optional<StoreSpec> from(Settings settings) {
    requireNonNull(settings, "settings");
    if (settings.find(Settings.STORE_URL).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        parse(
            name ->
                Settings.named("store." + name)
                    .flatMap(s -> settings.find(s).map(Object::toString))));
  }

  /**
   * Checks that a URL names one of the databases shipped with the examples, H2 or PostgreSQL, and
   * is of sane length; the message never repeats it.
   *
   * @param url the JDBC URL
   * @throws IllegalArgumentException if it is not
   * @since 0.1.0
   */
  public static void checkSupportedUrl(String url) {
    requireNonNull(url, "url");
    checkArgument(
        url.length() <= MAX_URL_LENGTH,
        "the store URL must be at most %s characters",
        MAX_URL_LENGTH);
    String lower = url.toLowerCase(Locale.ROOT);
    checkArgument(
        lower.startsWith("jdbc:h2:") || lower.startsWith("jdbc:postgresql:"),
        "the store must be a jdbc:h2: or jdbc:postgresql: URL");
  }

  /**
   * Opens a connection pool (HikariCP) for this spec. It does not connect yet: a database that is
   * down now makes each operation fail after the connection timeout (and the engine answer {@code
   * 451 4.3.0}) until it is back.
   *
   * @param poolName the pool's name, for HikariCP's logs
   * @return the pool; the caller closes it
   * @throws IllegalArgumentException if the driver class cannot be loaded or the pool refuses the
   *     spec; the message names no URL or password
   * @since 0.1.0
   */
  public HikariDataSource openDataSource(String poolName) {
    requireNonNull(poolName, "poolName");
    checkDriver(driverClass);
    HikariConfig config = new HikariConfig();
    config.setPoolName(poolName);
    config.setJdbcUrl(url);
    user.ifPresent(config::setUsername);
    password.ifPresent(config::setPassword);
    config.setDriverClassName(driverClass);
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(connectionTimeout.toMillis());
    // start without a connection: a database that is down now is answered with 451 until it is back
    config.setInitializationFailTimeout(-1);
    config.setRegisterMbeans(false);
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      // HikariCP's messages may quote the URL; name the exception only
      throw new IllegalArgumentException(
          "the connection pool refused the store settings ("
              + e.getClass().getSimpleName()
              + "); check "
              + describe()
              + " and the driver class");
    }
  }

  /**
   * Opens one connection of its own, outside any pool (the near cache's {@code LISTEN} connection),
   * through the driver class as {@link #openDataSource} loads it.
   *
   * @throws SQLException if it cannot connect; the message is the driver's
   */
  Connection connectDirectly() throws SQLException {
    Class<?> type = null;
    for (ClassLoader loader :
        new ClassLoader[] {
          StoreSpec.class.getClassLoader(), Thread.currentThread().getContextClassLoader()
        }) {
      if (loader != null && type == null) {
        try {
          type = Class.forName(driverClass, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
          // try the next loader
        }
      }
    }
    if (type == null || !Driver.class.isAssignableFrom(type)) {
      throw new SQLException("JDBC driver class " + driverClass + " was not found");
    }
    Driver driver;
    try {
      driver = (Driver) type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new SQLException("JDBC driver class " + driverClass + " cannot be made", e);
    }
    Properties p = new Properties();
    user.ifPresent(u -> p.setProperty("user", u));
    password.ifPresent(pw -> p.setProperty("password", pw));
    if (isPostgresql()) {
      // pgjdbc waits forever by default: a database that accepts the connection and then stalls
      // would hold the listener for good (parameters in the URL take precedence)
      String seconds = Long.toString(Math.max(1, connectionTimeout.toSeconds()));
      p.setProperty("connectTimeout", seconds);
      p.setProperty("loginTimeout", seconds);
      p.setProperty("socketTimeout", seconds);
      p.setProperty("tcpKeepAlive", "true");
    }
    Connection c = driver.connect(url, p);
    if (c == null) {
      throw new SQLException("the JDBC driver " + driverClass + " does not take this URL");
    }
    return c;
  }

  private static void checkDriver(String driverClass) {
    if (loads(driverClass, StoreSpec.class.getClassLoader())
        || loads(driverClass, Thread.currentThread().getContextClassLoader())) {
      return;
    }
    throw new IllegalArgumentException(
        "JDBC driver class "
            + driverClass
            + " was not found; put the driver's jar next to the SMTPCR jars (James: extensions-jars/)");
  }

  private static boolean loads(String className, ClassLoader loader) {
    if (loader == null) {
      return false;
    }
    try {
      Class.forName(className, false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static void checkValue(String value, String name) {
    checkArgument(
        value.length() <= MAX_VALUE_LENGTH && value.chars().allMatch(c -> c >= 0x20 && c != 0x7f),
        "the store %s is too long or contains a control character",
        name);
  }

  private static Cache cacheMode(String s) {
    switch (s.toLowerCase(Locale.ROOT)) {
      case "auto":
        return Cache.AUTO;
      case "on":
      case "true":
        return Cache.ON;
      case "off":
      case "false":
        return Cache.OFF;
      default:
        throw new IllegalArgumentException("the store " + CACHE + " must be auto, on or off");
    }
  }

  private static String inferDriver(String subprotocol) {
    switch (subprotocol) {
      case "h2":
        return "org.h2.Driver";
      case "postgresql":
        return "org.postgresql.Driver";
      default:
        throw new IllegalArgumentException(
            "no known JDBC driver for jdbc:"
                + subprotocol
                + ": URLs; the whitelist store supports H2 and PostgreSQL (set "
                + DRIVER_CLASS
                + " for a compatible driver)");
    }
  }

  /**
   * The JDBC URL; may carry credentials, never log it.
   *
   * @return the value
   * @since 0.1.0
   */
  public String url() {
    return url;
  }

  /**
   * The user, if set.
   *
   * @return the value
   * @since 0.1.0
   */
  public Optional<String> user() {
    return user;
  }

  /**
   * The password, if set; never log it.
   *
   * @return the value
   * @since 0.1.0
   */
  public Optional<String> password() {
    return password;
  }

  /**
   * The JDBC driver class.
   *
   * @return the value
   * @since 0.1.0
   */
  public String driverClass() {
    return driverClass;
  }

  /**
   * The most connections in the pool.
   *
   * @return the value
   * @since 0.1.0
   */
  public int poolSize() {
    return poolSize;
  }

  /**
   * How long an operation waits for a connection.
   *
   * @return the value
   * @since 0.1.0
   */
  public Duration connectionTimeout() {
    return connectionTimeout;
  }

  /**
   * The prefix of the table names, if set.
   *
   * @return the value
   * @since 0.1.0
   */
  public Optional<String> tablePrefix() {
    return tablePrefix;
  }

  /**
   * Whether a store gets a near cache, as configured.
   *
   * @return the value
   * @since 0.3.0
   */
  public Cache cache() {
    return cache;
  }

  /**
   * The most look-ups the near cache keeps.
   *
   * @return the value
   * @since 0.3.0
   */
  public int cacheSize() {
    return cacheSize;
  }

  /**
   * The longest the near cache reuses an answer.
   *
   * @return the value
   * @since 0.3.0
   */
  public Duration cacheTtl() {
    return cacheTtl;
  }

  /**
   * The most keys the near cache's key filter holds; 0 for none. Only a cache that hears the
   * store's changes (PostgreSQL) has one.
   *
   * @return the value
   * @since 0.3.0
   */
  public int cacheFilterKeys() {
    return cacheFilterKeys;
  }

  /**
   * Whether the URL is a PostgreSQL one ({@code jdbc:postgresql:}), whose changes the near cache
   * hears through {@code LISTEN/NOTIFY}.
   *
   * @return the value
   * @since 0.3.0
   */
  public boolean isPostgresql() {
    return url.regionMatches(true, 0, "jdbc:postgresql:", 0, "jdbc:postgresql:".length());
  }

  /**
   * Whether {@link OpenStore} puts a near cache in front of the store: {@link Cache#ON}, or {@link
   * Cache#AUTO} on PostgreSQL.
   *
   * @return the value
   * @since 0.3.0
   */
  public boolean cached() {
    return cache == Cache.ON || (cache == Cache.AUTO && isPostgresql());
  }

  /**
   * The sub-protocol only ({@code jdbc:h2:...}): URLs may carry credentials.
   *
   * @return a safe description
   * @since 0.1.0
   */
  public String describe() {
    Matcher m = SUBPROTOCOL.matcher(url);
    return m.matches() ? "jdbc:" + m.group(1) + ":..." : "jdbc:...";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoreSpec s
        && url.equals(s.url)
        && user.equals(s.user)
        && password.equals(s.password)
        && driverClass.equals(s.driverClass)
        && poolSize == s.poolSize
        && connectionTimeout.equals(s.connectionTimeout)
        && tablePrefix.equals(s.tablePrefix)
        && cache == s.cache
        && cacheSize == s.cacheSize
        && cacheTtl.equals(s.cacheTtl)
        && cacheFilterKeys == s.cacheFilterKeys;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        url,
        user,
        password,
        driverClass,
        poolSize,
        connectionTimeout,
        tablePrefix,
        cache,
        cacheSize,
        cacheTtl,
        cacheFilterKeys);
  }

  /** No URL, user or password. */
  @Override
  public String toString() {
    return "StoreSpec["
        + describe()
        + ", driver="
        + driverClass
        + ", user="
        + (user.isPresent() ? "set" : "none")
        + ", password="
        + (password.isPresent() ? "redacted" : "none")
        + ", poolSize="
        + poolSize
        + ", connectionTimeout="
        + connectionTimeout
        + ", cache="
        + (cached() ? cacheSize + "/" + cacheTtl : "off")
        + (cached() && isPostgresql() ? ", cacheFilterKeys=" + cacheFilterKeys : "")
        + "]";
  }
}
