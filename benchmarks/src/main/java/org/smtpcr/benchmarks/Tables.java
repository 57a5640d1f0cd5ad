package org.smtpcr.benchmarks;

import static org.smtpcr.benchmarks.Render.Op.PEER_OVER_THIS;
import static org.smtpcr.benchmarks.Render.Op.PEER_OVER_THIS_AT_ERROR_ENDS;
import static org.smtpcr.benchmarks.Render.Op.PERCENT_OF_PEER;
import static org.smtpcr.benchmarks.Render.Op.THIS_OVER_PEER;
import static org.smtpcr.benchmarks.Render.Op.VALUE;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.smtpcr.benchmarks.Render.Col;
import org.smtpcr.benchmarks.Render.Row;
import org.smtpcr.benchmarks.Render.Table;

/**
 * The tables of {@code docs/benchmarks.md}, as data: which measurement each row shows, against
 * which peer.
 */
final class Tables {
  private static final String[] SERVERS = {
    "postgrey", "floor", "ours-memory", "ours-memory-tuned", "ours-h2"
  };
  private static final String[] SERVER_NAMES = {
    "Postgrey",
    "floor (does nothing)",
    "SMTPCR, in-memory store",
    "SMTPCR, in-memory store, tuned",
    "SMTPCR, H2 file store"
  };
  private static final Pattern RUN = Pattern.compile(".*-(c(\\d+)(-halting)?)");

  private Tables() {}

  static Col value(String header, String field) {
    return new Col(header, field, 1, VALUE, 0);
  }

  static Col micros(String header, String field) {
    return new Col(header, field, 1e-3, VALUE, 0);
  }

  static Row row(String id, List<String> peers, String... labels) {
    return new Row(List.of(labels), id, peers);
  }

  /** The connections of a policy run, as the tables name them. */
  static String connections(String run) {
    return run.equals("c1-halting")
        ? "1 connection, CPUs may halt"
        : run.equals("c1") ? "1 connection" : run.substring(1) + " connections";
  }

  /**
   * The tables of {@code group}; those of {@code policy} have a row for each connection count of
   * the run.
   */
  static List<Table> of(String group, Results results) {
    Col ns = value("ns/op", "score");
    Col error = value("± error", "error");
    Col best = value("best iteration", "best");
    Col alloc = value("B/op", "alloc");
    List<String> none = List.of();
    return switch (group) {
      case "tokens" ->
          List.of(
              new Table(
                  "tokens-time",
                  List.of("operation", "implementation"),
                  List.of(
                      ns,
                      error,
                      best,
                      alloc,
                      new Col("auth0 ÷ this", "score", 1, PEER_OVER_THIS, 0),
                      new Col(
                          "at the error bars' ends", "score", 1, PEER_OVER_THIS_AT_ERROR_ENDS, 0)),
                  List.of(
                      row(
                          "smtpcrMint",
                          List.of("auth0Mint"),
                          "mint",
                          "SMTPCR `ChallengeTokens.mint`"),
                      row(
                          "nimbusMint",
                          List.of("auth0Mint"),
                          "mint",
                          "Nimbus JOSE+JWT 10.10 HS256"),
                      row("auth0Mint", none, "mint", "peer: auth0 java-jwt 4.6.2 HS256"),
                      row(
                          "smtpcrVerify",
                          List.of("auth0Verify"),
                          "verify",
                          "SMTPCR `ChallengeTokens.verify`"),
                      row(
                          "nimbusVerify",
                          List.of("auth0Verify"),
                          "verify",
                          "Nimbus JOSE+JWT 10.10 HS256"),
                      row("auth0Verify", none, "verify", "peer: auth0 java-jwt 4.6.2 HS256"),
                      row(
                          "passCodeCompute",
                          none,
                          "pass code (reference)",
                          "SMTPCR `PassCodes.compute`"),
                      row(
                          "passCodeVerify",
                          none,
                          "pass code (reference)",
                          "SMTPCR `PassCodes.verify`"))),
              new Table(
                  "tokens-length",
                  List.of("format"),
                  List.of(
                      value("characters", "length"),
                      new Col("SMTPCR ÷ this", "length", 1, PEER_OVER_THIS, 0)),
                  List.of(
                      row("length-smtpcr", none, "SMTPCR token v1 (base32)"),
                      row(
                          "length-nimbus",
                          List.of("length-smtpcr"),
                          "Nimbus JOSE+JWT (header `kid`, `alg`)"),
                      row(
                          "length-auth0",
                          List.of("length-smtpcr"),
                          "auth0 java-jwt (header `kid`, `alg`, `typ`)"))));
      case "core" ->
          List.of(
              new Table(
                  "core-decisions",
                  List.of("operation", "peer"),
                  List.of(ns, error, best, alloc, new Col("÷ peer", "score", 1, THIS_OVER_PEER, 0)),
                  List.of(
                      row(
                          "accept",
                          List.of("mapGet"),
                          "**accept**: `decide`, whitelisted pair → `Accept`",
                          "map look-up"),
                      row(
                          "rcptAccepted",
                          List.of("mapGet"),
                          "accept through `TransactionState` (`begin` after MAIL, one `rcpt`)",
                          "map look-up"),
                      row(
                          "mapGet",
                          none,
                          "peer: `ConcurrentHashMap.get` of the canonical pair (floor of any accept)",
                          "–"),
                      row(
                          "challenge",
                          List.of("jwtMint"),
                          "**challenge**: `decide`, unknown sender → `Challenge`, "
                              + "`reply().toWire()`",
                          "JWT mint"),
                      row(
                          "tokenMint",
                          List.of("jwtMint"),
                          "peer: `ChallengeTokens.mint` alone (same key, pair, lifetime)",
                          "JWT mint"),
                      row("jwtMint", none, "peer: auth0 java-jwt 4.6.2 HS256 mint alone", "–"))),
              new Table(
                  "core-ratios",
                  List.of("comparison"),
                  List.of(
                      new Col("ratio", "score", 1, THIS_OVER_PEER, 0),
                      new Col("best iterations", "best", 1, THIS_OVER_PEER, 0)),
                  List.of(
                      row("accept", List.of("mapGet"), "accept ÷ `ConcurrentHashMap.get`"),
                      row("challenge", List.of("tokenMint"), "challenge ÷ `ChallengeTokens.mint`"),
                      row("challenge", List.of("jwtMint"), "challenge ÷ HS256 JWT mint"),
                      row(
                          "jwtMint",
                          List.of("tokenMint"),
                          "HS256 JWT mint ÷ `ChallengeTokens.mint`"))),
              new Table(
                  "core-steps",
                  List.of("step", "of"),
                  List.of(ns, alloc, new Col("share", "score", 1, PERCENT_OF_PEER, 0)),
                  List.of(
                      row(
                          "canonicalize",
                          List.of("accept"),
                          "parse and canonicalize both paths",
                          "accept"),
                      row(
                          "canonicalize",
                          List.of("challenge"),
                          "parse and canonicalize both paths",
                          "challenge"),
                      row(
                          "storeHit",
                          List.of("accept"),
                          "in-memory store, hit (100,000 pairs)",
                          "accept"),
                      row(
                          "storeMiss",
                          List.of("challenge"),
                          "in-memory store, miss (every key of the pair)",
                          "challenge"),
                      row("tokenMint", List.of("challenge"), "mint the token", "challenge"),
                      row(
                          "formatChallenge",
                          List.of("challenge"),
                          "format the reply around the link, `toWire()`",
                          "challenge"))),
              new Table(
                  "core-stores",
                  List.of("store", "look-up"),
                  List.of(
                      micros("mean µs", "score"),
                      micros("p50 µs", "p50"),
                      micros("p90 µs", "p90"),
                      micros("p99 µs", "p99"),
                      micros("p99.9 µs", "p99.9"),
                      value("samples", "samples"),
                      alloc,
                      new Col("p50 ÷ SELECT 1", "p50", 1, THIS_OVER_PEER, 0),
                      new Col("p50 ÷ in-memory", "p50", 1, THIS_OVER_PEER, 1)),
                  storeRows()));
      case "policy" -> policy(results);
      default ->
          throw new IllegalArgumentException(
              "unknown group " + group + "; known: tokens, core, policy");
    };
  }

  private static List<Row> storeRows() {
    List<Row> rows = new ArrayList<>();
    for (String[] db :
        new String[][] {
          {"h2", "H2 2.3.232, file"}, {"postgresql", "PostgreSQL, TCP to 127.0.0.1"}
        }) {
      String select = "selectOne-" + db[0];
      rows.add(row("jdbcHit-" + db[0], List.of(select, "inMemoryHit"), db[1], "hit"));
      rows.add(row("jdbcMiss-" + db[0], List.of(select, "inMemoryMiss"), db[1], "miss"));
      rows.add(row(select, List.of(), db[1], "peer: `SELECT 1`"));
    }
    rows.add(row("inMemoryHit", List.of(), "in-memory (10,000 pairs)", "peer: hit"));
    rows.add(row("inMemoryMiss", List.of(), "in-memory (10,000 pairs)", "peer: miss"));
    return rows;
  }

  private static List<Table> policy(Results results) {
    List<String> runs =
        results.byId().keySet().stream()
            .map(RUN::matcher)
            .filter(Matcher::matches)
            .sorted(
                Comparator.comparing((Matcher m) -> m.group(3) != null)
                    .thenComparing(m -> Integer.parseInt(m.group(2))))
            .map(m -> m.group(1))
            .distinct()
            .toList();
    List<Row> throughput = new ArrayList<>();
    List<Row> rate = new ArrayList<>();
    List<Row> answers = new ArrayList<>();
    for (int s = 0; s < SERVERS.length; s++) {
      for (String run : runs) {
        List<String> peer = s == 0 ? List.of() : List.of("postgrey-" + run);
        String c = run.equals("c1-halting") ? "1, CPUs may halt" : run.substring(1);
        throughput.add(row(SERVERS[s] + "-" + run, peer, SERVER_NAMES[s], c));
      }
      rate.add(row(SERVERS[s] + "-rate", List.of(), SERVER_NAMES[s]));
    }
    for (String server : SERVERS) {
      for (String run : Stream.concat(runs.stream(), Stream.of("rate")).toList()) {
        answers.add(row(server + "-" + run, List.of(), "`" + server + "-" + run + "`"));
      }
    }
    Col micros = value("p50 µs", "p50us");
    return List.of(
        new Table(
            "policy-throughput",
            List.of("server", "connections"),
            List.of(
                value("requests/s", "rps"),
                new Col("÷ Postgrey", "rps", 1, THIS_OVER_PEER, 0),
                micros,
                value("p99 µs", "p99us"),
                value("max µs", "maxus")),
            throughput),
        new Table(
            "policy-rate",
            List.of("server"),
            List.of(
                value("achieved req/s", "rps"),
                micros,
                value("p90 µs", "p90us"),
                value("p99 µs", "p99us"),
                value("p99.9 µs", "p999us"),
                value("max µs", "maxus"),
                value("p99 from schedule µs", "scheduledP99us")),
            rate),
        new Table(
            "policy-answers",
            List.of("run"),
            List.of(
                value("requests", "requests"),
                value("pass", "action.pass"),
                value("reject", "action.reject"),
                value("defer", "action.defer")),
            answers));
  }
}
