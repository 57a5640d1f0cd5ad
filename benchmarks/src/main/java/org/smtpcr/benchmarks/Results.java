package org.smtpcr.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The measurements of one group's run directory, by id, each a map of named numbers. A JMH JSON
 * file ({@code *.json}) gives one measurement per benchmark method and parameter set, with id
 * {@code method} or {@code method-paramvalue} and fields {@code score}, {@code error}, {@code best}
 * (the lowest single iteration), {@code alloc} (B/op, {@code -prof gc}), {@code samples} and {@code
 * p50}, {@code p90}, {@code p99}, {@code p99.9} (sample mode). A {@code *.properties} file (a
 * policy load run, a token length) gives one measurement whose id is the file name and whose fields
 * are its numeric properties.
 */
record Results(Map<String, Map<String, Double>> byId) {
  static Results read(Path dir) throws IOException {
    Map<String, Map<String, Double>> all = new HashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".json")) {
          jmh(Files.readString(f), all);
        } else if (name.endsWith(".properties")) {
          Properties p = new Properties();
          try (var in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(in);
          }
          Map<String, Double> m = new HashMap<>();
          p.stringPropertyNames().forEach(k -> number(p.getProperty(k), m, k));
          all.put(name.substring(0, name.length() - ".properties".length()), m);
        }
      }
    }
    return new Results(all);
  }

  static void jmh(String json, Map<String, Map<String, Double>> into) throws IOException {
    for (JsonNode n : new ObjectMapper().readTree(json)) {
      String bench = n.path("benchmark").asText();
      StringBuilder id = new StringBuilder(bench.substring(bench.lastIndexOf('.') + 1));
      n.path("params").forEach(v -> id.append('-').append(v.asText()));
      JsonNode pm = n.path("primaryMetric");
      Map<String, Double> m = new HashMap<>();
      number(pm.path("score").asText(), m, "score");
      number(pm.path("scoreError").asText(), m, "error");
      number(
          n.path("secondaryMetrics").path("gc.alloc.rate.norm").path("score").asText(), m, "alloc");
      pm.path("scorePercentiles")
          .properties()
          .forEach(
              p -> number(p.getValue().asText(), m, "p" + p.getKey().replaceAll("\\.0+$", "")));
      m.put(
          "best",
          pm.path("rawData")
              .valueStream()
              .flatMap(JsonNode::valueStream)
              .mapToDouble(JsonNode::asDouble)
              .min()
              .orElse(Double.NaN));
      m.put(
          "samples",
          (double)
              pm.path("rawDataHistogram")
                  .valueStream()
                  .flatMap(JsonNode::valueStream)
                  .flatMap(JsonNode::valueStream)
                  .mapToLong(bin -> bin.path(1).asLong())
                  .sum());
      into.put(id.toString(), m);
    }
  }

  private static void number(String text, Map<String, Double> into, String field) {
    try {
      into.put(field, Double.parseDouble(text)); // JMH writes NaN as a string
    } catch (NumberFormatException e) {
      // not a number: a label, a command line
    }
  }

  /** The field of measurement {@code id}; NaN when the run has no such measurement or field. */
  double get(String id, String field) {
    return byId.getOrDefault(id, Map.of()).getOrDefault(field, Double.NaN);
  }
}
