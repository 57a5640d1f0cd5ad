package org.smtpcr.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The results of one JMH run, read from its JSON result file ({@code -rf json -rff FILE}), with
 * the run settings that every entry of one run shares. Every group's report reads its run through
 * this class.
 */
public final class JmhResults {
  /**
   * One benchmark's result for one set of parameters.
   *
   * @param benchmark the full name, {@code package.Class.method}
   * @param method the method name
   * @param params the {@code @Param} values, empty when none (one method then runs once per value)
   * @param mode the JMH mode: {@code avgt}, {@code sample}, ...
   * @param score the mean, in {@code unit}
   * @param error half the width of the 99.9 % confidence interval, NaN when JMH gives none
   * @param low the lower end of that interval (NaN when none)
   * @param high the upper end (NaN when none)
   * @param unit such as {@code ns/op}
   * @param allocBytesPerOp bytes allocated per operation ({@code -prof gc}), NaN when not measured
   * @param best the best (lowest) single measurement iteration of any fork, in {@code unit}; on a
   *     machine shared with other work it is the figure least disturbed by that work
   * @param percentiles percentile (0 to 100) to value, in {@code unit}; for sample time the
   *     percentiles of all sampled calls
   * @param samples the calls timed (sample time), 0 otherwise
   */
  public record Result(String benchmark, String method, Map<String, String> params, String mode, double score,
      double error, double low, double high, String unit, double allocBytesPerOp, double best,
      Map<Double, Double> percentiles, long samples) {
    /** Copies the maps. */
    public Result {
      params = Map.copyOf(params);
      percentiles = Map.copyOf(percentiles);
    }

    /** The value at {@code p} percent, NaN when not known. */
    public double percentile(double p) {
      return percentiles.getOrDefault(p, Double.NaN);
    }
  }

  private final List<Result> results;
  private final JsonNode settings;

  private JmhResults(List<Result> results, JsonNode settings) {
    this.results = List.copyOf(results);
    this.settings = settings;
  }

  /** Reads a JMH JSON result file. */
  public static JmhResults read(Path file) throws IOException {
    return parse(Files.readString(file));
  }

  /** Parses the text of a JMH JSON result file. */
  public static JmhResults parse(String json) throws IOException {
    JsonNode root = new ObjectMapper().readTree(json);
    if (root == null || !root.isArray() || root.isEmpty()) {
      throw new IOException("not a JMH JSON result file, or one without results");
    }
    List<Result> list = new ArrayList<>();
    for (JsonNode n : root) {
      String benchmark = n.path("benchmark").asText();
      Map<String, String> params = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> p : n.path("params").properties()) {
        params.put(p.getKey(), p.getValue().asText());
      }
      JsonNode pm = n.path("primaryMetric");
      JsonNode ci = pm.path("scoreConfidence");
      double alloc = Double.NaN;
      JsonNode secondary = n.path("secondaryMetrics");
      for (String key : new String[] {"gc.alloc.rate.norm", "\u00b7gc.alloc.rate.norm"}) {
        if (secondary.has(key)) {
          alloc = number(secondary.get(key).path("score"));
        }
      }
      double best = Double.NaN;
      for (JsonNode fork : pm.path("rawData")) {
        for (JsonNode it : fork) {
          double v = number(it);
          best = Double.isNaN(best) ? v : Math.min(best, v);
        }
      }
      long samples = 0;
      for (JsonNode fork : pm.path("rawDataHistogram")) {
        for (JsonNode iteration : fork) {
          for (JsonNode bin : iteration) {
            samples += bin.path(1).asLong();
          }
        }
      }
      Map<Double, Double> percentiles = new TreeMap<>();
      for (Map.Entry<String, JsonNode> p : pm.path("scorePercentiles").properties()) {
        try {
          percentiles.put(Double.parseDouble(p.getKey()), number(p.getValue()));
        } catch (NumberFormatException e) {
          // not a percentile key
        }
      }
      list.add(new Result(benchmark, benchmark.substring(benchmark.lastIndexOf('.') + 1), params,
          n.path("mode").asText(), number(pm.path("score")), number(pm.path("scoreError")),
          number(ci.path(0)), number(ci.path(1)), pm.path("scoreUnit").asText(), alloc, best, percentiles,
          samples));
    }
    return new JmhResults(list, root.get(0));
  }

  private static double number(JsonNode n) {
    if (n.isNumber()) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(n.asText()); // JMH writes "NaN" as a string
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** All results, in file order. */
  public List<Result> results() {
    return results;
  }

  /** The result of the benchmark method {@code method} (of any class), if the run has it. */
  public Optional<Result> method(String method) {
    return results.stream().filter(r -> r.method().equals(method)).findFirst();
  }

  /** The result of {@code method} whose parameter {@code param} is {@code value}, if the run has it. */
  public Optional<Result> method(String method, String param, String value) {
    return results.stream()
        .filter(r -> r.method().equals(method) && value.equals(r.params().get(param)))
        .findFirst();
  }

  /** A run setting as text, such as {@code jmhVersion}, {@code jdkVersion}, {@code warmupTime}. */
  public String setting(String name) {
    return settings.path(name).asText("");
  }

  /** The JVM options of the forked benchmark JVMs. */
  public List<String> jvmArgs() {
    List<String> args = new ArrayList<>();
    settings.path("jvmArgs").forEach(a -> args.add(a.asText()));
    return args;
  }
}
