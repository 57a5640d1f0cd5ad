package org.smtpcr.examples.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a long-running command lives: it serves until the process is asked to stop (Ctrl-C, SIGTERM).
 */
interface Lifecycle {
  /**
   * Starts a run: from now on, a request to stop closes what was {@linkplain Running#add added}.
   *
   * @return the run
   */
  Running begin();

  /** The services of one run of a long-running command. */
  interface Running extends AutoCloseable {
    /** Adds a started service, to be closed (last first) when the run ends. */
    <T extends AutoCloseable> T add(T service);

    /** Blocks until asked to stop; the services are closed by then. */
    void awaitStop() throws InterruptedException;

    /** Closes the services now (the command failed to start). */
    @Override
    void close();
  }

  /** Closes {@code services} last first; a failure of one does not keep the others open. */
  static void closeAll(List<AutoCloseable> services) {
    Logger log = LoggerFactory.getLogger(Lifecycle.class);
    List<AutoCloseable> reversed = new ArrayList<>(services);
    Collections.reverse(reversed);
    for (AutoCloseable c : reversed) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("closing {} failed with {}", c.getClass().getSimpleName(), e.getClass().getName());
      }
    }
  }

  /**
   * The process's lifecycle: a shutdown hook, registered before anything starts, closes the
   * services when the JVM is asked to stop; the command waits for that.
   */
  static Lifecycle untilShutdown() {
    return () ->
        new Running() {
          private final List<AutoCloseable> services = new ArrayList<>();
          private final CountDownLatch stopped = new CountDownLatch(1);
          private final Thread hook = new Thread(this::stop, "smtpcr-shutdown");

          {
            Runtime.getRuntime().addShutdownHook(hook);
          }

          @Override
          public synchronized <T extends AutoCloseable> T add(T service) {
            services.add(service);
            return service;
          }

          @Override
          public void awaitStop() throws InterruptedException {
            stopped.await();
          }

          @Override
          public void close() {
            try {
              Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
              return; // already shutting down: the hook closes them
            }
            stop();
          }

          private void stop() {
            List<AutoCloseable> copy;
            synchronized (this) {
              copy = List.copyOf(services);
              services.clear();
            }
            if (!copy.isEmpty()) {
              LoggerFactory.getLogger(Lifecycle.class).info("stopping");
            }
            closeAll(copy);
            stopped.countDown();
          }
        };
  }
}
