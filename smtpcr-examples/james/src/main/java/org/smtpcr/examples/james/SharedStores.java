package org.smtpcr.examples.james;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.store.JdbcWhitelistStore;
import org.smtpcr.core.store.StoreException;
import org.smtpcr.core.store.WhitelistStore;

/**
 * One connection pool and {@link JdbcWhitelistStore} per distinct {@link StoreSettings} in this JVM,
 * shared by every hook, mailet and matcher configured with the same settings and closed when the
 * last of them is destroyed. James creates each configured handler and mailet separately; without
 * sharing, each would open a pool of its own to the same database.
 *
 * <p>The pool (HikariCP) does not connect when it is created: a database that is down when James
 * starts makes decisions answer {@code 451} until it is back, rather than stopping James.
 */
final class SharedStores {
  private static final Logger log = LoggerFactory.getLogger(SharedStores.class);
  private static final AtomicInteger POOL_NUMBER = new AtomicInteger();

  /** Guarded by itself. */
  private static final Map<StoreSettings, Shared> OPEN = new HashMap<>();

  private SharedStores() {}

  /** A pool and the store on it, with the number of leases held. */
  private static final class Shared {
    final HikariDataSource dataSource;
    final JdbcWhitelistStore store;
    int leases;

    Shared(HikariDataSource dataSource, JdbcWhitelistStore store) {
      this.dataSource = dataSource;
      this.store = store;
    }
  }

  /**
   * Takes a lease on the store for {@code settings}, opening its pool if no lease is held.
   *
   * @throws IllegalArgumentException if the JDBC driver class cannot be loaded or the pool refuses the
   *     settings; the message names no URL or password
   */
  static Lease acquire(StoreSettings settings) {
    requireNonNull(settings, "settings");
    Shared shared;
    synchronized (OPEN) {
      shared = OPEN.get(settings);
      if (shared == null) {
        shared = open(settings);
        OPEN.put(settings, shared);
      }
      shared.leases++;
    }
    return new Lease(settings, shared);
  }

  private static Shared open(StoreSettings settings) {
    checkDriver(settings.driverClass());
    HikariConfig config = new HikariConfig();
    config.setPoolName("smtpcr-whitelist-" + POOL_NUMBER.incrementAndGet());
    config.setJdbcUrl(settings.url());
    settings.user().ifPresent(config::setUsername);
    settings.password().ifPresent(config::setPassword);
    config.setDriverClassName(settings.driverClass());
    config.setMaximumPoolSize(settings.poolSize());
    config.setMinimumIdle(1);
    config.setConnectionTimeout(settings.connectionTimeout().toMillis());
    // start without a connection: a database that is down now is answered with 451 until it is back
    config.setInitializationFailTimeout(-1);
    config.setRegisterMbeans(false);
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(config);
    } catch (RuntimeException e) {
      // HikariCP's messages may quote the URL; name the exception only
      throw new IllegalArgumentException("the connection pool refused the store settings ("
          + e.getClass().getSimpleName() + "); check " + settings.describe() + " and the driver class");
    }
    JdbcWhitelistStore.Builder builder = JdbcWhitelistStore.builder().dataSource(dataSource);
    settings.tablePrefix().ifPresent(builder::tablePrefix);
    JdbcWhitelistStore store;
    try {
      store = builder.build();
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    try {
      store.migrate();
      log.info("whitelist store ready: {}", settings);
    } catch (StoreException e) {
      log.warn("whitelist store {} is not usable yet ({}); decisions answer 451 until it is", settings.describe(),
          e.getMessage());
    }
    return new Shared(dataSource, store);
  }

  private static void checkDriver(String driverClass) {
    if (loads(driverClass, SharedStores.class.getClassLoader())
        || loads(driverClass, Thread.currentThread().getContextClassLoader())) {
      return;
    }
    throw new IllegalArgumentException("JDBC driver class " + driverClass
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

  private static void release(StoreSettings settings, Shared shared) {
    synchronized (OPEN) {
      shared.leases--;
      if (shared.leases > 0) {
        return;
      }
      OPEN.remove(settings);
    }
    shared.dataSource.close();
    log.info("whitelist store closed: {}", settings.describe());
  }

  /** A hold on a shared store; {@link #close()} gives it back (idempotent). Thread-safe. */
  static final class Lease implements AutoCloseable {
    private final StoreSettings settings;
    private final Shared shared;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Lease(StoreSettings settings, Shared shared) {
      this.settings = settings;
      this.shared = shared;
    }

    WhitelistStore store() {
      return shared.store;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        release(settings, shared);
      }
    }

    @Override
    public String toString() {
      return "Lease[" + settings + (closed.get() ? ", closed" : "") + "]";
    }
  }
}
