package org.smtpcr.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * The goals of each group, as data, and the check of a run against them. A goal bounds one field of
 * one measurement, or its ratio to a peer of the same run: {@code text | id [÷ peer] | field | ≥
 * min} or {@code ≤ max unit}.
 */
final class Goals {
  private static final String TOKENS =
      """
      mint at least 5× faster than auth0 java-jwt | auth0Mint ÷ smtpcrMint | score | ≥ 5
      mint at least 5× faster than Nimbus JOSE+JWT | nimbusMint ÷ smtpcrMint | score | ≥ 5
      verify at least 5× faster than auth0 java-jwt | auth0Verify ÷ smtpcrVerify | score | ≥ 5
      verify at least 5× faster than Nimbus JOSE+JWT | nimbusVerify ÷ smtpcrVerify | score | ≥ 5
      token at most half as long as auth0 java-jwt's JWT (JWT ÷ token ≥ 2) | length-auth0 ÷ length-smtpcr | length | ≥ 2
      token at most half as long as Nimbus JOSE+JWT's JWT (JWT ÷ token ≥ 2) | length-nimbus ÷ length-smtpcr | length | ≥ 2
      """;
  private static final String CORE =
      """
      accept of a whitelisted pair ≤ 1 µs | accept | score | ≤ 1000 ns
      full challenge ≤ 3 µs | challenge | score | ≤ 3000 ns
      """;
  private static final String POLICY =
      """
      SMTPCR, in-memory store: at least 10× Postgrey's requests/s at 1 connection | ours-memory-c1 ÷ postgrey-c1 | rps | ≥ 10
      SMTPCR, in-memory store: at least 10× Postgrey's requests/s at 16 connections | ours-memory-c16 ÷ postgrey-c16 | rps | ≥ 10
      SMTPCR, in-memory store: at least 10× Postgrey's requests/s at 256 connections | ours-memory-c256 ÷ postgrey-c256 | rps | ≥ 10
      SMTPCR, in-memory store: at least 10× Postgrey's requests/s at 1 connection, CPUs may halt | ours-memory-c1-halting ÷ postgrey-c1-halting | rps | ≥ 10
      SMTPCR, in-memory store: p99 under 1 ms at 1,000 requests/s | ours-memory-rate | p99us | ≤ 1000 µs
      SMTPCR, in-memory store, tuned: at least 10× Postgrey's requests/s at 1 connection | ours-memory-tuned-c1 ÷ postgrey-c1 | rps | ≥ 10
      SMTPCR, in-memory store, tuned: at least 10× Postgrey's requests/s at 16 connections | ours-memory-tuned-c16 ÷ postgrey-c16 | rps | ≥ 10
      SMTPCR, in-memory store, tuned: at least 10× Postgrey's requests/s at 256 connections | ours-memory-tuned-c256 ÷ postgrey-c256 | rps | ≥ 10
      SMTPCR, in-memory store, tuned: at least 10× Postgrey's requests/s at 1 connection, CPUs may halt | ours-memory-tuned-c1-halting ÷ postgrey-c1-halting | rps | ≥ 10
      SMTPCR, in-memory store, tuned: p99 under 1 ms at 1,000 requests/s | ours-memory-tuned-rate | p99us | ≤ 1000 µs
      SMTPCR, H2 file store: at least 10× Postgrey's requests/s at 1 connection | ours-h2-c1 ÷ postgrey-c1 | rps | ≥ 10
      SMTPCR, H2 file store: at least 10× Postgrey's requests/s at 16 connections | ours-h2-c16 ÷ postgrey-c16 | rps | ≥ 10
      SMTPCR, H2 file store: at least 10× Postgrey's requests/s at 256 connections | ours-h2-c256 ÷ postgrey-c256 | rps | ≥ 10
      SMTPCR, H2 file store: at least 10× Postgrey's requests/s at 1 connection, CPUs may halt | ours-h2-c1-halting ÷ postgrey-c1-halting | rps | ≥ 10
      SMTPCR, H2 file store: p99 under 1 ms at 1,000 requests/s | ours-h2-rate | p99us | ≤ 1000 µs
      """;

  /**
   * A goal: {@code atLeast ≤ value ≤ atMost}; value is {@code id.field}, or over {@code
   * peer.field}.
   */
  record Goal(
      String text,
      String id,
      String peer,
      String field,
      String unit,
      double atLeast,
      double atMost) {
    double value(Results r) {
      double v = r.get(id, field);
      return peer == null ? v : v / r.get(peer, field);
    }

    boolean met(Results r) {
      double v = value(r);
      return v >= atLeast && v <= atMost; // false for NaN: not measured is not met
    }

    String measured(Results r) {
      return peer == null ? Render.number(value(r)) + unit : Render.ratio(value(r));
    }
  }

  private Goals() {}

  /** A goal, {@code text | id [÷ peer] | field | ≥ min} or {@code ... | ≤ max unit}. */
  static Goal goal(String spec) {
    List<String> s = Tables.cells(spec, " | ");
    List<String> ids = Tables.cells(s.get(1), " ÷ ");
    List<String> bound = Tables.cells(s.get(3), " ");
    double limit = Double.parseDouble(bound.get(1));
    boolean min = bound.get(0).equals("≥");
    return new Goal(
        s.get(0),
        ids.get(0),
        ids.size() > 1 ? ids.get(1) : null,
        s.get(2),
        bound.size() > 2 ? " " + bound.get(2) : "×",
        min ? limit : Double.NEGATIVE_INFINITY,
        min ? Double.POSITIVE_INFINITY : limit);
  }

  /** The goals of {@code group}. */
  static List<Goal> of(String group) {
    String spec =
        switch (group) {
          case "tokens" -> TOKENS;
          case "core" -> CORE;
          case "policy" -> POLICY;
          default ->
              throw new IllegalArgumentException(
                  "unknown group " + group + "; known: tokens, core, policy");
        };
    return spec.lines().map(Goals::goal).toList();
  }

  static String table(List<Goal> goals, Results r) {
    List<List<String>> rows = new ArrayList<>();
    goals.forEach(
        g -> rows.add(List.of(g.text(), g.measured(r), g.met(r) ? "**met**" : "**not met**")));
    return Render.markdown(List.of("goal", "measured", "result"), 1, rows);
  }

  static void print(List<Goal> goals, Results r) {
    goals.forEach(
        g ->
            System.out.printf(
                "%-8s %s: %s%n", g.met(r) ? "met" : "NOT MET", g.text(), g.measured(r)));
  }
}
