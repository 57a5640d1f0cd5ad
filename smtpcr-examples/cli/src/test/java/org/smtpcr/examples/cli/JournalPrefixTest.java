package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class JournalPrefixTest {
  private static String through(String text) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (PrintStream err = new PrintStream(new JournalPrefix(sink), true, StandardCharsets.UTF_8)) {
      err.print(text);
    }
    return sink.toString(StandardCharsets.UTF_8);
  }

  @Test
  void lines_getTheirLevelsPriority_andAStackTraceTheLineBefore() {
    assertEquals(
        """
        <6>[INFO] DecisionLog - action=challenge rule=default
        <4>20:01:02 [WARN] PolicyDecider - store failed
        <4>java.io.IOException: gone
        <4>\tat x.y(Z.java:1)
        <3>[ERROR] Lifecycle - stopped
        <7>[DEBUG] DecisionEngine - decision
        <6>INFO Foo - without brackets
        <4>[main thread] WARN org.x.Y - with the thread
        <4>the rest - of a message
        """,
        through(
            """
            [INFO] DecisionLog - action=challenge rule=default
            20:01:02 [WARN] PolicyDecider - store failed
            java.io.IOException: gone
            \tat x.y(Z.java:1)
            [ERROR] Lifecycle - stopped
            [DEBUG] DecisionEngine - decision
            INFO Foo - without brackets
            [main thread] WARN org.x.Y - with the thread
            the rest - of a message
            """));
  }

  @Test
  void aLineWithoutLevelFirst_isAnError_andAMessageNamingALevelLaterIsNotOne() {
    assertEquals(
        """
        <3>smtpcr: the configuration file x does not exist
        <6>[INFO] P - h="[ERROR] x"
        """,
        through(
            """
            smtpcr: the configuration file x does not exist
            [INFO] P - h="[ERROR] x"
            """));
  }

  @Test
  void wanted_underSystemdButNotForDemo() {
    Map<String, String> systemd = Map.of("JOURNAL_STREAM", "8:12345");
    assertTrue(JournalPrefix.wanted(systemd, "policy-server", "--listen", "127.0.0.1:10023"));
    assertTrue(JournalPrefix.wanted(systemd, "--config", "demo", "smtp-server"));
    assertFalse(JournalPrefix.wanted(systemd, "demo"));
    assertFalse(JournalPrefix.wanted(systemd, "--config", "x.properties", "demo"));
    assertFalse(JournalPrefix.wanted(Map.of(), "policy-server"));
    assertFalse(JournalPrefix.wanted(Map.of("JOURNAL_STREAM", ""), "policy-server"));
  }
}
