package org.smtpcr.examples.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A lifecycle for tests: a long-running command runs in a thread of its own, the test gets the
 * services it started, and {@link #stop()} ends it as a shutdown would.
 */
final class TestLifecycle implements Lifecycle, AutoCloseable {
  private final CompletableFuture<List<AutoCloseable>> serving = new CompletableFuture<>();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final CompletableFuture<CommandRun.Result> result = new CompletableFuture<>();

  @Override
  public Running begin() {
    return new Running() {
      private final List<AutoCloseable> services = new ArrayList<>();

      @Override
      public synchronized <T extends AutoCloseable> T add(T service) {
        services.add(service);
        return service;
      }

      @Override
      public void awaitStop() throws InterruptedException {
        serving.complete(List.copyOf(services));
        try {
          stop.await();
        } finally {
          close();
        }
      }

      @Override
      public synchronized void close() {
        Lifecycle.closeAll(services);
        services.clear();
      }
    };
  }

  /** Starts {@code smtpcr args...} in a thread. */
  TestLifecycle start(String... args) {
    Thread t =
        new Thread(
            () -> {
              try {
                CommandRun.Result r = CommandRun.run(this, TestDns.withDns(args));
                result.complete(r);
                serving.completeExceptionally(
                    new AssertionError("the command ended without serving: " + r));
              } catch (Throwable e) {
                result.completeExceptionally(e);
                serving.completeExceptionally(e);
              }
            },
            "smtpcr-test-command");
    t.setDaemon(true);
    t.start();
    return this;
  }

  /** The services once the command serves them. */
  List<AutoCloseable> awaitServing(Duration timeout) throws Exception {
    try {
      return serving.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("the command did not start", e.getCause());
    }
  }

  /** The first service of type {@code type}. */
  <T> T service(Class<T> type) throws Exception {
    return awaitServing(Duration.ofSeconds(60)).stream()
        .filter(type::isInstance)
        .map(type::cast)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " was started"));
  }

  /** Asks the command to stop, as Ctrl-C would, and returns its result. */
  CommandRun.Result stop() throws InterruptedException, ExecutionException, TimeoutException {
    stop.countDown();
    return result.get(60, TimeUnit.SECONDS);
  }

  /** Stops the command if the test did not, and waits for it. */
  @Override
  public void close() {
    if (stop.getCount() > 0) {
      stop.countDown();
      if (serving.isDone() && !serving.isCompletedExceptionally()) {
        try {
          result.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
          throw new AssertionError("the command did not stop", e);
        }
      }
    }
  }
}
