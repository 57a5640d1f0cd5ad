package org.smtpcr.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a JMH JSON result file into a section of {@code docs/benchmarks.md}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.smtpcr.benchmarks.Report GROUP \
 *     --results FILE.json [--doc docs/benchmarks.md] [--command "..."] [--note "..."] \
 *     [--load-before "0.52 0.61 0.70"]
 * </pre>
 *
 * Without {@code --doc} the section is printed. With it, only the section of {@code GROUP} between
 * its markers is replaced (see {@link DocSections}); the file is created if missing. Groups:
 * {@code tokens} ({@link TokenReport}), {@code core} ({@link CoreReport}).
 */
public final class Report {
  private Report() {}

  /** Runs the generator; exits with status 2 on a usage error. */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      usage("no group given");
    }
    String group = args[0];
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || i + 1 >= args.length) {
        usage("expected --option value, got " + a);
      }
      opts.put(a.substring(2), args[++i]);
    }
    String results = opts.get("results");
    if (results == null) {
      usage("--results is required");
    }
    RunInfo info = RunInfo.current(opts.getOrDefault("command", ""), opts.getOrDefault("note", ""),
        opts.getOrDefault("load-before", ""), results).withDate(opts.getOrDefault("date", ""));
    JmhResults jmh = JmhResults.read(Path.of(results));
    String body;
    switch (group) {
      case "tokens" -> body = TokenReport.render(jmh, TokenSamples.mint(), info);
      // core: also --postgres "postgres --version" and --load-after LOADAVG
      case "core" -> body = CoreReport.render(jmh, info,
          opts.getOrDefault("postgres", ""), opts.getOrDefault("load-after", ""));
      default -> {
        usage("unknown group " + group + "; known: tokens, core");
        return;
      }
    }
    DocSections.publish(opts.get("doc"), group, body);
  }

  private static void usage(String problem) {
    System.err.println("Report: " + problem);
    System.err.println("usage: Report GROUP --results FILE.json [--doc FILE.md] [--command CMD]"
        + " [--note TEXT] [--load-before LOADAVG]");
    System.exit(2);
  }

  /**
   * Where and how a run happened, for the Conditions part of a section.
   *
   * @param date when the run started, UTC, to the minute (when the report was made, if the run did not
   *     record it)
   * @param cores processors available to the JVM
   * @param cpu the CPU model, or empty
   * @param memory total memory as text, or empty
   * @param os name, version and architecture
   * @param command the command that reproduces the run
   * @param note free text about the conditions, or empty
   * @param loadBefore the load average just before the run, or empty
   * @param resultsFile the JMH JSON file the section was made from
   */
  public record RunInfo(String date, int cores, String cpu, String memory, String os, String command,
      String note, String loadBefore, String resultsFile) {

    /**
     * The same facts with the date of the run, when known (scripts record it, so a report made later
     * from the same results shows when they were measured).
     */
    /**
     * The start of a report's Conditions section: its heading, the date and the machine, each line
     * ending in a line feed.
     */
    public String conditionsHead() {
      StringBuilder md = new StringBuilder("### Conditions\n\n");
      md.append("- Date: ").append(date).append('\n');
      md.append("- Machine: ").append(cores).append(cores == 1 ? " core" : " cores");
      if (!cpu.isEmpty()) {
        md.append(", ").append(cpu);
      }
      if (!memory.isEmpty()) {
        md.append(", ").append(memory);
      }
      return md.append(", ").append(os).append('\n').toString();
    }

    public RunInfo withDate(String runDate) {
      return runDate.isBlank() ? this
          : new RunInfo(runDate.strip(), cores, cpu, memory, os, command, note, loadBefore, resultsFile);
    }

    /** The facts of this machine now, with the given texts. */
    public static RunInfo current(String command, String note, String loadBefore, String resultsFile) {
      String date = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)
          .truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
          .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
      String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
          + System.getProperty("os.arch");
      return new RunInfo(date, Runtime.getRuntime().availableProcessors(),
          procField("/proc/cpuinfo", "model name"), totalMemory(), os, command, note, loadBefore, resultsFile);
    }

    private static String totalMemory() {
      String kb = procField("/proc/meminfo", "MemTotal").replace("kB", "").trim();
      try {
        return String.format(java.util.Locale.ROOT, "%.0f GiB", Long.parseLong(kb) / 1024.0 / 1024.0);
      } catch (NumberFormatException e) {
        return "";
      }
    }

    private static String procField(String file, String field) {
      try {
        List<String> lines = new ArrayList<>(Files.readAllLines(Path.of(file)));
        for (String line : lines) {
          int colon = line.indexOf(':');
          if (colon > 0 && line.substring(0, colon).trim().equals(field)) {
            return line.substring(colon + 1).trim();
          }
        }
      } catch (IOException | RuntimeException e) {
        // not Linux, or not readable: leave it out
      }
      return "";
    }
  }

  /** Nanoseconds as the JMH tables show them: whole above 100, one decimal below. */
  static String fmtNs(double ns) {
    return String.format(java.util.Locale.ROOT, ns >= 100 ? "%,.0f" : "%,.1f", ns);
  }

  /** A ratio with three significant digits or so, and a times sign. */
  static String fmtRatio(double r) {
    return String.format(java.util.Locale.ROOT, r >= 10 ? "%.1f×" : "%.2f×", r);
  }

  /** The library versions recorded at build time in {@code resource} beside these classes (empty if none). */
  static java.util.Properties versions(String resource) {
    java.util.Properties p = new java.util.Properties();
    try (java.io.InputStream in = Report.class.getResourceAsStream(resource)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return p;
  }
}
