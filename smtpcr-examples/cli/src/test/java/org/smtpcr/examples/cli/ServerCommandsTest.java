package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.examples.smtp.SmtpcrSmtpServer;
import org.smtpcr.examples.web.ChallengeWebServer;

/** The long-running commands: their options, their start-up failures, and their configuration. */
final class ServerCommandsTest {
  private static final String BASE = "--challenge-base";
  private static final String CR = "https://cr.example/";

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
  void badOptions_usageError2BeforeAnythingStarts() {
    String[][] bad = {
      {"smtp-server", "--data", data(), "--challenge-base", "http://cr.example.com/"},
      {"smtp-server", "--data", data(), "--challenge-base", "ftp://cr.example.com/"},
      {"smtp-server", "--data", data(), "--domain", "exa mple.com"},
      {"smtp-server", "--data", data(), "--trusted-network", "10.0.0.0/33"},
      {"smtp-server", "--data", data(), "--max-message-size", "0"},
      {"smtp-server", "--data", data(), "--hostname", "bad host"},
      {"smtp-server", "--data", data(), "--listen", "nowhere"},
      {"web", "--data", data(), "--pow-bits", "41"},
      {"web", "--data", data(), "--requests-per-minute", "0"},
      {"web", "--data", data(), "--confirmations-per-recipient-per-day", "0"},
      {"web", "--data", data(), "--confirmations-per-sender-domain-per-day", "many"},
      {"web", "--data", data(), "--confirmations-per-network-per-hour", "-1"},
      {"web", "--data", data(), "--whitelist-expiry", "soon"},
      {"demo", "--data", data(), "--smtp-port", "70000"},
      {"demo", "--data", data(), "--domain", "@example.com"},
      {"demo", "--data", data(), "--store", "jdbc:oracle:thin:@x"},
    };
    for (String[] args : bad) {
      CommandRun.Result r = CommandRun.run(args);
      assertEquals(2, r.exitCode(), () -> String.join(" ", args) + "\n" + r);
    }
    assertTrue(!Files.exists(tmp.resolve("data").resolve("maildir")), "nothing was started");
  }

  @Test
  void badListOrReplyFile_usageError2NamingSettingFileAndLine() throws Exception {
    Path clients = Files.writeString(tmp.resolve("clients"), "192.0.2.1\n# next\n10.0.0.0/33\n");
    Path replies = Files.writeString(tmp.resolve("replies"), "chalenge Confirm here:\n");
    String[][] bad = {
      {"policy-server", BASE, CR, "--data", data(), "--trusted-clients-file", clients.toString()},
      {"smtp-server", BASE, CR, "--data", data(), "--trusted-clients-file", clients.toString()},
      {"demo", "--data", data(), "--trusted-clients-file", clients.toString()},
      {
        "policy-server",
        BASE,
        CR,
        "--data",
        data(),
        "--deny-file",
        tmp.resolve("missing").toString()
      },
      {"smtp-server", BASE, CR, "--data", data(), "--reply-templates-file", replies.toString()},
    };
    String[] says = {
      "trustedClientsFile: " + clients + ":3: ",
      "trustedClientsFile: " + clients + ":3: ",
      "trustedClientsFile: " + clients + ":3: ",
      "denyFile: " + tmp.resolve("missing") + ": no such file",
      "replyTemplatesFile: " + replies + ":1: not a reply kind",
    };
    for (int i = 0; i < bad.length; i++) {
      String[] args = bad[i];
      CommandRun.Result r = CommandRun.run(args);
      assertEquals(2, r.exitCode(), () -> String.join(" ", args) + "\n" + r);
      assertTrue(r.err().contains(says[i]), r::toString);
    }
  }

  @Test
  void smtpServer_portTaken_failure1AndNothingLeftRunning() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CommandRun.Result r =
          CommandRun.run(
              () -> new TestLifecycle().begin(),
              "smtp-server",
              "--challenge-base",
              "https://cr.example/",
              "--data",
              data(),
              "--listen",
              "127.0.0.1:" + taken.getLocalPort());
      assertEquals(1, r.exitCode(), r::toString);
      assertTrue(
          r.err()
              .startsWith(
                  "smtpcr: BindException: cannot listen on 127.0.0.1:" + taken.getLocalPort()),
          r::toString);
    }
    // the data directory's database was closed again: another user can open it
    assertEquals(0, CommandRun.run("whitelist", "list", "--data", data()).exitCode());
  }

  @Test
  void configFile_listOptionsAndPerCommandKeys_applied() throws Exception {
    Path config = tmp.resolve("smtpcr.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "data=" + data(),
            "domain=Example.COM,example.net",
            "smtpcr.smtp-server.listen=127.0.0.1:0",
            "smtpcr.smtp-server.challenge-base=https://cr.example.com/",
            "smtpcr.web.listen=127.0.0.1:0",
            ""));
    try (TestLifecycle smtp =
        new TestLifecycle().start("smtp-server", "--config", config.toString())) {
      SmtpcrSmtpServer server = smtp.service(SmtpcrSmtpServer.class);
      assertEquals(Set.of("example.com", "example.net"), server.localDomains());
      assertEquals(tmp.resolve("data").toAbsolutePath().resolve("maildir"), server.maildir());
      assertEquals(0, smtp.stop().exitCode());
    }
    try (TestLifecycle web = new TestLifecycle().start("--config", config.toString(), "web")) {
      ChallengeWebServer server = web.service(ChallengeWebServer.class);
      assertEquals(URI.create("http://127.0.0.1:" + server.port() + "/"), server.baseUri());
      assertEquals(0, web.stop().exitCode());
    }
  }

  @Test
  void shellWord_plainAndSpecialPaths_quotedOnlyWhenNeeded() {
    assertEquals("/srv/smtpcr-data", DemoCommand.shellWord("/srv/smtpcr-data"));
    assertEquals("'/home/a b/it'\\''s $HOME'", DemoCommand.shellWord("/home/a b/it's $HOME"));
  }
}
