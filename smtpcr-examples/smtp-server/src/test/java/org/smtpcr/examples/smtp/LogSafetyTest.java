package org.smtpcr.examples.smtp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.tokens.KeyRing;

/** What the server logs, at DEBUG, never holds a token, an address or a message body. */
final class LogSafetyTest {
  @TempDir Path dir;

  @Test
  void challengeAndRefusedMessage_loggedAtDebug_noTokenAddressOrBody() throws Exception {
    DecisionEngine engine =
        DecisionEngine.builder()
            .keyRing(KeyRing.generate())
            .challengeBase(URI.create("http://127.0.0.1:8080/"))
            .rules(
                StandardRules.builder()
                    .whitelistStore(InMemoryWhitelistStore.builder().build())
                    .build())
            .build();
    PrintStream original = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    String token;
    System.setErr(new PrintStream(log, true, UTF_8));
    try (SmtpcrSmtpServer server =
            SmtpcrSmtpServer.builder()
                .engine(engine)
                .maildir(dir)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .maxMessageBytes(100)
                .build()
                .start();
        SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<secret.sender@example.org>", 250);
      SmtpSession.Reply r = s.command("RCPT TO:<secret.rcpt@example.com>", 550);
      token = r.lastText().substring(r.lastText().lastIndexOf('/') + 1);
      s.command("RCPT TO:<postmaster@example.com>", 250);
      s.command("DATA", 354);
      s.sendRaw(
          ("Subject: x\r\n\r\n" + "confidential-body ".repeat(20) + "\r\n").getBytes(US_ASCII));
      s.send(".");
      assertEquals(552, s.read().code());
    } finally {
      System.setErr(original);
    }
    String text = log.toString(UTF_8);
    assertTrue(text.contains("over the limit"), "the DEBUG lines were captured: " + text);
    assertFalse(text.contains(token.substring(0, 12)), text);
    assertFalse(text.contains("secret.sender") || text.contains("secret.rcpt"), text);
    assertFalse(text.contains("confidential-body"), text);
  }

  @Test
  void hostileRecipient_replyStaysPrintableAscii() throws Exception {
    DecisionEngine engine =
        DecisionEngine.builder()
            .keyRing(KeyRing.generate())
            .challengeBase(URI.create("http://127.0.0.1:8080/"))
            .build();
    try (SmtpcrSmtpServer server =
            SmtpcrSmtpServer.builder()
                .engine(engine)
                .maildir(dir)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .build()
                .start();
        SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<alice@example.org>", 250);
      s.sendRaw("RCPT TO:<b\u00f6b\u2028550 5.7.1 injected%0d%0a@example.com>\r\n".getBytes(UTF_8));
      SmtpSession.Reply r = s.read();
      // an address SubEthaSMTP took and we cannot read: temporary, never a permanent reply
      assertEquals(451, r.code(), r.raw());
      for (String line : r.lines()) {
        assertTrue(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f), line);
        assertTrue(line.length() + 2 <= 512, line);
        assertFalse(line.startsWith("550 5.7.1 injected"), r.raw());
      }
    }
  }
}
