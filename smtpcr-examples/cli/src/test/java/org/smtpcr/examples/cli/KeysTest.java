package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.examples.policy.PolicyServer;
import org.smtpcr.examples.smtp.SmtpcrSmtpServer;
import org.smtpcr.examples.web.ChallengeWebServer;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.KeyRingFile;
import org.smtpcr.tokens.PassCodes;

/**
 * Key files: never made by a server, named by --keys everywhere, rotated without breaking links.
 */
final class KeysTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  private Path data() {
    return tmp.resolve("data");
  }

  /** {@code command args...}, with {@code --challenge-base} for the servers that send links. */
  private static String[] withBase(String command, String... args) {
    List<String> line = new java.util.ArrayList<>(List.of(command));
    if (!command.equals("web")) {
      line.addAll(List.of("--challenge-base", "https://cr.example/"));
    }
    line.addAll(List.of(args));
    return line.toArray(String[]::new);
  }

  @Test
  void serverCommands_missingKeyFile_failure1NamingItAndNothingCreatedOrStarted() {
    for (String command : List.of("web", "smtp-server", "policy-server")) {
      CommandRun.Result r =
          CommandRun.run(
              () -> new TestLifecycle().begin(),
              withBase(command, "--data", data().toString(), "--listen", "127.0.0.1:0"));
      assertEquals(1, r.exitCode(), () -> command + ": " + r);
      Path expected = data().resolve(DataDirectory.KEY_FILE);
      assertTrue(
          r.err().startsWith("smtpcr: NoSuchFileException: " + expected), () -> command + ": " + r);
      assertTrue(r.err().contains("keygen --out FILE"), () -> command + ": " + r);
      assertFalse(Files.exists(expected), command + " made a key file");
      assertFalse(Files.exists(data().resolve("maildir")), command + " started");
    }
  }

  @Test
  void serverCommands_missingKeysOption_failure1NamingTheFile() {
    Path nope = tmp.resolve("nope.keys");
    for (String command : List.of("web", "smtp-server", "policy-server")) {
      CommandRun.Result r =
          CommandRun.run(
              () -> new TestLifecycle().begin(),
              withBase(command, "--data", data().toString(), "--keys", nope.toString()));
      assertEquals(1, r.exitCode(), () -> command + ": " + r);
      assertTrue(r.err().contains(nope + " (make one with keygen"), () -> command + ": " + r);
      assertFalse(Files.exists(nope));
    }
  }

  @Test
  void keysOption_everyServerUsesThatFile() throws Exception {
    Path keys = tmp.resolve("elsewhere/site.keys");
    assertEquals(0, CommandRun.run("keygen", "--out", keys.toString()).exitCode());
    KeyRing ring = KeyRingFile.read(keys);
    String token = ChallengeTokens.of(ring).mint("alice@sender.example", "bob@example.com");

    try (TestLifecycle web =
        new TestLifecycle()
            .start(
                "web",
                "--data",
                data().toString(),
                "--keys",
                keys.toString(),
                "--listen",
                "127.0.0.1:0")) {
      URI link = web.service(ChallengeWebServer.class).baseUri().resolve("c/" + token);
      HttpResponse<String> page =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(link).timeout(WAIT).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode(), "the page verifies with --keys");
      assertEquals(0, web.stop().exitCode());
    }

    try (TestLifecycle policy =
        new TestLifecycle()
            .start(
                "policy-server",
                "--challenge-base",
                "https://cr.example/",
                "--data",
                data().toString(),
                "--keys",
                keys.toString(),
                "--listen",
                "127.0.0.1:0")) {
      String action =
          PolicyRequests.action(policy.service(PolicyServer.class).port(), UNKNOWN_SENDER);
      Matcher m = Pattern.compile(".*/c/([a-z2-7]+)$").matcher(action);
      assertTrue(m.matches(), action);
      assertEquals("alice@sender.example", ChallengeTokens.of(ring).verify(m.group(1)).sender());
      assertEquals(0, policy.stop().exitCode());
    }

    try (TestLifecycle smtp =
        new TestLifecycle()
            .start(
                "smtp-server",
                "--challenge-base",
                "https://cr.example/",
                "--data",
                data().toString(),
                "--keys",
                keys.toString(),
                "--listen",
                "127.0.0.1:0")) {
      SmtpcrSmtpServer server = smtp.service(SmtpcrSmtpServer.class);
      String code = PassCodes.of(ring).compute("alice@sender.example", "bob@example.com");
      MailClients.SwaksRun ok =
          MailClients.swaks(
              server.port(),
              "--from",
              "alice@sender.example",
              "--to",
              "bob+" + code + "@example.com");
      assertEquals(0, ok.exitCode(), ok::output);
      assertEquals(0, smtp.stop().exitCode());
    }
    assertFalse(Files.exists(data().resolve(DataDirectory.KEY_FILE)), "no key file was made");
  }

  @Test
  void demo_missingKeysFile_createsIt() throws Exception {
    Path keys = tmp.resolve("demo.keys");
    try (TestLifecycle demo =
        new TestLifecycle()
            .start(
                "demo",
                "--data",
                data().toString(),
                "--keys",
                keys.toString(),
                "--smtp-port",
                "0",
                "--http-port",
                "0")) {
      demo.service(SmtpcrSmtpServer.class);
      assertEquals(0, KeyRingFile.read(keys).activeKeyId());
      assertEquals(0, demo.stop().exitCode());
    }
  }

  @Test
  void rotate_oldTokensAndPassCodesStillVerify_newOnesUseTheNewKeyId() throws Exception {
    Path keys = tmp.resolve("smtpcr.keys");
    assertEquals(0, CommandRun.run("keygen", "--out", keys.toString()).exitCode());
    KeyRing before = KeyRingFile.read(keys);
    String old = mint(keys);
    String oldCode = passcode(keys);

    CommandRun.Result r = CommandRun.run("keys", "rotate", "--keys", keys.toString());
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals("rotated " + keys + ": key id 1 signs, key ids 0,1 verify\n", r.out());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)));
    try (Stream<Path> files = Files.list(tmp)) {
      // the ring and the lock file rotations take turns on; no temporary file
      assertEquals(
          List.of(keys, tmp.resolve("smtpcr.keys.lock")),
          files.sorted().toList(),
          "no temporary file left");
    }

    KeyRing after = KeyRingFile.read(keys);
    assertEquals(1, after.activeKeyId());
    assertEquals(
        before.key(0).orElseThrow().fingerprint(), after.key(0).orElseThrow().fingerprint());
    CommandRun.Result verified = CommandRun.run("token", "verify", "--keys", keys.toString(), old);
    assertEquals(0, verified.exitCode(), verified::toString);
    assertTrue(verified.out().contains("\"keyId\":0"), verified::toString);
    String fresh = mint(keys);
    CommandRun.Result v2 = CommandRun.run("token", "verify", "--keys", keys.toString(), fresh);
    assertTrue(v2.out().contains("\"keyId\":1"), v2::toString);
    // a link minted with the old ring's key id is still accepted by the rotated ring
    assertEquals(0, ChallengeTokens.of(after).verify(old).keyId());
    assertEquals(1, ChallengeTokens.of(after).verify(fresh).keyId());
    PassCodes.of(after).verify(oldCode, "alice@example.org", "bob@example.com");
  }

  @Test
  void rotate_sixteenKeys_refusedAndFileUnchanged() throws Exception {
    Path keys = tmp.resolve("smtpcr.keys");
    assertEquals(0, CommandRun.run("keygen", "--out", keys.toString()).exitCode());
    for (int i = 1; i <= 15; i++) {
      assertEquals(0, CommandRun.run("keys", "rotate", "--keys", keys.toString()).exitCode());
    }
    String full = Files.readString(keys);
    CommandRun.Result r = CommandRun.run("keys", "rotate", "--keys", keys.toString());
    assertEquals(1, r.exitCode(), r::toString);
    assertTrue(r.err().contains("all 16 key ids"), r::toString);
    assertEquals(full, Files.readString(keys));
  }

  @Test
  void rotate_missingFile_failure1AndNoFileMade() {
    Path keys = tmp.resolve("none.keys");
    CommandRun.Result r = CommandRun.run("keys", "rotate", "--keys", keys.toString());
    assertEquals(1, r.exitCode(), r::toString);
    assertTrue(r.err().contains("NoSuchFileException: " + keys), r::toString);
    assertFalse(Files.exists(keys));
  }

  @Test
  void help_newCommandsAndServerOptions() {
    String[][] commands = {
      {"keys"},
      {"keys", "rotate"},
      {"deny"},
      {"deny", "add"},
      {"deny", "remove"},
      {"deny", "list"},
      {"whitelist", "prune"}
    };
    for (String[] c : commands) {
      String[] args = java.util.Arrays.copyOf(c, c.length + 1);
      args[c.length] = "--help";
      CommandRun.Result r = CommandRun.run(args);
      assertEquals(0, r.exitCode(), r::toString);
      assertTrue(r.out().startsWith("Usage: smtpcr " + String.join(" ", c)), r::toString);
    }
    for (String server : List.of("web", "smtp-server", "policy-server", "demo")) {
      CommandRun.Result r = CommandRun.run(server, "--help");
      for (String option : List.of("--keys", "--sweep-interval", "--store-password-file")) {
        assertTrue(r.out().contains(option), () -> server + " lacks " + option + ": " + r);
      }
      assertFalse(r.out().contains("--store-password="), () -> server + ": hidden: " + r);
    }
  }

  private static String mint(Path keys) {
    CommandRun.Result r =
        CommandRun.run(
            "token",
            "mint",
            "--keys",
            keys.toString(),
            "--sender",
            "alice@example.org",
            "--recipient",
            "bob@example.com");
    assertEquals(0, r.exitCode(), r::toString);
    return r.out().strip();
  }

  private static String passcode(Path keys) {
    CommandRun.Result r =
        CommandRun.run(
            "passcode",
            "--keys",
            keys.toString(),
            "--sender",
            "alice@example.org",
            "--recipient",
            "bob@example.com");
    assertEquals(0, r.exitCode(), r::toString);
    return r.out().strip();
  }

  /** One RCPT policy request from an unknown sender. */
  private static final String UNKNOWN_SENDER =
      """
        request=smtpd_access_policy
        protocol_state=RCPT
        client_address=192.0.2.7
        helo_name=mail.sender.example
        sender=alice@sender.example
        recipient=bob@example.com
        instance=1a2.1

        """;
  ;
}
