package org.smtpcr.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.smtpcr.benchmarks.Goals.Goal;

final class GoalsTest {
  private final Results run =
      RenderTest.results(Map.of("ours", 380.0, "peer", 2924.0, "accept", 1001.0));

  @Test
  void times_isTheRatioToThePeerOfTheSameRun() {
    Goal faster = Goals.goal("at least 5× faster | peer ÷ ours | score | ≥ 5");
    assertTrue(faster.met(run));
    assertEquals("7.69×", faster.measured(run));
    assertFalse(Goals.goal("at least 10× faster | peer ÷ ours | score | ≥ 10").met(run));
  }

  @Test
  void atMost_boundsTheValue() {
    assertFalse(Goals.goal("accept ≤ 1 µs | accept | score | ≤ 1000 ns").met(run));
    assertEquals(
        "1,001 ns", Goals.goal("accept ≤ 1 µs | accept | score | ≤ 1000 ns").measured(run));
  }

  @Test
  void notMeasured_isNotMet() {
    assertFalse(Goals.goal("x | absent ÷ ours | score | ≥ 1").met(run));
    assertFalse(Goals.goal("x | absent | score | ≤ 1e9 ns").met(run));
  }

  @Test
  void table_saysMetOrNotMet() {
    List<Goal> goals =
        List.of(
            Goals.goal("5× faster | peer ÷ ours | score | ≥ 5"),
            Goals.goal("accept ≤ 1 µs | accept | score | ≤ 1000 ns"));
    assertEquals(
        """
        | goal | measured | result |
        |---|---:|---:|
        | 5× faster | 7.69× | **met** |
        | accept ≤ 1 µs | 1,001 ns | **not met** |
        """,
        Goals.table(goals, run));
  }

  @Test
  void everyGroup_hasGoals() {
    assertEquals(6, Goals.of("tokens").size());
    assertEquals(2, Goals.of("core").size());
    assertEquals(15, Goals.of("policy").size());
    assertEquals(
        new Goal("t", "a", "b", "rps", "×", 10, Double.POSITIVE_INFINITY),
        Goals.goal("t | a ÷ b | rps | ≥ 10"));
    assertEquals(
        new Goal("t", "a", null, "p99us", " µs", Double.NEGATIVE_INFINITY, 1000),
        Goals.goal("t | a | p99us | ≤ 1000 µs"));
  }
}
