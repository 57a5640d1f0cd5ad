package org.smtpcr.examples.runtime;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/** Test fixture: the same work started in several threads at once. */
final class InThreads {
  private InThreads() {}

  /**
   * Runs {@code body} with each thread's index, 0 to {@code threads - 1}, in threads of their own.
   *
   * @return whether all of them finished within {@code timeout}
   */
  static boolean run(int threads, IntConsumer body, Duration timeout) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      int id = t;
      new Thread(
              () -> {
                try {
                  body.accept(id);
                } finally {
                  done.countDown();
                }
              })
          .start();
    }
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
