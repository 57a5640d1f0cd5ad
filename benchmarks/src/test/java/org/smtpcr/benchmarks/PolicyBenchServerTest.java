package org.smtpcr.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

final class PolicyBenchServerTest {
  @Test
  void commandLogging_isTheSmtpcrCommandsConfiguration() throws Exception {
    Properties cli = new Properties();
    try (Reader in =
        Files.newBufferedReader(
            Path.of("../smtpcr-examples/cli/src/main/resources/simplelogger.properties"),
            StandardCharsets.ISO_8859_1)) {
      cli.load(in);
    }
    Properties ours = PolicyBenchServer.commandLogging();
    assertEquals(cli, ours);
    // what makes the decision log appear: INFO, the command's default
    assertEquals("info", ours.getProperty("org.slf4j.simpleLogger.defaultLogLevel"));
  }

  @Test
  void applyCommandLogging_keepsWhatIsSetAlready() throws Exception {
    Properties system = new Properties();
    // the command's file turns slf4j-simple's time off (its standard error puts the time)
    system.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    PolicyBenchServer.applyCommandLogging(system);
    assertEquals("true", system.getProperty("org.slf4j.simpleLogger.showDateTime"));
    assertEquals("HH:mm:ss", system.getProperty("org.slf4j.simpleLogger.dateTimeFormat"));
  }
}
