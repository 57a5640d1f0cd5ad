package org.smtpcr.examples.runtime;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.store.WhitelistStore;

/**
 * Deletes expired whitelist entries and ended counter windows from a store on a schedule ({@link
 * WhitelistStore#removeExpired()}), for every long-running route: the CLI's servers, and any
 * embedder that keeps a store open (James can start one per store lease). Expired entries never
 * count, but without a sweep they stay in the database for ever.
 *
 * <p>Each sweep logs one line with the count. A sweep that fails (the store is down) is logged at
 * WARN and tried again at the next interval; it never stops the schedule. {@link #close()} stops
 * it.
 *
 * <p>Thread-safe.
 *
 * @since 0.3.0
 */
public final class ExpirySweeper implements AutoCloseable {
  /** The default interval: an hour. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);

  /** The shortest interval accepted: a second. */
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(ExpirySweeper.class);

  /**
   * Runs a task now and then every interval, until the returned handle is closed. The default runs
   * it on a daemon thread of its own; tests pass one that runs the task when told to.
   *
   * @since 0.3.0
   */
  @FunctionalInterface
  public interface Schedule {
    /**
     * Starts running {@code task} now and then every {@code interval}.
     *
     * @param interval the time between the end of one run and the start of the next
     * @param task the task; it does not throw
     * @return the handle that stops the schedule
     */
    AutoCloseable every(Duration interval, Runnable task);

    /**
     * A schedule on a daemon thread of its own, named {@code name}.
     *
     * @param name the thread's name
     * @return the schedule
     */
    static Schedule daemonThread(String name) {
      requireNonNull(name, "name");
      return (interval, task) -> {
        ScheduledExecutorService executor =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, name);
                  t.setDaemon(true);
                  return t;
                });
        ScheduledFuture<?> f =
            executor.scheduleWithFixedDelay(task, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return () -> {
          f.cancel(false);
          executor.shutdownNow();
        };
      };
    }
  }

  private final WhitelistStore store;
  private final Duration interval;
  private final AutoCloseable handle;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ExpirySweeper(WhitelistStore store, Duration interval, Schedule schedule) {
    this.store = store;
    this.interval = interval;
    this.handle = requireNonNull(schedule.every(interval, this::sweepLogged), "schedule handle");
  }

  /**
   * Starts sweeping {@code store} now and then every {@code interval}, on a daemon thread.
   *
   * @param store the store
   * @param interval the time between sweeps, at least {@link #MIN_INTERVAL}
   * @return the running sweeper; close it on shutdown
   * @throws IllegalArgumentException if the interval is too short
   */
  public static ExpirySweeper start(WhitelistStore store, Duration interval) {
    return start(store, interval, Schedule.daemonThread("smtpcr-expiry-sweeper"));
  }

  /**
   * Starts sweeping {@code store} on {@code schedule}.
   *
   * @param store the store
   * @param interval the time between sweeps, at least {@link #MIN_INTERVAL}
   * @param schedule what runs the sweeps
   * @return the running sweeper; close it on shutdown
   * @throws IllegalArgumentException if the interval is too short
   */
  public static ExpirySweeper start(WhitelistStore store, Duration interval, Schedule schedule) {
    requireNonNull(store, "store");
    requireNonNull(schedule, "schedule");
    checkInterval("interval", interval);
    return new ExpirySweeper(store, interval, schedule);
  }

  /**
   * Starts a sweeper for {@code store} at the interval of {@link Settings#SWEEP_INTERVAL}.
   *
   * @param store the store
   * @param settings the settings
   * @return the running sweeper
   */
  public static ExpirySweeper start(WhitelistStore store, Settings settings) {
    requireNonNull(settings, "settings");
    return start(store, settings.get(Settings.SWEEP_INTERVAL));
  }

  /**
   * Sweeps once, now, on the caller's thread ({@code smtpcr whitelist prune}).
   *
   * @param store the store
   * @return how many entries and counter windows were deleted
   * @throws org.smtpcr.core.store.StoreException if the store fails
   */
  public static long sweep(WhitelistStore store) {
    requireNonNull(store, "store");
    long removed = store.removeExpired();
    log.info("expiry sweep removed {} expired whitelist entries and counter windows", removed);
    return removed;
  }

  /** One scheduled run: never throws, so that the schedule goes on. */
  private void sweepLogged() {
    if (closed.get()) {
      return;
    }
    try {
      sweep(store);
    } catch (RuntimeException | LinkageError e) {
      // an uncaught throwable would cancel every later run of the schedule
      log.warn(
          "expiry sweep failed ({}: {}); trying again in {}",
          e.getClass().getSimpleName(),
          Settings.printable(String.valueOf(e.getMessage())),
          interval);
    }
  }

  /**
   * The time between sweeps.
   *
   * @return the interval
   */
  public Duration interval() {
    return interval;
  }

  /** Stops the schedule (idempotent); a sweep under way finishes. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        handle.close();
      } catch (Exception e) {
        log.warn("stopping the expiry sweep failed ({})", e.getClass().getSimpleName());
      }
    }
  }

  @Override
  public String toString() {
    return "ExpirySweeper[every " + interval + (closed.get() ? ", closed" : "") + "]";
  }

  static Duration checkInterval(String key, Duration interval) {
    requireNonNull(interval, "interval");
    checkArgument(
        interval.compareTo(MIN_INTERVAL) >= 0,
        "%s must be at least %s, got %s",
        key,
        MIN_INTERVAL,
        interval);
    return interval;
  }
}
