package org.smtpcr.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The start-up time of a policy server (see docs/benchmarks.md): starts the command after {@code
 * --}, and measures from just before the process starts to the whole reply to its first request on
 * 127.0.0.1:{@code --port} (a fresh unknown triplet, so that nothing known is changed), asking
 * every 10 ms; then stops it (SIGTERM, up to 10 s, then SIGKILL) and does it again, {@code
 * --repeat} times in all. Prints {@code startupms} (the median), {@code startupmsMin}, {@code
 * startupmsMax} and {@code startups} as properties. The command's output goes to {@code --log}
 * (appended), or is discarded. Exits with status 1 when the command ends, or does not answer within
 * 120 s.
 *
 * <pre>
 * PolicyStartup --port 10040 --repeat 5 [--log FILE] -- java -jar smtpcr.jar policy-server ...
 * </pre>
 */
public final class PolicyStartup {
  private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(120);

  private PolicyStartup() {}

  public static void main(String[] args) throws Exception {
    int dashes = Arrays.asList(args).indexOf("--");
    if (dashes < 0 || dashes == args.length - 1) {
      System.err.println("usage: PolicyStartup --port P [--repeat N] [--log FILE] -- COMMAND...");
      System.exit(2);
    }
    Map<String, String> o = PolicyLoad.options(Arrays.copyOfRange(args, 0, dashes));
    List<String> command = List.of(Arrays.copyOfRange(args, dashes + 1, args.length));
    int port = (int) PolicyLoad.number(o, "port", 0);
    int repeat = (int) PolicyLoad.number(o, "repeat", 5);
    ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE);
    if (o.containsKey("log")) {
      pb.redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(o.get("log"))));
    } else {
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD);
    }
    List<Double> millis = new ArrayList<>();
    for (int i = 0; i < repeat; i++) {
      long t0 = System.nanoTime();
      Process p = pb.start();
      try {
        millis.add(firstAnswer(p, port, t0) / 1e6);
      } finally {
        stop(p);
      }
    }
    System.out.print(summary(millis));
  }

  /** Nanoseconds from {@code t0} to the whole reply to one request; fails if the process ends. */
  static long firstAnswer(Process p, int port, long t0) throws IOException, InterruptedException {
    byte[] request =
        PolicyMix.request(PolicyMix.unknown(new SplittableRandom(System.nanoTime())), "startup.0");
    while (true) {
      if (!p.isAlive()) {
        throw new IOException("the server ended (status " + p.exitValue() + ") before answering");
      }
      if (System.nanoTime() - t0 > GIVE_UP_NANOS) {
        throw new IOException("no answer on port " + port + " within 120 s");
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
        s.setTcpNoDelay(true);
        OutputStream out = s.getOutputStream();
        out.write(request);
        out.flush();
        if (readReply(s.getInputStream())) {
          return System.nanoTime() - t0;
        }
      } catch (IOException notYet) {
        // not listening yet, or closed before answering
      }
      Thread.sleep(10);
    }
  }

  /** Reads up to the reply's empty line; false when the connection ends first. */
  private static boolean readReply(InputStream in) throws IOException {
    StringBuilder received = new StringBuilder();
    byte[] buf = new byte[1024];
    int n;
    while ((n = in.read(buf)) > 0) {
      received.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
      if (received.indexOf("\n\n") >= 0) {
        return received.toString().startsWith("action=");
      }
    }
    return false;
  }

  /** SIGTERM, up to 10 s, then SIGKILL; waits for the end either way. */
  static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
  }

  /** The median, the least and the most of {@code millis}, as properties. */
  static String summary(List<Double> millis) {
    double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    double median = PolicyLoad.quantile(sorted, 0.5);
    return String.format(
        Locale.ROOT,
        "startupms=%.1f%nstartupmsMin=%.1f%nstartupmsMax=%.1f%nstartups=%d%n",
        median,
        n == 0 ? Double.NaN : sorted[0],
        n == 0 ? Double.NaN : sorted[n - 1],
        n);
  }
}
