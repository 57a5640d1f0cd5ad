package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy server as a systemd service runs it: {@code JOURNAL_STREAM} set, the decision log's
 * line of a real challenge on standard error with the journal's priority prefix.
 */
final class JournalLogProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern LISTENING =
      Pattern.compile("policy server on 127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path tmp;

  @Test
  void policyServerUnderSystemd_writesTheDecisionLineWithPriority6() throws Exception {
    String line = decisionLine(List.of());
    // the test class path's logging setup shows the thread (the worker that decided) and the
    // logger's full name: not the command's format, so the line goes through slf4j-simple
    assertTrue(
        line.matches(
            "<6>\\[[^\\]]+\\] INFO org\\.smtpcr\\.examples\\.runtime\\.DecisionLog"
                + " - action=challenge rule=default reason=550/5\\.7\\.1 stage=rcpt"
                + " client_address=h[0-9a-f]:[0-9a-f]{16} .*"),
        line);
  }

  @Test
  void withTheJarsLoggingSetup_theDecisionLineIsBracketedInfo_withPriority6() throws Exception {
    // every setting of the command's simplelogger.properties, which the test class path shadows;
    // the command's format: the line is written past slf4j-simple (CommandLog), as it would be
    String line = decisionLine(jarsLogging());
    assertTrue(
        line.matches(
            "<6>\\[INFO\\] DecisionLog - action=challenge rule=default reason=550/5\\.7\\.1"
                + " stage=rcpt client_address=h[0-9a-f]:[0-9a-f]{16} .* delay_ms=\\d+\\.\\d"),
        line);
  }

  @Test
  void withTheJarsLoggingSetup_andTheDecisionLogAtWarn_noDecisionLine() throws Exception {
    // written past slf4j-simple, the line still obeys the logger's level (the request was
    // challenged: decisionLines checks the 550)
    List<String> options = new ArrayList<>(jarsLogging());
    options.add("-Dorg.slf4j.simpleLogger.log.org.smtpcr.examples.runtime.DecisionLog=warn");
    assertEquals(List.of(), decisionLines(options));
  }

  /** Every setting of the command's simplelogger.properties, as JVM options. */
  private static List<String> jarsLogging() throws Exception {
    Properties jar = new Properties();
    try (Reader in =
        Files.newBufferedReader(Path.of("src/main/resources/simplelogger.properties"))) {
      jar.load(in);
    }
    assertTrue(jar.getProperty("org.slf4j.simpleLogger.levelInBrackets") != null, jar::toString);
    List<String> options = new ArrayList<>();
    jar.forEach((k, v) -> options.add("-D" + k + "=" + v));
    return options;
  }

  /** The one decision line of a challenged request, the server run with these JVM options. */
  private String decisionLine(List<String> jvmOptions) throws Exception {
    List<String> decisions = decisionLines(jvmOptions);
    assertEquals(1, decisions.size(), decisions::toString);
    return decisions.get(0);
  }

  /** The decision lines of a challenged request, the server run with these JVM options. */
  private List<String> decisionLines(List<String> jvmOptions) throws Exception {
    Path data = tmp.resolve("data");
    CommandRun.keygen(data);
    try (ChildProcess server =
        ChildProcess.smtpcr(
            tmp,
            Map.of(Journal.JOURNAL_STREAM, "8:4242"),
            jvmOptions,
            "policy-server",
            "--challenge-base",
            "https://cr.example/",
            "--data",
            data.toString(),
            "--listen",
            "127.0.0.1:0",
            "--log-addresses",
            "hash")) {
      server.awaitOut(o -> LISTENING.matcher(o).find(), WAIT);
      Matcher m = LISTENING.matcher(server.out());
      assertTrue(m.find());
      String action = "action=" + PolicyRequests.action(Integer.parseInt(m.group(1)), REQUEST);
      assertTrue(action.startsWith("action=550 5.7.1 "), action);
      server.terminate();
      server.waitFor(WAIT);
      String err = server.err();
      List<String> decisions = err.lines().filter(l -> l.contains("DecisionLog - ")).toList();
      for (String line : decisions) {
        assertTrue(line.contains(" sender=h") && !line.contains("@"), line);
      }
      assertTrue(
          err.lines().allMatch(l -> l.matches("<[3-7]>.*")), "every line has a priority: " + err);
      return decisions;
    }
  }

  private static final String REQUEST =
      """
        request=smtpd_access_policy
        protocol_state=RCPT
        client_address=192.0.2.7
        client_name=mail.sender.example
        helo_name=mail.sender.example
        sender=alice@sender.example
        recipient=bob@example.com
        instance=1a2.1

        """;
  ;
}
