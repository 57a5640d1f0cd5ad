package org.smtpcr.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The DNS server of the {@code auth} benchmarks: a dnsmasq, authoritative for the benchmark's zones
 * (without authoritative mode it answers REFUSED for names it does not know), on 127.0.0.1 and a
 * random free port, started by each fork and stopped at its end. Its records are dnsmasq options
 * ({@code --txt-record=...}, {@code --mx-host=...}, {@code --host-record=...}).
 */
final class AuthDns implements AutoCloseable {
  static final Path DNSMASQ = Path.of("/usr/sbin/dnsmasq");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private final Process process;
  private final int port;

  private AuthDns(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Whether dnsmasq is installed (Debian package dnsmasq-base). */
  static boolean available() {
    return Files.isExecutable(DNSMASQ);
  }

  /**
   * Starts dnsmasq authoritative for {@code zones} with {@code records}, logging every query it
   * receives to {@code log} if present; tries other ports while the one it picked is taken.
   */
  static AuthDns start(List<String> zones, List<String> records, Optional<Path> log)
      throws IOException {
    if (!available()) {
      throw new IllegalStateException(
          DNSMASQ + " not found: the auth benchmarks need dnsmasq (apt-get install dnsmasq-base)");
    }
    IOException last = null;
    for (int attempt = 0; attempt < 10; attempt++) {
      int port = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
      List<String> command = new ArrayList<>();
      command.addAll(
          List.of(
              DNSMASQ.toString(),
              "--keep-in-foreground",
              "--conf-file=/dev/null",
              "--no-resolv",
              "--no-hosts",
              "--pid-file=",
              "--bind-interfaces",
              "--listen-address=127.0.0.1",
              "--port=" + port,
              "--auth-server=ns." + zones.get(0) + ",127.0.0.1"));
      zones.forEach(z -> command.add("--auth-zone=" + z));
      command.addAll(records);
      log.ifPresent(f -> command.addAll(List.of("--log-queries", "--log-facility=" + f)));
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      AuthDns dns = new AuthDns(p, port);
      try {
        dns.awaitAnswer(Name.fromString(zones.get(0) + "."));
        return dns;
      } catch (IOException e) {
        dns.close();
        last = e;
      }
    }
    throw new IOException("dnsmasq did not start on any of 10 ports", last);
  }

  int port() {
    return port;
  }

  /** A resolver that asks this server only, with a {@code timeout} per query. */
  SimpleResolver resolver(Duration timeout) {
    SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
    r.setPort(port);
    r.setTimeout(timeout);
    return r;
  }

  /** Waits until the server answers an SOA query for {@code zone} with NOERROR. */
  private void awaitAnswer(Name zone) throws IOException {
    SimpleResolver r = resolver(Duration.ofMillis(200));
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("dnsmasq exited with status " + process.exitValue());
      }
      try {
        Message m = r.send(Message.newQuery(Record.newRecord(zone, Type.SOA, DClass.IN)));
        if (m.getRcode() == Rcode.NOERROR) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
    }
    throw new IOException("dnsmasq did not answer within " + START_TIMEOUT);
  }

  static Name name(String s) {
    try {
      return Name.fromString(s.endsWith(".") ? s : s + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
