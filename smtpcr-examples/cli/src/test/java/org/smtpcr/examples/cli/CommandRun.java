package org.smtpcr.examples.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code smtpcr} command line in this JVM with captured output. */
final class CommandRun {
  /** Exit code, standard output and standard error of one run. */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out ---\n" + out + "--- err ---\n" + err;
    }
  }

  private CommandRun() {}

  /**
   * Writes a key file into the data directory {@code data}, as an operator does before starting a
   * server (only the demo makes one itself).
   */
  static void keygen(java.nio.file.Path data) {
    Result r = run("keygen", "--out", data.resolve(DataDirectory.KEY_FILE).toString());
    if (r.exitCode() != 0) {
      throw new AssertionError("keygen failed: " + r);
    }
  }

  /** {@code smtpcr args...}; long-running commands are refused (use {@link TestLifecycle}). */
  static Result run(String... args) {
    return run(
        () -> {
          throw new AssertionError("a short command tried to serve");
        },
        args);
  }

  /**
   * The subcommand's object after picocli parsed {@code args} as the command line does (with {@code
   * --config} applied), without running it: for tests of what options and files make.
   */
  static <T> T parsed(Class<T> type, java.util.List<String> args) {
    return parsed(Installation.current(), type, args);
  }

  /** {@link #parsed(Class, java.util.List)} as {@code installation} parses it. */
  static <T> T parsed(Installation installation, Class<T> type, java.util.List<String> args) {
    PrintWriter out = new PrintWriter(new StringWriter());
    picocli.CommandLine cl =
        Cli.commandLine(
            args,
            out,
            out,
            () -> {
              throw new AssertionError("not started");
            },
            installation);
    picocli.CommandLine.ParseResult parsed = cl.parseArgs(args.toArray(String[]::new));
    return type.cast(parsed.subcommand().commandSpec().userObject());
  }

  /** {@code smtpcr args...} as {@code installation} runs it (packaged, its system file). */
  static Result run(Installation installation, String... args) {
    return run(
        installation,
        () -> {
          throw new AssertionError("a short command tried to serve");
        },
        args);
  }

  /** {@code smtpcr args...} with {@code lifecycle} for the long-running commands. */
  static Result run(Lifecycle lifecycle, String... args) {
    return run(Installation.current(), lifecycle, args);
  }

  /** {@code smtpcr args...} as {@code installation} runs it, with {@code lifecycle}. */
  static Result run(Installation installation, Lifecycle lifecycle, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    PrintWriter o = new PrintWriter(out, true);
    PrintWriter e = new PrintWriter(err, true);
    // Cli.execute: the configured picocli CommandLine's execute(args), after the --config check
    int code = Cli.execute(args, o, e, lifecycle, installation);
    o.flush();
    e.flush();
    return new Result(code, out.toString(), err.toString());
  }
}
