package org.smtpcr.examples.james;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How to reach the whitelist database: a JDBC URL, optional credentials, the driver class and the
 * pool size. Equal settings share one pool ({@link SharedStores}). The URL and the password may hold
 * secrets, so {@link #toString()} shows the JDBC sub-protocol only, and no error message repeats
 * either.
 */
final class StoreSettings {
  /** Setting names, as the hook (nested under {@code store}) and the mailet (prefixed) spell them. */
  static final String URL = "url";
  static final String USER = "user";
  static final String PASSWORD = "password";
  static final String DRIVER_CLASS = "driverClass";
  static final String POOL_SIZE = "poolSize";
  static final String CONNECTION_TIMEOUT = "connectionTimeout";
  static final String TABLE_PREFIX = "tablePrefix";

  static final int DEFAULT_POOL_SIZE = 4;
  static final int MAX_POOL_SIZE = 64;
  /** A decision waits for a connection; fail soon (451) rather than hold the SMTP client. */
  static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);
  private static final Duration MAX_CONNECTION_TIMEOUT = Duration.ofMinutes(1);
  private static final int MAX_URL_LENGTH = 2000;
  private static final int MAX_VALUE_LENGTH = 500;
  private static final Pattern SUBPROTOCOL = Pattern.compile("jdbc:([a-z][a-z0-9]{0,19}):.*", Pattern.DOTALL);
  private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

  private final String url;
  private final Optional<String> user;
  private final Optional<String> password;
  private final String driverClass;
  private final int poolSize;
  private final Duration connectionTimeout;
  private final Optional<String> tablePrefix;

  private StoreSettings(String url, Optional<String> user, Optional<String> password, String driverClass,
      int poolSize, Duration connectionTimeout, Optional<String> tablePrefix) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.driverClass = driverClass;
    this.poolSize = poolSize;
    this.connectionTimeout = connectionTimeout;
    this.tablePrefix = tablePrefix;
  }

  /**
   * Reads the settings through {@code setting}, which maps a setting name (the constants above) to its
   * configured value.
   *
   * @throws IllegalArgumentException naming the setting that is missing or wrong, never its value
   *     when that may be secret
   */
  static StoreSettings parse(Function<String, Optional<String>> setting) {
    requireNonNull(setting, "setting");
    String url = setting.apply(URL).map(String::strip).filter(s -> !s.isEmpty())
        .orElseThrow(() -> new IllegalArgumentException("the whitelist store's JDBC " + URL + " is required"));
    checkArgument(url.length() <= MAX_URL_LENGTH, "the store %s has %s characters; at most %s allowed", URL,
        url.length(), MAX_URL_LENGTH);
    checkArgument(url.chars().allMatch(c -> c >= 0x20 && c != 0x7f), "the store %s contains a control character", URL);
    Matcher m = SUBPROTOCOL.matcher(url);
    checkArgument(m.matches(), "the store %s must start with jdbc:<subprotocol>:", URL);
    String subprotocol = m.group(1);

    Optional<String> user = setting.apply(USER).filter(s -> !s.isEmpty());
    Optional<String> password = setting.apply(PASSWORD).filter(s -> !s.isEmpty());
    user.ifPresent(u -> checkValue(u, USER));
    password.ifPresent(p -> checkArgument(p.length() <= MAX_VALUE_LENGTH && p.chars().noneMatch(c -> c < 0x20),
        "the store %s is too long or contains a control character", PASSWORD));

    String driver = setting.apply(DRIVER_CLASS).map(String::strip).filter(s -> !s.isEmpty())
        .orElseGet(() -> inferDriver(subprotocol));
    checkArgument(CLASS_NAME.matcher(driver).matches() && driver.length() <= MAX_VALUE_LENGTH,
        "the store %s is not a Java class name", DRIVER_CLASS);

    int poolSize = setting.apply(POOL_SIZE).map(String::strip).map(s -> parseInt(s, POOL_SIZE))
        .orElse(DEFAULT_POOL_SIZE);
    checkArgument(poolSize >= 1 && poolSize <= MAX_POOL_SIZE, "the store %s must be 1..%s, got %s", POOL_SIZE,
        MAX_POOL_SIZE, poolSize);

    Duration timeout = setting.apply(CONNECTION_TIMEOUT).map(String::strip)
        .map(s -> parseDuration(s, CONNECTION_TIMEOUT)).orElse(DEFAULT_CONNECTION_TIMEOUT);
    checkArgument(timeout.compareTo(MIN_CONNECTION_TIMEOUT) >= 0 && timeout.compareTo(MAX_CONNECTION_TIMEOUT) <= 0,
        "the store %s must be 250 ms to 1 min, got %s", CONNECTION_TIMEOUT, timeout);

    Optional<String> prefix = setting.apply(TABLE_PREFIX).map(String::strip).filter(s -> !s.isEmpty());
    prefix.ifPresent(p -> checkValue(p, TABLE_PREFIX));
    return new StoreSettings(url, user, password, driver, poolSize, timeout, prefix);
  }

  /** The settings with only a URL, every other setting at its default (the matcher's condition). */
  static StoreSettings ofUrl(String url) {
    requireNonNull(url, "url");
    return parse(name -> name.equals(URL) ? Optional.of(url) : Optional.empty());
  }

  /** Parses an ISO-8601 duration ({@code PT2S}, {@code P7D}). */
  static Duration parseDuration(String value, String name) {
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be an ISO-8601 duration such as PT2S or P7D", e);
    }
  }

  private static int parseInt(String value, String name) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the store " + name + " must be a number", e);
    }
  }

  private static void checkValue(String value, String name) {
    checkArgument(value.length() <= MAX_VALUE_LENGTH && value.chars().allMatch(c -> c >= 0x20 && c != 0x7f),
        "the store %s is too long or contains a control character", name);
  }

  private static String inferDriver(String subprotocol) {
    switch (subprotocol) {
      case "h2":
        return "org.h2.Driver";
      case "postgresql":
        return "org.postgresql.Driver";
      default:
        throw new IllegalArgumentException("no known JDBC driver for jdbc:" + subprotocol
            + ": URLs; the whitelist store supports H2 and PostgreSQL (set " + DRIVER_CLASS + " for a compatible driver)");
    }
  }

  String url() {
    return url;
  }

  Optional<String> user() {
    return user;
  }

  Optional<String> password() {
    return password;
  }

  String driverClass() {
    return driverClass;
  }

  int poolSize() {
    return poolSize;
  }

  Duration connectionTimeout() {
    return connectionTimeout;
  }

  Optional<String> tablePrefix() {
    return tablePrefix;
  }

  /** The sub-protocol only ({@code jdbc:h2:...}): URLs may carry credentials. */
  String describe() {
    Matcher m = SUBPROTOCOL.matcher(url);
    return m.matches() ? "jdbc:" + m.group(1) + ":..." : "jdbc:...";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoreSettings s && url.equals(s.url) && user.equals(s.user) && password.equals(s.password)
        && driverClass.equals(s.driverClass) && poolSize == s.poolSize
        && connectionTimeout.equals(s.connectionTimeout) && tablePrefix.equals(s.tablePrefix);
  }

  @Override
  public int hashCode() {
    return Objects.hash(url, user, password, driverClass, poolSize, connectionTimeout, tablePrefix);
  }

  /** No URL, user or password. */
  @Override
  public String toString() {
    return "StoreSettings[" + describe() + ", driver=" + driverClass + ", user=" + (user.isPresent() ? "set" : "none")
        + ", password=" + (password.isPresent() ? "redacted" : "none") + ", poolSize=" + poolSize
        + ", connectionTimeout=" + connectionTimeout + "]";
  }
}
