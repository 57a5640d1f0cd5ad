package org.smtpcr.examples.policy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * A private Dovecot (Debian's {@code dovecot-core}) that serves only authentication, on a loopback
 * TCP port, for Postfix's {@code smtpd_sasl_type = dovecot}: PLAIN, any user, password {@value
 * #PASSWORD} (a static passdb). Started from its own configuration in a temporary directory,
 * stopped (with every child) by {@link #close()}.
 */
final class DovecotAuth implements AutoCloseable {
  static final String PASSWORD = "secret";

  private static final Path DOVECOT = Path.of("/usr/sbin/dovecot");

  private final Process master;
  private final int port;
  private final Path dir;

  private DovecotAuth(Process master, int port, Path dir) {
    this.master = master;
    this.port = port;
    this.dir = dir;
  }

  /** Why a private Dovecot cannot run here, or empty when it can. */
  static Optional<String> unavailable() {
    if (!Files.isExecutable(DOVECOT)) {
      return Optional.of(
          "Dovecot is not installed (apt-get install dovecot-core; scripts/test.sh does)");
    }
    try {
      UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
      users.lookupPrincipalByName("dovecot");
      users.lookupPrincipalByName("dovenull");
    } catch (IOException e) {
      return Optional.of("a user Dovecot needs is missing: " + e.getMessage());
    }
    return Optional.empty();
  }

  /** Starts Dovecot's authentication service in {@code dir} and waits until it answers. */
  static DovecotAuth start(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("run"));
    Files.createDirectories(dir.resolve("state"));
    int port = PostfixInstance.freePort();
    Path conf = dir.resolve("dovecot.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "base_dir = " + dir.resolve("run"),
            "state_dir = " + dir.resolve("state"),
            "log_path = " + dir.resolve("dovecot.log"),
            "protocols = none",
            "listen = 127.0.0.1",
            "ssl = no",
            "disable_plaintext_auth = no",
            "auth_mechanisms = plain",
            "default_internal_user = dovecot",
            "default_internal_group = dovecot",
            "default_login_user = dovenull",
            "passdb {",
            "  driver = static",
            "  args = password=" + PASSWORD,
            "}",
            "userdb {",
            "  driver = static",
            "  args = uid=dovecot gid=dovecot home=/nonexistent",
            "}",
            "service auth {",
            "  inet_listener {",
            "    address = 127.0.0.1",
            "    port = " + port,
            "  }",
            "}",
            ""),
        StandardCharsets.US_ASCII);
    Process p =
        new ProcessBuilder(DOVECOT.toString(), "-F", "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("dovecot.out").toFile())
            .start();
    DovecotAuth d = new DovecotAuth(p, port, dir);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
        return d;
      } catch (IOException e) {
        if (!p.isAlive() || System.nanoTime() - deadline > 0) {
          d.close();
          throw new IOException("Dovecot did not start: " + d.log(), e);
        }
        LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      }
    }
  }

  int port() {
    return port;
  }

  /** The SASL PLAIN initial response for {@code user} with the accepted password. */
  static String plain(String user) {
    return Base64.getEncoder()
        .encodeToString(("\0" + user + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
  }

  /** What Dovecot wrote, for failure messages. */
  String log() {
    StringBuilder sb = new StringBuilder();
    for (String f : List.of("dovecot.out", "dovecot.log")) {
      try {
        sb.append(Files.readString(dir.resolve(f), StandardCharsets.UTF_8));
      } catch (IOException e) {
        // not written (yet)
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    List<ProcessHandle> all = new ArrayList<>(master.descendants().toList());
    all.add(master.toHandle());
    master.destroy(); // SIGTERM: the master stops its children
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (all.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    for (ProcessHandle h : all) {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
  }
}
