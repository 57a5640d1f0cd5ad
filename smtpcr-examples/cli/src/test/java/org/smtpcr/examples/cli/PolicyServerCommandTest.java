package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.examples.policy.PolicyServer;
import org.smtpcr.examples.web.ChallengeWebServer;
import org.smtpcr.tokens.ChallengeClaims;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRingFile;

/**
 * {@code smtpcr policy-server}: options, and the policy server with the page sharing one data
 * directory.
 */
final class PolicyServerCommandTest {
  @TempDir Path tmp;

  private String data() {
    return tmp.resolve("data").toString();
  }

  /** The servers need a key file; only the demo makes one. */
  @BeforeEach
  void keyFile() {
    CommandRun.keygen(tmp.resolve("data"));
  }

  @Test
  void withWeb_challengesWithLinkToThePageAndSharesKeysAndStore() throws Exception {
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
                "--prepend-header")) {
      PolicyServer policy = run.service(PolicyServer.class);
      ChallengeWebServer web = run.service(ChallengeWebServer.class);

      String action =
          PolicyRequests.action(policy.port(), "alice@sender.example", "bob@example.com");
      Matcher m =
          Pattern.compile(
                  "^550 5\\.7\\.1 .* ("
                      + Pattern.quote(web.baseUri().toString())
                      + "c/([a-z2-7]+))$")
              .matcher(action);
      assertTrue(m.matches(), action);
      // signed with the data directory's key file, which `smtpcr web --data` would read too
      ChallengeClaims claims =
          ChallengeTokens.of(KeyRingFile.read(tmp.resolve("data").resolve(DataDirectory.KEY_FILE)))
              .verify(m.group(2));
      assertEquals("alice@sender.example", claims.sender());
      HttpResponse<String> page =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(m.group(1)))
                      .timeout(Duration.ofSeconds(30))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode(), "the page verifies the policy server's link");

      // the same store: a pair whitelisted with `smtpcr whitelist --data` passes, named by its rule
      CommandRun.Result add =
          CommandRun.run(
              "whitelist",
              "add",
              "--data",
              data(),
              "--sender",
              "alice@sender.example",
              "--recipient",
              "bob@example.com");
      assertEquals(0, add.exitCode(), add::toString);
      assertEquals(
          "PREPEND X-SMTPCR: pass (whitelist-store)",
          PolicyRequests.action(policy.port(), "alice@sender.example", "bob@example.com"));
      // a bounce to a user who sent no mail through this server: refused, and without a link
      String bounce = PolicyRequests.action(policy.port(), "", "bob@example.com");
      assertTrue(bounce.startsWith("550 5.7.1 "), bounce);
      assertFalse(bounce.contains("http"), bounce);
      assertEquals(0, run.stop().exitCode());
    }
  }

  @Test
  void withoutWeb_linksPointAtTheChallengeBase() throws Exception {
    try (TestLifecycle run =
        new TestLifecycle()
            .start(
                "policy-server",
                "--data",
                data(),
                "--listen",
                "127.0.0.1:0",
                "--challenge-base",
                "https://cr.example.com/",
                "--no-learn-outbound")) {
      PolicyServer policy = run.service(PolicyServer.class);
      String action =
          PolicyRequests.action(policy.port(), "alice@sender.example", "bob@example.com");
      // the Postfix texts: Postfix names the recipient in front of them, so they do not
      assertTrue(
          action.matches(
              "550 5\\.7\\.1 This address only accepts mail from senders who have confirmed they"
                  + " are a person\\. Confirm here, then send your message again: https://cr\\.example\\.com/c/[a-z2-7]+"),
          action);
      assertEquals(
          "DUNNO",
          PolicyRequests.action(policy.port(), "alice@sender.example", "postmaster@example.com"));
      assertTrue(policy.toString().contains("learnOutbound=false"), policy::toString);
      assertEquals(0, run.stop().exitCode());
    }
  }

  @Test
  void badOptions_usageError2BeforeAnythingStarts() {
    String[][] bad = {
      {"policy-server", "--data", data(), "--workers", "0"},
      {"policy-server", "--data", data(), "--max-connections", "0"},
      {"policy-server", "--data", data(), "--idle-timeout", "0s"},
      {"policy-server", "--data", data(), "--busy-poll", "11ms"},
      {"policy-server", "--data", data(), "--prepend-header=X Bad"},
      {"policy-server", "--data", data(), "--challenge-base", "http://cr.example.com/"},
      {"policy-server", "--data", data(), "--trusted-network", "10.0.0.0/33"},
      {"policy-server", "--data", data(), "--listen", "nowhere"},
      {"policy-server", "--data", data(), "--with-web", "--pow-bits", "99"},
    };
    for (String[] args : bad) {
      CommandRun.Result r = CommandRun.run(args);
      assertEquals(2, r.exitCode(), () -> String.join(" ", args) + "\n" + r);
    }
  }

  @Test
  void portTaken_failure1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CommandRun.Result r =
          CommandRun.run(
              () -> new TestLifecycle().begin(),
              "policy-server",
              "--challenge-base",
              "https://cr.example/",
              "--data",
              data(),
              "--listen",
              "127.0.0.1:" + taken.getLocalPort());
      assertEquals(1, r.exitCode(), r::toString);
      assertTrue(
          r.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), r::toString);
    }
  }
}
