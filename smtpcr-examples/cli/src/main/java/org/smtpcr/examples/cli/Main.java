package org.smtpcr.examples.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import org.smtpcr.examples.runtime.BackgroundOutputStream;

/**
 * The {@code smtpcr} command. Run {@code smtpcr --help} for the commands; the exit code is 0 on
 * success, 1 on failure (including a verification that failed) and 2 on a usage error. Logs go to
 * standard error; under systemd (the {@code JOURNAL_STREAM} variable set), every line but {@code
 * demo}'s starts with its syslog priority, {@code <3>} to {@code <7>}, for the journal.
 *
 * @since 0.1.0
 */
public final class Main {
  private Main() {}

  /**
   * Runs the command and exits with its code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    // standard error is written by a thread of its own: a server's workers, each logging its
    // decision, copy the line into memory instead of each writing it under one lock; the lines
    // other shutdown hooks log are written at once
    BackgroundOutputStream background =
        BackgroundOutputStream.start(new FileOutputStream(FileDescriptor.err), "smtpcr-log");
    Runtime.getRuntime().addShutdownHook(new Thread(background::direct, "smtpcr-log-exit"));
    OutputStream err = background;
    if (JournalPrefix.wanted(System.getenv(), args)) {
      // before the first logger exists: the journal has its own time stamps
      System.setProperty("org.slf4j.simpleLogger.showDateTime", "false");
      err = new JournalPrefix(background);
    }
    System.setErr(new PrintStream(err, true, Charset.defaultCharset()));
    System.exit(run(args));
  }

  /**
   * Runs the command on standard output and standard error and returns the exit code; the long-
   * running commands return when the process is asked to stop.
   *
   * @param args the command line
   * @return the exit code
   */
  public static int run(String... args) {
    Charset cs = Charset.defaultCharset();
    PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, cs), true);
    PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, cs), true);
    return Cli.execute(args.clone(), out, err, Lifecycle.untilShutdown());
  }
}
