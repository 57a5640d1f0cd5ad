package org.smtpcr.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.smtpcr.benchmarks.Report.RunInfo;

/**
 * The {@code policy} section of {@code docs/benchmarks.md}: our Postfix policy server against
 * Postgrey, from the result files {@link PolicyLoad} wrote in one run of
 * {@code benchmarks/run-policy.sh}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.smtpcr.benchmarks.PolicyReport --results DIR
 *     [--doc docs/benchmarks.md] [--command "..."] [--note "..."] [--load-before "..."]
 *     [--postgrey "1.37-1.1 --delay=1 ..."] [--jvm "..."] [--busy-poll-us 200] [--cpu-latency 0|off]
 *     [--cpuidle "haltpoll driver, haltpoll governor"]
 * </pre>
 *
 * Result files are named {@code TARGET-cN.properties} (throughput with N connections),
 * {@code TARGET-rate.properties} (latency at a fixed offered load) and
 * {@code TARGET-c1-halting.properties} (1 connection again, without the CPU latency request the
 * other runs are made under), TARGET one of
 * {@value #POSTGREY}, {@value #FLOOR}, {@value #OURS_MEMORY}, {@value #OURS_MEMORY_TUNED}, {@value #OURS_H2}.
 */
public final class PolicyReport {
  /** Section id in the doc. */
  public static final String SECTION = "policy";

  /** Goal: at least this many times Postgrey's throughput, at every connection count. */
  public static final double THROUGHPUT_GOAL = 10.0;

  /** Goal: p99 latency under this many microseconds at the fixed offered load. */
  public static final double P99_GOAL_US = 1000.0;

  static final String POSTGREY = "postgrey";
  static final String FLOOR = "floor";
  static final String OURS_MEMORY = "ours-memory";
  static final String OURS_MEMORY_TUNED = "ours-memory-tuned";
  static final String OURS_H2 = "ours-h2";

  /** The run at 1 connection without the CPU latency request. */
  static final String HALTING = "c1-halting";

  private static final String HALTING_LABEL = "CPUs may halt";

  private static final Map<String, String> LABELS = new LinkedHashMap<>();

  static {
    LABELS.put(POSTGREY, "Postgrey");
    LABELS.put(FLOOR, "floor (does nothing)");
    LABELS.put(OURS_MEMORY, "SMTPCR, in-memory store");
    LABELS.put(OURS_MEMORY_TUNED, "SMTPCR, in-memory store, tuned");
    LABELS.put(OURS_H2, "SMTPCR, H2 file store");
  }

  private PolicyReport() {}

  /** Runs the generator; exits with status 2 on a usage error. */
  public static void main(String[] args) throws IOException {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        usage("expected --option value, got " + args[i]);
      }
      o.put(args[i].substring(2), args[i + 1]);
    }
    if (args.length % 2 != 0) {
      usage("an option without a value");
    }
    String results = o.get("results");
    if (results == null) {
      usage("--results is required");
    }
    RunInfo info = RunInfo.current(o.getOrDefault("command", ""), o.getOrDefault("note", ""),
        o.getOrDefault("load-before", ""), results).withDate(o.getOrDefault("date", ""));
    Setup setup = new Setup(o.getOrDefault("postgrey", ""),
        o.getOrDefault("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version")),
        o.getOrDefault("busy-poll-us", "200"), o.getOrDefault("cpu-latency", "off").equals("0"),
        o.getOrDefault("cpuidle", ""));
    String body = render(Results.read(Path.of(results)), info, setup);
    DocSections.publish(o.get("doc"), SECTION, body);
  }

  private static void usage(String problem) {
    System.err.println("PolicyReport: " + problem);
    System.err.println("usage: PolicyReport --results DIR [--doc FILE.md] [--command CMD] [--note TEXT]"
        + " [--load-before LOADAVG] [--postgrey VERSION-AND-OPTIONS] [--jvm TEXT] [--busy-poll-us N]"
        + " [--cpu-latency 0|off] [--cpuidle TEXT]");
    System.exit(2);
  }

  /** The result files of one run, by file name without extension. */
  record Results(Map<String, Properties> runs) {
    static Results read(Path dir) throws IOException {
      Map<String, Properties> runs = new LinkedHashMap<>();
      try (var files = Files.list(dir)) {
        for (Path f : files.sorted().toList()) {
          String name = f.getFileName().toString();
          if (name.endsWith(".properties")) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(f)) {
              p.load(in);
            }
            runs.put(name.substring(0, name.length() - ".properties".length()), p);
          }
        }
      }
      return new Results(runs);
    }

    Optional<Properties> get(String target, String run) {
      return Optional.ofNullable(runs.get(target + "-" + run));
    }

    /** The connection counts measured for throughput, ascending. */
    List<Integer> connectionCounts() {
      return runs.keySet().stream()
          .filter(k -> k.matches(".*-c[0-9]+"))
          .map(k -> Integer.parseInt(k.substring(k.lastIndexOf("-c") + 2)))
          .distinct().sorted().toList();
    }

    List<String> ours() {
      // exact names: "ours-memory-c1" is a run of ours-memory, "ours-memory-tuned-c1" is not
      return List.of(OURS_MEMORY, OURS_MEMORY_TUNED, OURS_H2).stream()
          .filter(t -> runs.keySet().stream()
              .anyMatch(k -> k.matches(Pattern.quote(t) + "-(c[0-9]+|rate|" + HALTING + ")")))
          .toList();
    }
  }

  /**
   * How the run was set up, beyond what {@link RunInfo} says.
   *
   * @param postgrey Postgrey's version and options, or empty
   * @param jvm the JVM that ran our servers
   * @param busyPollMicros the tuned configuration's busy polling
   * @param held whether the runs were made under a CPU latency request of 0 µs (all but c1-halting)
   * @param cpuidle the kernel's cpuidle driver and governor, or empty
   */
  record Setup(String postgrey, String jvm, String busyPollMicros, boolean held, String cpuidle) {}

  /** The Markdown of the section, without markers. */
  public static String render(Results r, RunInfo info, Setup setup) {
    boolean held = setup.held();
    String busyPollMicros = setup.busyPollMicros();
    List<Integer> conns = r.connectionCounts();
    List<String> ours = r.ours();
    Optional<Properties> anyRate = r.get(POSTGREY, "rate").or(() -> ours.isEmpty() ? Optional.empty() : r.get(ours.get(0), "rate"));
    Optional<Properties> anyRun = r.runs().values().stream().findFirst();
    String seconds = anyRun.map(p -> fmt0(d(p, "seconds"))).orElse("?");
    String known = anyRun.map(p -> String.format(Locale.ROOT, "%.0f %%", 100 * d(p, "knownFraction"))).orElse("?");

    StringBuilder md = new StringBuilder();
    md.append("## Postfix policy server vs Postgrey\n\n");
    md.append("_Generated by `benchmarks/run-policy.sh` on ").append(info.date()).append(" from `")
        .append(info.resultsFile()).append("`; rerun the script rather than editing this section._\n\n");
    md.append("SMTPCR's Postfix policy server (`smtpcr-examples/policy-server`, `PolicyServer` with the default ")
        .append("decision chain and `PostfixReplies.formatter()`'s texts, as `smtpcr policy-server` runs it) against Postgrey, the greylisting policy server most Postfix sites know, on the ")
        .append("same machine in the same run. Both are asked the same requests over loopback TCP: the full ")
        .append("attribute set Postfix 3.7 sends at `RCPT TO`, ").append(known)
        .append(" of them for one of ").append(PolicyMix.POOL_SIZE).append(" known (client, sender, recipient) ")
        .append("triplets, the rest for fresh unknown ones. Known means: in our whitelist store before the run, and ")
        .append("greylisted once and passed in Postgrey's database (seeded, then the delay waited out). Unknown ")
        .append("requests are challenged by SMTPCR (a signed link minted, `550 5.7.1`) and greylisted by Postgrey ")
        .append("(a database write, `DEFER_IF_PERMIT`). The load generator (`PolicyLoad`, one Java thread, ")
        .append("non-blocking I/O) keeps persistent connections with one request outstanding on each, as Postfix's ")
        .append("`smtpd` processes do; every run is preceded by a warm-up and lasts ").append(seconds)
        .append(" s. Source: `benchmarks/src/main/java/org/smtpcr/benchmarks/Policy*.java`.\n\n");
    List<String> withDefaults = new ArrayList<>();
    if (ours.contains(OURS_MEMORY)) {
      withDefaults.add("an in-memory store");
    }
    if (ours.contains(OURS_H2)) {
      withDefaults.add("an H2 file store");
    }
    md.append("SMTPCR runs");
    if (!withDefaults.isEmpty()) {
      md.append(" with `PolicyServer`'s defaults (decisions on a pool of 8 worker threads; the event loop ")
          .append("sleeps when there is nothing to read) with ").append(String.join(" and with ", withDefaults));
    }
    if (ours.contains(OURS_MEMORY_TUNED)) {
      md.append(withDefaults.isEmpty() ? " with an in-memory store" : ", and").append(" tuned, as `docs/postfix.md` describes for a store that never waits: `workerThreads(0)` ")
          .append("(decisions on the event-loop thread) and `busyPoll(").append(busyPollMicros).append(" µs)` ")
          .append("(after each request the event loop keeps polling that long before it sleeps)");
    }
    md.append('.');
    boolean hasFloor = conns.stream().anyMatch(c -> r.get(FLOOR, "c" + c).isPresent());
    boolean hasHalting = r.runs().keySet().stream().anyMatch(k -> k.endsWith("-" + HALTING));
    if (hasFloor) {
      md.append(" The **floor** is a peer that shows what the machine allows: a server that does nothing ")
          .append("(`PolicyFloorServer`: a thread per connection, blocking I/O, `action=DUNNO` for every request ")
          .append("without reading it). No policy server can be faster at the same connection count.");
    }
    md.append("\n\n");
    if (held) {
      md.append("Every run is made under a CPU latency request of 0 µs, held ")
          .append("through `/dev/cpu_dma_latency` (the kernel's PM QoS interface, as `cyclictest` holds it), and ")
          .append("checked to be in force: an idle CPU polls instead of halting. A halted CPU of a virtual machine ")
          .append("is woken through the hypervisor, and with one request in flight every request waits for such ")
          .append("a wake-up on each side of the connection. The setting applies to both servers alike");
      if (hasHalting) {
        md.append("; the rows marked *").append(HALTING_LABEL).append("* repeat the 1-connection runs without it, ")
            .append("so both conditions are on record");
      }
      md.append(".\n\n");
    }

    md.append("### Goals\n\n");
    md.append("| goal | server | measured | result |\n|---|---|---|---|\n");
    for (String t : ours) {
      throughputGoal(md, r, t, conns, held);
      haltingGoal(md, r, t);
    }
    for (String t : ours) {
      latencyGoal(md, r, t);
    }
    md.append('\n');
    floorSentences(md, r);

    md.append("### Throughput\n\n");
    md.append("Requests per second with N persistent connections, each sending its next request as soon as the ")
        .append("reply arrives.\n\n");
    List<String> columns = new ArrayList<>();
    if (hasFloor) {
      columns.add(FLOOR);
    }
    columns.addAll(ours);
    md.append("| connections | ").append(LABELS.get(POSTGREY));
    for (String t : columns) {
      md.append(" | ").append(LABELS.get(t)).append(" | ÷ Postgrey");
    }
    md.append(" |\n|---:|---:");
    for (int i = 0; i < columns.size(); i++) {
      md.append("|---:|---:");
    }
    md.append("|\n");
    for (int c : conns) {
      Optional<Properties> pg = r.get(POSTGREY, "c" + c);
      md.append("| ").append(c).append(" | ").append(pg.map(p -> fmt0(d(p, "rps"))).orElse("–"));
      for (String t : columns) {
        Optional<Properties> p = r.get(t, "c" + c);
        md.append(" | ").append(p.map(x -> fmt0(d(x, "rps"))).orElse("–")).append(" | ")
            .append(p.isPresent() && pg.isPresent() ? fmtRatio(d(p.get(), "rps") / d(pg.get(), "rps")) : "–");
      }
      md.append(" |\n");
    }
    if (hasHalting) {
      Optional<Properties> pg = r.get(POSTGREY, HALTING);
      md.append("| 1, ").append(HALTING_LABEL).append(" | ").append(pg.map(p -> fmt0(d(p, "rps"))).orElse("–"));
      for (String t : columns) {
        Optional<Properties> p = r.get(t, HALTING);
        md.append(" | ").append(p.map(x -> fmt0(d(x, "rps"))).orElse("–")).append(" | ")
            .append(p.isPresent() && pg.isPresent() ? fmtRatio(d(p.get(), "rps") / d(pg.get(), "rps")) : "–");
      }
      md.append(" |\n");
    }
    md.append("\nLatency in these runs (µs, from sending a request to its whole reply):\n\n");
    md.append("| server | connections | p50 | p99 | max |\n|---|---:|---:|---:|---:|\n");
    List<String> runNames = new ArrayList<>();
    conns.forEach(c -> runNames.add("c" + c));
    runNames.add(HALTING);
    for (String t : LABELS.keySet()) {
      for (String run : runNames) {
        String shown = run.equals(HALTING) ? "1, " + HALTING_LABEL : run.substring(1);
        r.get(t, run).ifPresent(p -> md.append("| ").append(LABELS.get(t)).append(" | ").append(shown).append(" | ")
            .append(fmt0(d(p, "p50us"))).append(" | ").append(fmt0(d(p, "p99us"))).append(" | ")
            .append(fmt0(d(p, "maxus"))).append(" |\n"));
      }
    }
    md.append('\n');

    md.append("### Latency at a fixed load\n\n");
    anyRate.ifPresent(p -> md.append("Requests issued on a fixed schedule of ").append(fmt0(d(p, "offeredRate")))
        .append(" per second over ").append(p.getProperty("connections")).append(" connections (open loop: the ")
        .append("schedule does not wait for the server). Latency from sending a request to its whole reply, in µs; ")
        .append("\"from schedule\" counts from the request's scheduled time instead, so it adds any wait for a free ")
        .append("connection and the generator's own timer lateness (up to about 1 ms).\n\n"));
    md.append("| server | achieved req/s | p50 | p90 | p99 | p99.9 | max | p99 from schedule |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String t : LABELS.keySet()) {
      r.get(t, "rate").ifPresent(p -> md.append("| ").append(LABELS.get(t)).append(" | ").append(fmt0(d(p, "rps")))
          .append(" | ").append(fmt0(d(p, "p50us"))).append(" | ").append(fmt0(d(p, "p90us"))).append(" | ")
          .append(fmt0(d(p, "p99us"))).append(" | ").append(fmt0(d(p, "p999us"))).append(" | ")
          .append(fmt0(d(p, "maxus"))).append(" | ").append(fmt0(d(p, "scheduledP99us"))).append(" |\n"));
    }
    md.append('\n');

    md.append("### Answers seen\n\n");
    md.append("What each server answered, as a check that both saw the same mix (pass: `DUNNO`/`PREPEND`; ")
        .append("reject: a 5xx, our challenge; defer: a 4xx or `DEFER_IF_PERMIT`, Postgrey's greylisting). ")
        .append("Errors (connections lost, unexpected replies) make the run fail, so every row here had none.\n\n");
    md.append("| run | requests | pass | reject | defer |\n|---|---:|---:|---:|---:|\n");
    for (Map.Entry<String, Properties> e : r.runs().entrySet()) {
      Properties p = e.getValue();
      md.append("| `").append(e.getKey()).append("` | ").append(fmtInt(p.getProperty("requests"))).append(" | ")
          .append(fmtInt(p.getProperty("action.pass", "0"))).append(" | ")
          .append(fmtInt(p.getProperty("action.reject", "0"))).append(" | ")
          .append(fmtInt(p.getProperty("action.defer", "0"))).append(" |\n");
    }
    md.append('\n');

    md.append(info.conditionsHead());
    md.append("- Server, load generator and Postgrey share the machine's cores: the generator takes CPU from the ")
        .append("server it measures, the same for both servers.\n");
    md.append("- SMTPCR: ").append(setup.jvm()).append(", default JVM options, `PolicyServer` defaults (")
        .append("1 event-loop thread, 8 worker threads, no busy polling)");
    if (ours.contains(OURS_MEMORY_TUNED)) {
      md.append(", except the tuned configuration: `workerThreads(0)`, `busyPoll(").append(busyPollMicros)
          .append(" µs)`");
    }
    if (ours.contains(OURS_H2)) {
      md.append("; H2 store: embedded file database, pooled connections");
    }
    md.append(".\n");
    if (hasFloor) {
      md.append("- Floor: `PolicyFloorServer` on the same JVM, default options.\n");
    }
    md.append("- CPU idle: ").append(setup.cpuidle().isEmpty() ? "" : "cpuidle " + setup.cpuidle() + "; ").append(held
        ? "a CPU latency request of 0 µs held during every run"
            + (hasHalting ? " except those marked *" + HALTING_LABEL + "*" : "")
        : "no CPU latency request; idle CPUs may halt").append(".\n");
    if (!setup.postgrey().isEmpty()) {
      md.append("- Postgrey: ").append(setup.postgrey()).append('\n');
    }
    if (!info.loadBefore().isEmpty()) {
      md.append("- Load average (1, 5, 15 min) just before the run: ").append(info.loadBefore()).append('\n');
    }
    if (!info.note().isEmpty()) {
      md.append("- Note: ").append(info.note()).append('\n');
    }
    md.append('\n');
    md.append("### Reproduce\n\nFrom the repository root, as root (Postgrey drops to its own user):\n\n```sh\n")
        .append(info.command().isEmpty() ? "benchmarks/run-policy.sh" : info.command()).append("\n```\n");
    return md.toString();
  }

  private static void throughputGoal(StringBuilder md, Results r, String target, List<Integer> conns, boolean held) {
    md.append("| at least ").append(fmt0(THROUGHPUT_GOAL)).append("× Postgrey's throughput at 1, 16 and 256 ")
        .append("connections").append(held ? ", CPU latency request 0 µs" : "").append(" | ")
        .append(LABELS.get(target)).append(" | ");
    List<String> parts = new ArrayList<>();
    double worst = Double.POSITIVE_INFINITY;
    boolean complete = !conns.isEmpty();
    for (int c : conns) {
      Optional<Properties> pg = r.get(POSTGREY, "c" + c);
      Optional<Properties> ours = r.get(target, "c" + c);
      if (pg.isEmpty() || ours.isEmpty()) {
        complete = false;
        continue;
      }
      double ratio = d(ours.get(), "rps") / d(pg.get(), "rps");
      worst = Math.min(worst, ratio);
      parts.add(fmtRatio(ratio) + " at " + c);
    }
    md.append(parts.isEmpty() ? "not measured" : String.join(", ", parts)).append(" | ");
    md.append(!complete ? "–" : worst >= THROUGHPUT_GOAL ? "**met**" : "**not met**").append(" |\n");
  }

  private static void haltingGoal(StringBuilder md, Results r, String target) {
    Optional<Properties> pg = r.get(POSTGREY, HALTING);
    Optional<Properties> ours = r.get(target, HALTING);
    if (pg.isEmpty() || ours.isEmpty()) {
      return;
    }
    double ratio = d(ours.get(), "rps") / d(pg.get(), "rps");
    md.append("| the same at 1 connection, ").append(HALTING_LABEL).append(" | ").append(LABELS.get(target))
        .append(" | ").append(fmtRatio(ratio)).append(" | ")
        .append(ratio >= THROUGHPUT_GOAL ? "**met**" : "**not met**").append(" |\n");
  }

  /** What the floor allows at one connection, in each condition measured. */
  private static void floorSentences(StringBuilder md, Results r) {
    Optional<Double> held = floorRatio(r, "c1");
    Optional<Double> halting = floorRatio(r, HALTING);
    if (held.isEmpty() && halting.isEmpty()) {
      return;
    }
    md.append("At 1 connection the floor itself reaches ");
    held.ifPresent(ratio -> md.append(fmt0(d(r.get(FLOOR, "c1").get(), "rps"))).append(" requests/s, ")
        .append(fmtRatio(ratio)).append(" Postgrey's"));
    halting.ifPresent(ratio -> md.append(held.isPresent() ? "; with CPUs that may halt, " : "")
        .append(fmt0(d(r.get(FLOOR, HALTING).get(), "rps"))).append(" requests/s, ").append(fmtRatio(ratio))
        .append(held.isPresent() ? "" : " Postgrey's, with CPUs that may halt"));
    md.append(". With one request in flight, every request waits for a thread to be woken on each side of the ")
        .append("connection, and that wait, not the work, sets the pace.");
    for (String run : List.of("c1", HALTING)) {
      Optional<Double> ratio = run.equals("c1") ? held : halting;
      if (ratio.isEmpty() || ratio.get() >= THROUGHPUT_GOAL) {
        continue;
      }
      md.append(run.equals(HALTING) ? " With CPUs that may halt, no" : " No")
          .append(" server that sleeps between requests can reach ").append(fmt0(THROUGHPUT_GOAL)).append("× there.");
      Optional<Properties> tuned = r.get(OURS_MEMORY_TUNED, run);
      if (tuned.isPresent() && d(tuned.get(), "rps") > d(r.get(FLOOR, run).get(), "rps")) {
        md.append(" The tuned configuration, whose event loop stays awake between requests, gets past the floor.");
      }
    }
    md.append("\n\n");
  }

  private static Optional<Double> floorRatio(Results r, String run) {
    Optional<Properties> floor = r.get(FLOOR, run);
    Optional<Properties> postgrey = r.get(POSTGREY, run);
    return floor.isPresent() && postgrey.isPresent()
        ? Optional.of(d(floor.get(), "rps") / d(postgrey.get(), "rps")) : Optional.empty();
  }

  private static void latencyGoal(StringBuilder md, Results r, String target) {
    Optional<Properties> p = r.get(target, "rate");
    md.append("| p99 under ").append(fmt0(P99_GOAL_US / 1000)).append(" ms at ")
        .append(p.map(x -> fmt0(d(x, "offeredRate"))).orElse("1,000")).append(" requests/s | ")
        .append(LABELS.get(target)).append(" | ");
    if (p.isEmpty()) {
      md.append("not measured | – |\n");
      return;
    }
    double p99 = d(p.get(), "p99us");
    md.append("p99 ").append(fmt0(p99)).append(" µs (p50 ").append(fmt0(d(p.get(), "p50us")))
        .append(" µs; from schedule p99 ").append(fmt0(d(p.get(), "scheduledP99us"))).append(" µs) | ")
        .append(p99 < P99_GOAL_US ? "**met**" : "**not met**").append(" |\n");
  }

  private static double d(Properties p, String key) {
    String v = p.getProperty(key);
    return v == null ? Double.NaN : Double.parseDouble(v);
  }

  static String fmt0(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f", v);
  }

  static String fmtRatio(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, v >= 100 ? "%,.0f×" : "%.1f×", v);
  }

  private static String fmtInt(String v) {
    try {
      return String.format(Locale.ROOT, "%,d", Long.parseLong(v));
    } catch (NumberFormatException e) {
      return "–";
    }
  }
}
