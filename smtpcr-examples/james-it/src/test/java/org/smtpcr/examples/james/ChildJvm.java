package org.smtpcr.examples.james;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Java child process for the tests (James, {@code smtpcr web}): its output (stdout and stderr)
 * goes to a log file, and {@link #start} returns once a line matches the ready pattern. {@link
 * #close()} stops it with SIGTERM, then kills what is left of it and its descendants.
 */
final class ChildJvm implements AutoCloseable {
  private static final int TAIL_LINES = 80;
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final String name;
  private final Process process;
  private final Path log;
  private final Deque<String> tail = new ArrayDeque<>();
  private final CompletableFuture<Matcher> ready = new CompletableFuture<>();

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** The JVM that runs the tests. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Starts {@code java args...} in {@code workDir} and waits until a line of its output matches
   * {@code ready}.
   *
   * @return the running process; {@link #readyLine()} holds the match
   * @throws IOException if it does not start, exits, or prints no such line within {@code timeout}
   *     (the message carries the last lines it printed)
   */
  static ChildJvm start(
      String name, List<String> args, Path workDir, Path log, Pattern ready, Duration timeout)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(args);
    Files.createDirectories(log.getParent());
    Process p =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    ChildJvm child = new ChildJvm(name, p, log);
    // a test JVM that dies (a killed build) takes the child with it
    Thread reaper = new Thread(child::close, name + "-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    p.onExit().thenRun(() -> removeHook(reaper));
    Thread reader = new Thread(() -> child.copyOutput(ready), name + "-output");
    reader.setDaemon(true);
    reader.start();
    p.onExit()
        .thenRun(
            () ->
                child.ready.completeExceptionally(
                    new IOException(name + " exited with status " + p.exitValue())));
    try {
      child.ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return child;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      child.close();
      throw new IOException(name + ": interrupted while starting", e);
    } catch (ExecutionException | TimeoutException e) {
      child.close();
      throw new IOException(
          name + " did not become ready (" + e + "); its last lines:\n" + child.tail(), e);
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down already; the hook runs or ran
    }
  }

  private void copyOutput(Pattern readyPattern) {
    try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line);
        out.write('\n');
        out.flush();
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
          }
        }
        Matcher m = readyPattern.matcher(line);
        if (!ready.isDone() && m.find()) {
          ready.complete(m);
        }
      }
    } catch (IOException e) {
      ready.completeExceptionally(new UncheckedIOException(name + ": reading its output", e));
    }
  }

  /** The line that made it ready, matched. */
  Matcher readyLine() {
    return ready.join();
  }

  /** The last lines it printed. */
  String tail() {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  /** Its log file. */
  Path log() {
    return log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    descendants.forEach(ProcessHandle::destroyForcibly);
  }
}
