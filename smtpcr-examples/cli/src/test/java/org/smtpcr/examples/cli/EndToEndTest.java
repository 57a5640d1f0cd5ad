package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.SendFailedException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.examples.smtp.SmtpcrSmtpServer;
import org.smtpcr.examples.web.ChallengeWebServer;
import org.smtpcr.examples.web.ChromiumBrowser;
import org.smtpcr.tokens.ChallengeClaims;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.KeyRingFile;
import org.smtpcr.tokens.MasterKey;

/**
 * The whole loop through the real {@code smtpcr demo} and {@code smtpcr smtp-server} commands, with
 * real peers: Jakarta Mail and swaks as SMTP clients, headless Chromium on the challenge page.
 * Screenshots go to {@code target/screenshots/}.
 */
final class EndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String ALICE = "alice@example.org";
  private static final String BOB = "bob@example.com";
  private static final Path SHOTS = Path.of("target", "screenshots");

  @TempDir Path tmp;

  private Path data() {
    return tmp.resolve("data");
  }

  /** {@code smtpcr demo} on free ports, with a proof of work a test can afford. */
  private TestLifecycle demo() {
    return new TestLifecycle()
        .start(
            "demo",
            "--data",
            data().toString(),
            "--smtp-port",
            "0",
            "--http-port",
            "0",
            "--pow-bits",
            "8");
  }

  private KeyRing keys() throws Exception {
    return KeyRingFile.read(data().resolve(DataDirectory.KEY_FILE));
  }

  private int whitelistCheck(String sender, String recipient) {
    return CommandRun.run(
            "whitelist",
            "check",
            "--data",
            data().toString(),
            "--sender",
            sender,
            "--recipient",
            recipient)
        .exitCode();
  }

  private long whitelistSize() {
    CommandRun.Result r = CommandRun.run("whitelist", "list", "--data", data().toString());
    assertEquals(0, r.exitCode(), r::toString);
    return r.out().lines().count();
  }

  private List<Path> delivered() throws Exception {
    try (Stream<Path> s = Files.list(data().resolve("maildir").resolve("new"))) {
      return s.sorted().toList();
    }
  }

  /** The token of the link on the reply's last line, after checking the reply's shape. */
  private static String challengeToken(List<String> replyLines, URI base) {
    assertTrue(replyLines.size() >= 2, () -> "a multi-line reply: " + replyLines);
    for (String l : replyLines.subList(0, replyLines.size() - 1)) {
      assertTrue(l.startsWith("550-5.7.1 "), () -> "continuation line: " + l);
      assertTrue(!l.contains("/c/"), "the link is only on the last line");
    }
    String last = replyLines.get(replyLines.size() - 1);
    String prefix = "550 5.7.1 " + base + "c/";
    assertTrue(last.startsWith(prefix), () -> "last line: " + last);
    String token = last.substring(prefix.length());
    assertTrue(token.matches("[a-z2-7]+"), () -> "the link stands alone on its line: " + last);
    return token;
  }

  @Test
  void unknownSender_challengedConfirmedInChromiumAndResent_deliveredByteForByte()
      throws Exception {
    try (TestLifecycle demo = demo()) {
      SmtpcrSmtpServer smtp = demo.service(SmtpcrSmtpServer.class);
      ChallengeWebServer web = demo.service(ChallengeWebServer.class);
      byte[] raw =
          MailClients.message(
              ALICE, BOB, "Hello Bob", "Hi!\r\n.a line with a leading dot\r\nAlice");

      // 1. Jakarta Mail: the RCPT gets the multi-line 550 5.7.1 with the link alone on its last
      // line
      SendFailedException failed =
          assertThrows(
              SendFailedException.class,
              () -> MailClients.jakartaSend(smtp.port(), ALICE, BOB, raw));
      SMTPAddressFailedException rcpt =
          assertInstanceOf(SMTPAddressFailedException.class, failed.getNextException());
      assertEquals(550, rcpt.getReturnCode());
      String token = challengeToken(rcpt.getMessage().lines().toList(), web.baseUri());
      ChallengeClaims claims = ChallengeTokens.of(keys()).verify(token);
      assertEquals(ALICE, claims.sender());
      assertEquals(BOB, claims.recipient());
      assertTrue(delivered().isEmpty());

      // ... and swaks sees the same kind of reply
      MailClients.SwaksRun swaks = MailClients.swaks(smtp.port(), "--from", ALICE, "--to", BOB);
      assertEquals(24, swaks.exitCode(), swaks::output);
      List<String> replies = swaks.replies();
      int first =
          replies.indexOf(
              replies.stream().filter(l -> l.startsWith("550-")).findFirst().orElseThrow());
      int last =
          replies.indexOf(
              replies.stream().filter(l -> l.startsWith("550 ")).findFirst().orElseThrow());
      ChallengeTokens.of(keys())
          .verify(challengeToken(replies.subList(first, last + 1), web.baseUri()));

      // 2. the link: a GET (what a link scanner does) changes nothing; the page's POST whitelists
      URI link = web.baseUri().resolve("c/" + token);
      HttpResponse<String> get =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(link).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, get.statusCode());
      assertEquals(1, whitelistCheck(ALICE, BOB), "a GET must not whitelist");
      try (ChromiumBrowser browser = ChromiumBrowser.launchOrSkip()) {
        browser.navigate(link);
        // the proof-of-work runs by itself; the answer is sent when the person presses Confirm
        browser.waitFor(
            "document.getElementById('pow-form').getAttribute('data-state') === 'found'", WAIT);
        assertEquals(
            1,
            whitelistCheck(ALICE, BOB),
            "opening the page and running the check must not whitelist");
        browser.evaluate("document.getElementById('pow-button').click()");
        browser.waitFor("document.getElementById('done') !== null", WAIT);
        browser.screenshot(SHOTS.resolve("e2e-confirmed.png"));
        assertTrue(browser.pageText().contains("bob+"), browser::pageText);
      }
      assertEquals(0, whitelistCheck(ALICE, BOB), "the confirmation whitelisted the pair");
      assertEquals(1, whitelistSize());

      // 3. the resend is accepted and lands in the Maildir exactly as sent
      MailClients.jakartaSend(smtp.port(), ALICE, BOB, raw);
      List<Path> files = delivered();
      assertEquals(1, files.size());
      assertArrayEquals(raw, Files.readAllBytes(files.get(0)));

      assertEquals(0, demo.stop().exitCode());
    }
  }

  @Test
  void passCodeInSubaddress_acceptedWithAnEmptyStore() throws Exception {
    try (TestLifecycle demo = demo()) {
      SmtpcrSmtpServer smtp = demo.service(SmtpcrSmtpServer.class);
      CommandRun.Result code =
          CommandRun.run(
              "passcode",
              "--keys",
              data().resolve(DataDirectory.KEY_FILE).toString(),
              "--sender",
              ALICE,
              "--recipient",
              BOB);
      assertEquals(0, code.exitCode(), code::toString);
      assertEquals(0, whitelistSize());

      MailClients.SwaksRun ok =
          MailClients.swaks(
              smtp.port(), "--from", ALICE, "--to", "bob+" + code.out().strip() + "@example.com");
      assertEquals(0, ok.exitCode(), ok::output);
      assertTrue(ok.replies().contains("250 2.0.0 Ok: delivered"), ok::output);
      assertEquals(1, delivered().size());

      MailClients.SwaksRun wrong =
          MailClients.swaks(
              smtp.port(), "--from", ALICE, "--to", "bob+aaaaaa-aaaaaa-aaaaaa@example.com");
      assertEquals(24, wrong.exitCode(), wrong::output);
      assertEquals(0, whitelistSize(), "a pass code writes no state");
      assertEquals(0, demo.stop().exitCode());
    }
  }

  @Test
  void tamperedExpiredAndUnknownKeyLinks_showTheirPagesAndWhitelistNothing() throws Exception {
    try (TestLifecycle demo = demo()) {
      ChallengeWebServer web = demo.service(ChallengeWebServer.class);
      KeyRing ring = keys();
      String good = ChallengeTokens.of(ring).mint(ALICE, BOB);
      int i = good.length() - 3;
      String tampered =
          good.substring(0, i) + (good.charAt(i) == 'a' ? 'b' : 'a') + good.substring(i + 1);
      Clock threeDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(3)), ZoneOffset.UTC);
      String expired =
          ChallengeTokens.builder()
              .keyRing(ring)
              .clock(threeDaysAgo)
              .build()
              .mint(ALICE, BOB, Duration.ofDays(1));
      String unknownKey =
          ChallengeTokens.of(KeyRing.builder().key(9, MasterKey.generate()).active(9).build())
              .mint(ALICE, BOB);
      try (ChromiumBrowser browser = ChromiumBrowser.launchOrSkip()) {
        String[][] cases = {
          {tampered, "This link is not valid"},
          {expired, "This link has expired"},
          {unknownKey, "This link is no longer valid"}
        };
        for (String[] c : cases) {
          browser.navigate(web.baseUri().resolve("c/" + c[0]));
          browser.waitFor("document.title === '" + c[1] + "'", WAIT);
          assertEquals(
              "null",
              browser.evaluateString("String(document.getElementById('pow-form'))"),
              "no check to answer on " + c[1]);
        }
        browser.screenshot(SHOTS.resolve("e2e-unknown-key.png"));
      }
      assertEquals(0, whitelistSize());
      assertEquals(1, whitelistCheck(ALICE, BOB));
      assertEquals(0, demo.stop().exitCode());
    }
  }

  @Test
  void postmasterAndNullSender_passWithoutChallenge() throws Exception {
    try (TestLifecycle demo = demo()) {
      SmtpcrSmtpServer smtp = demo.service(SmtpcrSmtpServer.class);
      MailClients.SwaksRun postmaster =
          MailClients.swaks(smtp.port(), "--from", ALICE, "--to", "postmaster@example.com");
      assertEquals(0, postmaster.exitCode(), postmaster::output);
      MailClients.SwaksRun bounce =
          MailClients.swaks(
              smtp.port(),
              "--from",
              "<>",
              "--to",
              BOB,
              "--header",
              "Content-Type: multipart/report; report-type=delivery-status; boundary=b");
      assertEquals(0, bounce.exitCode(), bounce::output);
      assertTrue(bounce.output().contains("MAIL FROM:<>"), bounce::output);
      MailClients.SwaksRun spam = MailClients.swaks(smtp.port(), "--from", "<>", "--to", BOB);
      assertTrue(spam.output().contains("550 5.7.1"), spam::output);
      assertEquals(2, delivered().size(), "a null-sender message that is no report is refused");
      assertEquals(0, whitelistSize());
      assertEquals(0, demo.stop().exitCode());
    }
  }

  @Test
  void trustedNetwork_passesWithoutChallenge() throws Exception {
    CommandRun.keygen(data());
    try (TestLifecycle server =
        new TestLifecycle()
            .start(
                "smtp-server",
                "--challenge-base",
                "https://cr.example/",
                "--data",
                data().toString(),
                "--listen",
                "127.0.0.1:0",
                "--trusted-network",
                "127.0.0.0/8")) {
      SmtpcrSmtpServer smtp = server.service(SmtpcrSmtpServer.class);
      MailClients.SwaksRun run = MailClients.swaks(smtp.port(), "--from", ALICE, "--to", BOB);
      assertEquals(0, run.exitCode(), run::output);
      assertEquals(1, delivered().size());
      assertEquals(0, server.stop().exitCode());
    }
  }

  @Test
  void storeDown_451_4_3_0() throws Exception {
    CommandRun.keygen(data());
    int closedPort;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    try (TestLifecycle server =
        new TestLifecycle()
            .start(
                "smtp-server",
                "--challenge-base",
                "https://cr.example/",
                "--data",
                data().toString(),
                "--listen",
                "127.0.0.1:0",
                "--store",
                "jdbc:postgresql://127.0.0.1:" + closedPort + "/smtpcr?user=smtpcr")) {
      SmtpcrSmtpServer smtp = server.service(SmtpcrSmtpServer.class);
      SendFailedException failed =
          assertThrows(
              SendFailedException.class,
              () ->
                  MailClients.jakartaSend(
                      smtp.port(), ALICE, BOB, MailClients.message(ALICE, BOB, "s", "b")));
      SMTPAddressFailedException rcpt =
          assertInstanceOf(SMTPAddressFailedException.class, failed.getNextException());
      assertEquals(451, rcpt.getReturnCode());
      assertTrue(rcpt.getMessage().startsWith("451 4.3.0 "), rcpt::getMessage);
      // rules before the store still answer while it is down
      MailClients.jakartaSend(
          smtp.port(), ALICE, "postmaster@example.com", MailClients.message(ALICE, BOB, "s", "b"));
      assertEquals(0, server.stop().exitCode());
    }
  }
}
