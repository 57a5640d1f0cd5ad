package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.reply.ReplyValues;
import org.smtpcr.core.store.JdbcWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.tokens.ChallengeClaims;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.PassCodes;

/**
 * James's SMTP server in process, configured with the smtpserver.xml block of docs/james.md
 * (through {@code init(Configuration)}, as James does), and a raw SMTP client.
 */
final class SmtpcrJamesSmtpTest {
  @TempDir static Path dir;

  private static KeyRing ring;
  private static JamesTestServer server;
  private static JdbcWhitelistStore page;

  @BeforeAll
  static void start() throws Exception {
    ring = KeyRing.generate();
    String url = Fixtures.h2Url(dir, "whitelist");
    server =
        JamesTestServer.start(
            Fixtures.docSnippet("smtpserver.xml", Fixtures.keyFile(dir, ring), url));
    page = Fixtures.pageStore(url);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void rcpt_unknownSender_multiLineChallengeWithVerifiableLink() throws Exception {
    int delivered = server.delivery().delivered().size();
    try (SmtpClient c = SmtpClient.connect(server.port(), "client.sender.example")) {
      assertTrue(c.command("MAIL FROM:<Mallory+news@Sender.Example>").startsWith("250 "));
      String reply = c.command("RCPT TO:<bob@example.org>");

      assertTrue(reply.endsWith("\r\n"), reply);
      List<String> lines = Arrays.asList(reply.substring(0, reply.length() - 2).split("\r\n", -1));
      assertTrue(lines.size() >= 2, reply);
      for (String line : lines.subList(0, lines.size() - 1)) {
        assertTrue(line.startsWith("550-5.7.1 "), line);
      }
      String last = lines.get(lines.size() - 1);
      assertTrue(last.startsWith("550 5.7.1 https://cr.example.com/c/"), last);
      String link = last.substring("550 5.7.1 ".length());
      assertTrue(
          link.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f), "the link is one word: " + link);
      for (String line : lines) {
        assertTrue(line.length() + 2 <= 512, "line of " + line.length() + " characters");
      }
      // exactly the engine's English challenge, as RFC 5321 puts it on the wire
      assertEquals(
          ReplyFormatter.english()
              .challenge(
                  ReplyValues.builder().recipient("bob@example.org").build(), URI.create(link))
              .toWire(),
          reply);
      ChallengeClaims claims =
          ChallengeTokens.of(ring).verify(link.substring(link.lastIndexOf('/') + 1));
      assertEquals("mallory@sender.example", claims.sender());
      assertEquals("bob@example.org", claims.recipient());

      // the session goes on, and the refused recipient is not in the transaction
      assertEquals("250 2.0.0 OK\r\n", c.command("RSET"));
    }
    assertEquals(delivered, server.delivery().delivered().size());
  }

  @Test
  void rcpt_challengedSenderOnceWhitelisted_isAcceptedAndMessageArrives() throws Exception {
    try (SmtpClient c = SmtpClient.connect(server.port(), "mail.partner.example")) {
      c.command("MAIL FROM:<carol@partner.example>");
      assertTrue(c.command("RCPT TO:<bob@example.org>").startsWith("550-5.7.1 "));
      c.command("RSET");

      // the sender confirms on the challenge page, which writes the pair to the same database
      page.add(
          WhitelistKey.pair(
              Fixtures.sender("carol@partner.example"), Fixtures.recipient("bob@example.org")));

      assertEquals(
          "250 2.1.0 Sender <carol@partner.example> OK\r\n",
          c.command("MAIL FROM:<carol@partner.example>"));
      assertEquals(
          "250 2.1.5 Recipient <bob@example.org> OK\r\n", c.command("RCPT TO:<bob@example.org>"));
      assertEquals(
          "250 2.6.0 Message accepted\r\n",
          c.data(
              "From: carol@partner.example",
              "To: bob@example.org",
              "Subject: Lunch on Friday?",
              "",
              "Hi Bob."));
    }
    CapturingMessageHook.Delivered last = lastDelivered();
    assertEquals("carol@partner.example", last.sender());
    assertEquals(List.of("bob@example.org"), last.recipients());
    assertTrue(last.text().contains("Subject: Lunch on Friday?\r\n"), last.text());
  }

  @Test
  void rcpt_passCodeInSubaddress_isAccepted() throws Exception {
    String code = PassCodes.of(ring).compute("dave@sender.example", "bob@example.org");
    try (SmtpClient c = SmtpClient.connect(server.port(), "client.sender.example")) {
      c.command("MAIL FROM:<dave@sender.example>");
      assertEquals(
          "250 2.1.5 Recipient <bob+" + code + "@example.org> OK\r\n",
          c.command("RCPT TO:<bob+" + code + "@example.org>"));
      assertEquals(
          "250 2.6.0 Message accepted\r\n", c.data("Subject: with the code", "", "Hello."));
    }
    assertEquals(List.of("bob+" + code + "@example.org"), lastDelivered().recipients());
  }

  @Test
  void rcpt_wrongPassCodeInSubaddress_isChallenged() throws Exception {
    String codeForSomeoneElse = PassCodes.of(ring).compute("eve@sender.example", "bob@example.org");
    try (SmtpClient c = SmtpClient.connect(server.port(), "client.sender.example")) {
      c.command("MAIL FROM:<dave@sender.example>");
      assertTrue(
          c.command("RCPT TO:<bob+" + codeForSomeoneElse + "@example.org>")
              .startsWith("550-5.7.1 "));
    }
  }

  @Test
  void rcpt_postmasterFromUnknownSender_passesOurHookAndJamesAccepts() throws Exception {
    try (SmtpClient c = SmtpClient.connect(server.port(), "client.sender.example")) {
      c.command("MAIL FROM:<mallory@sender.example>");
      int before = server.relayGuard().seen();
      // our hook runs first (configured handlers come before the core ones); the relay check, after
      // it, sees the recipient only if our hook said DECLINED
      assertEquals(
          "250 2.1.5 Recipient <postmaster@example.org> OK\r\n",
          c.command("RCPT TO:<postmaster@example.org>"));
      assertEquals(before + 1, server.relayGuard().seen());
    }
  }

  @Test
  void rcpt_configuredExemptRecipient_isAccepted() throws Exception {
    try (SmtpClient c = SmtpClient.connect(server.port(), "client.sender.example")) {
      c.command("MAIL FROM:<mallory@sender.example>");
      assertEquals(
          "250 2.1.5 Recipient <hostmaster@example.org> OK\r\n",
          c.command("RCPT TO:<hostmaster@example.org>"));
    }
  }

  @Test
  void nullSender_reportToOneRecipient_arrives_secondRecipientDeferred() throws Exception {
    try (SmtpClient c = SmtpClient.connect(server.port(), "mailer-daemon.sender.example")) {
      assertTrue(c.command("MAIL FROM:<>").startsWith("250 "));
      assertEquals(
          "250 2.1.5 Recipient <bob@example.org> OK\r\n", c.command("RCPT TO:<bob@example.org>"));
      String second = c.command("RCPT TO:<carol@example.org>");
      // one sentence, so one line
      assertEquals(
          "452 4.5.3 Mail from the null sender (a bounce) goes to one recipient per transaction;"
              + " send to <carol@example.org> in a new transaction.\r\n",
          second);
      assertEquals("250 2.6.0 Message accepted\r\n", c.data(DSN));
    }
    assertEquals("<>", lastDelivered().sender());
    assertEquals(List.of("bob@example.org"), lastDelivered().recipients());
  }

  @Test
  void nullSender_plainMessage_refusedAtTheEndOfData() throws Exception {
    int delivered = server.delivery().delivered().size();
    try (SmtpClient c = SmtpClient.connect(server.port(), "mailer-daemon.sender.example")) {
      assertTrue(c.command("MAIL FROM:<>").startsWith("250 "));
      assertEquals(
          "250 2.1.5 Recipient <bob@example.org> OK\r\n", c.command("RCPT TO:<bob@example.org>"));
      String reply = c.data("Subject: Undelivered Mail Returned to Sender", "", "buy now");
      assertTrue(reply.startsWith("550 5.7.1 "), reply);
    }
    assertEquals(delivered, server.delivery().delivered().size());
  }

  /** A delivery status notification (RFC 3464 in RFC 6522's multipart/report). */
  private static final String[] DSN = {
    "Subject: Undelivered Mail Returned to Sender",
    "MIME-Version: 1.0",
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"",
    "",
    "--b1",
    "Content-Type: text/plain",
    "",
    "Your message could not be delivered.",
    "--b1",
    "Content-Type: message/delivery-status",
    "",
    "Reporting-MTA: dns; mx.sender.example",
    "",
    "Final-Recipient: rfc822; nobody@sender.example",
    "Action: failed",
    "Status: 5.1.1",
    "--b1--"
  };

  @Test
  void rcpt_whitelistedSenderToRemoteDomain_isRefusedByTheRelayCheck() throws Exception {
    page.add(WhitelistKey.globalSender(Fixtures.sender("erin@partner.example")));
    try (SmtpClient c = SmtpClient.connect(server.port(), "mail.partner.example")) {
      c.command("MAIL FROM:<erin@partner.example>");
      int before = server.relayGuard().seen();
      assertEquals(
          "550 5.7.1 Requested action not taken: relaying denied\r\n",
          c.command("RCPT TO:<someone@elsewhere.example>"));
      assertEquals(
          before + 1, server.relayGuard().seen(), "our hook said DECLINED, so the relay check ran");
      assertEquals(
          "250 2.1.5 Recipient <bob@example.org> OK\r\n", c.command("RCPT TO:<bob@example.org>"));
    }
  }

  @Test
  void rcpt_mixedRecipients_eachDecidedAndOnlyAcceptedOnesReceive() throws Exception {
    page.add(
        WhitelistKey.pair(
            Fixtures.sender("frank@partner.example"), Fixtures.recipient("alice@example.org")));
    try (SmtpClient c = SmtpClient.connect(server.port(), "mail.partner.example")) {
      c.command("MAIL FROM:<frank@partner.example>");
      assertTrue(
          c.command("RCPT TO:<bob@example.org>")
              .startsWith("550-5.7.1 <bob@example.org> only accepts"));
      assertEquals(
          "250 2.1.5 Recipient <alice@example.org> OK\r\n",
          c.command("RCPT TO:<alice@example.org>"));
      assertEquals("250 2.6.0 Message accepted\r\n", c.data("Subject: hello", "", "x"));
    }
    assertEquals(List.of("alice@example.org"), lastDelivered().recipients());
  }

  @Test
  void rcpt_oddButValidAddresses_replyStaysWellFormed() throws Exception {
    try (SmtpClient c = SmtpClient.connect(server.port(), "odd%helo\"name")) {
      assertTrue(c.command("MAIL FROM:<\"weird sender\"@sender.example>").startsWith("250 "));
      String reply = c.command("RCPT TO:<\"bob %s\\\" smith\"@example.org>");
      String[] lines = reply.split("\r\n");
      assertTrue(lines.length >= 2, reply);
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i];
        assertTrue(line.startsWith(i < lines.length - 1 ? "550-5.7.1 " : "550 5.7.1 "), line);
        assertTrue(line.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f), line);
      }
      assertTrue(reply.endsWith("\r\n"), reply);
    }
  }

  private static CapturingMessageHook.Delivered lastDelivered() {
    List<CapturingMessageHook.Delivered> all = server.delivery().delivered();
    assertTrue(!all.isEmpty(), "a message was delivered");
    return all.get(all.size() - 1);
  }
}
