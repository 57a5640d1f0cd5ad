package org.smtpcr.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import org.slf4j.LoggerFactory;
import org.smtpcr.examples.runtime.DecisionLog;
import org.smtpcr.examples.runtime.LogPrintStream;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.tokens.KeyRing;

/**
 * The decision log as the command writes it: each line straight to standard error ({@link
 * DecisionLog#writingTo}) when slf4j-simple is the backend and writes there in the command's own
 * format, else through slf4j.
 */
final class CommandLog {
  private static final String PREFIX = "org.slf4j.simpleLogger.";

  /** slf4j-simple's logger factory (a runtime dependency: named, not linked). */
  private static final String SIMPLE_FACTORY = "org.slf4j.simple.SimpleLoggerFactory";

  /** The file slf4j-simple reads its settings from, on the class path. */
  static final String CONFIGURATION_FILE = "simplelogger.properties";

  /**
   * slf4j-simple's settings of its format, with their defaults, and what each must be for its line
   * at INFO to be {@code [INFO] DecisionLog - }, which {@link DecisionLog#writingTo} writes ({@code
   * showLogName} does not count when the short name is shown).
   */
  private static final List<Flag> FORMAT =
      List.of(
          new Flag("showDateTime", false, false),
          new Flag("showThreadName", true, false),
          new Flag("showThreadId", false, false),
          new Flag("showShortLogName", false, true),
          new Flag("levelInBrackets", false, true));

  private record Flag(String name, boolean byDefault, boolean wanted) {}

  private CommandLog() {}

  /**
   * The decision log for these settings, written as the process's logging allows.
   *
   * @param settings the settings
   * @param ring the site's key ring
   * @return the log
   */
  static DecisionLog decisions(Settings settings, KeyRing ring) {
    DecisionLog log = DecisionLog.from(settings, ring);
    return System.err instanceof LogPrintStream err
            && slf4jSimpleBound()
            && ownFormat(System.getProperties(), slf4jSimpleFile())
        ? log.writingTo(err)
        : log;
  }

  /** Whether slf4j-simple is the backend slf4j logs with, not another one on the class path. */
  static boolean slf4jSimpleBound() {
    return LoggerFactory.getILoggerFactory().getClass().getName().equals(SIMPLE_FACTORY);
  }

  /**
   * Whether slf4j-simple writes a line at INFO as {@code [INFO] DecisionLog - ...} to standard
   * error, as the command's {@code simplelogger.properties} has it: each setting of its format as a
   * system property says, else as its file says, else its default. Its own time must be off: the
   * stream puts the time in front ({@link Main#logStream} turns slf4j-simple's off when so).
   *
   * @param system the system properties, which slf4j-simple reads first
   * @param file what its file on the class path holds (empty without one)
   */
  static boolean ownFormat(Properties system, Properties file) {
    for (Flag f : FORMAT) {
      String value = setting(system, file, f.name());
      // as slf4j-simple reads a flag: "true" in any case is true, anything else false
      boolean on = value == null ? f.byDefault() : "true".equalsIgnoreCase(value);
      if (on != f.wanted()) {
        return false;
      }
    }
    String target = setting(system, file, "logFile");
    return target == null || "System.err".equalsIgnoreCase(target);
  }

  private static String setting(Properties system, Properties file, String name) {
    String key = PREFIX + name;
    return system.getProperty(key, file.getProperty(key));
  }

  /** slf4j-simple's file, found as it finds it; empty when there is none or it can't be read. */
  static Properties slf4jSimpleFile() {
    Properties p = new Properties();
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    try (InputStream in =
        cl != null
            ? cl.getResourceAsStream(CONFIGURATION_FILE)
            : ClassLoader.getSystemResourceAsStream(CONFIGURATION_FILE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException | IllegalArgumentException e) {
      // slf4j-simple then has its defaults too, which are not the command's format
      p.clear();
    }
    return p;
  }
}
