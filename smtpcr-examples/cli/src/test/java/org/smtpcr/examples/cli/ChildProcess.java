package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@code smtpcr} (or any Java) process started by a test; its output is collected as it comes.
 */
final class ChildProcess implements AutoCloseable {
  private final Process process;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Thread outPump;
  private final Thread errPump;

  private ChildProcess(Process process) {
    this.process = process;
    this.outPump = pump(process.getInputStream(), out);
    this.errPump = pump(process.getErrorStream(), err);
  }

  /** {@code java <jvmArgs...> <args...>} in {@code cwd}. */
  static ChildProcess java(Path cwd, List<String> jvmArgs, String... args) throws IOException {
    return java(cwd, Map.of(), jvmArgs, args);
  }

  /** {@code java <jvmArgs...> <args...>} in {@code cwd}, with these environment variables more. */
  static ChildProcess java(Path cwd, Map<String, String> env, List<String> jvmArgs, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(systemConfig());
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    pb.environment().remove("SMTPCR_PROG");
    pb.environment().remove("JOURNAL_STREAM"); // a test run under systemd: plain unless asked
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    return new ChildProcess(p);
  }

  /**
   * The test's system-wide configuration file for the child too (the build names one that does not
   * exist): a child never reads the machine's {@code /etc/smtpcr/smtpcr.properties}.
   */
  static List<String> systemConfig() {
    String f = System.getProperty(Installation.SYSTEM_CONFIG_PROPERTY);
    return f == null ? List.of() : List.of("-D" + Installation.SYSTEM_CONFIG_PROPERTY + "=" + f);
  }

  /** {@code smtpcr args...} on this test's class path, in {@code cwd}. */
  static ChildProcess smtpcr(Path cwd, String... args) throws IOException {
    return smtpcr(cwd, Map.of(), args);
  }

  /** {@code smtpcr args...} with these environment variables more. */
  static ChildProcess smtpcr(Path cwd, Map<String, String> env, String... args) throws IOException {
    return smtpcr(cwd, env, List.of(), args);
  }

  /** {@code smtpcr args...} with these environment variables and JVM options more. */
  static ChildProcess smtpcr(
      Path cwd, Map<String, String> env, List<String> jvmOptions, String... args)
      throws IOException {
    // the command's own INFO logging, not the test class path's quieter setting
    List<String> jvm = new ArrayList<>();
    jvm.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    jvm.addAll(jvmOptions);
    jvm.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    return java(cwd, env, jvm, TestDns.withDns(args));
  }

  private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
    Thread t =
        new Thread(
            () -> {
              byte[] b = new byte[4096];
              try {
                for (int n; (n = in.read(b)) != -1; ) {
                  synchronized (sink) {
                    sink.write(b, 0, n);
                  }
                }
              } catch (IOException e) {
                // the process is gone
              }
            },
            "child-output");
    t.setDaemon(true);
    t.start();
    return t;
  }

  String out() {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  String err() {
    synchronized (err) {
      return err.toString(StandardCharsets.UTF_8);
    }
  }

  /**
   * Waits until the standard output satisfies {@code condition}, or fails after {@code timeout}.
   */
  void awaitOut(Predicate<String> condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.test(out())) {
      assertTrue(process.isAlive(), () -> "the process ended: " + this);
      assertTrue(System.nanoTime() < deadline, () -> "timed out waiting for output: " + this);
      // wait for more output or the end of the process, whichever comes first
      process.waitFor(50, TimeUnit.MILLISECONDS);
    }
  }

  /** Waits until the standard error satisfies {@code condition}, or fails after {@code timeout}. */
  void awaitErr(Predicate<String> condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.test(err())) {
      assertTrue(process.isAlive(), () -> "the process ended: " + this);
      assertTrue(System.nanoTime() < deadline, () -> "timed out waiting for errors: " + this);
      process.waitFor(50, TimeUnit.MILLISECONDS);
    }
  }

  /** Waits for the process to end and returns its exit code. */
  int waitFor(Duration timeout) throws InterruptedException {
    assertTrue(
        process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS),
        () -> "the process did not end: " + this);
    outPump.join(timeout.toMillis());
    errPump.join(timeout.toMillis());
    return process.exitValue();
  }

  /**
   * SIGTERM, as a service manager (or Ctrl-C's SIGINT) stops it: the shutdown hooks run. Through
   * the process handle: {@code Process.destroy()} would also close our ends of its output pipes.
   */
  void terminate() {
    process.toHandle().destroy();
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "pid " + process.pid() + "\n--- out ---\n" + out() + "--- err ---\n" + err();
  }
}
