package org.smtpcr.benchmarks;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;

/**
 * The goals of each group, as data, and the check of a run against them. A goal bounds one field of
 * one measurement, its ratio to a peer of the same run, or what it loses against that peer in
 * percent: {@code text | id [÷ peer | − peer] | field | ≥ min} or {@code ≤ max unit}.
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

  /**
   * The goals for a store shared by several MX hosts: PostgreSQL with the near cache, at
   * the connection counts of a busy MX (16 and 256), and at a fixed rate.
   */
  private static final String POSTGRESQL =
      """
      SMTPCR, PostgreSQL store, near cache: at least 10× Postgrey's requests/s at 16 connections \
      | ours-postgresql-cached-c16 ÷ postgrey-c16 | rps | ≥ 10
      SMTPCR, PostgreSQL store, near cache: at least 10× Postgrey's requests/s at 256 connections \
      | ours-postgresql-cached-c256 ÷ postgrey-c256 | rps | ≥ 10
      SMTPCR, PostgreSQL store, near cache: p99 under 2 ms at 1,000 requests/s \
      | ours-postgresql-cached-rate | p99us | ≤ 2000 µs
      """;

  /**
   * What the decision log and the metrics cost: the same server and store with them on (B), against
   * it with them off (A), both running, asked in alternating turns by one load generator; the
   * in-memory store, where a fixed cost per decision weighs the most. The value is the median over
   * the turns of what B lost against A in the same turn.
   */
  private static final String OBSERVED =
      """
      decision log and metrics: under 5 % of the requests/s lost, in-memory store, 16 connections \
      (median of the turns' losses) | ours-memory-observed-turns-c16 | lossPercent | ≤ 5 %
      decision log and metrics: under 5 % of the requests/s lost, in-memory store, 256 connections \
      (median of the turns' losses) | ours-memory-observed-turns-c256 | lossPercent | ≤ 5 %
      """;

  /**
   * The footprint of {@code smtpcr policy-server} as the package runs it (the options of {@code
   * jvm.options}): its peak resident memory under the whole load against Postgrey's, and what the
   * options cost in requests/s against the same command on the JVM's defaults, in the same run.
   */
  private static final String FOOTPRINT =
      """
      `smtpcr policy-server`, packaged JVM options: peak resident memory under load at most 4× \
      Postgrey's | ours-cli-packaged-footprint ÷ postgrey-footprint | peakmb | ≤ 4
      `smtpcr policy-server`, packaged JVM options: under 10 % of the default JVM's requests/s \
      lost at 16 connections | ours-cli-packaged-c16 − ours-cli-c16 | rps | ≤ 10 %
      `smtpcr policy-server`, packaged JVM options: under 10 % of the default JVM's requests/s \
      lost at 256 connections | ours-cli-packaged-c256 − ours-cli-c256 | rps | ≤ 10 %
      """;

  private static final String[][] RUNS = {
    {"c1", "1 connection"},
    {"c16", "16 connections"},
    {"c256", "256 connections"},
    {"c1-halting", "1 connection, CPUs may halt"}
  };

  /** How a goal's value is made from its measurement and its peer's. */
  enum Compare {
    /** The measurement's field itself. */
    VALUE,
    /** The field over the peer's. */
    RATIO,
    /** What the field loses against the peer's, in percent of the peer's (negative: a gain). */
    LOSS_PERCENT
  }

  /**
   * A goal: {@code atLeast ≤ value ≤ atMost}; value is {@code id.field}, or compared with {@code
   * peer.field} as {@code compare} says.
   */
  record Goal(
      String text,
      String id,
      String peer,
      Compare compare,
      String field,
      String unit,
      double atLeast,
      double atMost) {
    double value(Results r) {
      double v = r.get(id, field);
      return switch (compare) {
        case VALUE -> v;
        case RATIO -> v / r.get(peer, field);
        case LOSS_PERCENT -> 100 * (1 - v / r.get(peer, field));
      };
    }

    boolean met(Results r) {
      double v = value(r);
      return v >= atLeast && v <= atMost; // false for NaN: not measured is not met
    }

    String measured(Results r) {
      double v = value(r);
      if (compare == Compare.RATIO) {
        return Render.ratio(v);
      }
      // not measured: "–" alone, without a unit
      if (!Double.isFinite(v)) {
        return Render.number(v);
      }
      // a median measured with its confidence interval (PolicyLoad --pool-turns) shows it
      double low = compare == Compare.VALUE ? r.get(id, field + "CiLow") : Double.NaN;
      double high = compare == Compare.VALUE ? r.get(id, field + "CiHigh") : Double.NaN;
      if (Double.isFinite(low) && Double.isFinite(high)) {
        return "%s%s (95 %% interval %s to %s%s)"
            .formatted(Render.number(v), unit, Render.number(low), Render.number(high), unit);
      }
      return Render.number(v) + unit;
    }
  }

  private Goals() {}

  /**
   * A goal, {@code text | id [÷ peer | − peer] | field | ≥ min} or {@code ... | ≤ max unit}: {@code
   * ÷} bounds the ratio to the peer, {@code −} the loss against it in percent.
   */
  static Goal goal(String spec) {
    List<String> s = Tables.cells(spec, " | ");
    checkArgument(s.size() == 4, "a goal has 4 cells: %s", spec);
    Compare compare =
        s.get(1).contains(" ÷ ")
            ? Compare.RATIO
            : s.get(1).contains(" − ") ? Compare.LOSS_PERCENT : Compare.VALUE;
    List<String> ids = Tables.cells(s.get(1), compare == Compare.RATIO ? " ÷ " : " − ");
    List<String> bound = Tables.cells(s.get(3), " ");
    double limit = Double.parseDouble(bound.get(1));
    boolean min = bound.get(0).equals("≥");
    checkArgument(min || bound.get(0).equals("≤"), "a bound is ≥ or ≤: %s", spec);
    return new Goal(
        s.get(0),
        ids.get(0),
        compare == Compare.VALUE ? null : ids.get(1),
        compare,
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

  /**
   * For each of our servers: 10× Postgrey's requests/s at each connection count, p99 at a rate;
   * then PostgreSQL's with the near cache, the cost of the decision log and metrics, and the
   * footprint of the command with the packaged JVM options.
   */
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
    return g.append(POSTGRESQL).append(OBSERVED).append(FOOTPRINT).toString();
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
