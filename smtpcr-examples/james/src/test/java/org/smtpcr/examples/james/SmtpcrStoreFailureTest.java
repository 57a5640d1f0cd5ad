package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.tokens.KeyRing;

/**
 * The documented smtpserver.xml block with a store that fails: an H2 URL that may only open an
 * existing database, and there is none. James starts all the same, and decisions that need the
 * store are deferred with the configured failure reply.
 */
final class SmtpcrStoreFailureTest {
  @TempDir static Path dir;

  private static JamesTestServer server;

  @BeforeAll
  static void start() throws Exception {
    String failing = Fixtures.h2Url(dir, "missing") + ";IFEXISTS=TRUE";
    String chain =
        Fixtures.docSnippet("smtpserver.xml", Fixtures.keyFile(dir, KeyRing.generate()), failing);
    // wait a quarter second for a connection instead of the default second: the test waits less
    server =
        JamesTestServer.start(
            chain.replace("</url>", "</url><connectionTimeout>PT0.25S</connectionTimeout>"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void rcpt_storeFails_deferredWithFailureReply() throws Exception {
    try (SmtpClient c = SmtpClient.connect(server.port(), "client.sender.example")) {
      c.command("MAIL FROM:<mallory@sender.example>");
      assertEquals(
          "451 4.3.0 Temporary local problem, please try again.\r\n",
          c.command("RCPT TO:<bob@example.org>"));
      // rules before the store still decide: postmaster is exempt
      assertEquals(
          "250 2.1.5 Recipient <postmaster@example.org> OK\r\n",
          c.command("RCPT TO:<postmaster@example.org>"));
    }
  }
}
