package org.smtpcr.examples.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.time.ZoneId;
import java.util.Map;
import java.util.Properties;
import org.smtpcr.examples.runtime.BackgroundOutputStream;
import org.smtpcr.examples.runtime.CoarseClock;
import org.smtpcr.examples.runtime.LogPrintStream;

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
    LogPrintStream err = logStream(background, System.getenv(), System.getProperties(), args);
    err.writeOutAtExit(background);
    System.setErr(err);
    System.exit(run(args));
  }

  /**
   * Standard error for slf4j-simple: with the journal's priorities under systemd (but for {@code
   * demo}), else with the time in front of each log line. The stream puts the time there, not
   * slf4j-simple, which formats it again for every line under one lock: its {@code showDateTime} is
   * turned off, unless it was set as a system property, which then decides alone.
   */
  static LogPrintStream logStream(
      OutputStream out, Map<String, String> env, Properties system, String... args) {
    Charset cs = Charset.defaultCharset();
    boolean journal = Journal.wanted(env, args);
    String dateTime = "org.slf4j.simpleLogger.showDateTime";
    if (system.getProperty(dateTime) != null) {
      return journal ? LogPrintStream.journal(out, cs) : LogPrintStream.plain(out, cs);
    }
    // before the first logger exists
    system.setProperty(dateTime, "false");
    return journal
        ? LogPrintStream.journal(out, cs)
        : LogPrintStream.timeStamped(out, cs, CoarseClock.system(ZoneId.systemDefault()));
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
