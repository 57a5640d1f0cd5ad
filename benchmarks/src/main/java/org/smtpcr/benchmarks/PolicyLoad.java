package org.smtpcr.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.smtpcr.benchmarks.PolicyMix.Triplet;

/**
 * The load generator of the policy benchmark (see docs/benchmarks.md): persistent connections to
 * 127.0.0.1 with one request outstanding on each, driven by one thread with non-blocking I/O.
 * Without {@code --rate} each connection sends its next request as soon as the reply arrives; with
 * {@code --rate R} requests are due R times per second (open loop) and go out on the first idle
 * connection, or wait for one. Prints the results as properties. Options: {@code --port
 * --connections --seconds --warmup-seconds --rate --known --max-requests --seed-only}; {@code
 * --write-known FILE} writes the known pairs for {@code smtpcr whitelist import} instead; {@code
 * --ports A,B --server-pids PA,PB --turns --first-warmup-seconds --order-offset} asks two servers
 * in turns ({@link #turns}), and {@code --pool-turns FILE,...} takes the turns of several pairs
 * together ({@link #poolTurns}). With {@code --server-pid PID} it also prints {@code
 * serverCpuUsPerRequest}: the CPU time (user and system, all threads) the server process used
 * during the measured phase, per request, from {@code /proc/PID/stat} in clock ticks of 10 ms
 * (Linux's {@code USER_HZ}).
 */
public record PolicyLoad(int port, int connections, double rate, double known) {
  private static final List<Triplet> POOL = PolicyMix.knownPool();
  // seeded afresh in each process: an unknown triplet must be one the server has never seen, in
  // this run or before
  private static final SplittableRandom RANDOM =
      new SplittableRandom(System.nanoTime() ^ ProcessHandle.current().pid());

  /** The counters of one phase; latencies in ns. */
  static final class Tally {
    long requests;
    long errors;
    final LongStream.Builder latency = LongStream.builder();
    final LongStream.Builder fromSchedule = LongStream.builder();
    final Map<String, Long> actions = new TreeMap<>(Map.of("pass", 0L, "reject", 0L, "defer", 0L));

    void record(long nanos, long fromScheduleNanos, String action) {
      requests++;
      latency.add(nanos);
      fromSchedule.add(fromScheduleNanos);
      String kind = kind(action);
      actions.merge(kind, 1L, Long::sum);
      errors += kind.equals("other") ? 1 : 0;
    }
  }

  /** One connection and what it has received of the reply to its request. */
  private static final class Conn {
    final String id;
    final SocketChannel channel;
    final StringBuilder received = new StringBuilder();
    long sentAt;
    long scheduledAt;
    long counter;

    Conn(int index, SocketChannel channel) {
      this.id = Integer.toHexString(index);
      this.channel = channel;
    }
  }

  /** Runs the generator; exits with status 1 when the server fails requests. */
  public static void main(String[] args) throws IOException {
    Map<String, String> o = options(args);
    PolicyLoad load =
        new PolicyLoad(
            (int) number(o, "port", 0),
            (int) number(o, "connections", 1),
            number(o, "rate", 0),
            number(o, "known", 0.9));
    if (o.containsKey("pool-turns")) {
      List<Path> files = new ArrayList<>();
      for (String f : o.get("pool-turns").split(",", -1)) {
        files.add(Path.of(f));
      }
      // UTF-8 whatever the locale: the summary says µs
      System.out.write(poolTurns(files).getBytes(StandardCharsets.UTF_8));
      System.out.flush();
      return;
    }
    if (o.containsKey("ports")) {
      Map<String, Object> turns = turns(o, load.connections(), load.known());
      System.out.print(properties(turns));
      System.exit(turns.get("errors").equals(0L) ? 0 : 1);
    }
    if (o.containsKey("write-known")) {
      Files.writeString(Path.of(o.get("write-known")), knownForImport(), StandardCharsets.UTF_8);
      return;
    }
    Tally t;
    if (o.containsKey("seed-only")) {
      t = load.seed();
      System.out.println(
          "seeded " + t.requests + " known triplets: " + t.actions + ", errors " + t.errors);
    } else {
      if (number(o, "warmup-seconds", 0) > 0) {
        load.run((long) (number(o, "warmup-seconds", 0) * 1e9), Long.MAX_VALUE);
      }
      Path stat =
          o.containsKey("server-pid") ? Path.of("/proc", o.get("server-pid"), "stat") : null;
      long ticks0 = stat == null ? 0 : cpuTicks(stat);
      long t0 = System.nanoTime();
      t =
          load.run(
              (long) (number(o, "seconds", 10) * 1e9), (long) number(o, "max-requests", 5_000_000));
      double elapsed = (System.nanoTime() - t0) / 1e9;
      System.out.print(load.summary(elapsed, t));
      if (stat != null && t.requests > 0) {
        // USER_HZ is 100 on Linux: a tick is 10 ms
        System.out.println(
            "serverCpuUsPerRequest=" + (cpuTicks(stat) - ticks0) * 10_000.0 / t.requests);
      }
    }
    System.exit(t.errors == 0 ? 0 : 1);
  }

  /**
   * Turns ({@code --ports A,B}): two servers asked in alternation by this one process, warm, for
   * {@code --turns} turns of one run each, A then B in the first turn and B then A in the second,
   * and so on ({@code --order-offset 1}: B then A first, so that pairs can take turns), each run
   * {@code --warmup-seconds} not counted and {@code --seconds} counted; with {@code --server-pids
   * PA,PB} each run's server CPU time per request too. A turn's two runs are next to each other, so
   * what drifts on the machine (what else runs, caches, frequency) weighs on both alike, and the
   * load generator is the same compiled code for both. Gives each run's requests/s and CPU time,
   * {@code lossPercent}: what B's requests/s lost against A's in each turn, in percent, and {@code
   * lossPercentMedian}.
   *
   * @return the results, by name; {@code errors} counts the requests that failed
   */
  static Map<String, Object> turns(Map<String, String> o, int connections, double known)
      throws IOException {
    String[] ports = o.get("ports").split(",", -1);
    String[] pids = o.containsKey("server-pids") ? o.get("server-pids").split(",", -1) : null;
    if (ports.length != 2 || pids != null && pids.length != 2) {
      throw new IllegalArgumentException("--ports and --server-pids take two values: A,B");
    }
    int turns = (int) number(o, "turns", 10);
    int offset = (int) number(o, "order-offset", 0);
    if (turns < 1) {
      throw new IllegalArgumentException("--turns must be at least 1");
    }
    long runNanos = (long) (number(o, "seconds", 3) * 1e9);
    long warmNanos = (long) (number(o, "warmup-seconds", 0.5) * 1e9);
    PolicyLoad[] loads = new PolicyLoad[2];
    for (int k = 0; k < 2; k++) {
      loads[k] = new PolicyLoad(Integer.parseInt(ports[k]), connections, 0, known);
    }
    long errors = 0;
    // each once before the turns, not counted: both compiled, and this process too
    long firstNanos = (long) (number(o, "first-warmup-seconds", 10) * 1e9);
    for (PolicyLoad l : loads) {
      errors += l.run(firstNanos, Long.MAX_VALUE).errors;
    }
    double[][] rps = new double[2][turns];
    double[][] cpu = new double[2][turns];
    double[] loss = new double[turns];
    for (int i = 0; i < turns; i++) {
      for (int k : (i + offset) % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
        if (warmNanos > 0) {
          errors += loads[k].run(warmNanos, Long.MAX_VALUE).errors;
        }
        Path stat = pids == null ? null : Path.of("/proc", pids[k], "stat");
        long ticks0 = stat == null ? 0 : cpuTicks(stat);
        long t0 = System.nanoTime();
        Tally t = loads[k].run(runNanos, Long.MAX_VALUE);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        errors += t.errors;
        rps[k][i] = t.requests / elapsed;
        cpu[k][i] =
            stat == null || t.requests == 0
                ? Double.NaN
                : (cpuTicks(stat) - ticks0) * 10_000.0 / t.requests;
      }
      loss[i] = 100 * (1 - rps[1][i] / rps[0][i]);
    }
    Map<String, Object> p = new TreeMap<>();
    p.put("connections", connections);
    p.put("turns", turns);
    p.put("errors", errors);
    p.put("a.rps", join(rps[0]));
    p.put("b.rps", join(rps[1]));
    if (pids != null) {
      p.put("a.serverCpuUsPerRequest", join(cpu[0]));
      p.put("b.serverCpuUsPerRequest", join(cpu[1]));
    }
    p.put("lossPercent", join(loss));
    p.put("lossPercentMedian", median(loss));
    return p;
  }

  /** {@code key=value} lines. */
  static String properties(Map<String, Object> values) {
    StringBuilder s = new StringBuilder();
    values.forEach((k, v) -> s.append(k).append('=').append(v).append('\n'));
    return s.toString();
  }

  /**
   * The turns of several pairs ({@link #turns} outputs, one file each) taken together: {@code
   * lossPercent}, the median over all their turns of what B lost against A in the same turn, its 95
   * % confidence interval ({@code lossPercentCiLow}, {@code lossPercentCiHigh}: {@link
   * #medianInterval}, which takes the turns as independent) and quartiles, each server's median
   * requests/s and CPU time per request, how many turns, and a {@code summary} sentence that lists
   * them.
   *
   * @throws IllegalArgumentException if a file lacks a turn's requests/s or CPU time, or had errors
   */
  static String poolTurns(List<Path> files) throws IOException {
    List<Double> loss = new ArrayList<>();
    Map<String, List<Double>> of = new TreeMap<>();
    String connections = null;
    for (Path f : files) {
      Properties p = new Properties();
      try (var in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        p.load(in);
      }
      int turns = Integer.parseInt(p.getProperty("turns", "0"));
      if (turns < 1 || !"0".equals(p.getProperty("errors"))) {
        throw new IllegalArgumentException(f + ": no turns, or requests failed");
      }
      String c = p.getProperty("connections");
      if (connections == null) {
        connections = c;
      } else if (!connections.equals(c)) {
        throw new IllegalArgumentException(f + ": " + c + " connections, not " + connections);
      }
      for (String k :
          List.of("a.rps", "b.rps", "a.serverCpuUsPerRequest", "b.serverCpuUsPerRequest")) {
        List<Double> v = values(f, p, k, turns);
        of.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v);
      }
      loss.addAll(values(f, p, "lossPercent", turns));
    }
    double[] sorted = loss.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double median = quantile(sorted, 0.5);
    double q1 = quantile(sorted, 0.25);
    double q3 = quantile(sorted, 0.75);
    int[] ci = medianInterval(sorted.length);
    Map<String, Object> out = new TreeMap<>();
    out.put("turns", sorted.length);
    out.put("pairs", files.size());
    out.put("connections", connections);
    out.put("lossPercent", median);
    out.put("lossPercentQ1", q1);
    out.put("lossPercentQ3", q3);
    out.put("lossPercentCiLow", sorted[ci[0]]);
    out.put("lossPercentCiHigh", sorted[ci[1]]);
    of.forEach(
        (k, v) ->
            out.put(k + "Median", median(v.stream().mapToDouble(Double::doubleValue).toArray())));
    out.put(
        "summary",
        String.format(
            Locale.ROOT,
            "%d turns (%d pair%s): B lost %.2f %% against A in the median turn (95 %% confidence"
                + " interval of the median %.2f %% to %.2f %%; quartiles %.2f %% and %.2f %%); the"
                + " median of A's requests/s %.0f, of B's %.0f; the server's CPU time per request,"
                + " median of the turns: A %.2f µs, B %.2f µs",
            sorted.length,
            files.size(),
            files.size() == 1 ? "" : "s",
            median,
            sorted[ci[0]],
            sorted[ci[1]],
            q1,
            q3,
            (double) out.get("a.rpsMedian"),
            (double) out.get("b.rpsMedian"),
            (double) out.get("a.serverCpuUsPerRequestMedian"),
            (double) out.get("b.serverCpuUsPerRequestMedian")));
    return properties(out);
  }

  /** The {@code turns} numbers of property {@code key}, each finite. */
  private static List<Double> values(Path f, Properties p, String key, int turns) {
    String text = p.getProperty(key);
    if (text == null) {
      throw new IllegalArgumentException(f + ": no " + key);
    }
    List<Double> v = new ArrayList<>();
    for (String x : text.split(",", -1)) {
      double d = Double.parseDouble(x);
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException(f + ": " + key + " holds " + x);
      }
      v.add(d);
    }
    if (v.size() != turns) {
      throw new IllegalArgumentException(
          f + ": " + v.size() + " values of " + key + ", not " + turns);
    }
    return v;
  }

  /**
   * A confidence interval of at least 95 % for the median of {@code n} independent values, whatever
   * their distribution: the indexes (from 0, in sorted order) of the two values that bound it. The
   * median lies below the {@code j}th smallest of {@code n} independent values with the probability
   * that fewer than {@code j} of them fall below it, {@code P(Binomial(n, 1/2) < j)}; the interval
   * takes the largest {@code j} for which that is at most 2.5 %, and its mirror {@code n + 1 - j}.
   * Below 6 values no {@code j} qualifies, and the interval is the smallest and the largest value
   * (which cover the median less often than 95 %).
   *
   * @param n how many values, at least 1
   * @return the lower and upper index
   */
  static int[] medianInterval(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("no values");
    }
    // P(X <= m) for X ~ Binomial(n, 1/2), each term computed through logarithms (n may be some
    // hundreds, 2^n beyond a double)
    double below = 0;
    int j = 0;
    for (int m = 0; m < n; m++) {
      below += Math.exp(logChoose(n, m) - n * Math.log(2));
      if (below > 0.025) {
        break;
      }
      j = m + 1; // P(X < j) = P(X <= m) <= 2.5 %
    }
    int lo = Math.max(j, 1);
    return new int[] {lo - 1, n - lo};
  }

  private static double logChoose(int n, int k) {
    double r = 0;
    for (int i = 1; i <= k; i++) {
      r += Math.log(n - k + i) - Math.log(i);
    }
    return r;
  }

  /** The quantile {@code q} of sorted values, interpolated between the nearest two. */
  static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double at = q * (sorted.length - 1);
    int lo = (int) Math.floor(at);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
  }

  private static String join(double[] values) {
    StringBuilder s = new StringBuilder();
    for (double v : values) {
      s.append(s.length() > 0 ? "," : "").append(v);
    }
    return s.toString();
  }

  /** The median; NaN when there are no values. */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return quantile(sorted, 0.5);
  }

  /**
   * The sender and recipient of each known triplet, one line each, never expiring: the file {@code
   * smtpcr whitelist import} reads, so that the command's store holds what {@link PolicyMix#fill}
   * puts into the others.
   */
  static String knownForImport() {
    StringBuilder s = new StringBuilder();
    POOL.forEach(t -> s.append(t.sender()).append(' ').append(t.recipient()).append(" never\n"));
    return s.toString();
  }

  /** Sends each known triplet once, in order. */
  Tally seed() throws IOException {
    Iterator<Triplet> it = POOL.iterator();
    return run(300_000_000_000L, POOL.size(), it::next);
  }

  /**
   * One phase of the request mix: connects, loads for {@code durationNanos} or {@code limit}
   * requests, disconnects.
   */
  Tally run(long durationNanos, long limit) throws IOException {
    return run(durationNanos, limit, () -> PolicyMix.next(POOL, known, RANDOM));
  }

  private Tally run(long durationNanos, long limit, Supplier<Triplet> mix) throws IOException {
    Tally t = new Tally();
    boolean open = rate > 0;
    try (Selector selector = Selector.open()) {
      ArrayDeque<Conn> idle = new ArrayDeque<>(); // the connections without a request outstanding
      for (int i = 0; i < connections; i++) {
        SocketChannel ch =
            SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.configureBlocking(false);
        idle.add(new Conn(i, ch));
        ch.register(selector, SelectionKey.OP_READ, idle.getLast());
      }
      ByteBuffer in = ByteBuffer.allocate(8192);
      ArrayDeque<Long> waiting = new ArrayDeque<>();
      long start = System.nanoTime();
      long end = start + durationNanos;
      long issued = 0;
      long interval = open ? (long) (1e9 / rate) : 0;
      while (!open && !idle.isEmpty() && issued < limit) {
        send(idle.poll(), mix.get(), System.nanoTime(), 0);
        issued++;
      }
      int live = connections;
      while (live > 0) {
        long now = System.nanoTime();
        boolean stopping = now >= end || issued >= limit;
        for (long due = start + issued * interval;
            open && !stopping && issued < limit && due <= now && due < end;
            due = start + issued * interval) {
          issued++;
          Conn c = idle.poll();
          if (c != null) {
            send(c, mix.get(), now, due);
          } else {
            waiting.add(due);
          }
        }
        if (stopping && idle.size() >= live && waiting.isEmpty()) {
          break;
        }
        long wake = open && !stopping ? start + issued * interval + 999_999 : end + 1_000_000;
        selector.select(Math.max(1, Math.min(1000, (wake - System.nanoTime()) / 1_000_000)));
        for (SelectionKey key : selector.selectedKeys()) {
          Conn c = (Conn) key.attachment();
          int n;
          try {
            n = c.channel.read(in.clear());
          } catch (IOException e) {
            n = -1;
          }
          if (n < 0) {
            t.errors += idle.remove(c) ? 0 : 1;
            c.channel.close(); // and its key cancelled
            live--;
            continue;
          }
          c.received.append(new String(in.array(), 0, n, StandardCharsets.US_ASCII));
          String action;
          while ((action = takeReply(c)) != null) {
            long at = System.nanoTime();
            t.record(at - c.sentAt, at - c.scheduledAt, action);
            Long due = open ? waiting.poll() : null;
            if (due != null) {
              send(c, mix.get(), at, due);
            } else if (!open && at < end && issued < limit) {
              send(c, mix.get(), at, 0);
              issued++;
            } else {
              idle.add(c);
            }
          }
        }
        selector.selectedKeys().clear();
      }
      for (SelectionKey key : selector.keys()) {
        key.channel().close();
      }
    }
    return t;
  }

  private static void send(Conn c, Triplet triplet, long now, long scheduled) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(PolicyMix.request(triplet, c.id + "." + c.counter++));
    c.sentAt = now;
    c.scheduledAt = scheduled == 0 ? now : scheduled;
    while (out.hasRemaining()) {
      c.channel.write(out); // about 700 bytes: the socket buffer takes them at once
    }
  }

  /**
   * The {@code action=} value of the first whole reply received (taken out), or null when there is
   * none.
   */
  private static String takeReply(Conn c) throws IOException {
    int end = c.received.indexOf("\n\n");
    if (end < 0 && c.received.length() > 8192) {
      throw new IOException("no end of reply in " + c.received.length() + " characters");
    }
    if (end < 0) {
      return null;
    }
    String reply = c.received.substring(0, end);
    c.received.delete(0, end + 2);
    if (!reply.startsWith("action=")) {
      throw new IOException("not a policy reply: " + reply);
    }
    return reply.substring("action=".length());
  }

  /** Groups actions: DUNNO/PREPEND/OK (pass), 5xx/REJECT (reject), 4xx/DEFER_IF_PERMIT (defer). */
  static String kind(String action) {
    String a = action.toUpperCase(Locale.ROOT);
    return a.startsWith("DUNNO") || a.startsWith("PREPEND") || a.startsWith("OK")
        ? "pass"
        : a.startsWith("DEFER") || a.startsWith("4")
            ? "defer"
            : a.startsWith("5") || a.startsWith("REJECT") ? "reject" : "other";
  }

  /** The results as properties, latency in µs. */
  String summary(double elapsed, Tally t) {
    long[] lat = t.latency.build().sorted().toArray();
    long[] sch = t.fromSchedule.build().sorted().toArray();
    Map<String, Object> p = new TreeMap<>();
    p.put("connections", connections);
    p.put("offeredRate", rate);
    p.put("seconds", elapsed);
    p.put("requests", t.requests);
    p.put("errors", t.errors);
    p.put("rps", t.requests / elapsed);
    p.put("maxus", pct(lat, 1) / 1e3);
    for (String q : List.of("50", "90", "99", "999")) {
      p.put("p" + q + "us", pct(lat, Double.parseDouble("0." + q)) / 1e3);
    }
    if (rate > 0) {
      p.put("scheduledP50us", pct(sch, 0.5) / 1e3);
      p.put("scheduledP99us", pct(sch, 0.99) / 1e3);
    }
    t.actions.forEach((k, v) -> p.put("action." + k, v));
    StringBuilder s = new StringBuilder();
    p.forEach((k, v) -> s.append(k).append('=').append(v).append('\n'));
    return s.toString();
  }

  /**
   * The user and system CPU time of a process so far, in clock ticks: fields 14 and 15 of {@code
   * /proc/PID/stat}, counted after the command name, which is in parentheses and may hold spaces.
   */
  static long cpuTicks(Path stat) throws IOException {
    String text = Files.readString(stat, StandardCharsets.US_ASCII);
    String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
    // f[0] is field 3 (the state): utime is field 14, stime field 15
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** The nearest-rank percentile of sorted values; NaN when empty. */
  static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1))];
  }

  /** {@code --name value} pairs; {@code --seed-only} takes no value. */
  static Map<String, String> options(String[] args) {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      boolean flag = args[i].equals("--seed-only");
      if (!args[i].startsWith("--") || !flag && i + 1 == args.length) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      o.put(args[i].substring(2), flag ? "" : args[++i]);
    }
    return o;
  }

  static double number(Map<String, String> options, String name, double dflt) {
    return options.containsKey(name) ? Double.parseDouble(options.get(name)) : dflt;
  }
}
