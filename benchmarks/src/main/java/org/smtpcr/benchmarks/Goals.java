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
      token at most half as long as auth0 java-jwt's JWT (JWT ÷ token ≥ 2) \
      | length-auth0 ÷ length-smtpcr | length | ≥ 2
      token at most half as long as Nimbus JOSE+JWT's JWT (JWT ÷ token ≥ 2) \
      | length-nimbus ÷ length-smtpcr | length | ≥ 2
      """;
  private static final String CORE =
      """
      accept of a whitelisted pair ≤ 1 µs | accept | score | ≤ 1000 ns
      full challenge ≤ 3 µs | challenge | score | ≤ 3000 ns
      """;
  private static final String AUTH =
      """
      SMTPCR sender check, uncached, `ip4:`: at most 1.25× the DNS round trips it needs \
      | checkSender-off-ip4 ÷ decisionQueries-ip4 | score | ≤ 1.25
      SMTPCR sender check, uncached, `include:`: at most 1.25× the DNS round trips it needs \
      | checkSender-off-include ÷ decisionQueries-include | score | ≤ 1.25
      SMTPCR sender check, uncached, `mx`: at most 1.25× the DNS round trips it needs \
      | checkSender-off-mx ÷ decisionQueries-mx | score | ≤ 1.25
      SMTPCR sender check, cached, `mx`: less than half of one DNS round trip \
      | checkSender-on-mx ÷ dnsQueries-ip4 | score | ≤ 0.5
      """;
  private static final String[][] OURS = {
    {"memory", "in-memory store"},
    {"memory-tuned", "in-memory store, tuned"},
    {"h2", "H2 file store"}
  };
  private static final String[][] RUNS = {
    {"c1", "1 connection"},
    {"c16", "16 connections"},
    {"c256", "256 connections"},
    {"c1-halting", "1 connection, CPUs may halt"}
  };

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
          case "policy" -> policy();
          case "auth" -> AUTH;
          default ->
              throw new IllegalArgumentException(
                  "unknown group " + group + "; known: tokens, core, policy, auth");
        };
    return spec.lines().map(Goals::goal).toList();
  }

  /** For each of our servers: 10× Postgrey's requests/s at each connection count, p99 at a rate. */
  private static String policy() {
    StringBuilder g = new StringBuilder();
    for (String[] s : OURS) {
      for (String[] c : RUNS) {
        g.append("SMTPCR, %s: at least 10× Postgrey's requests/s at %s".formatted(s[1], c[1]))
            .append(" | ours-%s-%s ÷ postgrey-%s | rps | ≥ 10\n".formatted(s[0], c[0], c[0]));
      }
      g.append("SMTPCR, %s: p99 under 1 ms at 1,000 requests/s".formatted(s[1]))
          .append(" | ours-%s-rate | p99us | ≤ 1000 µs\n".formatted(s[0]));
    }
    return g.toString();
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
