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
    Goal faster = Goals.times("at least 5× faster", "peer", "ours", "score", 5);
    assertTrue(faster.met(run));
    assertEquals("7.69×", faster.measured(run));
    assertFalse(Goals.times("at least 10× faster", "peer", "ours", "score", 10).met(run));
  }

  @Test
  void atMost_boundsTheValue() {
    assertFalse(Goals.atMost("accept ≤ 1 µs", "accept", "score", " ns", 1000).met(run));
    assertEquals(
        "1,001 ns", Goals.atMost("accept ≤ 1 µs", "accept", "score", " ns", 1000).measured(run));
  }

  @Test
  void notMeasured_isNotMet() {
    assertFalse(Goals.times("x", "absent", "ours", "score", 1).met(run));
    assertFalse(Goals.atMost("x", "absent", "score", " ns", 1e9).met(run));
  }

  @Test
  void table_saysMetOrNotMet() {
    List<Goal> goals =
        List.of(
            Goals.times("5× faster", "peer", "ours", "score", 5),
            Goals.atMost("accept ≤ 1 µs", "accept", "score", " ns", 1000));
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
  }
}
