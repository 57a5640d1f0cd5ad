package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.reply.ReplyValues;
import org.smtpcr.core.store.JdbcWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.PassCodes;

/**
 * The documented smtpserver.xml block with {@code subjectPassCodes} on: would-be challenges are
 * accepted at RCPT and decided by {@link SmtpcrMessageHook} at the end of DATA.
 */
final class SmtpcrSubjectPassCodeTest {
  @TempDir static Path dir;

  private static KeyRing ring;
  private static JamesTestServer server;
  private static JdbcWhitelistStore page;

  @BeforeAll
  static void start() throws Exception {
    ring = KeyRing.generate();
    String url = Fixtures.h2Url(dir, "whitelist");
    String chain = Fixtures.docSnippet("smtpserver.xml", Fixtures.keyFile(dir, ring), url);
    String off = "<subjectPassCodes>false</subjectPassCodes>";
    assertTrue(chain.contains(off), "the documented chain sets subjectPassCodes");
    server = JamesTestServer.start(chain.replace(off, "<subjectPassCodes>true</subjectPassCodes>"));
    page = Fixtures.pageStore(url);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void data_passCodeInSubject_messageArrives() throws Exception {
    String code =
        PassCodes.grouped(PassCodes.of(ring).compute("grace@sender.example", "bob@example.org"));
    try (SmtpClient c = SmtpClient.connect(server.port(), "client.sender.example")) {
      c.command("MAIL FROM:<grace@sender.example>");
      assertEquals(
          "250 2.1.5 Recipient <bob@example.org> OK\r\n", c.command("RCPT TO:<bob@example.org>"));
      assertEquals(
          "250 2.6.0 Message accepted\r\n",
          c.data(
              "From: grace@sender.example", "Subject: Hello Bob, my code is " + code, "", "Hi."));
    }
    assertEquals(List.of("bob@example.org"), lastDelivered().recipients());
  }

  @Test
  void data_passCodeInFoldedSubject_messageArrives() throws Exception {
    String code = PassCodes.of(ring).compute("heidi@sender.example", "bob@example.org");
    try (SmtpClient c = SmtpClient.connect(server.port(), "client.sender.example")) {
      c.command("MAIL FROM:<heidi@sender.example>");
      c.command("RCPT TO:<bob@example.org>");
      assertEquals(
          "250 2.6.0 Message accepted\r\n",
          c.data(
              "Subject: a subject long enough to be folded by a polite client,",
              "\tcode " + code,
              "",
              "Hi."));
    }
    assertTrue(lastDelivered().text().contains(code));
  }

  @Test
  void data_noPassCode_oneLineChallengeAtEndOfData() throws Exception {
    int delivered = server.delivery().delivered().size();
    try (SmtpClient c = SmtpClient.connect(server.port(), "client.sender.example")) {
      c.command("MAIL FROM:<ivan@sender.example>");
      assertEquals(
          "250 2.1.5 Recipient <bob@example.org> OK\r\n", c.command("RCPT TO:<bob@example.org>"));
      String end = c.data("Subject: no code here", "", "Hi.");

      assertTrue(end.startsWith("550 5.7.1 ") && end.indexOf("\r\n") == end.length() - 2, end);
      assertTrue(end.length() <= 512, "one reply line of at most 512 octets");
      String link = end.substring(end.lastIndexOf(' ') + 1, end.length() - 2);
      assertTrue(link.startsWith("https://cr.example.com/c/"), end);
      assertEquals(
          "ivan@sender.example",
          ChallengeTokens.of(ring).verify(link.substring(link.lastIndexOf('/') + 1)).sender());
      // the one-line form of the engine's challenge
      assertEquals(
          "550 "
              + Replies.oneLine(
                  ReplyFormatter.english()
                      .challenge(
                          ReplyValues.builder().recipient("bob@example.org").build(),
                          URI.create(link)))
              + "\r\n",
          end);

      // the transaction is over; the session goes on
      assertTrue(c.command("MAIL FROM:<ivan@sender.example>").startsWith("250 "));
    }
    assertEquals(delivered, server.delivery().delivered().size());
  }

  @Test
  void rcpt_pendingAfterAcceptedRecipient_isDeferred452() throws Exception {
    page.add(
        WhitelistKey.pair(
            Fixtures.sender("judy@partner.example"), Fixtures.recipient("alice@example.org")));
    try (SmtpClient c = SmtpClient.connect(server.port(), "mail.partner.example")) {
      c.command("MAIL FROM:<judy@partner.example>");
      assertEquals(
          "250 2.1.5 Recipient <alice@example.org> OK\r\n",
          c.command("RCPT TO:<alice@example.org>"));
      assertEquals(
          ReplyFormatter.english()
              .pendingMix(ReplyValues.builder().recipient("bob@example.org").build())
              .toWire(),
          c.command("RCPT TO:<bob@example.org>"));
      assertEquals("250 2.6.0 Message accepted\r\n", c.data("Subject: hi", "", "x"));
    }
    assertEquals(List.of("alice@example.org"), lastDelivered().recipients());
  }

  private static CapturingMessageHook.Delivered lastDelivered() {
    List<CapturingMessageHook.Delivered> all = server.delivery().delivered();
    assertTrue(!all.isEmpty(), "a message was delivered");
    return all.get(all.size() - 1);
  }
}
