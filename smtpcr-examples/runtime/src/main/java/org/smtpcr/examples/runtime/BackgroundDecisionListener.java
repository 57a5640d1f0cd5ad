package org.smtpcr.examples.runtime;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.engine.DecisionEvent;
import org.smtpcr.core.engine.DecisionListener;

/**
 * A {@link DecisionListener} that hands each decision to another listener on a thread of its own,
 * so that the threads that decide (a server's workers) only queue the event and go on. The {@code
 * smtpcr} command puts the decision log and the metrics behind one:
 *
 * <pre>{@code
 * BackgroundDecisionListener decisions =
 *     BackgroundDecisionListener.start(
 *         DecisionLog.from(settings, ring).andThen(MicrometerDecisionListener.of(registry)),
 *         "smtpcr-decisions");
 * DecisionEngine engine = StandardEngine.builder(settings, ring, store).listener(decisions).build();
 * ...
 * decisions.close(); // after the servers: hands on what is still queued
 * }</pre>
 *
 * <p>Under load the thread takes the events in batches: after a batch it lets the next one gather
 * for {@value #GATHER_MICROS} µs, so one wake-up carries many events and the deciding threads never
 * wake it themselves; an idle thread is woken by the first event. Formatting the lines and counting
 * in one thread, many at a time, also costs less than in each worker among the server's own work
 * ({@code docs/benchmarks.md}, the policy server's goals).
 *
 * <p>Nothing is dropped, and the events of one deciding thread reach the listener in the order it
 * queued them:
 *
 * <ul>
 *   <li>while about {@value #DEFAULT_CAPACITY} events (by default) wait, a deciding thread calls
 *       the listener itself, so a listener that falls behind (standard error that blocks) slows the
 *       servers instead of filling memory; such an event can reach the listener before events
 *       queued earlier, that thread's own among them. A deciding thread looks at the room left once
 *       in {@value #CHECK_EVERY} events, so the queue can outgrow the capacity by about that many
 *       events per thread;
 *   <li>{@link #awaitDelivered} waits until every event queued before it was handed on: the metrics
 *       server calls it before each scrape, so {@code /metrics} counts every decision answered
 *       before the request;
 *   <li>{@link #close()} hands on what is queued; later events are handed on in the caller's
 *       thread.
 * </ul>
 *
 * <p>What is queued when the process is killed outright ({@code SIGKILL}) is lost: at most the
 * events of the last milliseconds; so is what a listener that blocks for more than {@link
 * #close()}'s 5 s keeps queued (logged at WARN). A listener that throws a {@link RuntimeException}
 * is logged at WARN, as the engine logs its listeners' failures, and the next event is handed on as
 * usual; an {@link Error} ends the thread (the JVM prints it), and from then on each event is
 * handed on in the deciding thread. Thread-safe.
 *
 * @since 0.3.0
 */
public final class BackgroundDecisionListener implements DecisionListener, AutoCloseable {
  /** How many events may wait before deciding threads call the listener themselves. */
  public static final int DEFAULT_CAPACITY = 16_384;

  /** A deciding thread looks whether the queue is full once in this many events, on average. */
  static final int CHECK_EVERY = 64;

  /** How many events are handed on between updates of {@link #handedOn}. */
  private static final int COUNT_STEP = 64;

  private static final Logger log = LoggerFactory.getLogger(BackgroundDecisionListener.class);

  /** After a batch, the thread lets the next one gather this long before it takes it. */
  static final long GATHER_MICROS = 1_000;

  /** With nothing queued, the thread waits for an event, looking again at least this often. */
  static final Duration IDLE_WAIT = Duration.ofMillis(100);

  /** How long {@link #close()} waits for the thread to hand on what is queued. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final DecisionListener listener;
  private final int capacity;
  private final long idleWaitNanos;
  private final Queue<DecisionEvent> queue = new ConcurrentLinkedQueue<>();

  /**
   * Events ever queued: each counted before it is queued. A {@link LongAdder}, so that deciding
   * threads do not take turns at one counter; its sum is read by {@link #awaitDelivered} and, for
   * the room left, once in {@link #checkEvery} events on average.
   */
  private final LongAdder queued = new LongAdder();

  /** How often (a power of two) a deciding thread looks whether the queue is full. */
  private final int checkEvery;

  /**
   * Events taken from the queue and handed on (or that threw): counted in steps of {@value
   * #COUNT_STEP} and at the end of each batch, so that deciding threads, which read it, do not find
   * it changed at every event.
   */
  private final AtomicLong handedOn = new AtomicLong();

  /** Whether a deciding thread found the queue full: each looks at every event until it is not. */
  private volatile boolean full;

  /** Whether the thread waits for an event: the next one queued wakes it. */
  private volatile boolean idle;

  /** Whether {@link #close()} was called: the thread empties the queue and ends. */
  private volatile boolean closing;

  /** Whether the thread has ended: events are handed on in the caller's thread. */
  private volatile boolean ended;

  /** Waited on by {@link #awaitDelivered}; notified after each batch, and within a long one. */
  private final Object delivered = new Object();

  /**
   * How many callers wait in {@link #awaitDelivered}. Written under {@link #delivered}; read
   * without it within a batch, to tell them before the batch ends.
   */
  private volatile int waiting;

  private final Thread thread;

  private BackgroundDecisionListener(
      DecisionListener listener,
      int capacity,
      Duration idleWait,
      int checkEvery,
      String threadName) {
    this.listener = listener;
    this.capacity = capacity;
    this.checkEvery = checkEvery;
    this.idleWaitNanos = idleWait.toNanos();
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
  }

  /**
   * Starts the thread that hands events to {@code listener}, with room for {@value
   * #DEFAULT_CAPACITY} waiting events.
   *
   * @param listener the listener the events are handed to; called on the thread, and in deciding
   *     threads when the queue is full or closed, so it must be thread-safe (every listener of an
   *     engine is)
   * @param threadName the thread's name
   * @return the listener to give the engine
   */
  public static BackgroundDecisionListener start(DecisionListener listener, String threadName) {
    return start(listener, DEFAULT_CAPACITY, threadName);
  }

  /**
   * {@link #start(DecisionListener, String)} with room for {@code capacity} waiting events.
   *
   * @param listener the listener the events are handed to
   * @param capacity how many events may wait, at least 1
   * @param threadName the thread's name
   * @return the listener to give the engine
   */
  public static BackgroundDecisionListener start(
      DecisionListener listener, int capacity, String threadName) {
    return start(listener, capacity, IDLE_WAIT, CHECK_EVERY, threadName);
  }

  /**
   * With another wait of an idle thread and another interval of the look for room: tests make the
   * wait long, to see that an event wakes the thread, and look at every event.
   */
  static BackgroundDecisionListener start(
      DecisionListener listener,
      int capacity,
      Duration idleWait,
      int checkEvery,
      String threadName) {
    requireNonNull(listener, "listener");
    requireNonNull(idleWait, "idleWait");
    requireNonNull(threadName, "threadName");
    checkArgument(capacity > 0, "capacity must be positive");
    checkArgument(!idleWait.isNegative() && !idleWait.isZero(), "idleWait must be positive");
    checkArgument(Integer.bitCount(checkEvery) == 1, "checkEvery must be a power of two");
    BackgroundDecisionListener l =
        new BackgroundDecisionListener(listener, capacity, idleWait, checkEvery, threadName);
    l.thread.start();
    return l;
  }

  /** Whether the thread waits for an event (for tests). */
  boolean idle() {
    return idle;
  }

  /**
   * Queues {@code event} for the thread; hands it on in this thread instead when {@link
   * #DEFAULT_CAPACITY capacity} events wait already, or after {@link #close()}.
   */
  @Override
  public void onDecision(DecisionEvent event) {
    requireNonNull(event, "event");
    if (closing || ended || full()) {
      listener.onDecision(event);
      return;
    }
    // counted first: awaitDelivered waits for it even while it is not in the queue yet
    queued.increment();
    queue.offer(event);
    if (idle) {
      LockSupport.unpark(thread);
    }
    if (ended) {
      // the thread ended (close, or an Error) between the check and the offer, and may have
      // emptied the queue for the last time before the offer: what it left is handed on here
      handOn();
    }
  }

  /**
   * Whether {@link #capacity} events wait. Looked at once in {@link #checkEvery} calls (at random),
   * since the sum of the counter reads every thread's part of it; once found full, at every call
   * until there is room again. The bound is not exact: until a thread looks, the queue can grow by
   * about {@link #checkEvery} events per deciding thread.
   */
  private boolean full() {
    if (!full && (ThreadLocalRandom.current().nextInt() & (checkEvery - 1)) != 0) {
      return false;
    }
    boolean f = queued.sum() - handedOn.get() >= capacity;
    if (f != full) {
      full = f;
    }
    return f;
  }

  /**
   * Waits until every event queued before this call has been handed on, at most {@code timeout}.
   *
   * @param timeout how long to wait at most
   * @return whether they were handed on in time
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitDelivered(Duration timeout) throws InterruptedException {
    requireNonNull(timeout, "timeout");
    long target = queued.sum();
    long deadline = System.nanoTime() + timeout.toNanos();
    if (handedOn.get() >= target) {
      return true;
    }
    synchronized (delivered) {
      waiting++;
      try {
        // gathering or idle: take the queue now
        LockSupport.unpark(thread);
        while (handedOn.get() < target && !ended) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(delivered, left);
        }
      } finally {
        waiting--;
      }
    }
    if (handedOn.get() < target) {
      // the thread ended without them: they are handed on here (another thread may still be
      // handing on one it took)
      handOn();
    }
    return handedOn.get() >= target;
  }

  /**
   * Hands on what is queued, then stops the thread; from then on each event is handed on in the
   * thread that queues it. Waits at most 5 s for a listener that blocks.
   */
  @Override
  public void close() {
    closing = true;
    LockSupport.unpark(thread);
    try {
      thread.join(CLOSE_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn(
          "{} did not hand on what is queued within {} s: its listener blocks",
          thread.getName(),
          CLOSE_WAIT.toSeconds());
    }
  }

  private void run() {
    try {
      // whether the look before this one found events: after two empty looks the thread is idle
      boolean tookBefore = false;
      while (true) {
        // nothing interrupts the thread; if something did, parking would no longer wait
        Thread.interrupted();
        int n = handOn();
        if (n > 0) {
          tellWaiters();
        }
        if (closing && queue.isEmpty()) {
          return;
        }
        boolean gather = n > 0 || tookBefore;
        tookBefore = n > 0;
        if (gather) {
          // the deciding threads do not wake the thread while it gathers
          LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(GATHER_MICROS));
        } else {
          idle = true;
          try {
            // an event queued after this look wakes the thread (it reads idle after queuing)
            if (queue.isEmpty() && !closing) {
              LockSupport.parkNanos(this, idleWaitNanos);
            }
          } finally {
            idle = false;
          }
        }
      }
    } finally {
      ended = true;
      // what a deciding thread queued after the last look, having read ended before it was set
      handOn();
      tellWaiters();
    }
  }

  /**
   * Hands on every queued event; returns how many. The thread's work; after it ended, that of
   * whoever finds events left.
   */
  private int handOn() {
    int n = 0;
    int uncounted = 0;
    try {
      DecisionEvent e;
      while ((e = queue.poll()) != null) {
        n++;
        uncounted++;
        try {
          listener.onDecision(e);
        } catch (RuntimeException x) {
          log.warn(
              "decision listener failed with {} (session {})",
              x.getClass().getName(),
              e.sessionId());
        }
        if (uncounted == COUNT_STEP) {
          handedOn.addAndGet(uncounted);
          uncounted = 0;
          if (waiting > 0) {
            // a batch that does not end (a thread that falls behind): tell them now
            tellWaiters();
          }
        }
      }
    } finally {
      handedOn.addAndGet(uncounted);
    }
    return n;
  }

  private void tellWaiters() {
    synchronized (delivered) {
      if (waiting > 0) {
        delivered.notifyAll();
      }
    }
  }

  @Override
  public String toString() {
    return "BackgroundDecisionListener[" + thread.getName() + "]";
  }
}
