package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.examples.policy.PolicyServer;
import org.smtpcr.examples.runtime.metrics.MetricsServer;
import org.smtpcr.examples.web.ChallengeWebServer;

/**
 * {@code --metrics-listen}: a real challenge, page confirmation and accept through the policy
 * server and the page on their sockets, then {@code /metrics} scraped with a plain HTTP client.
 */
final class MetricsCommandTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path tmp;

  private String data() {
    return tmp.resolve("data").toString();
  }

  @BeforeEach
  void keyFile() {
    CommandRun.keygen(tmp.resolve("data"));
  }

  private static HttpResponse<String> send(HttpRequest.Builder r) throws Exception {
    return HTTP.send(
        r.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String scrape(MetricsServer m) throws Exception {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(
                URI.create("http://" + Services.hostPort(m.address()) + "/metrics")));
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  /** The value of the one sample whose line starts with {@code series} (name and labels). */
  private static double sample(String metrics, String name, String... labels) {
    List<String> lines =
        metrics
            .lines()
            .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
            .filter(l -> List.of(labels).stream().allMatch(l::contains))
            .toList();
    assertEquals(1, lines.size(), () -> name + " " + List.of(labels) + " in\n" + metrics);
    String line = lines.get(0);
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  @Test
  void challengeConfirmAccept_movesTheCounters_healthzOk() throws Exception {
    // what slf4j-simple writes (to the current System.err) while the servers run
    PrintStream original = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      challengeConfirmAccept(log);
    } finally {
      System.setErr(original);
    }
  }

  private void challengeConfirmAccept(ByteArrayOutputStream log) throws Exception {
    try (TestLifecycle run =
        new TestLifecycle()
            .start(
                "policy-server",
                "--data",
                data(),
                "--listen",
                "127.0.0.1:0",
                "--with-web",
                "--web-listen",
                "127.0.0.1:0",
                "--pow-bits",
                "0",
                "--metrics-listen",
                "127.0.0.1:0")) {
      PolicyServer policy = run.service(PolicyServer.class);
      ChallengeWebServer web = run.service(ChallengeWebServer.class);
      MetricsServer metrics = run.service(MetricsServer.class);
      String before = scrape(metrics);
      assertTrue(before.contains("jvm_memory_used_bytes"), before);

      // 1. a challenge, with a link to the page
      String action =
          PolicyRequests.action(policy.port(), "alice@sender.example", "bob@example.com");
      Matcher m =
          Pattern.compile(
                  "^550 5\\.7\\.1 .* (" + Pattern.quote(web.baseUri().toString()) + "c/\\S+)$")
              .matcher(action);
      assertTrue(m.matches(), action);
      URI link = URI.create(m.group(1));

      // 2. the page: a view, then the form's answer (0 bits: any nonce passes)
      HttpResponse<String> page = send(HttpRequest.newBuilder(link));
      assertEquals(200, page.statusCode(), page.body());
      Matcher issued = Pattern.compile("name=\"issued\" value=\"([0-9]+)\"").matcher(page.body());
      Matcher stamp = Pattern.compile("name=\"stamp\" value=\"([0-9a-f]+)\"").matcher(page.body());
      assertTrue(issued.find() && stamp.find(), page.body());
      HttpResponse<String> confirmed =
          send(
              HttpRequest.newBuilder(link)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "issued="
                              + issued.group(1)
                              + "&bits=0&stamp="
                              + stamp.group(1)
                              + "&nonce=0")));
      assertEquals(200, confirmed.statusCode(), confirmed.body());
      // and a refused one: a link that was cut off
      HttpResponse<String> refused =
          send(
              HttpRequest.newBuilder(
                      URI.create(link.toString().substring(0, link.toString().length() - 4)))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString("issued=1&bits=0&stamp=00&nonce=0")));
      assertTrue(refused.statusCode() >= 400, refused::toString);

      // 3. the retry is accepted
      assertEquals(
          "DUNNO", PolicyRequests.action(policy.port(), "alice@sender.example", "bob@example.com"));

      // the decision log's line of each: challenge, confirmation on the page, accept
      String lines = log.toString(StandardCharsets.UTF_8);
      for (String line :
          List.of(
              "DecisionLog - action=challenge rule=default reason=550/5.7.1 stage=rcpt"
                  + " client_address=192.0.2.7",
              "ChallengePage - action=confirm reason=created stage=page",
              "DecisionLog - action=accept rule=whitelist-store reason=pass stage=rcpt"
                  + " client_address=192.0.2.7")) {
        assertEquals(
            1, lines.lines().filter(l -> l.contains(line)).count(), () -> line + " in\n" + lines);
      }
      assertTrue(
          lines
              .lines()
              .filter(l -> l.contains("DecisionLog - "))
              .allMatch(l -> l.contains(" sender=alice@sender.example recipient=bob@example.com ")),
          lines);

      String after = scrape(metrics);
      assertEquals(
          1.0, sample(after, "smtpcr_decisions_total", "verdict=\"challenge\"", "stage=\"rcpt\""));
      assertEquals(
          1.0,
          sample(
              after, "smtpcr_decisions_total", "verdict=\"accept\"", "rule=\"whitelist-store\""));
      assertEquals(1.0, sample(after, "smtpcr_challenges_minted_total"));
      assertEquals(1.0, sample(after, "smtpcr_page_views_total", "link=\"valid\""));
      assertEquals(1.0, sample(after, "smtpcr_page_confirmations_total", "outcome=\"created\""));
      assertEquals(1.0, sample(after, "smtpcr_page_refusals_total", "reason=\"bad-token\""));
      assertEquals(
          1.0, sample(after, "smtpcr_store_duration_seconds_count", "operation=\"confirm\""));
      assertTrue(
          sample(after, "smtpcr_store_duration_seconds_count", "operation=\"look-up\"") >= 1,
          after);
      assertEquals(0.0, sample(after, "smtpcr_store_failures_total", "operation=\"confirm\""));
      assertTrue(after.contains("smtpcr_store_duration_seconds_bucket{"), "a histogram");
      // the runtime's buckets (10 µs to 30 s, and +Inf), not Micrometer's 69 from 1 ms
      assertEquals(
          21,
          after
              .lines()
              .filter(l -> l.startsWith("smtpcr_decision_duration_seconds_bucket{"))
              .count(),
          after);
      assertTrue(
          after.contains("smtpcr_decision_duration_seconds_bucket{le=\"1.0E-5\"}"),
          "a 10 µs bucket");
      assertEquals(
          2.0,
          sample(after, "smtpcr_decision_duration_seconds_bucket", "le=\"+Inf\""),
          "both decisions in the decision histogram");
      // SPF ran at RCPT for both decisions (on the test DNS, whatever its result)
      double spf =
          after
              .lines()
              .filter(l -> l.startsWith("smtpcr_auth_spf_total{"))
              .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
              .sum();
      assertEquals(2.0, spf, after);

      HttpResponse<String> health =
          send(
              HttpRequest.newBuilder(
                  URI.create("http://" + Services.hostPort(metrics.address()) + "/healthz")));
      assertEquals(200, health.statusCode(), health.body());
      assertEquals(0, run.stop().exitCode());
    }
  }

  @Test
  void metricsListen_fromTheConfigurationFileByKey_servesOnEveryServer() throws Exception {
    Files.writeString(
        tmp.resolve("data").resolve(DataDirectory.CONFIG_FILE), "metricsListen=127.0.0.1:0\n");
    for (String[] command :
        List.of(
            new String[] {
              "smtp-server",
              "--challenge-base",
              "https://cr.example/",
              "--data",
              data(),
              "--listen",
              "127.0.0.1:0"
            },
            new String[] {"web", "--data", data(), "--listen", "127.0.0.1:0"})) {
      try (TestLifecycle run = new TestLifecycle().start(command)) {
        MetricsServer metrics = run.service(MetricsServer.class);
        assertTrue(scrape(metrics).contains("smtpcr_store_duration_seconds"), command[0]);
        assertEquals(0, run.stop().exitCode());
      }
    }
  }

  @Test
  void metricsListen_onEveryServerCommand_badValueIsAUsageError() {
    for (String command : List.of("smtp-server", "policy-server", "web", "demo")) {
      CommandRun.Result help = CommandRun.run(command, "--help");
      assertTrue(help.out().contains("--metrics-listen"), command + ": " + help);
      CommandRun.Result bad =
          CommandRun.run(command, "--data", data(), "--metrics-listen", "127.0.0.1");
      assertEquals(2, bad.exitCode(), bad::toString);
      assertTrue(bad.err().contains("--metrics-listen"), bad::toString);
    }
  }
}
