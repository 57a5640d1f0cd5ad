package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.auth.testing.DkimKeys;
import org.smtpcr.auth.testing.DkimTestSigner;
import org.smtpcr.auth.testing.Dnsmasq;
import org.smtpcr.core.store.JdbcWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.tokens.KeyRing;

/**
 * James's SMTP stack with SmtpcrRcptHook, SmtpcrReplyHandler and SmtpcrMessageHook, and a real DNS
 * server (dnsmasq, authoritative for the test zones): SPF at RCPT through the engine or handed in
 * from James's SPF handler, DKIM at the end of DATA on the message as James received it.
 */
final class SmtpcrJamesAuthenticationTest {
  private static final InetAddress AUTHORIZED = InetAddresses.forString("127.0.0.1");
  private static final InetAddress UNAUTHORIZED = InetAddresses.forString("127.0.0.2");
  private static final DkimKeys SOFT_KEY = DkimKeys.generate();
  private static final DkimKeys OTHER_KEY = DkimKeys.generate();

  @TempDir static Path dir;

  private static Dnsmasq dns;
  private static JamesTestServer server;
  private static JdbcWhitelistStore page;

  @BeforeAll
  static void start() throws Exception {
    dns =
        Dnsmasq.builder("good.example")
            .zone("forged.example")
            .zone("soft.example")
            .zone("other.example")
            .txt("good.example", "v=spf1 ip4:127.0.0.1 -all")
            .txt("forged.example", "v=spf1 ip4:192.0.2.1 -all")
            .txt("soft.example", "v=spf1 ip4:192.0.2.1 ~all")
            .txt("sel._domainkey.soft.example", SOFT_KEY.txtRecord())
            .txt("sel._domainkey.other.example", OTHER_KEY.txtRecord())
            .start();
    KeyRing ring = KeyRing.generate();
    String url = Fixtures.h2Url(dir, "whitelist");
    keyFile = Fixtures.keyFile(dir, ring).toString();
    storeUrl = url;
    server =
        JamesTestServer.start(
            """
            <handlerchain>
              <handler class="org.smtpcr.examples.james.FakeJamesSpfHandler"/>
              <handler class="org.smtpcr.examples.james.SmtpcrRcptHook">
                <keyFile>%s</keyFile>
                <challengeBase>https://cr.example.com/</challengeBase>
                <dnsServer>127.0.0.1:%d</dnsServer>
                <store><url>%s</url></store>
                <messageHook>true</messageHook>
              </handler>
              <handler class="org.smtpcr.examples.james.SmtpcrReplyHandler"/>
              <handler class="org.smtpcr.examples.james.SmtpcrMessageHook"/>
            </handlerchain>
            """
                .formatted(Fixtures.keyFile(dir, ring), dns.port(), url));
    page = Fixtures.pageStore(url);
    for (String sender : List.of("alice@good.example", "alice@soft.example")) {
      page.add(WhitelistKey.pair(Fixtures.sender(sender), Fixtures.recipient("bob@example.org")));
    }
  }

  private static String keyFile;
  private static String storeUrl;

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (dns != null) {
      dns.close();
    }
  }

  @Test
  void forgedSender_rcpt5723WithoutLink() throws Exception {
    try (SmtpClient c = SmtpClient.connect(server.port(), AUTHORIZED, "mail.forged.example")) {
      assertTrue(c.command("MAIL FROM:<alice@forged.example>").startsWith("250 "));
      String reply = c.command("RCPT TO:<bob@example.org>");
      assertTrue(reply.startsWith("550"), reply);
      assertTrue(lastLine(reply).startsWith("550 5.7.23 "), reply);
      assertFalse(reply.contains("http"), reply);
    }
  }

  @Test
  void authorizedSender_challengedWithLink() throws Exception {
    try (SmtpClient c = SmtpClient.connect(server.port(), AUTHORIZED, "mail.good.example")) {
      c.command("MAIL FROM:<carol@good.example>");
      String reply = c.command("RCPT TO:<bob@example.org>");
      assertTrue(lastLine(reply).startsWith("550 5.7.1 https://cr.example.com/c/"), reply);
    }
  }

  @Test
  void whitelistedPair_forgedFromUnauthorizedIpRefused_acceptedFromAuthorizedIp() throws Exception {
    try (SmtpClient c = SmtpClient.connect(server.port(), UNAUTHORIZED, "mail.good.example")) {
      c.command("MAIL FROM:<alice@good.example>");
      String reply = c.command("RCPT TO:<bob@example.org>");
      assertTrue(lastLine(reply).startsWith("550 5.7.23 "), reply);
    }
    try (SmtpClient c = SmtpClient.connect(server.port(), AUTHORIZED, "mail.good.example")) {
      c.command("MAIL FROM:<alice@good.example>");
      assertTrue(c.command("RCPT TO:<bob@example.org>").startsWith("250 "));
      assertEquals(
          "250 2.6.0 Message accepted\r\n",
          c.data(lines(message("alice@good.example", "Hello Bob."))));
    }
  }

  @Test
  void jamesSpfResult_handedIn_failRejectsEvenWhereOurCheckWouldPass() throws Exception {
    try (SmtpClient c = SmtpClient.connect(server.port(), AUTHORIZED, "mail.good.example")) {
      c.command("MAIL FROM:<jamesfail@good.example>");
      String reply = c.command("RCPT TO:<bob@example.org>");
      assertTrue(lastLine(reply).startsWith("550 5.7.23 "), reply);
    }
    try (SmtpClient c = SmtpClient.connect(server.port(), AUTHORIZED, "mail.forged.example")) {
      c.command("MAIL FROM:<jamespass@forged.example>");
      String reply = c.command("RCPT TO:<bob@example.org>");
      assertTrue(lastLine(reply).startsWith("550 5.7.1 https://"), reply);
    }
  }

  @Test
  void softfailDomain_whitelistedPair_alignedDkim_relaxedAndSimple_accepted() throws Exception {
    DkimTestSigner relaxed = DkimTestSigner.of(SOFT_KEY, "soft.example", "sel");
    assertEquals("250 2.6.0 Message accepted\r\n", send(relaxed, false));
    assertEquals(
        "250 2.6.0 Message accepted\r\n",
        send(relaxed.canonicalization(DkimTestSigner.SIMPLE), false));
  }

  @Test
  void softfailDomain_whitelistedPair_tamperedBody_refusedWithoutLink() throws Exception {
    String reply = send(DkimTestSigner.of(SOFT_KEY, "soft.example", "sel"), true);
    assertTrue(reply.startsWith("550 5.7.26 "), reply);
    assertFalse(reply.contains("http"), reply);
  }

  @Test
  void softfailDomain_whitelistedPair_unalignedSignature_refused() throws Exception {
    String reply = send(DkimTestSigner.of(OTHER_KEY, "other.example", "sel"), false);
    assertTrue(reply.startsWith("550 5.7.26 "), reply);
  }

  @Test
  void withoutTheMessageHook_aHitThatDkimCouldProve_isAnsweredAtRcpt_neverLeftUndecided()
      throws Exception {
    try (JamesTestServer rcptOnly =
            JamesTestServer.start(
                """
            <handlerchain>
              <handler class="org.smtpcr.examples.james.SmtpcrRcptHook">
                <keyFile>%s</keyFile>
                <challengeBase>https://cr.example.com/</challengeBase>
                <dnsServer>127.0.0.1:%d</dnsServer>
                <store><url>%s</url></store>
              </handler>
              <handler class="org.smtpcr.examples.james.SmtpcrReplyHandler"/>
            </handlerchain>
            """
                    .formatted(keyFile, dns.port(), storeUrl));
        SmtpClient c = SmtpClient.connect(rcptOnly.port(), AUTHORIZED, "mail.soft.example")) {
      c.command("MAIL FROM:<alice@soft.example>");
      String reply = c.command("RCPT TO:<bob@example.org>");
      assertTrue(lastLine(reply).startsWith("550 5.7.26 "), reply);
    }
  }

  /** One message from alice@soft.example (SPF softfail here) to bob; the end-of-DATA reply. */
  private static String send(DkimTestSigner signer, boolean tamper) throws Exception {
    String wire = signer.sign(message("alice@soft.example", "Hello Bob."));
    if (tamper) {
      wire = wire.replace("Hello Bob.", "Hello Rob.");
    }
    try (SmtpClient c = SmtpClient.connect(server.port(), AUTHORIZED, "mail.soft.example")) {
      c.command("MAIL FROM:<alice@soft.example>");
      // not SPF pass: accepted provisionally, decided with the message
      String rcpt = c.command("RCPT TO:<bob@example.org>");
      assertTrue(rcpt.startsWith("250 "), rcpt);
      return c.data(lines(wire));
    }
  }

  private static String message(String from, String body) {
    return "From: "
        + from
        + "\r\nTo: bob@example.org\r\nSubject: hello\r\nDate: Sat, 05 Dec 2026 14:00:00 +0000\r\n"
        + "Message-ID: <1@smtpcr.test>\r\n\r\n"
        + body
        + "\r\n";
  }

  private static String[] lines(String message) {
    List<String> l = new ArrayList<>(Arrays.asList(message.split("\r\n", -1)));
    l.remove(l.size() - 1); // after the last CRLF
    return l.toArray(String[]::new);
  }

  private static String lastLine(String reply) {
    String r = reply.endsWith("\r\n") ? reply.substring(0, reply.length() - 2) : reply;
    return r.substring(r.lastIndexOf("\r\n") + 1).strip();
  }
}
