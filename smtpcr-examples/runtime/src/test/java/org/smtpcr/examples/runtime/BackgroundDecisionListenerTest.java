package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.engine.DecisionEvent;
import org.smtpcr.core.engine.DecisionListener;

/**
 * Decisions handed on by a thread of their own: none lost, each deciding thread's in its order, on
 * that thread while there is room, in the deciding thread when there is none or after close, and
 * {@code awaitDelivered} waits for what was queued before it.
 */
final class BackgroundDecisionListenerTest {
  private static final Duration LONG = Duration.ofSeconds(30);

  /** The name of a deciding thread a test starts. */
  private static final String CALLER = "test-caller";

  /** What a listener was handed, and on which thread: the two lists are written together. */
  private static final class Recorded implements DecisionListener {
    final List<String> sessions = Collections.synchronizedList(new ArrayList<>());
    final List<String> threads = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onDecision(DecisionEvent event) {
      synchronized (sessions) {
        sessions.add(event.sessionId());
        threads.add(Thread.currentThread().getName());
      }
    }
  }

  @Test
  void eventsOfOneThread_areHandedOnInOrder_onTheListenersThread() throws Exception {
    Recorded r = new Recorded();
    try (BackgroundDecisionListener l = BackgroundDecisionListener.start(r, "test-decisions")) {
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        sent.add("s" + i);
        l.onDecision(DecisionEvents.accept("s" + i));
      }
      assertTrue(l.awaitDelivered(LONG));
      assertEquals(sent, List.copyOf(r.sessions));
      assertEquals(List.of("test-decisions"), r.threads.stream().distinct().toList());
    }
  }

  @Test
  void eventsOfManyThreads_noneLost_eachThreadsInOrder() throws Exception {
    Recorded r = new Recorded();
    int threads = 8;
    int events = 5_000;
    // a small queue: the deciding threads also hand events on themselves when it is full
    try (BackgroundDecisionListener l =
        BackgroundDecisionListener.start(r, 64, Duration.ofMillis(100), 1, "test-decisions")) {
      assertTrue(
          InThreads.run(
              threads,
              id -> {
                for (int i = 0; i < events; i++) {
                  l.onDecision(DecisionEvents.accept(id + "-" + i));
                }
              },
              LONG));
      assertTrue(l.awaitDelivered(LONG));
      assertEquals(threads * events, r.sessions.size());
      Map<Integer, Integer> next = new HashMap<>();
      List<String> got = List.copyOf(r.sessions);
      List<String> on = List.copyOf(r.threads);
      for (int k = 0; k < got.size(); k++) {
        String[] p = got.get(k).split("-");
        int thread = Integer.parseInt(p[0]);
        int i = Integer.parseInt(p[1]);
        if (on.get(k).equals("test-decisions")) {
          // the queued ones in order; one a thread handed on itself may come before them
          assertTrue(i >= next.getOrDefault(thread, 0), () -> "out of order: " + thread);
          next.put(thread, i + 1);
        }
      }
      assertEquals(threads * events, got.stream().distinct().count(), "each exactly once");
    }
  }

  @Test
  void aFullQueue_isHandedOnInTheDecidingThread() throws Exception {
    CountDownLatch taken = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Recorded r = new Recorded();
    DecisionListener blocking =
        e -> {
          if (e.sessionId().equals("s0")) {
            taken.countDown();
            try {
              release.await();
            } catch (InterruptedException x) {
              Thread.currentThread().interrupt();
            }
          }
          r.onDecision(e);
        };
    // the room left looked at on every event
    try (BackgroundDecisionListener l =
        BackgroundDecisionListener.start(
            blocking, 2, Duration.ofMillis(100), 1, "test-decisions")) {
      l.onDecision(DecisionEvents.accept("s0"));
      assertTrue(taken.await(LONG.toSeconds(), TimeUnit.SECONDS));
      l.onDecision(DecisionEvents.accept("s1"));
      // two wait (one of them in the listener): the third goes through here, at once
      l.onDecision(DecisionEvents.accept("s2"));
      assertEquals(List.of("s2"), List.copyOf(r.sessions));
      assertEquals(List.of(Thread.currentThread().getName()), List.copyOf(r.threads));
      assertFalse(l.awaitDelivered(Duration.ofMillis(20)), "s0 and s1 are not handed on yet");
      release.countDown();
      assertTrue(l.awaitDelivered(LONG));
      assertEquals(List.of("s2", "s0", "s1"), List.copyOf(r.sessions));
    }
  }

  @Test
  void aListenerThatBlocks_doesNotMakeTheQueueGrow() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Recorded r = new Recorded();
    DecisionListener blocking =
        e -> {
          if (!Thread.currentThread().getName().equals(CALLER)) {
            try {
              release.await();
            } catch (InterruptedException x) {
              Thread.currentThread().interrupt();
            }
          }
          r.onDecision(e);
        };
    int events = 10_000;
    // the default look at the room left: once in 64 events, at random
    try (BackgroundDecisionListener l =
        BackgroundDecisionListener.start(blocking, 16, "test-decisions")) {
      Thread caller =
          new Thread(
              () -> {
                for (int i = 0; i < events; i++) {
                  l.onDecision(DecisionEvents.accept("s" + i));
                }
              },
              CALLER);
      caller.start();
      caller.join();
      // once a look finds the queue full, every later event goes through the caller; the first
      // look comes within 1,000 events but for a chance of (63/64)^1000, about 1 in 7 million
      long here = r.threads.stream().filter(CALLER::equals).count();
      assertTrue(here >= events - 16 - 1_000, () -> here + " handed on in the caller");
      release.countDown();
      assertTrue(l.awaitDelivered(LONG));
      assertEquals(events, r.sessions.size());
    }
  }

  @Test
  void close_handsOnWhatIsQueued_andLaterEventsInTheCaller() {
    Recorded r = new Recorded();
    BackgroundDecisionListener l = BackgroundDecisionListener.start(r, "test-decisions");
    for (int i = 0; i < 1_000; i++) {
      l.onDecision(DecisionEvents.accept("s" + i));
    }
    l.close();
    assertEquals(1_000, r.sessions.size());
    l.onDecision(DecisionEvents.accept("late"));
    assertEquals("late", r.sessions.get(1_000));
    assertEquals(Thread.currentThread().getName(), r.threads.get(1_000));
  }

  @Test
  void anIdleThread_isWokenByTheNextEvent() throws Exception {
    CountDownLatch second = new CountDownLatch(1);
    DecisionListener counting =
        e -> {
          if (e.sessionId().equals("second")) {
            second.countDown();
          }
        };
    // idle, the thread would look again only after an hour: only the event can wake it
    try (BackgroundDecisionListener l =
        BackgroundDecisionListener.start(counting, 16, Duration.ofHours(1), 64, "test-decisions")) {
      l.onDecision(DecisionEvents.accept("first"));
      assertTrue(l.awaitDelivered(LONG));
      long deadline = System.nanoTime() + LONG.toNanos();
      while (!l.idle()) {
        assertTrue(System.nanoTime() < deadline, "the thread did not go idle");
        Thread.onSpinWait();
      }
      l.onDecision(DecisionEvents.accept("second"));
      assertTrue(second.await(LONG.toSeconds(), TimeUnit.SECONDS));
    }
  }

  @Test
  void aListenerThatThrows_doesNotStopTheNextEvents() throws Exception {
    Recorded r = new Recorded();
    DecisionListener failing =
        e -> {
          if (e.sessionId().equals("s1")) {
            throw new IllegalStateException("listener failed");
          }
          r.onDecision(e);
        };
    try (BackgroundDecisionListener l =
        BackgroundDecisionListener.start(failing, "test-decisions")) {
      for (int i = 0; i < 3; i++) {
        l.onDecision(DecisionEvents.accept("s" + i));
      }
      assertTrue(l.awaitDelivered(LONG));
      assertEquals(List.of("s0", "s2"), List.copyOf(r.sessions));
    }
  }

  @Test
  void arguments_areChecked() {
    Recorded r = new Recorded();
    assertThrows(IllegalArgumentException.class, () -> BackgroundDecisionListener.start(r, 0, "t"));
    assertThrows(NullPointerException.class, () -> BackgroundDecisionListener.start(null, "t"));
    try (BackgroundDecisionListener l = BackgroundDecisionListener.start(r, "test-decisions")) {
      assertThrows(NullPointerException.class, () -> l.onDecision(null));
      assertEquals("BackgroundDecisionListener[test-decisions]", l.toString());
    }
  }
}
