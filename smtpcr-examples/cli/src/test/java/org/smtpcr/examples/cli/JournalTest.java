package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.smtpcr.examples.runtime.LogPrintStream;

final class JournalTest {
  @Test
  void wanted_underSystemdButNotForDemo() {
    Map<String, String> systemd = Map.of("JOURNAL_STREAM", "8:12345");
    assertTrue(Journal.wanted(systemd, "policy-server", "--listen", "127.0.0.1:10023"));
    assertTrue(Journal.wanted(systemd, "--config", "demo", "smtp-server"));
    assertFalse(Journal.wanted(systemd, "demo"));
    assertFalse(Journal.wanted(systemd, "--config", "x.properties", "demo"));
    assertFalse(Journal.wanted(Map.of(), "policy-server"));
    assertFalse(Journal.wanted(Map.of("JOURNAL_STREAM", ""), "policy-server"));
  }

  private static String written(LogPrintStream err, ByteArrayOutputStream sink) {
    err.println("[INFO] DecisionLog - action=accept");
    err.flush();
    return sink.toString(StandardCharsets.UTF_8);
  }

  @Test
  void logStream_underSystemd_priorities_andSlf4jTimeOff() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    Properties system = new Properties();
    LogPrintStream err =
        Main.logStream(sink, Map.of("JOURNAL_STREAM", "8:1"), system, "policy-server");
    assertEquals("<6>[INFO] DecisionLog - action=accept\n", written(err, sink));
    assertEquals("false", system.getProperty("org.slf4j.simpleLogger.showDateTime"));
  }

  @Test
  void logStream_onAConsole_theTimeInFrontOfLogLines() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    Properties system = new Properties();
    LogPrintStream err = Main.logStream(sink, Map.of(), system, "demo");
    String line = written(err, sink);
    assertTrue(line.matches("\\d\\d:\\d\\d:\\d\\d \\[INFO\\] DecisionLog - action=accept\n"), line);
    assertEquals("false", system.getProperty("org.slf4j.simpleLogger.showDateTime"));
  }

  @Test
  void logStream_slf4jTimeSetByTheUser_decidesAlone() {
    for (String value : new String[] {"true", "false"}) {
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      Properties system = new Properties();
      system.setProperty("org.slf4j.simpleLogger.showDateTime", value);
      LogPrintStream err = Main.logStream(sink, Map.of(), system, "policy-server");
      assertEquals("[INFO] DecisionLog - action=accept\n", written(err, sink));
      assertEquals(value, system.getProperty("org.slf4j.simpleLogger.showDateTime"));
    }
  }
}
