package org.smtpcr.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A load generator for SMTPD policy servers (ours, Postgrey): persistent connections to
 * {@code 127.0.0.1} only, one outstanding request per connection as Postfix's smtpd does, driven by
 * one thread with non-blocking I/O so that the generator itself stays light.
 *
 * <pre>
 * java -cp benchmarks.jar org.smtpcr.benchmarks.PolicyLoad --port 10040 --connections 16 --seconds 10
 *     [--rate 1000] [--warmup-seconds 3] [--known 0.9] [--max-requests 5000000] [--label ours]
 *     [--out result.properties] [--seed-only]
 * </pre>
 *
 * Without {@code --rate} every connection sends its next request as soon as the reply arrives
 * (throughput). With {@code --rate R} requests are issued on a fixed schedule of R per second,
 * whatever the server does (open loop), on the first idle connection; a request that finds none
 * waits for one, and its latency counts from its scheduled time too. Runs are bounded by
 * {@code --seconds} (at most 300) and {@code --max-requests}. {@code --seed-only} sends every known
 * triplet once, one after the other, so Postgrey gets to know them.
 */
public final class PolicyLoad {
  static final int MAX_CONNECTIONS = 1024;
  static final double MAX_SECONDS = 300;
  static final long MAX_REQUESTS = 20_000_000;
  private static final int LATENCY_CAPACITY = 5_000_000;

  private final int port;
  private final int connections;
  private final double rate;
  private final double known;
  private final long maxRequests;
  private final List<PolicyMix.Triplet> pool = PolicyMix.knownPool();
  // seeded afresh each run: an "unknown" triplet must be one the server has never seen, in this run or before
  private final SplittableRandom random = new SplittableRandom(System.nanoTime() ^ ProcessHandle.current().pid());

  /** The counters of one phase. */
  static final class Tally {
    long requests;
    long errors;
    long[] latency = new long[1024];
    long[] scheduledLatency = new long[0];
    int recorded;
    final Map<String, Long> actions = new TreeMap<>();

    void record(long nanos, long scheduledNanos, boolean withSchedule, String action) {
      requests++;
      if (recorded < LATENCY_CAPACITY) {
        if (recorded == latency.length) {
          latency = Arrays.copyOf(latency, Math.min(LATENCY_CAPACITY, latency.length * 2));
        }
        latency[recorded] = nanos;
        if (withSchedule) {
          if (recorded >= scheduledLatency.length) {
            scheduledLatency = Arrays.copyOf(scheduledLatency, latency.length);
          }
          scheduledLatency[recorded] = scheduledNanos;
        }
        recorded++;
      }
      actions.merge(kind(action), 1L, Long::sum);
    }
  }

  /** One connection and its buffers. */
  private static final class Conn {
    final int index;
    final SocketChannel channel;
    final ByteBuffer in = ByteBuffer.allocate(8192);
    ByteBuffer out;
    long sentAt;
    long scheduledAt;
    long counter;
    boolean busy;

    Conn(int index, SocketChannel channel) {
      this.index = index;
      this.channel = channel;
    }
  }

  PolicyLoad(int port, int connections, double rate, double known, long maxRequests) {
    this.port = port;
    this.connections = connections;
    this.rate = rate;
    this.known = known;
    this.maxRequests = maxRequests;
  }

  /** Runs the generator; exits with status 2 on a usage error, 1 when the server fails requests. */
  public static void main(String[] args) throws IOException {
    Map<String, String> o = options(args);
    int port = intOption(o, "port", -1, 1, 65535);
    int connections = intOption(o, "connections", 1, 1, MAX_CONNECTIONS);
    double seconds = doubleOption(o, "seconds", 10, 0.1, MAX_SECONDS);
    double warmup = doubleOption(o, "warmup-seconds", 0, 0, MAX_SECONDS);
    double rate = doubleOption(o, "rate", 0, 0, 1_000_000);
    double known = doubleOption(o, "known", PolicyMix.DEFAULT_KNOWN_FRACTION, 0, 1);
    long max = (long) doubleOption(o, "max-requests", 5_000_000, 1, MAX_REQUESTS);
    String label = o.getOrDefault("label", "server");
    PolicyLoad load = new PolicyLoad(port, connections, rate, known, max);
    if (o.containsKey("seed-only")) {
      long t0 = System.nanoTime();
      Tally t = load.seed();
      System.out.printf(Locale.ROOT, "%s: seeded %d known triplets in %.2f s, actions %s, errors %d%n", label,
          t.requests, (System.nanoTime() - t0) / 1e9, t.actions, t.errors);
      System.exit(t.errors == 0 ? 0 : 1);
    }
    if (warmup > 0) {
      load.run((long) (warmup * 1e9), Long.MAX_VALUE);
    }
    long t0 = System.nanoTime();
    Tally t = load.run((long) (seconds * 1e9), max);
    double elapsed = (System.nanoTime() - t0) / 1e9;
    Properties p = summary(label, connections, rate, known, elapsed, t);
    System.out.println(p.getProperty("line"));
    String out = o.get("out");
    if (out != null) {
      try (OutputStream f = Files.newOutputStream(Path.of(out))) {
        p.store(f, "PolicyLoad result");
      }
    }
    System.exit(t.errors == 0 ? 0 : 1);
  }

  /** Sends each known triplet once, one at a time, on one connection. */
  Tally seed() throws IOException {
    Tally t = new Tally();
    try (SocketChannel ch = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Conn c = new Conn(0, ch);
      for (PolicyMix.Triplet tr : pool) {
        c.out = ByteBuffer.wrap(PolicyMix.request(tr, "seed." + c.counter++));
        while (c.out.hasRemaining()) {
          ch.write(c.out);
        }
        long t0 = System.nanoTime();
        String action;
        while ((action = takeReply(c)) == null) {
          if (ch.read(c.in) < 0) {
            t.errors++;
            return t;
          }
        }
        t.record(System.nanoTime() - t0, 0, false, action);
      }
    }
    return t;
  }

  /** One phase: connects, loads for {@code durationNanos} or {@code limit} requests, disconnects. */
  Tally run(long durationNanos, long limit) throws IOException {
    Tally t = new Tally();
    boolean open = rate > 0;
    try (Selector selector = Selector.open()) {
      Conn[] conns = new Conn[connections];
      for (int i = 0; i < connections; i++) {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.configureBlocking(false);
        conns[i] = new Conn(i, ch);
        ch.register(selector, SelectionKey.OP_READ, conns[i]);
      }
      ArrayDeque<Conn> idle = new ArrayDeque<>(Arrays.asList(conns));
      ArrayDeque<Long> waiting = new ArrayDeque<>();
      long start = System.nanoTime();
      long end = start + durationNanos;
      long issued = 0;
      long intervalNanos = open ? (long) (1e9 / rate) : 0;
      if (!open) {
        while (!idle.isEmpty() && issued < limit) {
          send(idle.poll(), System.nanoTime(), 0);
          issued++;
        }
      }
      int live = connections;
      while (live > 0) {
        long now = System.nanoTime();
        boolean stopping = now >= end || issued >= limit;
        if (open && !stopping) {
          while (issued < limit) {
            long due = start + issued * intervalNanos;
            if (due > now || due >= end) {
              break;
            }
            issued++;
            Conn c = idle.poll();
            if (c != null) {
              send(c, now, due);
            } else {
              waiting.add(due);
            }
          }
        }
        if (stopping && idle.size() >= live && waiting.isEmpty()) {
          break;
        }
        long timeoutMillis;
        if (open && !stopping) {
          long nextDue = start + issued * intervalNanos;
          timeoutMillis = Math.max(1, (nextDue - System.nanoTime() + 999_999) / 1_000_000);
        } else {
          timeoutMillis = Math.max(1, (end - System.nanoTime()) / 1_000_000 + 1);
        }
        selector.select(Math.min(timeoutMillis, 1000));
        for (SelectionKey key : selector.selectedKeys()) {
          Conn c = (Conn) key.attachment();
          int n;
          try {
            n = c.channel.read(c.in);
          } catch (IOException e) {
            n = -1;
          }
          if (n < 0) {
            if (c.busy) {
              t.errors++;
            }
            idle.remove(c);
            key.cancel();
            c.channel.close();
            live--;
            continue;
          }
          String action;
          while ((action = takeReply(c)) != null) {
            long at = System.nanoTime();
            t.record(at - c.sentAt, at - c.scheduledAt, open, action);
            c.busy = false;
            if (!isExpected(action)) {
              t.errors++;
            }
            if (open) {
              Long due = waiting.poll();
              if (due != null) {
                send(c, at, due);
              } else {
                idle.add(c);
              }
            } else if (at < end && issued < limit) {
              send(c, at, 0);
              issued++;
            } else {
              idle.add(c);
            }
          }
        }
        selector.selectedKeys().clear();
      }
      for (Conn c : conns) {
        c.channel.close();
      }
    }
    return t;
  }

  private void send(Conn c, long now, long scheduled) throws IOException {
    PolicyMix.Triplet tr = PolicyMix.next(pool, known, random);
    c.out = ByteBuffer.wrap(PolicyMix.request(tr, Integer.toHexString(c.index) + "." + Long.toHexString(c.counter++)));
    c.sentAt = now;
    c.scheduledAt = scheduled == 0 ? now : scheduled;
    c.busy = true;
    while (c.out.hasRemaining()) {
      // a request is about 700 bytes: the socket buffer always takes it at once
      c.channel.write(c.out);
    }
  }

  /** The {@code action=} value of a whole reply in the buffer (consumed), or null when incomplete. */
  private static String takeReply(Conn c) throws IOException {
    ByteBuffer in = c.in;
    int limit = in.position();
    for (int i = 1; i < limit; i++) {
      if (in.get(i) == '\n' && in.get(i - 1) == '\n') {
        byte[] reply = new byte[i - 1];
        in.flip();
        in.get(reply);
        in.position(i + 1);
        in.compact();
        String line = new String(reply, StandardCharsets.US_ASCII);
        if (!line.startsWith("action=")) {
          throw new IOException("not a policy reply: " + line);
        }
        return line.substring("action=".length());
      }
    }
    if (!in.hasRemaining()) {
      throw new IOException("reply longer than " + in.capacity() + " bytes");
    }
    return null;
  }

  private static boolean isExpected(String action) {
    String k = kind(action);
    return !k.equals("other");
  }

  /** Groups actions: DUNNO/PREPEND (pass), 5xx (challenge), 4xx and DEFER_IF_PERMIT (defer). */
  static String kind(String action) {
    String upper = action.toUpperCase(Locale.ROOT);
    if (upper.startsWith("DUNNO") || upper.startsWith("PREPEND") || upper.startsWith("OK")) {
      return "pass";
    }
    if (upper.startsWith("DEFER_IF_PERMIT") || upper.startsWith("DEFER") || upper.startsWith("4")) {
      return "defer";
    }
    if (upper.startsWith("5") || upper.startsWith("REJECT")) {
      return "reject";
    }
    return "other";
  }

  static Properties summary(String label, int connections, double rate, double known, double elapsed, Tally t) {
    long[] lat = Arrays.copyOf(t.latency, t.recorded);
    Arrays.sort(lat);
    Properties p = new Properties();
    p.setProperty("label", label);
    p.setProperty("connections", Integer.toString(connections));
    p.setProperty("mode", rate > 0 ? "rate" : "max");
    p.setProperty("offeredRate", fmt(rate));
    p.setProperty("knownFraction", fmt(known));
    p.setProperty("seconds", fmt(elapsed));
    p.setProperty("requests", Long.toString(t.requests));
    p.setProperty("errors", Long.toString(t.errors));
    p.setProperty("rps", fmt(t.requests / elapsed));
    p.setProperty("p50us", fmt(pct(lat, 0.50) / 1e3));
    p.setProperty("p90us", fmt(pct(lat, 0.90) / 1e3));
    p.setProperty("p99us", fmt(pct(lat, 0.99) / 1e3));
    p.setProperty("p999us", fmt(pct(lat, 0.999) / 1e3));
    p.setProperty("maxus", fmt(lat.length == 0 ? Double.NaN : lat[lat.length - 1] / 1e3));
    if (rate > 0) {
      long[] sch = Arrays.copyOf(t.scheduledLatency, t.recorded);
      Arrays.sort(sch);
      p.setProperty("scheduledP50us", fmt(pct(sch, 0.50) / 1e3));
      p.setProperty("scheduledP99us", fmt(pct(sch, 0.99) / 1e3));
    }
    Map<String, Long> actions = new LinkedHashMap<>(t.actions);
    actions.forEach((k, v) -> p.setProperty("action." + k, Long.toString(v)));
    p.setProperty("line", String.format(Locale.ROOT,
        "%s: conns=%d %s requests=%d in %.2f s => %.0f req/s; latency us p50=%.0f p99=%.0f max=%.0f; actions=%s errors=%d",
        label, connections, rate > 0 ? "rate=" + fmt(rate) : "max", t.requests, elapsed, t.requests / elapsed,
        pct(lat, 0.5) / 1e3, pct(lat, 0.99) / 1e3, lat.length == 0 ? Double.NaN : lat[lat.length - 1] / 1e3,
        t.actions, t.errors));
    return p;
  }

  /** The nearest-rank percentile of sorted values; NaN when empty. */
  static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.3f", d);
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        usage("expected --option, got " + a);
      }
      if (a.equals("--seed-only")) {
        o.put("seed-only", "");
      } else if (i + 1 < args.length) {
        o.put(a.substring(2), args[++i]);
      } else {
        usage("no value for " + a);
      }
    }
    return o;
  }

  private static int intOption(Map<String, String> o, String name, int dflt, int min, int max) {
    return (int) doubleOption(o, name, dflt, min, max);
  }

  private static double doubleOption(Map<String, String> o, String name, double dflt, double min, double max) {
    String v = o.get(name);
    if (v == null) {
      if (dflt < min) {
        usage("--" + name + " is required");
      }
      return dflt;
    }
    try {
      double d = Double.parseDouble(v);
      if (d < min || d > max) {
        usage("--" + name + " must be " + min + ".." + max);
      }
      return d;
    } catch (NumberFormatException e) {
      usage("--" + name + " is not a number");
      return dflt;
    }
  }

  private static void usage(String problem) {
    System.err.println("PolicyLoad: " + problem);
    System.err.println("usage: PolicyLoad --port P [--connections N] [--seconds S] [--rate R] [--warmup-seconds W]"
        + " [--known F] [--max-requests M] [--label L] [--out FILE] [--seed-only]");
    System.exit(2);
  }
}
