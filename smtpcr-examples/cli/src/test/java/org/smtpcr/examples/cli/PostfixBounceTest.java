package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.examples.policy.Bounces;
import org.smtpcr.examples.policy.PostfixInstance;
import org.smtpcr.examples.policy.SmtpClient;
import org.smtpcr.examples.smtp.SmtpcrSmtpServer;
import org.smtpcr.examples.web.ChallengeWebServer;
import org.smtpcr.tokens.ChallengeClaims;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRingFile;

/**
 * The challenge as the sender sees it (issue 17, "the bounce reads well"): a second, sending
 * Postfix relays a message to the {@code smtpcr demo} SMTP server ({@code relayhost =
 * [127.0.0.1]:port}), which answers the RCPT with the multi-line challenge; the sending Postfix
 * writes the bounce into its sender's Maildir, and the test reads it as the person would: the
 * sentences intact in Postfix's rendering, and the link found the way a mail client linkifies a URL
 * in plain text, which must be the very link that was minted. Needs Debian's Postfix and root, as
 * the policy-server module's Postfix tests.
 */
final class PostfixBounceTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String ALICE = "alice@" + PostfixInstance.SENDING_DOMAIN;
  private static final String BOB = "bob@example.com";
  private static final Path BOUNCES = Path.of("target", "bounces");

  @TempDir Path tmp;

  @Test
  void challenge_throughASendingPostfix_bounceReadsInWholeSentencesAndItsLinkIsTheMintedOne()
      throws Exception {
    Optional<String> unavailable = PostfixInstance.unavailable();
    if (unavailable.isPresent()) {
      if (Boolean.getBoolean("smtpcr.it.required")) {
        fail(unavailable.get());
      }
      Assumptions.abort("skipped: " + unavailable.get());
    }
    Path data = tmp.resolve("data");
    try (TestLifecycle demo =
        new TestLifecycle()
            .start(
                "demo",
                "--data",
                data.toString(),
                "--smtp-port",
                "0",
                "--http-port",
                "0",
                "--pow-bits",
                "8")) {
      SmtpcrSmtpServer smtp = demo.service(SmtpcrSmtpServer.class);
      ChallengeWebServer web = demo.service(ChallengeWebServer.class);
      try (PostfixInstance sending =
          PostfixInstance.startSending(
              tmp.resolve("sending"), PostfixInstance.freePort(), smtp.port(), List.of("alice"))) {
        try (SmtpClient c = new SmtpClient(sending.smtpPort())) {
          assertEquals(250, c.command("MAIL FROM:<" + ALICE + ">").code());
          assertEquals(250, c.command("RCPT TO:<" + BOB + ">").code(), sending::maillog);
          assertEquals(354, c.command("DATA").code());
          SmtpClient.Reply queued =
              c.command(
                  "From: <"
                      + ALICE
                      + ">\r\nTo: <"
                      + BOB
                      + ">\r\nSubject: Hello Bob\r\n\r\nHi!\r\n.");
          assertEquals(250, queued.code(), queued::toString);
          c.command("QUIT");
        }
        String bounce = Bounces.await(sending, "alice", WAIT);
        // kept for docs/challenge-page.md, "The bounce the sender sees"
        Files.createDirectories(BOUNCES);
        Files.writeString(BOUNCES.resolve("postfix-smtp-server.eml"), bounce);
        String human = Bounces.humanReadablePart(bounce);
        String joined = human.replaceAll("\\s+", " ");

        // Postfix joins the reply lines, codes and all, and folds the result at blanks
        String link = web.baseUri() + "c/";
        Matcher said =
            Pattern.compile(
                    "<"
                        + Pattern.quote(BOB)
                        + ">: host 127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\] said: 550-5\\.7\\.1 <"
                        + Pattern.quote(BOB)
                        + "> only accepts mail from senders who have confirmed they are a person\\."
                        + " 550-5\\.7\\.1 Confirm here, then send your message again:"
                        + " 550 5\\.7\\.1 ("
                        + Pattern.quote(link)
                        + "[a-z2-7]+) \\(in reply to RCPT TO command\\)")
                .matcher(joined);
        assertTrue(said.find(), () -> "the bounce's text:\n" + human);

        // the link as a mail client finds it in the text, taken whole and verified
        List<String> found = Bounces.linkify(human);
        assertEquals(List.of(said.group(1)), found, human);
        // Postfix folds the text at blanks; the link, longer than its lines, stands on its own
        assertTrue(human.lines().anyMatch(l -> l.strip().equals(found.get(0))), human);
        String token = found.get(0).substring(link.length());
        ChallengeClaims claims =
            ChallengeTokens.of(KeyRingFile.read(data.resolve(DataDirectory.KEY_FILE)))
                .verify(token);
        assertEquals(ALICE, claims.sender());
        assertEquals(BOB, claims.recipient());
        // ... and it is the link our server sent: Postfix's log has the reply as received
        assertTrue(
            sending.maillog().contains(" 550 5.7.1 " + found.get(0) + " (in reply to RCPT TO"));
        HttpResponse<String> page =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(found.get(0))).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
      }
      assertEquals(0, demo.stop().exitCode());
    }
  }
}
