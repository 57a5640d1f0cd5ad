package org.smtpcr.examples.cli;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.h2.api.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.runtime.KeyRings;
import org.smtpcr.examples.runtime.OpenStore;
import org.smtpcr.examples.runtime.SecretFiles;
import org.smtpcr.examples.runtime.StoreSpec;
import org.smtpcr.tokens.KeyRing;

/**
 * The directory that the {@code smtpcr} commands share, so that separate processes (the SMTP
 * server, the challenge page, {@code smtpcr whitelist}) work on one state:
 *
 * <pre>
 * smtpcr-data/             mode 700
 *   smtpcr.keys            the key ring (mode 600): made by keygen (or the demo), never by a server
 *   smtpcr.properties      optional defaults for command options (a commented template, mode 600)
 *   whitelist.mv.db        the H2 whitelist database
 *   whitelist.password     its random password (mode 600), set on first use
 *   maildir/               delivered mail (tmp/, new/, cur/)
 * </pre>
 *
 * <p><b>Sharing the H2 file.</b> The database is opened as {@code
 * jdbc:h2:file:<dir>/whitelist;AUTO_SERVER=TRUE}: the first process opens the file and serves it to
 * the others over TCP, which H2 binds to the loopback interface here (system property {@code
 * h2.bindAddress=127.0.0.1}, set before H2 loads unless already set) and guards with a random key
 * kept in the lock file. When that process ends, another one takes over. Several hosts should share
 * PostgreSQL instead: {@link #open(Path, Optional)} with a {@code jdbc:postgresql:} URL
 * (credentials in the URL's {@code user} and {@code password} parameters; the URL is never logged).
 *
 * <p>Thread-safe. {@link #close()} closes the connection pool.
 *
 * @since 0.1.0
 */
public final class DataDirectory implements AutoCloseable {
  /** The data directory used when none is given: {@code smtpcr-data} in the working directory. */
  public static final Path DEFAULT = Path.of("smtpcr-data");

  /** Name of the key file in the directory. */
  public static final String KEY_FILE = "smtpcr.keys";

  /**
   * Name of the file beside the H2 database that holds its random password (mode 600).
   *
   * @since 0.3.0
   */
  public static final String H2_PASSWORD_FILE = "whitelist.password";

  /** Name of the optional configuration file in the directory. */
  public static final String CONFIG_FILE = "smtpcr.properties";

  private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern HEX_PASSWORD = Pattern.compile("[0-9a-f]{64}");

  static {
    // before any H2 class loads: H2's AUTO_SERVER listens on all interfaces unless told otherwise
    System.getProperties().putIfAbsent("h2.bindAddress", "127.0.0.1");
  }

  private final Path root;
  private final Optional<String> storeUrl;
  private final Optional<String> storePassword;
  private final Optional<String> storePasswordFile;
  private final Map<String, String> storeSettings;
  private KeyRing keyRing;
  private OpenStore openStore;
  private boolean closed;

  private DataDirectory(
      Path root,
      Optional<String> storeUrl,
      Optional<String> storePassword,
      Optional<String> storePasswordFile,
      Map<String, String> storeSettings) {
    this.root = root;
    this.storeUrl = storeUrl;
    this.storePassword = storePassword;
    this.storePasswordFile = storePasswordFile;
    this.storeSettings = Map.copyOf(storeSettings);
  }

  /**
   * Opens (creating when missing) the data directory at {@code dir}, with the whitelist in its H2
   * file.
   *
   * @param dir the directory
   * @return the data directory
   * @throws IOException if the directory or its files cannot be created
   */
  public static DataDirectory open(Path dir) throws IOException {
    return open(dir, Optional.empty());
  }

  /**
   * Opens (creating when missing) the data directory at {@code dir}; the whitelist lives at {@code
   * storeUrl} when given ({@code jdbc:h2:...} or {@code jdbc:postgresql:...}), else in the
   * directory's H2 file.
   *
   * @param dir the directory
   * @param storeUrl a JDBC URL for the whitelist, or empty
   * @return the data directory
   * @throws IOException if the directory or its files cannot be created
   * @throws IllegalArgumentException if the URL is neither H2 nor PostgreSQL, or the path holds a
   *     {@code ;} (which would end H2's file name)
   */
  public static DataDirectory open(Path dir, Optional<String> storeUrl) throws IOException {
    return open(dir, storeUrl, Optional.empty(), Optional.empty());
  }

  /**
   * {@link #open(Path, Optional)} with the password of the store at {@code storeUrl}: given (from a
   * configuration file), or the first line of a file, else the environment variable {@value
   * StoreSpec#PASSWORD_ENVIRONMENT}. The directory's own H2 database ignores them: it has a random
   * password of its own in {@value #H2_PASSWORD_FILE}.
   *
   * @param dir the directory
   * @param storeUrl a JDBC URL for the whitelist, or empty
   * @param storePassword the store's password, or empty
   * @param storePasswordFile a file whose first line is the store's password, or empty
   * @return the data directory
   * @throws IOException if the directory or its files cannot be created
   * @throws IllegalArgumentException as {@link #open(Path, Optional)}
   * @since 0.3.0
   */
  public static DataDirectory open(
      Path dir,
      Optional<String> storeUrl,
      Optional<String> storePassword,
      Optional<String> storePasswordFile)
      throws IOException {
    return open(dir, storeUrl, storePassword, storePasswordFile, Map.of());
  }

  /**
   * {@link #open(Path, Optional, Optional, Optional)} with more store settings by their {@link
   * StoreSpec} names: the near cache's {@value StoreSpec#CACHE}, {@value StoreSpec#CACHE_SIZE},
   * {@value StoreSpec#CACHE_TTL} and {@value StoreSpec#CACHE_FILTER_KEYS}.
   *
   * @param dir the directory
   * @param storeUrl a JDBC URL for the whitelist, or empty
   * @param storePassword the store's password, or empty
   * @param storePasswordFile a file holding the store's password, or empty
   * @param storeSettings more store settings
   * @return the data directory
   * @throws IOException if the directory or its files cannot be created
   * @throws IllegalArgumentException as {@link #open(Path, Optional)}, or if a store setting is
   *     wrong
   */
  public static DataDirectory open(
      Path dir,
      Optional<String> storeUrl,
      Optional<String> storePassword,
      Optional<String> storePasswordFile,
      Map<String, String> storeSettings)
      throws IOException {
    requireNonNull(storeSettings, "storeSettings");
    requireNonNull(dir, "dir");
    requireNonNull(storeUrl, "storeUrl");
    requireNonNull(storePassword, "storePassword");
    requireNonNull(storePasswordFile, "storePasswordFile");
    storeUrl.ifPresent(DataDirectory::checkStoreUrl);
    Path root = dir.toAbsolutePath().normalize();
    checkArgument(root.toString().indexOf(';') < 0, "the data directory path must not contain ';'");
    if (!Files.isDirectory(root)) {
      if (posix()) {
        Files.createDirectories(
            root,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(root);
      }
      log.info("created data directory {}", root);
    }
    DataDirectory d =
        new DataDirectory(root, storeUrl, storePassword, storePasswordFile, storeSettings);
    d.writeConfigTemplate();
    return d;
  }

  /**
   * Checks that a store URL is H2 or PostgreSQL and of sane length; the message never repeats it.
   *
   * @param url the JDBC URL
   * @throws IllegalArgumentException if it is not
   */
  static void checkStoreUrl(String url) {
    StoreSpec.checkSupportedUrl(url);
  }

  /**
   * The directory.
   *
   * @return its absolute path
   */
  public Path path() {
    return root;
  }

  /**
   * The key file, {@value #KEY_FILE}.
   *
   * @return its path
   */
  public Path keyFile() {
    return root.resolve(KEY_FILE);
  }

  /**
   * The configuration file, {@value #CONFIG_FILE}.
   *
   * @return its path
   */
  public Path configFile() {
    return root.resolve(CONFIG_FILE);
  }

  /**
   * The Maildir for delivered mail.
   *
   * @return its path
   */
  public Path maildir() {
    return root.resolve("maildir");
  }

  /**
   * The JDBC URL of the directory's own H2 database (used unless another store was given).
   *
   * @return the URL
   */
  public String h2Url() {
    return "jdbc:h2:file:" + root.resolve("whitelist") + ";AUTO_SERVER=TRUE";
  }

  /**
   * The key ring from the key file; on first use a new ring is generated and written (mode 600).
   * When two processes create it at once, both end up with the one that was written first. Only
   * {@code smtpcr demo} creates a key this way; the servers read the key file with {@link
   * KeyRings#readExisting} and refuse to start without it.
   *
   * @return the key ring
   * @throws IOException if the key file cannot be read or written
   */
  public synchronized KeyRing keyRing() throws IOException {
    if (keyRing == null) {
      keyRing = KeyRings.readOrCreate(keyFile());
    }
    return keyRing;
  }

  /**
   * The whitelist store, through a small connection pool opened on the first call. The pool starts
   * even while the database is down (each operation then fails with a {@link
   * org.smtpcr.core.store.StoreException} after 3 seconds, and the engine answers {@code 451
   * 4.3.0}); the store creates its tables on its first operation.
   *
   * @return the store
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized WhitelistStore store() {
    return open(UnaryOperator.identity()).jdbc();
  }

  /**
   * The whitelist store a long-running server decides with: {@link #store()} behind the near cache
   * the store settings ask for (on by default for PostgreSQL, whose changes it hears through {@code
   * LISTEN/NOTIFY}; off by default for H2). See {@link OpenStore}.
   *
   * @return the store
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized WhitelistStore servingStore() {
    return servingStore(UnaryOperator.identity());
  }

  /**
   * {@link #servingStore()} with a wrapper around the database's store, beneath the cache (the
   * metrics' timing: it times the database, not the cache). Only the first call that opens the
   * store applies it.
   *
   * @param beneathCache wraps the JDBC store
   * @return the store
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized WhitelistStore servingStore(UnaryOperator<WhitelistStore> beneathCache) {
    return open(beneathCache).store();
  }

  private OpenStore open(UnaryOperator<WhitelistStore> beneathCache) {
    if (closed) {
      throw new IllegalStateException("the data directory was closed");
    }
    if (openStore == null) {
      String url = storeUrl.orElseGet(this::h2Url);
      boolean h2 = url.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:");
      boolean userInUrl = url.toLowerCase(Locale.ROOT).contains(";user=");
      Optional<String> password = storePassword;
      Optional<String> passwordFile = storePasswordFile;
      if (storeUrl.isEmpty()) {
        password = Optional.of(ownH2Password(url));
        passwordFile = Optional.empty();
      }
      Optional<String> p = password;
      Optional<String> pf = passwordFile;
      // a small pool; an operation waits 3 s for a connection, then the engine answers 451 4.3.0
      StoreSpec spec =
          StoreSpec.parse(
              name ->
                  switch (name) {
                    case StoreSpec.URL -> Optional.of(url);
                    case StoreSpec.USER -> h2 && !userInUrl ? Optional.of("sa") : Optional.empty();
                    case StoreSpec.PASSWORD -> p;
                    case StoreSpec.PASSWORD_FILE -> pf;
                    case StoreSpec.POOL_SIZE -> Optional.of("4");
                    case StoreSpec.CONNECTION_TIMEOUT -> Optional.of("3s");
                    default -> Optional.ofNullable(storeSettings.get(name));
                  });
      openStore = OpenStore.open(spec, "smtpcr-whitelist", Clock.systemUTC(), beneathCache);
    }
    return openStore;
  }

  /**
   * Whether the store that {@link #servingStore()} opened has a near cache in front: then a
   * decision can often be answered from memory, without waiting for the database.
   *
   * @return false before the serving store was opened
   */
  public synchronized boolean hasNearCache() {
    return openStore != null && openStore.cache().isPresent();
  }

  /** Closes the connection pool, if one was opened. */
  @Override
  public synchronized void close() {
    closed = true;
    if (openStore != null) {
      openStore.close();
      openStore = null;
    }
  }

  /** Names the directory; never the store URL. */
  @Override
  public String toString() {
    return "DataDirectory[" + root + (storeUrl.isPresent() ? ", external store" : "") + "]";
  }

  /**
   * The password of the directory's own H2 database, from {@value #H2_PASSWORD_FILE} (made with a
   * random password on first use, mode 600). A database made before it had a password (user {@code
   * sa}, empty password) gets this one on its first open here.
   */
  private String ownH2Password(String url) {
    String password;
    try {
      password =
          SecretFiles.readOrCreate(root.resolve(H2_PASSWORD_FILE), DataDirectory::randomPassword)
              .strip();
      SecretFiles.warnIfLoose(root.resolve(H2_PASSWORD_FILE), "database password file");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the database password file " + root.resolve(H2_PASSWORD_FILE) + " cannot be read", e);
    }
    checkState(
        HEX_PASSWORD.matcher(password).matches(),
        "the database password file %s must hold the hex password SMTPCR wrote",
        root.resolve(H2_PASSWORD_FILE));
    setPasswordOnFirstOpen(url, password);
    return password;
  }

  /**
   * Connects once with the password; when H2 says the password is wrong, connects without one and
   * sets it (a database made by a release that used none). Any other failure is left to the pool,
   * whose operations then fail (and the engine answers 451).
   */
  private static void setPasswordOnFirstOpen(String url, String password) {
    try {
      DriverManager.getConnection(url, "sa", password).close();
      return;
    } catch (SQLException e) {
      if (e.getErrorCode() != ErrorCode.WRONG_USER_OR_PASSWORD) {
        log.warn("cannot open the whitelist database yet ({})", e.getClass().getSimpleName());
        return;
      }
    }
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Statement st = c.createStatement()) {
      // the password is hex digits only (checked): nothing to escape
      st.execute("ALTER USER SA SET PASSWORD '" + password + "'");
      log.info("set the password of the whitelist database (kept in {})", H2_PASSWORD_FILE);
    } catch (SQLException e) {
      if (e.getErrorCode() == ErrorCode.WRONG_USER_OR_PASSWORD) {
        // neither the file's password nor none: the database has a password this file does not
        // hold (the file was lost or replaced); never go on with a store nobody can open
        throw new IllegalStateException(
            "the whitelist database has a password that "
                + H2_PASSWORD_FILE
                + " does not hold; restore that file from a backup");
      }
      // another process may have set it meanwhile; otherwise the pool reports the failure
      log.warn(
          "cannot set the password of the whitelist database ({}, H2 error {})",
          e.getClass().getSimpleName(),
          e.getErrorCode());
    }
  }

  private static String randomPassword() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b) + "\n";
  }

  private void writeConfigTemplate() throws IOException {
    Path f = configFile();
    if (Files.exists(f)) {
      return;
    }
    try {
      // mode 600: it is where a store URL or password goes
      if (posix()) {
        Files.createFile(
            f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(f);
      }
      Files.writeString(f, ConfigFile.TEMPLATE, StandardCharsets.UTF_8);
    } catch (FileAlreadyExistsException e) {
      // written by another process meanwhile
    }
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
