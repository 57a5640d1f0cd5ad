package org.smtpcr.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.benchmarks.Render.Col;
import org.smtpcr.benchmarks.Render.Op;
import org.smtpcr.benchmarks.Render.Table;

final class RenderTest {
  private static final String JMH =
      """
      [{"benchmark": "org.smtpcr.benchmarks.X.fast", "mode": "avgt", "params": {"db": "h2"},
        "primaryMetric": {"score": 380.4, "scoreError": 69.41, "scoreUnit": "ns/op",
          "scorePercentiles": {"50.0": 370.0, "99.9": 900.0},
          "rawData": [[400.0, 356.2], [390.0, 380.0]],
          "rawDataHistogram": [[[[350.0, 3], [400.0, 2]]], [[[380.0, 5]]]]},
        "secondaryMetrics": {"gc.alloc.rate.norm": {"score": 480.0}}},
       {"benchmark": "org.smtpcr.benchmarks.X.slow", "mode": "avgt", "params": {},
        "primaryMetric": {"score": 2924.0, "scoreError": "NaN", "rawData": [[2924.0]]}}]
      """;

  @Test
  void read_jmhJsonAndProperties_byIdAndField(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("jmh.json"), JMH);
    Files.writeString(
        dir.resolve("postgrey-c1.properties"), "rps=3053.2\naction.defer=3001\nlabel=text\n");
    Results r = Results.read(dir);
    assertEquals(380.4, r.get("fast-h2", "score"));
    assertEquals(69.41, r.get("fast-h2", "error"));
    assertEquals(356.2, r.get("fast-h2", "best"));
    assertEquals(480.0, r.get("fast-h2", "alloc"));
    assertEquals(370.0, r.get("fast-h2", "p50"));
    assertEquals(900.0, r.get("fast-h2", "p99.9"));
    assertEquals(10, r.get("fast-h2", "samples"));
    assertEquals(2924.0, r.get("slow", "best"));
    assertEquals(Double.NaN, r.get("slow", "error"));
    assertEquals(3053.2, r.get("postgrey-c1", "rps"));
    assertEquals(3001, r.get("postgrey-c1", "action.defer"));
    assertEquals(Double.NaN, r.get("postgrey-c1", "label"));
    assertEquals(Double.NaN, r.get("absent", "rps"));
  }

  @Test
  void render_ratiosAgainstTheRowsNamedPeer_rowsNotMeasuredLeftOut() {
    Results r = results(Map.of("fast", 380.4, "slow", 2924.0, "slower", 5982.0));
    Table t =
        new Table(
            "t",
            List.of("what"),
            List.of(
                Tables.col("ns/op | score"),
                new Col("slow ÷ this", "score", 1, Op.PEER_OVER_THIS, 0),
                Tables.col("share | score | PERCENT_OF_PEER"),
                Tables.col("÷ slower | score | THIS_OVER_PEER | 1"),
                Tables.col("added | score | MINUS_PEER")),
            List.of(
                Tables.row("fast slow slower | ours"),
                Tables.row("slow | peer"),
                Tables.row("missing slow | not run")));
    assertEquals(
        """
        | what | ns/op | slow ÷ this | share | ÷ slower | added |
        |---|---:|---:|---:|---:|---:|
        | ours | 380 | 7.69× | 13 % | 0.06× | -2,544 |
        | peer | 2,924 | – | – | – | – |
        """,
        Render.render(t, r));
  }

  @Test
  void render_ratioAtTheErrorBarsEnds_leastFavourableToTheRow() {
    Map<String, Map<String, Double>> m =
        Map.of(
            "ours",
            Map.of("score", 380.0, "error", 70.0),
            "peer",
            Map.of("score", 2924.0, "error", 290.0),
            "wide",
            Map.of("score", 100.0, "error", 150.0));
    Table t =
        new Table(
            "t",
            List.of("what"),
            List.of(new Col("worst", "score", 1, Op.PEER_OVER_THIS_AT_ERROR_ENDS, 0)),
            List.of(Tables.row("ours peer | a"), Tables.row("ours wide | b")));
    assertEquals(
        "| what | worst |\n|---|---:|\n| a | 5.85× |\n| b | – |\n",
        Render.render(t, new Results(m)));
  }

  @Test
  void policyTables_haveARowPerConnectionCountOfTheRun_withoutCpuLatencyRequestLast() {
    Map<String, Map<String, Double>> m = new HashMap<>();
    for (String id :
        List.of(
            "postgrey-c16", "postgrey-c1-halting", "postgrey-c4", "postgrey-rate", "floor-c4")) {
      m.put(id, Map.of("rps", 100.0));
    }
    List<String> rows =
        Tables.of("policy", new Results(m)).get(0).rows().stream()
            .map(Render.Row::id)
            .filter(id -> id.startsWith("postgrey"))
            .toList();
    assertEquals(List.of("postgrey-c4", "postgrey-c16", "postgrey-c1-halting"), rows);
  }

  @Test
  void policyTables_newServersRenderedWhenMeasured_againstPostgreyOfTheSameConnections() {
    Map<String, Map<String, Double>> m = new HashMap<>();
    m.put("postgrey-c16", Map.of("rps", 3_000.0));
    m.put("ours-postgresql-c16", Map.of("rps", 15_000.0));
    m.put("ours-memory-observed-c16", Map.of("rps", 57_000.0));
    m.put("ours-postgresql-rate", Map.of("rps", 1_000.0, "p99us", 2_500.0));
    // no ours-postgresql-cached-*: a build without the near cache leaves its rows out
    Results r = new Results(m);
    List<Table> tables = Tables.of("policy", r);
    assertEquals(
        """
        | server | connections | requests/s | ÷ Postgrey | p50 µs | p99 µs | max µs |
        |---|---|---:|---:|---:|---:|---:|
        | Postgrey | 16 | 3,000 | – | – | – | – |
        | SMTPCR, in-memory store, decision log and metrics on | 16 | 57,000 | 19.0× | – | – | – |
        | SMTPCR, PostgreSQL store | 16 | 15,000 | 5.00× | – | – | – |
        """,
        Render.render(tables.get(0), r));
    assertEquals(
        """
        | server | achieved req/s | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs \
        | p99 from schedule µs |
        |---|---:|---:|---:|---:|---:|---:|---:|
        | SMTPCR, PostgreSQL store | 1,000 | – | – | 2,500 | – | – | – |
        """,
        Render.render(tables.get(1), r));
  }

  @Test
  void policyFootprint_peakAgainstPostgreysAndStartUp_rowsOfServersMeasured() {
    Map<String, Map<String, Double>> m = new HashMap<>();
    m.put(
        "postgrey-footprint",
        Map.of(
            "peakmb",
            24.5,
            "endmb",
            24.5,
            "startupms",
            612.0,
            "startupmsMin",
            590.0,
            "startupmsMax",
            700.0));
    m.put("ours-memory-footprint", Map.of("peakmb", 310.2, "endmb", 300.0));
    m.put(
        "ours-cli-packaged-footprint",
        Map.of(
            "peakmb",
            91.875,
            "endmb",
            90.0,
            "startupms",
            2_840.0,
            "startupmsMin",
            2_700.0,
            "startupmsMax",
            3_100.0));
    Results r = new Results(m);
    assertEquals(
        """
        | server | peak RSS MB | RSS at the end MB | peak ÷ Postgrey's | start-up ms \
        | fastest ms | slowest ms |
        |---|---:|---:|---:|---:|---:|---:|
        | Postgrey | 24.5 | 24.5 | – | 612 | 590 | 700 |
        | SMTPCR, in-memory store | 310 | 300 | 12.7× | – | – | – |
        | `smtpcr policy-server`, packaged JVM options (`jvm.options`) | 91.9 | 90 | 3.75× \
        | 2,840 | 2,700 | 3,100 |
        """,
        Render.render(Tables.of("policy", r).get(3), r));
  }

  @Test
  void declarations_columnsAndRowsWithTheirPeers() {
    assertEquals(
        new Col("p50 µs", "p50", 1e-3, Op.VALUE, 0), Tables.col("p50 µs | p50 | VALUE | 0 | 1e-3"));
    assertEquals(
        new Col("÷ peer", "score", 1, Op.THIS_OVER_PEER, 1),
        Tables.col("÷ peer | score | THIS_OVER_PEER | 1"));
    assertEquals(
        new Render.Row(List.of("H2", "hit"), "jdbcHit-h2", List.of("selectOne-h2", "inMemoryHit")),
        Tables.row("jdbcHit-h2 selectOne-h2 inMemoryHit | H2 | hit"));
    Table t = Tables.of("core", new Results(Map.of())).get(3);
    assertEquals("core-stores", t.id());
    assertEquals(List.of("store", "look-up"), t.labelHeaders());
    assertEquals(9, t.cols().size());
    assertEquals(8, t.rows().size());
  }

  @Test
  void number_threeSignificantFigures() {
    assertEquals("0", Render.number(0));
    assertEquals("0.093", Render.number(0.0934));
    assertEquals("5.12", Render.number(5.123));
    assertEquals("69.4", Render.number(69.41));
    assertEquals("82,201", Render.number(82_201.4));
    assertEquals("–", Render.number(Double.NaN));
    assertEquals("45.2×", Render.ratio(45.16));
    assertEquals("21", Render.number(21));
    assertEquals("0.51×", Render.ratio(104.0 / 203));
    assertEquals("1,389×", Render.ratio(1388.6));
  }

  @Test
  void splice_replacesOnlyBetweenTheMarkers() {
    String doc = "prose\n<!-- BEGIN GENERATED: a -->\nold\n<!-- END GENERATED: a -->\nmore prose\n";
    assertEquals(
        "prose\n<!-- BEGIN GENERATED: a -->\nnew\n<!-- END GENERATED: a -->\nmore prose\n",
        Render.splice(doc, "a", "new\n"));
    assertThrows(IllegalArgumentException.class, () -> Render.splice(doc, "b", "new\n"));
  }

  @Test
  void everyDeclaredTableHasMarkersInTheDoc() throws Exception {
    String doc = Files.readString(Path.of("../docs/benchmarks.md"));
    for (String group : List.of("tokens", "core", "policy")) {
      for (Table t : Tables.of(group, new Results(Map.of()))) {
        Render.splice(doc, t.id(), "x\n");
      }
      Render.splice(doc, group + "-goals", "x\n");
      Render.splice(doc, group + "-conditions", "x\n");
    }
  }

  static Results results(Map<String, Double> scores) {
    Map<String, Map<String, Double>> m = new HashMap<>();
    scores.forEach((id, v) -> m.put(id, Map.of("score", v)));
    return new Results(m);
  }
}
