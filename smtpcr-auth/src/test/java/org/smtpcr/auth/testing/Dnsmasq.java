package org.smtpcr.auth.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A throw-away authoritative DNS server for tests: Debian's {@code dnsmasq} (package {@code
 * dnsmasq-base}) on 127.0.0.1 and a free port (UDP and TCP), authoritative for the zones given
 * ({@code --auth-zone}, {@code --auth-server}), serving the TXT, A/AAAA, CNAME and MX records the
 * builder collects. Without authoritative mode dnsmasq answers REFUSED for names it does not know,
 * and every SPF check would be {@code temperror}. Names under a zone that have no record get
 * NXDOMAIN; names outside every zone get REFUSED.
 *
 * <pre>{@code
 * try (Dnsmasq dns = Dnsmasq.builder("smtpcr.test")
 *     .txt("smtpcr.test", "v=spf1 ip4:192.0.2.1 -all")
 *     .start()) {
 *   SmtpcrAuthenticator auth = SmtpcrAuthenticator.builder().dnsServer(dns.address()).build();
 * }
 * }</pre>
 *
 * <p>{@link Builder#start()} waits until the server answers a real query. When dnsmasq is not
 * installed the calling test fails if {@code -Dsmtpcr.it.required=true} and is skipped visibly
 * otherwise. {@link #close()} stops the process and deletes its directory; a shutdown hook does it
 * if a test forgets.
 */
public final class Dnsmasq implements AutoCloseable {
  /** What is missing, and how to install it. */
  public static final String NOT_INSTALLED =
      "dnsmasq is not installed; install it (Debian: apt-get install dnsmasq-base)"
          + " or point -Dsmtpcr.dnsmasq at the binary";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final int MAX_CONF_LINE = 1000;

  private final Process process;
  private final Path dir;
  private final int port;
  private final Thread shutdownHook;

  private Dnsmasq(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.shutdownHook = new Thread(this::stopQuietly, "dnsmasq-test-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** The binary: {@code -Dsmtpcr.dnsmasq}, else {@code /usr/sbin/dnsmasq}. */
  public static Path binary() {
    String configured = System.getProperty("smtpcr.dnsmasq");
    return Path.of(configured != null && !configured.isBlank() ? configured : "/usr/sbin/dnsmasq");
  }

  /** True when the binary is there. */
  public static boolean isInstalled() {
    return Files.isExecutable(binary());
  }

  /**
   * Fails the calling test when dnsmasq is missing and {@code smtpcr.it.required=true}, skips it
   * (visibly) when it is missing otherwise; returns when it is installed.
   */
  public static void requireInstalled() {
    if (isInstalled()) {
      return;
    }
    if (Boolean.getBoolean("smtpcr.it.required")) {
      fail(NOT_INSTALLED + " (required because smtpcr.it.required=true)");
    }
    Assumptions.abort(NOT_INSTALLED);
  }

  /**
   * A builder for a server authoritative for {@code zone} (and any added with {@link
   * Builder#zone}).
   */
  public static Builder builder(String zone) {
    return new Builder(zone);
  }

  /** Where the server listens: 127.0.0.1 and its port, UDP and TCP. */
  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** The port, UDP and TCP. */
  public int port() {
    return port;
  }

  /** What dnsmasq wrote to its log, for a failure message. */
  public String log() {
    try {
      Path log = dir.resolve("dnsmasq.log");
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** Stops dnsmasq and deletes its directory; idempotent. */
  @Override
  public void close() {
    stopQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down already
    }
    deleteTree(dir);
  }

  private void stopQuietly() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Collects zones and records; {@link #start()} writes them to a configuration file. */
  public static final class Builder {
    private final List<String> zones = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();
    // the command-line form of lines too long for dnsmasq's configuration file reader
    private final List<String> longArgs = new ArrayList<>();

    private Builder(String zone) {
      zone(zone);
    }

    /** Also authoritative for this zone. */
    public Builder zone(String zone) {
      zones.add(name(zone));
      return this;
    }

    /**
     * A TXT record with this text, split into strings of at most 255 bytes (RFC 7208 §3.3 joins
     * them again). Each call adds one record. dnsmasq reads configuration lines into a buffer of
     * about 1 KiB, so a longer record goes on its command line, where it must not contain a comma.
     */
    public Builder txt(String name, String text) {
      return txtStrings(name, split(text));
    }

    /** A TXT record made of exactly these strings, each at most 255 bytes. */
    public Builder txtStrings(String name, List<String> strings) {
      StringBuilder sb = new StringBuilder("txt-record=").append(name(name));
      StringBuilder arg = new StringBuilder("--txt-record=").append(name(name));
      boolean comma = false;
      for (String s : strings) {
        if (s.getBytes(StandardCharsets.UTF_8).length > 255) {
          throw new IllegalArgumentException("a TXT string has at most 255 bytes");
        }
        sb.append(",\"").append(escape(s)).append('"');
        arg.append(',').append(s); // no quoting on the command line: the shell would remove it
        comma |= s.indexOf(',') >= 0;
      }
      if (sb.length() <= MAX_CONF_LINE) {
        lines.add(sb.toString());
      } else if (comma) {
        throw new IllegalArgumentException(
            "dnsmasq takes a TXT record this long only on its command line, where a comma splits it");
      } else {
        longArgs.add(arg.toString());
      }
      return this;
    }

    /** A and/or AAAA records for the name. */
    public Builder host(String name, String... addresses) {
      lines.add("host-record=" + name(name) + "," + String.join(",", addresses));
      return this;
    }

    /** A CNAME: {@code alias} points to {@code target}. dnsmasq refuses to start on a loop. */
    public Builder cname(String alias, String target) {
      lines.add("cname=" + name(alias) + "," + name(target));
      return this;
    }

    /** An MX record. */
    public Builder mx(String name, String exchange, int preference) {
      lines.add("mx-host=" + name(name) + "," + name(exchange) + "," + preference);
      return this;
    }

    /**
     * Starts dnsmasq and waits until it answers; fails or skips the calling test when it is not
     * installed (see {@link Dnsmasq#requireInstalled()}).
     */
    public Dnsmasq start() {
      requireInstalled();
      try {
        Path dir = Files.createTempDirectory("smtpcr-dnsmasq");
        Path conf = dir.resolve("dnsmasq.conf");
        // dnsmasq reads configuration lines into a fixed buffer (about 1 KiB): longer records go
        // on the command line, which has no such limit
        Files.write(conf, lines, StandardCharsets.UTF_8);
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
          int port = freePort();
          try {
            return launch(dir, conf, port);
          } catch (IOException e) {
            last = e; // most likely the port was taken meanwhile
          }
        }
        deleteTree(dir);
        throw new UncheckedIOException("could not start dnsmasq", last);
      } catch (IOException e) {
        throw new UncheckedIOException("could not start dnsmasq", e);
      }
    }

    private Dnsmasq launch(Path dir, Path conf, int port) throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.add(binary().toString());
      cmd.add("--keep-in-foreground");
      cmd.add("--conf-file=" + conf);
      cmd.add("--port=" + port);
      cmd.add("--listen-address=127.0.0.1");
      cmd.add("--bind-interfaces");
      cmd.add("--no-resolv");
      cmd.add("--no-hosts");
      cmd.add("--no-poll");
      cmd.add("--pid-file=" + dir.resolve("dnsmasq.pid"));
      cmd.add("--log-facility=" + dir.resolve("dnsmasq.log"));
      cmd.add("--user=" + System.getProperty("user.name"));
      cmd.add("--auth-server=ns." + zones.get(0) + ",127.0.0.1");
      cmd.add("--auth-ttl=60");
      for (String zone : zones) {
        cmd.add("--auth-zone=" + zone);
      }
      cmd.addAll(longArgs);
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("dnsmasq.out").toFile())
              .start();
      Dnsmasq d = new Dnsmasq(p, dir, port);
      try {
        d.awaitAnswer(zones.get(0));
      } catch (IOException | RuntimeException e) {
        d.stopQuietly();
        Runtime.getRuntime().removeShutdownHook(d.shutdownHook);
        String out =
            Files.exists(dir.resolve("dnsmasq.out"))
                ? Files.readString(dir.resolve("dnsmasq.out"), StandardCharsets.UTF_8)
                : "";
        throw new IOException("dnsmasq did not answer on port " + port + ": " + e + "\n" + out, e);
      }
      return d;
    }
  }

  /** Polls with a real SOA query until dnsmasq answers it authoritatively. */
  private void awaitAnswer(String zone) throws IOException {
    SimpleResolver r = new SimpleResolver(address());
    r.setTimeout(Duration.ofMillis(250));
    Message query =
        Message.newQuery(Record.newRecord(Name.fromString(zone, Name.root), Type.SOA, DClass.IN));
    long end = System.nanoTime() + START_TIMEOUT.toNanos();
    IOException last = null;
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IOException("dnsmasq exited with " + process.exitValue());
      }
      try {
        Message m = r.send(query);
        if (m.getRcode() == Rcode.NOERROR) {
          return;
        }
        last = new IOException("rcode " + Rcode.string(m.getRcode()));
      } catch (IOException e) {
        last = e; // not listening yet: the query's own time-out paces the loop
      }
    }
    throw new IOException("no answer within " + START_TIMEOUT, last);
  }

  static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + n > 255) {
        out.add(cur.toString());
        cur.setLength(0);
        bytes = 0;
      }
      cur.appendCodePoint(cp);
      bytes += n;
      i += Character.charCount(cp);
    }
    out.add(cur.toString());
    return out;
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  private static String name(String n) {
    String s = n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    return s.toLowerCase(Locale.ROOT);
  }

  /** A port free for both UDP and TCP on 127.0.0.1 just now. */
  static int freePort() throws IOException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    for (int i = 0; i < 20; i++) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, lo)) {
        port = s.getLocalPort();
      }
      DatagramSocket d = null;
      try {
        d = new DatagramSocket(new InetSocketAddress(lo, port));
        return port;
      } catch (IOException e) {
        // taken for UDP: try another
      } finally {
        if (d != null) {
          d.close();
        }
      }
    }
    throw new IOException("no free port");
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // left for the OS
    }
  }
}
