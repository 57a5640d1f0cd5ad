package org.smtpcr.benchmarks;

import com.google.common.base.Splitter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smtpcr.benchmarks.Render.Col;
import org.smtpcr.benchmarks.Render.Op;
import org.smtpcr.benchmarks.Render.Row;
import org.smtpcr.benchmarks.Render.Table;

/**
 * The tables of {@code docs/benchmarks.md}, as data: which measurement each row shows, against
 * which peer. In the declarations below, {@code # id | label header...} starts a table, {@code =
 * header | field [| op [| peer index [| scale]]]} is a column ({@link Op}; the peer index picks the
 * row's peer) and {@code id [peer...] | label...} is a row.
 */
final class Tables {
  private static final String TOKENS =
      """
      # tokens-time | operation | implementation
      = ns/op | score
      = ± error | error
      = best iteration | best
      = B/op | alloc
      = auth0 ÷ this | score | PEER_OVER_THIS
      = at the error bars' ends | score | PEER_OVER_THIS_AT_ERROR_ENDS
      smtpcrMint auth0Mint | mint | SMTPCR `ChallengeTokens.mint`
      nimbusMint auth0Mint | mint | Nimbus JOSE+JWT 10.10 HS256
      auth0Mint | mint | peer: auth0 java-jwt 4.6.2 HS256
      smtpcrVerify auth0Verify | verify | SMTPCR `ChallengeTokens.verify`
      nimbusVerify auth0Verify | verify | Nimbus JOSE+JWT 10.10 HS256
      auth0Verify | verify | peer: auth0 java-jwt 4.6.2 HS256
      passCodeCompute | pass code (reference) | SMTPCR `PassCodes.compute`
      passCodeVerify | pass code (reference) | SMTPCR `PassCodes.verify`
      # tokens-length | format
      = characters | length
      = SMTPCR ÷ this | length | PEER_OVER_THIS
      length-smtpcr | SMTPCR token v1 (base32)
      length-nimbus length-smtpcr | Nimbus JOSE+JWT (header `kid`, `alg`)
      length-auth0 length-smtpcr | auth0 java-jwt (header `kid`, `alg`, `typ`)
      """;
  private static final String CORE =
      """
      # core-decisions | operation | peer
      = ns/op | score
      = ± error | error
      = best iteration | best
      = B/op | alloc
      = ÷ peer | score | THIS_OVER_PEER
      accept mapGet | **accept**: `decide`, whitelisted pair → `Accept` | map look-up
      rcptAccepted mapGet | accept through `TransactionState` (`begin` after MAIL, one `rcpt`) \
      | map look-up
      mapGet | peer: `ConcurrentHashMap.get` of the canonical pair (floor of any accept) | –
      challenge jwtMint | **challenge**: `decide`, unknown sender → `Challenge`, \
      `reply().toWire()` | JWT mint
      tokenMint jwtMint | peer: `ChallengeTokens.mint` alone (same key, pair, lifetime) | JWT mint
      jwtMint | peer: auth0 java-jwt 4.6.2 HS256 mint alone | –
      # core-ratios | comparison
      = ratio | score | THIS_OVER_PEER
      = best iterations | best | THIS_OVER_PEER
      accept mapGet | accept ÷ `ConcurrentHashMap.get`
      challenge tokenMint | challenge ÷ `ChallengeTokens.mint`
      challenge jwtMint | challenge ÷ HS256 JWT mint
      jwtMint tokenMint | HS256 JWT mint ÷ `ChallengeTokens.mint`
      # core-steps | step | of
      = ns/op | score
      = B/op | alloc
      = share | score | PERCENT_OF_PEER
      canonicalize accept | parse and canonicalize both paths | accept
      canonicalize challenge | parse and canonicalize both paths | challenge
      storeHit accept | in-memory store, hit (100,000 pairs) | accept
      storeMiss challenge | in-memory store, miss (every key of the pair) | challenge
      tokenMint challenge | mint the token | challenge
      formatChallenge challenge | format the reply around the link, `toWire()` | challenge
      # core-stores | store | look-up
      = mean µs | score | VALUE | 0 | 1e-3
      = p50 µs | p50 | VALUE | 0 | 1e-3
      = p90 µs | p90 | VALUE | 0 | 1e-3
      = p99 µs | p99 | VALUE | 0 | 1e-3
      = p99.9 µs | p99.9 | VALUE | 0 | 1e-3
      = samples | samples
      = B/op | alloc
      = p50 ÷ SELECT 1 | p50 | THIS_OVER_PEER
      = p50 ÷ in-memory | p50 | THIS_OVER_PEER | 1
      jdbcHit-h2 selectOne-h2 inMemoryHit | H2 2.3.232, file | hit
      jdbcMiss-h2 selectOne-h2 inMemoryMiss | H2 2.3.232, file | miss
      selectOne-h2 | H2 2.3.232, file | peer: `SELECT 1`
      jdbcHit-postgresql selectOne-postgresql inMemoryHit | PostgreSQL, TCP to 127.0.0.1 | hit
      jdbcMiss-postgresql selectOne-postgresql inMemoryMiss | PostgreSQL, TCP to 127.0.0.1 | miss
      selectOne-postgresql | PostgreSQL, TCP to 127.0.0.1 | peer: `SELECT 1`
      inMemoryHit | in-memory (10,000 pairs) | peer: hit
      inMemoryMiss | in-memory (10,000 pairs) | peer: miss
      # core-observe | what the decision adds
      = ns/op | score
      = ± error | error
      = B/op | alloc
      = ÷ peer | score | THIS_OVER_PEER
      = ns added | score | MINUS_PEER
      observed-none | peer: nothing (an accept from the in-memory store, 10,000 pairs)
      observed-metrics observed-none | metrics: decision counters and timer, store timer
      observed-log observed-none | decision log: the INFO line, as the command writes it
      observed-both observed-none | **both**, as `smtpcr policy-server --metrics-listen`
      """;

  private static final String AUTH =
      """
      # auth-spf | record | check
      = µs/op | score
      = ± error | error
      = best iteration | best
      = ÷ its queries | score | THIS_OVER_PEER
      = ÷ one query | score | THIS_OVER_PEER | 1
      checkSender-on-ip4 decisionQueries-ip4 dnsQueries-ip4 | `ip4:` | **SMTPCR `checkSender`, cached**
      checkSender-off-ip4 decisionQueries-ip4 dnsQueries-ip4 | `ip4:` | **SMTPCR `checkSender`, uncached**
      decisionQueries-ip4 decisionQueries-ip4 dnsQueries-ip4 | `ip4:` \
      | peer: the check's 3 queries (HELO TXT, TXT, DMARC TXT)
      jspf-cached-ip4 dnsQueries-ip4 dnsQueries-ip4 | `ip4:` | jSPF 1.0.5 alone, cached
      jspf-uncached-ip4 dnsQueries-ip4 dnsQueries-ip4 | `ip4:` | jSPF 1.0.5 alone, uncached
      jspf-uncached-txt-only-ip4 dnsQueries-ip4 dnsQueries-ip4 | `ip4:` \
      | jSPF 1.0.5 alone, uncached, TXT only
      dnsQueries-ip4 dnsQueries-ip4 dnsQueries-ip4 | `ip4:` | peer: the record's 1 query (TXT)
      checkSender-on-include decisionQueries-include dnsQueries-ip4 | `include:` | **SMTPCR `checkSender`, cached**
      checkSender-off-include decisionQueries-include dnsQueries-ip4 | `include:` | **SMTPCR `checkSender`, uncached**
      decisionQueries-include decisionQueries-include dnsQueries-ip4 | `include:` \
      | peer: the check's 4 queries (HELO TXT, TXT, TXT, DMARC TXT)
      jspf-cached-include dnsQueries-include dnsQueries-ip4 | `include:` | jSPF 1.0.5 alone, cached
      jspf-uncached-include dnsQueries-include dnsQueries-ip4 | `include:` | jSPF 1.0.5 alone, uncached
      jspf-uncached-txt-only-include dnsQueries-include dnsQueries-ip4 | `include:` \
      | jSPF 1.0.5 alone, uncached, TXT only
      dnsQueries-include dnsQueries-include dnsQueries-ip4 | `include:` | peer: the record's 2 queries (TXT, TXT)
      checkSender-on-mx decisionQueries-mx dnsQueries-ip4 | `mx` | **SMTPCR `checkSender`, cached**
      checkSender-off-mx decisionQueries-mx dnsQueries-ip4 | `mx` | **SMTPCR `checkSender`, uncached**
      decisionQueries-mx decisionQueries-mx dnsQueries-ip4 | `mx` \
      | peer: the check's 5 queries (HELO TXT, TXT, MX, A, DMARC TXT)
      jspf-cached-mx dnsQueries-mx dnsQueries-ip4 | `mx` | jSPF 1.0.5 alone, cached
      jspf-uncached-mx dnsQueries-mx dnsQueries-ip4 | `mx` | jSPF 1.0.5 alone, uncached
      jspf-uncached-txt-only-mx dnsQueries-mx dnsQueries-ip4 | `mx` \
      | jSPF 1.0.5 alone, uncached, TXT only
      dnsQueries-mx dnsQueries-mx dnsQueries-ip4 | `mx` | peer: the record's 3 queries (TXT, MX, A)
      # auth-spf-queries | record | evaluator
      = queries sent | queries
      = RFC 7208 needs | needed
      = result pass | pass
      spfQueries-ip4 | `ip4:` | jSPF 1.0.5 as shipped
      spfQueries-txt-only-ip4 | `ip4:` | jSPF 1.0.5, TXT only
      spfQueries-include | `include:` | jSPF 1.0.5 as shipped
      spfQueries-txt-only-include | `include:` | jSPF 1.0.5, TXT only
      spfQueries-mx | `mx` | jSPF 1.0.5 as shipped
      spfQueries-txt-only-mx | `mx` | jSPF 1.0.5, TXT only
      # auth-dkim | message | check
      = µs/op | score
      = ± error | error
      = best iteration | best
      = B/op | alloc
      = ÷ SHA-256 | score | THIS_OVER_PEER
      checkMessage-10240 sha256-10240 | 10 kB | **SMTPCR `checkMessage`** (DKIM, DMARC)
      verify-10240 sha256-10240 | 10 kB | jDKIM 0.5 `DKIMVerifier.verify` alone
      sha256-10240 | 10 kB | peer: SHA-256 of the message
      checkMessage-1048576 sha256-1048576 | 1 MB | **SMTPCR `checkMessage`** (DKIM, DMARC)
      verify-1048576 sha256-1048576 | 1 MB | jDKIM 0.5 `DKIMVerifier.verify` alone
      sha256-1048576 | 1 MB | peer: SHA-256 of the message
      # auth-policy | server | SPF
      = requests/s | rps
      = ÷ SPF off | rps | THIS_OVER_PEER
      = p50 µs | p50us
      = p99 µs | p99us
      = max µs | maxus
      policy-spf-off | SMTPCR policy server, in-memory store | off
      policy-spf-on policy-spf-off | SMTPCR policy server, in-memory store | on: `SmtpcrAuthenticator`, cached
      # auth-pow | solver | difficulty
      = ms per solve | score
      = ± error | error
      = hashes per solve | hashesPerSolve
      = ns per hash | nsPerHash
      powNative | native: C, OpenSSL SHA-256, one thread (CPU time) | 18 bits
      solve-18 | Java 17, `MessageDigest` SHA-256, one thread (JMH) | 18 bits
      """;

  /** The policy tables' rows come from the runs: {@link #policy}. */
  private static final String POLICY =
      """
      # policy-throughput | server | connections
      = requests/s | rps
      = ÷ Postgrey | rps | THIS_OVER_PEER
      = p50 µs | p50us
      = p99 µs | p99us
      = max µs | maxus
      # policy-rate | server
      = achieved req/s | rps
      = p50 µs | p50us
      = p90 µs | p90us
      = p99 µs | p99us
      = p99.9 µs | p999us
      = max µs | maxus
      = p99 from schedule µs | scheduledP99us
      # policy-answers | run
      = requests | requests
      = pass | action.pass
      = reject | action.reject
      = defer | action.defer
      # policy-footprint | server
      = peak RSS MB | peakmb
      = RSS at the end MB | endmb
      = peak ÷ Postgrey's | peakmb | THIS_OVER_PEER
      = start-up ms | startupms
      = fastest ms | startupmsMin
      = slowest ms | startupmsMax
      """;

  /** Policy servers, the first the peer: id prefix and name. */
  private static final String[][] SERVERS = {
    {"postgrey", "Postgrey"},
    {"floor", "floor (does nothing)"},
    {"ours-memory", "SMTPCR, in-memory store"},
    {"ours-memory-observed", "SMTPCR, in-memory store, decision log and metrics on"},
    {"ours-memory-tuned", "SMTPCR, in-memory store, tuned"},
    {"ours-h2", "SMTPCR, H2 file store"},
    {"ours-postgresql", "SMTPCR, PostgreSQL store"},
    {"ours-postgresql-cached", "SMTPCR, PostgreSQL store, near cache"},
    {"ours-cli", "`smtpcr policy-server`, default JVM options"},
    {"ours-cli-packaged", "`smtpcr policy-server`, packaged JVM options (`jvm.options`)"}
  };

  private static final Pattern RUN = Pattern.compile(".*-(c(\\d+)(-halting)?)");

  private Tables() {}

  /** The tables declared in {@code spec}. */
  static List<Table> parse(String spec) {
    List<Table> tables = new ArrayList<>();
    spec.lines()
        .forEach(
            line -> {
              List<String> cells = cells(line.substring(line.startsWith("# ") ? 2 : 0), " | ");
              Table last = tables.isEmpty() ? null : tables.get(tables.size() - 1);
              if (line.startsWith("# ")) {
                List<String> labels = cells.subList(1, cells.size());
                tables.add(new Table(cells.get(0), labels, new ArrayList<>(), new ArrayList<>()));
              } else if (line.startsWith("= ")) {
                last.cols().add(col(line.substring(2)));
              } else {
                last.rows().add(row(line));
              }
            });
    return tables;
  }

  static List<String> cells(String text, String separator) {
    return Splitter.on(separator).splitToList(text);
  }

  /** A column, {@code header | field [| op [| peer index [| scale]]]}. */
  static Col col(String spec) {
    List<String> s = new ArrayList<>(cells(spec, " | "));
    s.addAll(List.of("", "", "VALUE", "0", "1").subList(s.size(), 5));
    return new Col(
        s.get(0),
        s.get(1),
        Double.parseDouble(s.get(4)),
        Op.valueOf(s.get(2)),
        Integer.parseInt(s.get(3)));
  }

  /** A row, {@code id [peer...] | label...}. */
  static Row row(String spec) {
    List<String> cells = cells(spec, " | ");
    List<String> ids = cells(cells.get(0), " ");
    return new Row(cells.subList(1, cells.size()), ids.get(0), ids.subList(1, ids.size()));
  }

  /**
   * The tables of {@code group}; those of {@code policy} have a row for each connection count of
   * the run.
   */
  static List<Table> of(String group, Results results) {
    return switch (group) {
      case "tokens" -> parse(TOKENS);
      case "core" -> parse(CORE);
      case "policy" -> policy(results);
      case "auth" -> parse(AUTH);
      default ->
          throw new IllegalArgumentException(
              "unknown group " + group + "; known: tokens, core, policy, auth");
    };
  }

  /**
   * Runs c1, c16... in connection order, then c1-halting; each server a row per run, and a row of
   * its footprint (measurement {@code <server>-footprint}) against Postgrey's.
   */
  private static List<Table> policy(Results results) {
    List<String> runs =
        results.byId().keySet().stream()
            // the decision log's turns (always 16 and 256 connections) are no runs of the tables
            .filter(id -> !id.contains("-turns-"))
            .map(RUN::matcher)
            .filter(Matcher::matches)
            .sorted(
                Comparator.comparing((Matcher m) -> m.group(3) != null)
                    .thenComparing(m -> Integer.parseInt(m.group(2))))
            .map(m -> m.group(1))
            .distinct()
            .toList();
    List<Table> tables = parse(POLICY);
    for (String[] s : SERVERS) {
      for (String run : runs) {
        String peer = s == SERVERS[0] ? "" : " postgrey-" + run;
        String c = run.equals("c1-halting") ? "1, CPUs may halt" : run.substring(1);
        tables.get(0).rows().add(row(s[0] + "-" + run + peer + " | " + s[1] + " | " + c));
        tables.get(2).rows().add(row(s[0] + "-" + run + " | `" + s[0] + "-" + run + "`"));
      }
      tables.get(1).rows().add(row(s[0] + "-rate | " + s[1]));
      tables.get(2).rows().add(row(s[0] + "-rate | `" + s[0] + "-rate`"));
      String peer = s == SERVERS[0] ? "" : " postgrey-footprint";
      tables.get(3).rows().add(row(s[0] + "-footprint" + peer + " | " + s[1]));
    }
    return tables;
  }
}
