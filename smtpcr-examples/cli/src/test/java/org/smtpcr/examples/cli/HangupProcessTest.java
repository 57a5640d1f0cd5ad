package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -HUP} on a running {@code smtpcr policy-server}: the list files are read again, the
 * policy connection that was open stays open and its next request is decided on the new lists; a
 * file that does not parse leaves the lists in force, and the server keeps deciding.
 */
final class HangupProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern LISTENING =
      Pattern.compile("policy server on 127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path tmp;

  @Test
  void sighup_reloadsTheLists_onTheOpenConnection_andABrokenFileKeepsThem() throws Exception {
    Path data = tmp.resolve("data");
    CommandRun.keygen(data);
    Path senders = Files.writeString(tmp.resolve("senders"), "# none yet\n");
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
            "--sender-whitelist-file",
            senders.toString())) {
      server.awaitOut(o -> LISTENING.matcher(o).find(), WAIT);
      Matcher m = LISTENING.matcher(server.out());
      assertTrue(m.find());
      int port = Integer.parseInt(m.group(1));
      try (Socket postfix = new Socket(InetAddress.getLoopbackAddress(), port)) {
        postfix.setSoTimeout(30_000);
        String request = PolicyRequests.rcpt("alice@sender.example", "bob@example.com");
        String first = PolicyRequests.action(postfix, request);
        assertTrue(first.startsWith("550 5.7.1 "), first);

        Files.writeString(senders.resolveSibling("senders.local"), "@sender.example\n");
        hangUp(server);
        server.awaitErr(e -> e.contains("list files reloaded: senderWhitelistFile=1"), WAIT);
        assertEquals("DUNNO", PolicyRequests.action(postfix, request));

        Files.writeString(senders, "# broken\nnot-an-address\n");
        hangUp(server);
        server.awaitErr(e -> e.contains("list files not reloaded"), WAIT);
        assertEquals("DUNNO", PolicyRequests.action(postfix, request));
      }
      List<String> errors = server.err().lines().filter(l -> l.contains("] ERROR ")).toList();
      assertEquals(1, errors.size(), server::toString);
      assertTrue(
          errors.get(0).contains("senderWhitelistFile: " + senders + ":2: "), server::toString);
      List<String> reloads =
          server.err().lines().filter(l -> l.contains("list files reloaded")).toList();
      assertEquals(1, reloads.size(), server::toString);
      server.terminate();
      server.waitFor(WAIT); // 143: ended by SIGTERM, as a service manager stops it
    }
  }

  @Test
  void sighup_smtpServerReloads_andAServerWithoutListsKeepsRunning() throws Exception {
    Path data = tmp.resolve("data");
    CommandRun.keygen(data);
    // a data directory each: two processes on one H2 file would share it through AUTO_SERVER,
    // which is not what this test is about
    Path policyData = tmp.resolve("policy-data");
    CommandRun.keygen(policyData);
    Path clients = Files.writeString(tmp.resolve("clients"), "192.0.2.1\n");
    try (ChildProcess smtp =
            ChildProcess.smtpcr(
                tmp,
                "smtp-server",
                "--challenge-base",
                "https://cr.example/",
                "--data",
                data.toString(),
                "--listen",
                "127.0.0.1:0",
                "--trusted-clients-file",
                clients.toString());
        ChildProcess policy =
            ChildProcess.smtpcr(
                tmp,
                "policy-server",
                "--challenge-base",
                "https://cr.example/",
                "--data",
                policyData.toString(),
                "--listen",
                "127.0.0.1:0")) {
      smtp.awaitOut(o -> o.contains("SMTP on 127.0.0.1:"), WAIT);
      policy.awaitOut(o -> LISTENING.matcher(o).find(), WAIT);
      Files.writeString(clients.resolveSibling("clients.local"), "198.51.100.0/24\n");
      hangUp(smtp);
      smtp.awaitErr(e -> e.contains("list files reloaded: trustedClientsFile=2"), WAIT);
      // systemctl reload of a server with no list file must not stop it
      hangUp(policy);
      policy.awaitErr(e -> e.contains("no list files configured; nothing to reload"), WAIT);
      Matcher m = LISTENING.matcher(policy.out());
      assertTrue(m.find());
      assertTrue(
          PolicyRequests.action(
                  Integer.parseInt(m.group(1)),
                  PolicyRequests.rcpt("alice@sender.example", "bob@example.com"))
              .startsWith("550 5.7.1 "),
          policy::toString);
      smtp.terminate();
      policy.terminate();
      smtp.waitFor(WAIT);
      policy.waitFor(WAIT);
    }
  }

  /** {@code kill -HUP pid}, as {@code systemctl reload} with {@code ExecReload=} does. */
  static void hangUp(ChildProcess p) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).inheritIO().start();
    assertTrue(kill.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, kill.exitValue());
  }
}
