package org.smtpcr.examples.cli;

import java.util.Map;

/**
 * Whether the command runs under systemd with standard error going to the journal, which reads a
 * {@code <N>} at the start of each line as its syslog priority (systemd's {@code
 * SyslogLevelPrefix}, on by default): then {@link Main} writes one in front of every line ({@link
 * org.smtpcr.examples.runtime.LogPrintStream#journal}).
 */
final class Journal {
  /** The environment variable systemd sets when standard output or error is the journal. */
  static final String JOURNAL_STREAM = "JOURNAL_STREAM";

  private Journal() {}

  /**
   * Whether standard error should carry priorities: under systemd, and not for {@code demo}, which
   * is run on a console.
   */
  static boolean wanted(Map<String, String> env, String... args) {
    String stream = env.get(JOURNAL_STREAM);
    if (stream == null || stream.isEmpty()) {
      return false;
    }
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config")) {
        i++; // its value
      } else if (!args[i].startsWith("-")) {
        return !args[i].equals("demo");
      }
    }
    return true;
  }
}
