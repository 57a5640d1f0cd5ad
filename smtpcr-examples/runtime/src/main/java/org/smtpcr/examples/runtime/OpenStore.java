package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.store.JdbcWhitelistStore;
import org.smtpcr.core.store.WhitelistStore;

/**
 * A whitelist store opened from a {@link StoreSpec}: its connection pool, the {@link
 * JdbcWhitelistStore} on it and, when the spec {@linkplain StoreSpec#cached() asks for one}, the
 * near cache in front ({@link CachingWhitelistStore}). Every route opens its store here: the CLI's
 * servers, James (through {@link SharedStores}) and the benchmarks.
 *
 * <p>On PostgreSQL the cache hears every change through {@code LISTEN/NOTIFY}, on a connection of
 * its own outside the pool, and serves only while it listens; see {@code docs/stores.md}. On other
 * databases (H2) the cache is off unless {@code store.cache=on}, and then an answer is reused for
 * up to {@code store.cacheTtl}.
 *
 * <p>Thread-safe.
 *
 * @since 0.3.0
 */
public final class OpenStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpenStore.class);

  /** Longer than this, a cache that hears no changes is warned about. */
  private static final Duration QUIET_TTL = Duration.ofSeconds(1);

  private final StoreSpec spec;
  private final HikariDataSource dataSource;
  private final JdbcWhitelistStore jdbc;
  private final WhitelistStore wrapped;
  private final Optional<CachingWhitelistStore> cache;
  private final Optional<Supplier<PostgresChanges>> listener;

  /** Guarded by this. */
  private PostgresChanges changes;

  /** Guarded by this. */
  private boolean closed;

  private OpenStore(
      StoreSpec spec,
      HikariDataSource dataSource,
      JdbcWhitelistStore jdbc,
      WhitelistStore wrapped,
      Optional<CachingWhitelistStore> cache,
      Optional<Supplier<PostgresChanges>> listener) {
    this.spec = spec;
    this.dataSource = dataSource;
    this.jdbc = jdbc;
    this.wrapped = wrapped;
    this.cache = cache;
    this.listener = listener;
  }

  /**
   * Opens the pool and the store for {@code spec}, with the near cache the spec asks for, on the
   * system clock. Neither the pool nor the cache's listener needs the database to be up: until it
   * is, look-ups fail (and decisions answer {@code 451 4.3.0}).
   *
   * @param spec the store spec
   * @param poolName the pool's name (HikariCP's logs; the listener thread's name)
   * @return the open store; close it when done
   * @throws IllegalArgumentException if the JDBC driver class cannot be loaded or the pool refuses
   *     the spec; the message names no URL or password
   */
  public static OpenStore open(StoreSpec spec, String poolName) {
    return open(spec, poolName, Clock.systemUTC());
  }

  /**
   * {@link #open(StoreSpec, String)} with another clock, for the store and the cache.
   *
   * @param spec the store spec
   * @param poolName the pool's name
   * @param clock the clock
   * @return the open store; close it when done
   * @throws IllegalArgumentException as {@link #open(StoreSpec, String)}
   */
  public static OpenStore open(StoreSpec spec, String poolName, Clock clock) {
    return open(spec, poolName, clock, UnaryOperator.identity());
  }

  /**
   * {@link #open(StoreSpec, String, Clock)} with a wrapper around the JDBC store, beneath the near
   * cache: {@code TimedWhitelistStore} there times the database's answers, not the cache's.
   *
   * @param spec the store spec
   * @param poolName the pool's name
   * @param clock the clock
   * @param beneathCache wraps the JDBC store; {@link #store()} is the cache over the wrapped store
   *     (or the wrapped store when there is no cache)
   * @return the open store; close it when done
   * @throws IllegalArgumentException as {@link #open(StoreSpec, String)}
   */
  public static OpenStore open(
      StoreSpec spec, String poolName, Clock clock, UnaryOperator<WhitelistStore> beneathCache) {
    requireNonNull(spec, "spec");
    requireNonNull(poolName, "poolName");
    requireNonNull(clock, "clock");
    requireNonNull(beneathCache, "beneathCache");
    HikariDataSource dataSource = spec.openDataSource(poolName);
    try {
      JdbcWhitelistStore.Builder b = JdbcWhitelistStore.builder().dataSource(dataSource);
      spec.tablePrefix().ifPresent(b::tablePrefix);
      b.clock(clock);
      JdbcWhitelistStore jdbc = b.build();
      WhitelistStore wrapped = requireNonNull(beneathCache.apply(jdbc), "beneathCache's store");
      if (!spec.cached()) {
        return new OpenStore(spec, dataSource, jdbc, wrapped, Optional.empty(), Optional.empty());
      }
      CachingWhitelistStore.Builder cb =
          CachingWhitelistStore.builder()
              .store(wrapped)
              .maximumSize(spec.cacheSize())
              .ttl(spec.cacheTtl())
              .keyFilter(spec.cacheFilterKeys())
              .clock(clock);
      if (!spec.isPostgresql()) {
        if (spec.cacheTtl().compareTo(QUIET_TTL) > 0) {
          log.warn(
              "whitelist near cache on {} hears no changes from other processes: a confirmation,"
                  + " removal or deny entry made elsewhere may go unseen for up to {}"
                  + " (store.cacheTtl)",
              spec.describe(),
              spec.cacheTtl());
        }
        return new OpenStore(
            spec, dataSource, jdbc, wrapped, Optional.of(cb.build()), Optional.empty());
      }
      CachingWhitelistStore cache = cb.buildListening();
      String prefix = spec.tablePrefix().orElse(JdbcWhitelistStore.DEFAULT_TABLE_PREFIX);
      Supplier<Connection> connect =
          () -> {
            try {
              return spec.connectDirectly();
            } catch (SQLException e) {
              throw new StoreUnreachable(e);
            }
          };
      Supplier<PostgresChanges> listener =
          () -> PostgresChanges.start(connect, jdbc::migrate, prefix, cache, poolName + "-changes");
      return new OpenStore(
          spec, dataSource, jdbc, wrapped, Optional.of(cache), Optional.of(listener));
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  /** A connection the listener could not open; carries the driver's message. */
  private static final class StoreUnreachable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreUnreachable(SQLException e) {
      super(e.getMessage(), e);
    }
  }

  /**
   * The store every decision should use: the near cache when there is one, else the JDBC store. The
   * first call starts the cache's PostgreSQL listener (a thread and a connection of its own); until
   * it listens, the cache sends every look-up to the database. {@link #cache()} alone starts
   * nothing: a cache that no one got through this method never serves.
   *
   * @return the store
   */
  public WhitelistStore store() {
    if (cache.isEmpty()) {
      return wrapped;
    }
    synchronized (this) {
      if (changes == null && !closed && listener.isPresent()) {
        changes = listener.get().get();
      }
    }
    return cache.get();
  }

  /**
   * The JDBC store itself, without the cache (for {@link JdbcWhitelistStore#migrate()}, or for a
   * one-shot command that needs no cache; calling only this never starts the cache's listener).
   *
   * @return the store
   */
  public JdbcWhitelistStore jdbc() {
    return jdbc;
  }

  /**
   * The near cache, if the spec asked for one.
   *
   * @return the cache, or empty
   */
  public Optional<CachingWhitelistStore> cache() {
    return cache;
  }

  /**
   * The spec this store was opened with.
   *
   * @return the spec
   */
  public StoreSpec spec() {
    return spec;
  }

  /** Stops the cache's listener and closes the pool. */
  @Override
  public void close() {
    PostgresChanges c;
    synchronized (this) {
      closed = true;
      c = changes;
    }
    cache.ifPresent(CachingWhitelistStore::stopFilter);
    try {
      if (c != null) {
        c.close();
      }
    } finally {
      dataSource.close();
    }
  }

  @Override
  public String toString() {
    return "OpenStore[" + spec + "]";
  }
}
