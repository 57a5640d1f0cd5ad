package org.smtpcr.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * The goals of each group, as data, and the check of a run against them. A goal bounds one field of
 * one measurement, or its ratio to a peer of the same run ({@code id ÷ peer}).
 */
final class Goals {
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

  private static final String[] OURS = {"memory", "memory-tuned", "h2"};
  private static final String[] OURS_NAMES = {
    "in-memory store", "in-memory store, tuned", "H2 file store"
  };

  private Goals() {}

  /** At least {@code min} times: {@code id.field ÷ peer.field}. */
  static Goal times(String text, String id, String peer, String field, double min) {
    return new Goal(text, id, peer, field, "×", min, Double.POSITIVE_INFINITY);
  }

  static Goal atMost(String text, String id, String field, String unit, double max) {
    return new Goal(text, id, null, field, unit, Double.NEGATIVE_INFINITY, max);
  }

  /** The goals of {@code group}. */
  static List<Goal> of(String group) {
    List<Goal> g = new ArrayList<>();
    switch (group) {
      case "tokens" -> {
        for (String op : new String[] {"Mint", "Verify"}) {
          g.add(
              times(
                  op.toLowerCase() + " at least 5× faster than auth0 java-jwt",
                  "auth0" + op,
                  "smtpcr" + op,
                  "score",
                  5));
          g.add(
              times(
                  op.toLowerCase() + " at least 5× faster than Nimbus JOSE+JWT",
                  "nimbus" + op,
                  "smtpcr" + op,
                  "score",
                  5));
        }
        for (String[] jwt :
            new String[][] {{"auth0", "auth0 java-jwt"}, {"nimbus", "Nimbus JOSE+JWT"}}) {
          g.add(
              times(
                  "token at most half as long as " + jwt[1] + "'s JWT (JWT ÷ token ≥ 2)",
                  "length-" + jwt[0],
                  "length-smtpcr",
                  "length",
                  2));
        }
      }
      case "core" -> {
        g.add(atMost("accept of a whitelisted pair ≤ 1 µs", "accept", "score", " ns", 1000));
        g.add(atMost("full challenge ≤ 3 µs", "challenge", "score", " ns", 3000));
      }
      case "policy" -> {
        for (int s = 0; s < OURS.length; s++) {
          String id = "ours-" + OURS[s] + "-";
          for (String c : new String[] {"c1", "c16", "c256", "c1-halting"}) {
            g.add(
                times(
                    "SMTPCR, "
                        + OURS_NAMES[s]
                        + ": at least 10× Postgrey's requests/s at "
                        + Tables.connections(c),
                    id + c,
                    "postgrey-" + c,
                    "rps",
                    10));
          }
          g.add(
              atMost(
                  "SMTPCR, " + OURS_NAMES[s] + ": p99 under 1 ms at 1,000 requests/s",
                  id + "rate",
                  "p99us",
                  " µs",
                  1000));
        }
      }
      default ->
          throw new IllegalArgumentException(
              "unknown group " + group + "; known: tokens, core, policy");
    }
    return g;
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
