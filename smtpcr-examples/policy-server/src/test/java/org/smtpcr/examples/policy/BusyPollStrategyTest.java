package org.smtpcr.examples.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.SelectStrategy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

final class BusyPollStrategyTest {
  private static final long SPIN = 200_000; // 200 µs

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final AtomicInteger ready = new AtomicInteger();
  private final AtomicInteger polls = new AtomicInteger();
  private final BusyPollStrategy strategy = new BusyPollStrategy(SPIN, now::get);

  private int next(boolean hasTasks) throws Exception {
    return strategy.calculateStrategy(
        () -> {
          polls.incrementAndGet();
          return ready.get();
        },
        hasTasks);
  }

  @Test
  void readyChannels_handledAtOnce() throws Exception {
    ready.set(3);
    assertEquals(3, next(false));
    assertEquals(1, polls.get(), "one non-blocking select per call");
  }

  @Test
  void nothingReady_pollsAgainUntilTheSpinHasPassed_thenSleeps() throws Exception {
    ready.set(1);
    assertEquals(1, next(false)); // an event at t0
    ready.set(0);
    now.addAndGet(SPIN - 1);
    assertEquals(SelectStrategy.CONTINUE, next(false), "within the spin: poll again");
    now.addAndGet(1);
    assertEquals(SelectStrategy.SELECT, next(false), "the spin has passed: sleep in select");
  }

  @Test
  void eachEvent_restartsTheSpin() throws Exception {
    ready.set(1);
    assertEquals(1, next(false));
    now.addAndGet(SPIN - 10);
    assertEquals(1, next(false)); // a second event just before the spin ends
    ready.set(0);
    now.addAndGet(SPIN - 10);
    assertEquals(SelectStrategy.CONTINUE, next(false), "the spin counts from the last event");
  }

  @Test
  void queuedTasks_runWithoutWaiting_andCountAsActivity() throws Exception {
    now.addAndGet(10 * SPIN); // long idle
    assertEquals(0, next(true), "tasks pending: select nothing, run them");
    assertEquals(SelectStrategy.CONTINUE, next(false), "a task is activity: the spin starts again");
  }

  @Test
  void idleFromTheStart_sleepsOnceTheSpinHasPassed() throws Exception {
    assertEquals(SelectStrategy.CONTINUE, next(false));
    now.addAndGet(SPIN);
    assertEquals(SelectStrategy.SELECT, next(false));
  }
}
