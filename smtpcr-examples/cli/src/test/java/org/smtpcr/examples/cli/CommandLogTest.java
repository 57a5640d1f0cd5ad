package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.smtpcr.examples.runtime.LogPrintStream;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.tokens.KeyRing;

final class CommandLogTest {
  private static final String P = "org.slf4j.simpleLogger.";

  /** The command's own simplelogger.properties, as the jar holds it. */
  private static Properties jarFile() throws IOException {
    Properties p = new Properties();
    try (Reader in =
        Files.newBufferedReader(Path.of("src/main/resources/simplelogger.properties"))) {
      p.load(in);
    }
    return p;
  }

  private static Properties with(String... keyValues) {
    Properties p = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(P + keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  @Test
  void ownFormat_theJarsFile_withTheTimeOffAsMainSetsIt_isTheCommandsFormat() throws IOException {
    assertTrue(CommandLog.ownFormat(new Properties(), jarFile()));
    assertTrue(CommandLog.ownFormat(with("showDateTime", "false"), jarFile()));
    // as slf4j-simple reads a flag: "true" in any case
    assertTrue(CommandLog.ownFormat(with("levelInBrackets", "TRUE"), jarFile()));
  }

  @Test
  void ownFormat_aSystemPropertyThatChangesTheFormat_isNot() throws IOException {
    for (String[] kv :
        new String[][] {
          {"showDateTime", "true"},
          {"showThreadName", "true"},
          {"showThreadId", "true"},
          {"showShortLogName", "false"},
          {"levelInBrackets", "false"},
          // slf4j-simple takes only "true" as true: a trailing space is false
          {"levelInBrackets", "true "},
          {"logFile", "System.out"},
          {"logFile", "/var/log/smtpcr.log"}
        }) {
      assertFalse(CommandLog.ownFormat(with(kv), jarFile()), String.join("=", kv));
    }
    assertTrue(CommandLog.ownFormat(with("logFile", "System.err"), jarFile()));
    // the full name is not shown while the short one is
    assertTrue(CommandLog.ownFormat(with("showLogName", "true"), jarFile()));
  }

  @Test
  void ownFormat_slf4jSimplesDefaults_orAnotherFile_isNot() throws IOException {
    assertFalse(CommandLog.ownFormat(new Properties(), new Properties()));
    Properties file = jarFile();
    file.setProperty(P + "showThreadName", "true");
    assertFalse(CommandLog.ownFormat(new Properties(), file));
    // the test class path's own file, which shadows the jar's here
    assertFalse(CommandLog.ownFormat(new Properties(), CommandLog.slf4jSimpleFile()));
    assertEquals(
        "warn", CommandLog.slf4jSimpleFile().getProperty(P + "defaultLogLevel"), "the test file");
  }

  @Test
  void decisions_standardErrorALogPrintStream_inTheCommandsFormat_isWrittenDirectly()
      throws IOException {
    PrintStream original = System.err;
    Properties saved = (Properties) System.getProperties().clone();
    try {
      // the command's format as system properties, over the test class path's own file
      jarFile().forEach((k, v) -> System.setProperty(k.toString(), v.toString()));
      assertTrue(CommandLog.slf4jSimpleBound(), "slf4j-simple is this JVM's backend");
      System.setErr(LogPrintStream.plain(new ByteArrayOutputStream(), StandardCharsets.UTF_8));
      assertTrue(
          CommandLog.decisions(Settings.defaults(), KeyRing.generate())
              .toString()
              .contains("direct"));
      // a setting that changes the format: through slf4j-simple
      System.setProperty(P + "showThreadName", "true");
      assertFalse(
          CommandLog.decisions(Settings.defaults(), KeyRing.generate())
              .toString()
              .contains("direct"));
      System.clearProperty(P + "showThreadName");
      // standard error that is not the command's stream: through slf4j-simple
      System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      assertFalse(
          CommandLog.decisions(Settings.defaults(), KeyRing.generate())
              .toString()
              .contains("direct"));
    } finally {
      System.setErr(original);
      System.setProperties(saved);
    }
  }
}
