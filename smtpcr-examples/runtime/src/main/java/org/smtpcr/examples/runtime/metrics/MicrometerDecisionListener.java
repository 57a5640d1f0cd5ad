package org.smtpcr.examples.runtime.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.smtpcr.core.Decision.Verdict;
import org.smtpcr.core.Stage;
import org.smtpcr.core.engine.DecisionEvent;
import org.smtpcr.core.engine.DecisionListener;

/**
 * A {@link DecisionListener} that counts the engine's decisions in a Micrometer {@link
 * MeterRegistry}; add it to an engine, next to the logging one, to get the counters the servers
 * serve:
 *
 * <pre>{@code
 * DecisionEngine engine = StandardEngine.builder(settings, ring, store)
 *     .listener(DecisionListener.logging().andThen(MicrometerDecisionListener.of(registry)))
 *     .build();
 * }</pre>
 *
 * <ul>
 *   <li>{@code smtpcr.decisions} (counter; tags {@code stage}, {@code verdict}, {@code rule},
 *       {@code failed}): every decision;
 *   <li>{@code smtpcr.challenges.minted} (counter; tag {@code stage}): challenges, each of which
 *       carries a freshly signed link;
 *   <li>{@code smtpcr.decision.duration} (timer, a histogram from 10 µs to 30 s): how long deciding
 *       took.
 * </ul>
 *
 * <p>Rule ids come from the configured chain, so the number of series is bounded by the rules.
 *
 * @since 0.3.0
 */
public final class MicrometerDecisionListener implements DecisionListener {
  /** How many verdicts there are ({@code values()} copies its array on every call). */
  private static final int VERDICTS = Verdict.values().length;

  private final MeterRegistry registry;

  /**
   * The decision counters by stage, verdict and failed (one list index for the three), then by rule
   * id: a decision finds its counter without building a key.
   */
  private final List<ConcurrentMap<String, Counter>> decisions;

  private final ConcurrentMap<Stage, Counter> challenges = new ConcurrentHashMap<>();
  private final Timer duration;

  private MicrometerDecisionListener(MeterRegistry registry) {
    this.registry = registry;
    this.duration =
        LatencyBuckets.on(
                Timer.builder("smtpcr.decision.duration")
                    .description("How long the engine took to decide"))
            .register(registry);
    List<ConcurrentMap<String, Counter>> slots = new ArrayList<>();
    for (int i = 0; i < Stage.values().length * VERDICTS * 2; i++) {
      slots.add(new ConcurrentHashMap<>());
    }
    this.decisions = List.copyOf(slots);
  }

  /**
   * A listener that counts in {@code registry}.
   *
   * @param registry where the meters are registered
   * @return the listener
   */
  public static MicrometerDecisionListener of(MeterRegistry registry) {
    return new MicrometerDecisionListener(requireNonNull(registry, "registry"));
  }

  @Override
  public void onDecision(DecisionEvent e) {
    Stage stage = e.stage();
    Verdict verdict = e.decision().verdict();
    boolean failed = e.failed();
    int slot = (stage.ordinal() * VERDICTS + verdict.ordinal()) * 2 + (failed ? 1 : 0);
    ConcurrentMap<String, Counter> byRule = decisions.get(slot);
    Counter counter = byRule.get(e.ruleId());
    if (counter == null) {
      counter =
          byRule.computeIfAbsent(
              e.ruleId(),
              rule ->
                  Counter.builder("smtpcr.decisions")
                      .description("Decisions of the engine, by stage, verdict and deciding rule")
                      .tag("stage", lower(stage))
                      .tag("verdict", lower(verdict))
                      .tag("rule", rule)
                      .tag("failed", Boolean.toString(failed))
                      .register(registry));
    }
    counter.increment();
    if (verdict == Verdict.CHALLENGE) {
      challenges(stage).increment();
    }
    duration.record(e.elapsedNanos(), TimeUnit.NANOSECONDS);
  }

  private Counter challenges(Stage stage) {
    Counter c = challenges.get(stage);
    return c != null
        ? c
        : challenges.computeIfAbsent(
            stage,
            k ->
                Counter.builder("smtpcr.challenges.minted")
                    .description("Challenges sent, each with a freshly signed link")
                    .tag("stage", lower(k))
                    .register(registry));
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "MicrometerDecisionListener[" + registry.getClass().getSimpleName() + "]";
  }
}
