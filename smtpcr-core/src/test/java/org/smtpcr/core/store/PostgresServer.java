package org.smtpcr.core.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A throw-away PostgreSQL server for tests: {@code initdb} into a fresh temporary directory,
 * started with {@code pg_ctl} on a free 127.0.0.1 port with its socket in that directory, stopped
 * with {@code pg_ctl stop -m immediate} and deleted by {@link #close()} (or, failing that, by a
 * shutdown hook), so no process is left behind.
 *
 * <p>The binaries are looked up in the system property {@code smtpcr.postgres.bin}, then in {@code
 * /usr/lib/postgresql/<version>/bin} (Debian and Ubuntu; highest version first), then on the {@code
 * PATH}. PostgreSQL refuses to run as root, so as root the commands run as the {@code postgres}
 * user through {@code runuser}. When no PostgreSQL is installed, a test fails if {@code
 * -Dsmtpcr.it.required=true} and is skipped visibly otherwise. The benchmarks use the JUnit-free
 * {@link #start()}.
 */
public final class PostgresServer implements AutoCloseable {
  /** The superuser that {@code initdb} creates; it needs no password (trust on 127.0.0.1). */
  public static final String USER = "smtpcr";

  /** What is missing, and how to install it. */
  public static final String NOT_INSTALLED =
      "PostgreSQL (initdb, pg_ctl) is not installed; install it"
          + " (Debian: apt-get install postgresql) or point -Dsmtpcr.postgres.bin at its binaries";

  private static final long TIMEOUT_SECONDS = 120;

  private final Path binDir;
  private final Path root;
  private final int port;
  private final Thread shutdownHook;
  private boolean running;

  private PostgresServer(Path binDir, Path root, int port) {
    this.binDir = binDir;
    this.root = root;
    this.port = port;
    this.shutdownHook = new Thread(this::stopQuietly, "postgres-test-shutdown");
  }

  /**
   * Starts a server, or fails the calling test when PostgreSQL is not installed and {@code
   * smtpcr.it.required=true}, or skips it (visibly) otherwise. For use inside a test method.
   */
  public static PostgresServer startOrSkip() {
    return require(startIfInstalled().orElse(null));
  }

  /**
   * Starts a server; empty when PostgreSQL is not installed, unless {@code
   * smtpcr.it.required=true}, when it fails instead. For {@code @BeforeAll}: JUnit reports an
   * aborted {@code @BeforeAll} to Surefire as nothing at all, so tests skip through {@link
   * #require} in each test instead.
   */
  public static Optional<PostgresServer> startIfInstalled() {
    Optional<Path> bin = findBinDir();
    if (bin.isEmpty()) {
      if (Boolean.getBoolean("smtpcr.it.required")) {
        fail(NOT_INSTALLED + " (required because smtpcr.it.required=true)");
      }
      return Optional.empty();
    }
    try {
      return Optional.of(start(bin.get()));
    } catch (IOException e) {
      throw new UncheckedIOException("could not start PostgreSQL", e);
    }
  }

  /** {@code server} if there is one; otherwise skips the calling test, visibly. */
  public static PostgresServer require(PostgresServer server) {
    if (server == null) {
      Assumptions.abort(NOT_INSTALLED);
    }
    return server;
  }

  /**
   * Starts a server, without JUnit: for programs such as the benchmarks.
   *
   * @throws IllegalStateException if PostgreSQL is not installed
   * @throws UncheckedIOException if it could not be started
   */
  public static PostgresServer start() {
    Path bin = findBinDir().orElseThrow(() -> new IllegalStateException(NOT_INSTALLED));
    try {
      return start(bin);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start PostgreSQL", e);
    }
  }

  /**
   * The output of {@code postgres --version}, such as {@code postgres (PostgreSQL) 15.18}, if
   * installed.
   */
  public static Optional<String> version() {
    Optional<Path> bin = findBinDir();
    if (bin.isEmpty() || !Files.isExecutable(bin.get().resolve("postgres"))) {
      return Optional.empty();
    }
    try {
      Process p =
          new ProcessBuilder(bin.get().resolve("postgres").toString(), "--version")
              .redirectErrorStream(true)
              .start();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              .strip();
      return p.waitFor() == 0 && !out.isEmpty() ? Optional.of(out) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Where {@code initdb} and {@code pg_ctl} are, if anywhere. */
  public static Optional<Path> findBinDir() {
    String configured = System.getProperty("smtpcr.postgres.bin");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured)).filter(PostgresServer::hasTools);
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        Optional<Path> found =
            versions
                .map(v -> v.resolve("bin"))
                .filter(PostgresServer::hasTools)
                .max(Comparator.comparing(PostgresServer::majorVersion));
        if (found.isPresent()) {
          return found;
        }
      } catch (IOException e) {
        // fall through to PATH
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String p : path.split(java.io.File.pathSeparator, -1)) {
        if (!p.isEmpty() && hasTools(Path.of(p))) {
          return Optional.of(Path.of(p));
        }
      }
    }
    return Optional.empty();
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static boolean hasTools(Path bin) {
    return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"));
  }

  private static PostgresServer start(Path bin) throws IOException {
    Path root = Files.createTempDirectory("smtpcr-pg");
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    if (asRoot) {
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
      run(List.of("chown", "postgres:postgres", root.toString()), root.resolve("chown.log"));
    }
    PostgresServer server = null;
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      PostgresServer s = new PostgresServer(bin, root, port);
      try {
        if (attempt == 0) {
          s.initdb();
        }
        s.pgCtlStart();
        server = s;
        break;
      } catch (IOException e) {
        last = e; // the port was taken meanwhile, most likely
      }
    }
    if (server == null) {
      deleteTree(root);
      throw last;
    }
    return server;
  }

  /** A data source for the {@code postgres} database as the superuser {@value #USER}. */
  public DataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName("postgres");
    ds.setUser(USER);
    ds.setConnectTimeout(10);
    ds.setSocketTimeout(30);
    return ds;
  }

  /** The JDBC URL of the {@code postgres} database on this server. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?connectTimeout=10&socketTimeout=30";
  }

  /** The TCP port the server listens on. */
  public int port() {
    return port;
  }

  /** Stops the server at once ({@code -m immediate}); idempotent. */
  public synchronized void stop() {
    if (!running) {
      return;
    }
    try {
      run(
          command("pg_ctl", "-D", data().toString(), "-m", "immediate", "-w", "-t", "60", "stop"),
          root.resolve("stop.log"));
      running = false;
    } catch (IOException e) {
      throw new UncheckedIOException("could not stop PostgreSQL", e);
    }
  }

  /** Stops the server and deletes its directory. */
  @Override
  public synchronized void close() {
    try {
      stop();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down already
      }
      deleteTree(root);
    }
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (RuntimeException e) {
      // best effort at JVM exit
    }
  }

  private Path data() {
    return root.resolve("data");
  }

  private void initdb() throws IOException {
    run(
        command(
            "initdb",
            "-D",
            data().toString(),
            "-U",
            USER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync"),
        root.resolve("initdb.log"));
  }

  private void pgCtlStart() throws IOException {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    running = true;
    String options =
        "-p "
            + port
            + " -h 127.0.0.1 -k "
            + root
            + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=40";
    try {
      run(
          command(
              "pg_ctl",
              "-D",
              data().toString(),
              "-l",
              root.resolve("server.log").toString(),
              "-w",
              "-t",
              "60",
              "-o",
              options,
              "start"),
          root.resolve("start.log"));
    } catch (IOException e) {
      running = false;
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
      throw e;
    }
  }

  private List<String> command(String tool, String... args) {
    List<String> cmd = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.add(binDir.resolve(tool).toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static void run(List<String> command, Path log) throws IOException {
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(command.get(command.size() > 4 ? 4 : 0) + " timed out");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (p.exitValue() != 0) {
      String out = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      throw new IOException(
          String.join(" ", command) + " exited with " + p.exitValue() + ":\n" + out);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // left for the OS to clean up
                }
              });
    } catch (IOException e) {
      // left for the OS to clean up
    }
  }
}
