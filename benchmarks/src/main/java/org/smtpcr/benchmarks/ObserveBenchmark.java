package org.smtpcr.benchmarks;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.smtpcr.benchmarks.CoreFixtures.Pair;
import org.smtpcr.benchmarks.CoreFixtures.Traffic;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.engine.DecisionListener;
import org.smtpcr.core.reply.PostfixReplies;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.runtime.CoarseClock;
import org.smtpcr.examples.runtime.DecisionLog;
import org.smtpcr.examples.runtime.LogPrintStream;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.runtime.metrics.MetricsServer;
import org.smtpcr.examples.runtime.metrics.MicrometerDecisionListener;
import org.smtpcr.examples.runtime.metrics.TimedWhitelistStore;

/**
 * What the decision log and the metrics add to a decision, measured without a network or a load
 * generator: accepts of whitelisted pairs from an in-memory store, with nothing ({@code none}), the
 * metrics of {@code --metrics-listen} ({@code metrics}: the decision listener's counters and timer
 * and the store's timer, in a Prometheus registry), the INFO decision log ({@code log}: its line
 * written to standard error set up as the {@code smtpcr} command sets it, with the command's
 * slf4j-simple settings; the stream writes to a sink that counts and discards, not through the
 * command's writer thread), or both. The {@code none} row is the peer. {@link #setUp} checks that
 * each row logs and counts what it claims to.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class ObserveBenchmark {
  private static final int N = CoreFixtures.TRAFFIC;

  @Param({"none", "metrics", "log", "both"})
  public String observe;

  private DecisionEngine engine;
  private final Transaction[] transactions = new Transaction[N];
  private PrintStream original;
  final AtomicLong lines = new AtomicLong();
  volatile String firstLine;

  /** One per thread: each takes the transactions in turn. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Setup
  public void setUp() throws IOException {
    PolicyBenchServer.applyCommandLogging(System.getProperties());
    LogPrintStream err =
        LogPrintStream.timeStamped(
            new OutputStream() {
              @Override
              public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
              }

              @Override
              public void write(byte[] b, int off, int len) {
                // the stream writes each line whole, in one call: the first is kept, to check
                if (len > 0 && b[off + len - 1] == '\n' && lines.getAndIncrement() == 0) {
                  firstLine = new String(b, off, len, StandardCharsets.UTF_8);
                }
              }
            },
            StandardCharsets.UTF_8,
            CoarseClock.system(ZoneId.systemDefault()));
    original = System.err;
    System.setErr(err);
    try {
      build();
    } catch (RuntimeException | Error e) {
      System.setErr(original); // JMH does not tear down a failed setup
      throw e;
    }
  }

  private void build() {
    Traffic traffic = CoreFixtures.traffic(10_000, CoreFixtures.LOCAL_RECIPIENTS);
    WhitelistStore store = InMemoryWhitelistStore.builder().build();
    CoreFixtures.fill(store, traffic);
    if (!List.of("none", "metrics", "log", "both").contains(observe)) {
      throw new IllegalArgumentException("observe must be none, metrics, log or both");
    }
    PrometheusMeterRegistry registry = MetricsServer.newRegistry();
    boolean log = logs();
    boolean metrics = observe.equals("metrics") || observe.equals("both");
    Optional<DecisionListener> listener = Optional.empty();
    if (metrics) {
      store = TimedWhitelistStore.of(store, registry);
      listener = Optional.of(MicrometerDecisionListener.of(registry));
    }
    if (log) {
      // written past slf4j, as the command writes it (CommandLog)
      DecisionListener decisionLog =
          DecisionLog.from(Settings.defaults(), TokenFixtures.keyRing())
              .writingTo((LogPrintStream) System.err);
      listener = Optional.of(listener.map(decisionLog::andThen).orElse(decisionLog));
    }
    engine = CoreFixtures.engine(store, PostfixReplies.formatter(), Optional.empty(), listener);
    Pair[] known = traffic.known().toArray(new Pair[0]);
    for (int i = 0; i < N; i++) {
      transactions[i] = CoreFixtures.rcpt(known[i], i);
    }
    // what each row claims: a line per decision as the command writes it, a count and a store
    // timing per decision, or neither
    lines.set(0);
    firstLine = null;
    for (int i = 0; i < 10; i++) {
      engine.decide(transactions[i]);
    }
    check(lines.get() == (log ? 10 : 0), "decision log lines");
    check(
        !log
            || firstLine.matches(
                "\\d\\d:\\d\\d:\\d\\d \\[INFO\\] DecisionLog - action=accept rule=whitelist-store .*\n"),
        "decision log lines (as the smtpcr command writes them)");
    double counted =
        registry.find("smtpcr.decisions").counters().stream().mapToDouble(c -> c.count()).sum();
    check(counted == (metrics ? 10 : 0), "decisions counted");
    long timed =
        registry.find("smtpcr.store.duration").timers().stream().mapToLong(t -> t.count()).sum();
    check(timed == (metrics ? 10 : 0), "store calls timed");
  }

  /** Whether this row writes the decision log. */
  boolean logs() {
    return observe.equals("log") || observe.equals("both");
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what + " are not what the benchmark claims to measure");
    }
  }

  @TearDown
  public void tearDown() {
    System.setErr(original);
  }

  @Benchmark
  public DecisionOutcome observed(Cursor c) {
    int i = c.next;
    c.next = (i + 1) & (N - 1);
    return engine.decide(transactions[i]);
  }
}
