package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

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
 * One connection pool and {@link JdbcWhitelistStore} per distinct {@link StoreSpec} in this JVM (an
 * {@link OpenStore}, with the near cache the spec asks for: on by default for PostgreSQL), shared
 * by every hook, mailet and matcher configured with the same settings and closed when the last of
 * them is destroyed. James creates each configured handler and mailet separately; without sharing,
 * each would open a pool of its own to the same database.
 *
 * <p>The pool (HikariCP) does not connect when it is created: a database that is down when James
 * starts makes decisions answer {@code 451} until it is back, rather than stopping James.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class SharedStores {
  private static final Logger log = LoggerFactory.getLogger(SharedStores.class);
  private static final AtomicInteger POOL_NUMBER = new AtomicInteger();

  /** Guarded by itself. */
  private static final Map<StoreSpec, Shared> OPEN = new HashMap<>();

  private SharedStores() {}

  /** A pool and the store on it, with the number of leases held. */
  private static final class Shared {
    final OpenStore open;
    int leases;

    Shared(OpenStore open) {
      this.open = open;
    }
  }

  /**
   * Takes a lease on the store for {@code settings}, opening its pool if no lease is held.
   *
   * @param settings the store spec
   * @return the lease; close it when done
   * @throws IllegalArgumentException if the JDBC driver class cannot be loaded or the pool refuses
   *     the settings; the message names no URL or password
   */
  public static Lease acquire(StoreSpec settings) {
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

  private static Shared open(StoreSpec settings) {
    OpenStore open = OpenStore.open(settings, "smtpcr-whitelist-" + POOL_NUMBER.incrementAndGet());
    try {
      open.jdbc().migrate();
      log.info("whitelist store ready: {}", settings);
    } catch (StoreException e) {
      log.warn(
          "whitelist store {} is not usable yet ({}); decisions answer 451 until it is",
          settings.describe(),
          e.getMessage());
    }
    return new Shared(open);
  }

  private static void release(StoreSpec settings, Shared shared) {
    synchronized (OPEN) {
      shared.leases--;
      if (shared.leases > 0) {
        return;
      }
      OPEN.remove(settings);
    }
    shared.open.close();
    log.info("whitelist store closed: {}", settings.describe());
  }

  /**
   * A hold on a shared store; {@link #close()} gives it back (idempotent). Thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Lease implements AutoCloseable {
    private final StoreSpec settings;
    private final Shared shared;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Lease(StoreSpec settings, Shared shared) {
      this.settings = settings;
      this.shared = shared;
    }

    /**
     * The shared store.
     *
     * @return the store
     */
    public WhitelistStore store() {
      return shared.open.store();
    }

    /** Gives the lease back; the last one closes the pool. */
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
