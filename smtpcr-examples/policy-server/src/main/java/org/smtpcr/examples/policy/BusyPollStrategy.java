package org.smtpcr.examples.policy;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;
import java.util.function.LongSupplier;

/**
 * How the event loop waits for I/O when {@link PolicyServer.Builder#busyPoll busy polling} is on:
 * after the last event it keeps polling without sleeping for a while, then sleeps in {@code select}
 * as usual. A request that arrives while it polls is read at once, instead of after the event-loop
 * thread has been woken, which on virtual machines can take longer than deciding. An idle server
 * sleeps as before: it polls only within {@code spinNanos} of its last event.
 *
 * <p>One instance per event loop, used only by that loop's thread.
 */
final class BusyPollStrategy implements SelectStrategy {
  private final long spinNanos;
  private final LongSupplier nanoTime;
  private long lastEvent;

  BusyPollStrategy(long spinNanos, LongSupplier nanoTime) {
    this.spinNanos = spinNanos;
    this.nanoTime = nanoTime;
    this.lastEvent = nanoTime.getAsLong();
  }

  /** A factory for the event-loop group: one strategy per loop. */
  static SelectStrategyFactory factory(long spinNanos) {
    return () -> new BusyPollStrategy(spinNanos, System::nanoTime);
  }

  @Override
  public int calculateStrategy(IntSupplier selectSupplier, boolean hasTasks) throws Exception {
    int ready = selectSupplier.get(); // a select that does not wait
    long now = nanoTime.getAsLong();
    if (ready > 0 || hasTasks) {
      lastEvent = now;
      return ready; // handle the keys (if any), then run the tasks
    }
    if (now - lastEvent < spinNanos) {
      return SelectStrategy.CONTINUE; // nothing yet: poll again
    }
    return SelectStrategy.SELECT; // quiet for a while: sleep until woken
  }
}
