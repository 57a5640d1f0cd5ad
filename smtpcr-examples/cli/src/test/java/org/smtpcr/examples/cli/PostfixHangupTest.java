package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.examples.policy.PostfixInstance;
import org.smtpcr.examples.policy.SmtpClient;

/**
 * {@code SIGHUP} on a running {@code smtpcr policy-server} (a child process: the signal must reach
 * the JVM that serves) behind a real Postfix, in one SMTP session, so through one smtpd process and
 * the policy connections it holds open: a sender is challenged; the sender whitelist's {@code
 * .local} file gets the sender's domain; {@code kill -HUP}; the same sender is accepted and the
 * mail delivered. Then the file is broken and {@code kill -HUP} again: one ERROR, the lists stay,
 * mail is still decided. Throughout, the TCP connections from Postfix to the policy server are the
 * same ones (the kernel's table, {@code /proc/net/tcp}), and Postfix logs no trouble talking to the
 * policy server. Needs Debian's Postfix and root, as the policy-server module's Postfix tests.
 */
final class PostfixHangupTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern LISTENING =
      Pattern.compile("policy server on 127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path tmp;

  @Test
  void sighup_throughARealPostfix_keepsItsPolicyConnections_andDecidesOnTheNewLists()
      throws Exception {
    Optional<String> unavailable = PostfixInstance.unavailable();
    if (unavailable.isPresent()) {
      if (Boolean.getBoolean("smtpcr.it.required")) {
        fail(unavailable.get());
      }
      Assumptions.abort("skipped: " + unavailable.get());
    }
    Path data = tmp.resolve("data");
    CommandRun.keygen(data);
    Path senders = Files.writeString(tmp.resolve("senders"), "# packaged list: none\n");
    Path local = senders.resolveSibling("senders.local");
    String sender = "ann-" + UUID.randomUUID().toString().substring(0, 8) + "@sender.example";
    try (ChildProcess server =
        ChildProcess.smtpcr(
            tmp,
            "policy-server",
            "--challenge-base",
            "https://cr.example/",
            "--data",
            data.toString(),
            "--listen",
            "127.0.0.1:0",
            "--local-domain",
            "cr.test",
            "--sender-whitelist-file",
            senders.toString())) {
      server.awaitOut(o -> LISTENING.matcher(o).find(), WAIT);
      Matcher m = LISTENING.matcher(server.out());
      assertTrue(m.find());
      int policyPort = Integer.parseInt(m.group(1));
      try (PostfixInstance postfix =
          PostfixInstance.start(tmp.resolve("postfix"), PostfixInstance.freePort(), policyPort)) {
        try (SmtpClient smtp = new SmtpClient(postfix.smtpPort())) {
          SmtpClient.Reply r = smtp.rcpt(sender, "bob@cr.test");
          assertEquals(550, r.code(), r + "\n" + postfix.maillog());
          Set<Integer> held = policyConnections(policyPort);
          assertFalse(held.isEmpty(), "Postfix holds its policy connection open");

          // the site's own file: the sender's domain; then what systemctl reload sends
          Files.writeString(local, "@sender.example   # added for the test\n");
          HangupProcessTest.hangUp(server);
          server.awaitErr(e -> e.contains("list files reloaded: senderWhitelistFile=1"), WAIT);

          assertEquals(250, smtp.command("RSET").code());
          r = smtp.rcpt(sender, "bob@cr.test");
          assertEquals(250, r.code(), r + "\n" + postfix.maillog());
          assertEquals(held, policyConnections(policyPort), "the same policy connection");
          String subject = "after SIGHUP " + UUID.randomUUID();
          assertEquals(250, smtp.data(sender, "bob@cr.test", subject).code());
          awaitDelivery(postfix, "bob", subject);
          // smtpd_end_of_data_restrictions has a policy client (and connection) of its own
          held = policyConnections(policyPort);

          // a broken file: the lists in force stay, one ERROR, mail still decided
          Files.writeString(senders, "# packaged list\nnot-an-address\n");
          HangupProcessTest.hangUp(server);
          server.awaitErr(e -> e.contains("list files not reloaded"), WAIT);
          r = smtp.rcpt(sender, "carol@cr.test");
          assertEquals(250, r.code(), r + "\n" + postfix.maillog());
          assertEquals(250, smtp.command("RSET").code());
          r = smtp.rcpt("zed@example.net", "carol@cr.test");
          assertEquals(550, r.code(), "a sender on no list is still challenged: " + r);
          assertEquals(held, policyConnections(policyPort), "the same policy connections");
          assertEquals(250, smtp.command("RSET").code());
        }
        String maillog = postfix.maillog();
        assertFalse(maillog.contains("problem talking to server"), maillog);
        assertFalse(maillog.contains("Policy service unavailable"), maillog);
      }
      String err = server.err();
      assertEquals(
          1,
          err.lines().filter(l -> l.contains("] ERROR ")).count(),
          () -> "one ERROR line: " + err);
      assertTrue(
          err.lines()
              .anyMatch(
                  l ->
                      l.contains("] ERROR ")
                          && l.contains("senderWhitelistFile: " + senders + ":2: ")),
          err);
      assertEquals(
          1, err.lines().filter(l -> l.contains("list files reloaded")).count(), () -> err);
      server.terminate();
      server.waitFor(WAIT);
    }
  }

  /**
   * The local ports of the established TCP connections to the policy server's port on 127.0.0.1,
   * from the kernel's table: Postfix's ends of its policy connections.
   */
  private static Set<Integer> policyConnections(int policyPort) throws IOException {
    Set<Integer> ports = new TreeSet<>();
    String remote = String.format("0100007F:%04X", policyPort);
    for (String line : Files.readAllLines(Path.of("/proc/net/tcp"), StandardCharsets.US_ASCII)) {
      String[] f = line.strip().split("\\s+", -1);
      // sl local_address rem_address st ...; 01 = ESTABLISHED
      if (f.length > 3 && f[2].equals(remote) && f[3].equals("01")) {
        ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
      }
    }
    return ports;
  }

  private static void awaitDelivery(PostfixInstance postfix, String user, String subject)
      throws IOException {
    Path dir = postfix.newMail(user);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.list(dir)) {
          for (Path f : files.toList()) {
            if (Files.readString(f, StandardCharsets.UTF_8).contains("Subject: " + subject)) {
              return;
            }
          }
        }
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
    fail("no message \"" + subject + "\" for " + user + "; maillog:\n" + postfix.maillog());
  }
}
