package org.smtpcr.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.smtpcr.core.store.PostgresServer;

/**
 * The PostgreSQL server of the policy benchmark (see docs/benchmarks.md): the harness the {@code
 * core} group's forks use ({@link PostgresServer}: {@code initdb} into a fresh temporary directory,
 * {@code pg_ctl} on a free 127.0.0.1 port, fsync off), started once for the PostgreSQL rows of a
 * run, so that every server measured against it asks the same database. Writes its JDBC URL to the
 * file given as the only argument and runs until it is stopped (TERM, INT), then stops the server
 * and deletes its directory. Prints {@code postgres --version} and exits with status 3 when
 * PostgreSQL is not installed.
 */
public final class PolicyPostgres {
  private PolicyPostgres() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 1) {
      System.err.println("usage: PolicyPostgres URL-FILE");
      System.exit(2);
    }
    if (PostgresServer.findBinDir().isEmpty()) {
      System.err.println("PolicyPostgres: " + PostgresServer.NOT_INSTALLED);
      System.exit(3);
    }
    PostgresServer server = PostgresServer.start();
    CountDownLatch stopped = new CountDownLatch(1);
    // the harness stops the server in a shutdown hook too; this one says so and lets main end
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    Path urlFile = Path.of(args[0]);
    Path partial = urlFile.resolveSibling(urlFile.getFileName() + ".tmp");
    // the URL carries no password: the harness trusts 127.0.0.1
    Files.writeString(partial, server.jdbcUrl() + "\n", StandardCharsets.UTF_8);
    Files.move(partial, urlFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    System.out.println(
        PostgresServer.version().orElse("PostgreSQL")
            + " on 127.0.0.1:"
            + server.port()
            + " (user "
            + PostgresServer.USER
            + ")");
    stopped.await();
  }
}
