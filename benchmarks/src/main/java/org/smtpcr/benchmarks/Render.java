package org.smtpcr.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one renderer of docs/benchmarks.md: writes the tables of a group ({@link Tables}), its goals
 * ({@link Goals}) and its run conditions between their markers, and touches nothing else.
 */
public final class Render {
  /**
   * What a column shows: the field itself, or its ratio to the row's peer number {@code peer};
   * {@code PEER_OVER_THIS_AT_ERROR_ENDS} takes both at the ends of their error bars least
   * favourable to this row (– when the peer's bar reaches zero); {@code MINUS_PEER} is the
   * difference.
   */
  enum Op {
    VALUE,
    THIS_OVER_PEER,
    PEER_OVER_THIS,
    PEER_OVER_THIS_AT_ERROR_ENDS,
    PERCENT_OF_PEER,
    MINUS_PEER
  }

  record Col(String header, String field, double scale, Op op, int peer) {}

  /**
   * A row: its label cells, the measurement it shows and its peers (absent measurement: no row).
   */
  record Row(List<String> labels, String id, List<String> peers) {}

  record Table(String id, List<String> labelHeaders, List<Col> cols, List<Row> rows) {}

  private Render() {}

  /** Renders the group's tables from RESULTS-DIR into DOC and prints its goals, met or not. */
  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: Render GROUP RESULTS-DIR DOC");
      System.exit(2);
    }
    Path dir = Path.of(args[1]);
    Path docFile = Path.of(args[2]);
    Results results = Results.read(dir);
    String doc = Files.readString(docFile, StandardCharsets.UTF_8);
    for (Table t : Tables.of(args[0], results)) {
      doc = splice(doc, t.id(), render(t, results));
    }
    doc = splice(doc, args[0] + "-goals", Goals.table(Goals.of(args[0]), results));
    List<List<String>> conditions =
        Files.readAllLines(dir.resolve("conditions.txt"), StandardCharsets.UTF_8).stream()
            .filter(line -> line.indexOf('=') > 0)
            .map(line -> List.of(line.split("=", 2)))
            .toList();
    doc =
        splice(
            doc, args[0] + "-conditions", markdown(List.of("condition", "value"), 2, conditions));
    Files.writeString(docFile, doc, StandardCharsets.UTF_8);
    System.out.println("Updated the " + args[0] + " tables of " + docFile);
    Goals.print(Goals.of(args[0]), results);
  }

  static String render(Table t, Results r) {
    List<String> head = new ArrayList<>(t.labelHeaders());
    t.cols().forEach(c -> head.add(c.header()));
    List<List<String>> rows = new ArrayList<>();
    for (Row row : t.rows()) {
      if (!r.byId().containsKey(row.id())) {
        continue; // not measured in this run (a database not installed, other connection counts)
      }
      List<String> cells = new ArrayList<>(row.labels());
      t.cols().forEach(c -> cells.add(cell(c, row, r)));
      rows.add(cells);
    }
    return markdown(head, t.labelHeaders().size(), rows);
  }

  private static String cell(Col c, Row row, Results r) {
    double v = r.get(row.id(), c.field()) * c.scale();
    if (c.op() == Op.VALUE) {
      return number(v);
    }
    if (c.peer() >= row.peers().size()) {
      return "–";
    }
    String peer = row.peers().get(c.peer());
    double p = r.get(peer, c.field()) * c.scale();
    double worst =
        (p - r.get(peer, "error") * c.scale()) / (v + r.get(row.id(), "error") * c.scale());
    return switch (c.op()) {
      case THIS_OVER_PEER -> ratio(v / p);
      case PEER_OVER_THIS -> ratio(p / v);
      case PEER_OVER_THIS_AT_ERROR_ENDS -> worst > 0 ? ratio(worst) : "–";
      case MINUS_PEER -> number(v - p);
      default -> Double.isFinite(v / p) ? Math.round(100 * v / p) + " %" : "–";
    };
  }

  /** A markdown table; the first {@code labelCols} columns left-aligned, the others right. */
  static String markdown(List<String> head, int labelCols, List<List<String>> rows) {
    StringBuilder md = new StringBuilder("| ").append(String.join(" | ", head)).append(" |\n|");
    for (int i = 0; i < head.size(); i++) {
      md.append(i < labelCols ? "---|" : "---:|");
    }
    for (List<String> row : rows) {
      md.append("\n| ").append(String.join(" | ", row)).append(" |");
    }
    return md.append('\n').toString();
  }

  /**
   * Three significant figures; whole numbers, and all from 100 on, without decimals (thousands
   * separated).
   */
  static String number(double v) {
    if (!Double.isFinite(v)) {
      return "–";
    }
    double a = Math.abs(v);
    String f =
        v == Math.rint(v) || a >= 99.95
            ? "%,.0f"
            : a >= 9.995 ? "%.1f" : a >= 0.9995 ? "%.2f" : "%.3f";
    return String.format(Locale.ROOT, f, v);
  }

  static String ratio(double v) {
    String f = v >= 999.5 ? "%,.0f×" : v >= 9.995 ? "%.1f×" : "%.2f×";
    return !Double.isFinite(v) ? "–" : String.format(Locale.ROOT, f, v);
  }

  /** {@code doc} with the text between the markers of {@code id} replaced by {@code body}. */
  static String splice(String doc, String id, String body) {
    String begin = "<!-- BEGIN GENERATED: " + id + " -->";
    String end = "<!-- END GENERATED: " + id + " -->";
    int b = doc.indexOf(begin);
    int e = doc.indexOf(end);
    if (b < 0 || e < b || doc.indexOf(begin, b + 1) >= 0) {
      throw new IllegalArgumentException("the doc needs one pair of markers for " + id);
    }
    return doc.substring(0, b + begin.length()) + "\n" + body + doc.substring(e);
  }
}
