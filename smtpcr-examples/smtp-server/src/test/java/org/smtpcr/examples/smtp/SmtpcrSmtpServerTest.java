package org.smtpcr.examples.smtp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.rules.ExemptRecipientsRule;
import org.smtpcr.core.rules.NullSenderRule;
import org.smtpcr.core.rules.PassCodeRule;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.rules.TrustedClientsRule;
import org.smtpcr.core.rules.WhitelistStoreRule;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.core.store.testing.UnavailableWhitelistStore;
import org.smtpcr.examples.runtime.EnforcementMode;
import org.smtpcr.tokens.ChallengeClaims;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.PassCodes;

/** SMTP transcript tests against a running server on a free loopback port. */
final class SmtpcrSmtpServerTest {
  private static final URI BASE = URI.create("http://127.0.0.1:8080/");
  private static final AddressCanonicalizer CANON = AddressCanonicalizer.standard();

  @TempDir Path dir;

  private final KeyRing ring = KeyRing.generate();
  private final InMemoryWhitelistStore store = InMemoryWhitelistStore.builder().build();
  private SmtpcrSmtpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private DecisionEngine defaultEngine() {
    return DecisionEngine.builder()
        .keyRing(ring)
        .challengeBase(BASE)
        .rules(StandardRules.builder().whitelistStore(store).build())
        .build();
  }

  /**
   * The chain with pass codes in the Subject: would-be challenges are decided at the end of DATA.
   */
  private DecisionEngine subjectEngine() {
    return DecisionEngine.builder()
        .keyRing(ring)
        .challengeBase(BASE)
        .rule(ExemptRecipientsRule.standard())
        .rule(NullSenderRule.accept())
        .rule(WhitelistStoreRule.of(store))
        .rule(PassCodeRule.builder().passCodes(PassCodes.of(ring)).subject(true).build())
        .build();
  }

  private SmtpcrSmtpServer start(DecisionEngine engine) throws IOException {
    return start(SmtpcrSmtpServer.builder().engine(engine));
  }

  private SmtpcrSmtpServer start(SmtpcrSmtpServer.Builder b) throws IOException {
    server =
        b.maildir(dir.resolve("maildir"))
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .build()
            .start();
    return server;
  }

  private List<Path> delivered() throws IOException {
    try (Stream<Path> s = Files.list(server.maildir().resolve("new"))) {
      return s.toList();
    }
  }

  private List<Path> inTmp() throws IOException {
    try (Stream<Path> s = Files.list(server.maildir().resolve("tmp"))) {
      return s.toList();
    }
  }

  private static String message(String subject, String body) {
    return "From: alice@example.org\r\nTo: bob@example.com\r\nSubject: "
        + subject
        + "\r\n\r\n"
        + body
        + "\r\n";
  }

  @Test
  void rcpt_unknownSender_multiLineChallengeWithTheLinkAloneOnTheLastLine() throws IOException {
    start(defaultEngine());
    try (SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<alice@example.org>", 250);
      SmtpSession.Reply r = s.command("RCPT TO:<Bob@Example.COM>", 550);
      // one sentence a line: a bounce that joins the lines with their codes reads whole sentences
      assertEquals(
          List.of(
              "550-5.7.1 <bob@example.com> only accepts mail from senders who have confirmed they"
                  + " are a person.",
              "550-5.7.1 Confirm here, then send your message again:"),
          r.lines().subList(0, 2),
          r.raw());
      assertEquals(3, r.lines().size(), r.raw());
      String last = r.lines().get(r.lines().size() - 1);
      assertTrue(last.startsWith("550 5.7.1 " + BASE + "c/"), r.raw());
      String token = last.substring(("550 5.7.1 " + BASE + "c/").length());
      assertTrue(token.matches("[a-z2-7]+"), "the last line holds only the link");
      ChallengeClaims claims = ChallengeTokens.of(ring).verify(token);
      assertEquals("alice@example.org", claims.sender());
      assertEquals("bob@example.com", claims.recipient());
      s.command("QUIT", 221);
    }
    assertTrue(delivered().isEmpty());
  }

  @Test
  void data_whitelistedPair_deliveredByteForByteAfterDotUnstuffing() throws IOException {
    store.add(
        WhitelistKey.pair(
            CANON.canonicalize("<alice@example.org>"),
            CANON.forRecipients().canonicalize("<bob@example.com>")));
    start(defaultEngine());
    String body = ".a line that starts with a dot\r\n..two dots\r\nnon-ASCII: caf\u00e9\r\n.";
    byte[] sent = message("hello", body).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<alice@example.org>", 250);
      s.command("RCPT TO:<bob@example.com>", 250);
      s.command("DATA", 354);
      s.sendRaw(dotStuff(sent));
      s.send(".");
      SmtpSession.Reply ok = s.expect(250);
      assertTrue(ok.raw().startsWith("250 2.0.0 "), ok.raw());
      s.command("QUIT", 221);
    }
    List<Path> files = delivered();
    assertEquals(1, files.size());
    assertArrayEquals(sent, Files.readAllBytes(files.get(0)));
    assertTrue(inTmp().isEmpty());
  }

  @Test
  void data_overSizeLimit_552AndTheSessionStillWorks() throws IOException {
    store.add(WhitelistKey.globalSender(CANON.canonicalize("<alice@example.org>")));
    start(SmtpcrSmtpServer.builder().engine(defaultEngine()).maxMessageBytes(1000));
    try (SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<alice@example.org>", 250);
      s.command("RCPT TO:<bob@example.com>", 250);
      s.command("DATA", 354);
      s.sendRaw(message("big", "x".repeat(5000)).getBytes(US_ASCII));
      s.send(".");
      SmtpSession.Reply r = s.expect(552);
      assertTrue(r.raw().startsWith("552 5.3.4 "), r.raw());
      // the transaction was reset: a new MAIL is accepted and a small message goes through
      s.command("MAIL FROM:<alice@example.org>", 250);
      s.command("RCPT TO:<bob@example.com>", 250);
      s.command("DATA", 354);
      byte[] small = message("small", "fits").getBytes(US_ASCII);
      s.sendRaw(small);
      s.send(".");
      s.expect(250);
      s.command("QUIT", 221);
      assertEquals(1, delivered().size());
      assertArrayEquals(small, Files.readAllBytes(delivered().get(0)));
    }
    assertTrue(inTmp().isEmpty());
  }

  @Test
  void data_maildirNotWritable_451AndNothingDelivered() throws IOException {
    store.add(WhitelistKey.globalSender(CANON.canonicalize("<alice@example.org>")));
    start(defaultEngine());
    Path tmpDir = server.maildir().resolve("tmp");
    Files.delete(tmpDir);
    Files.writeString(
        tmpDir, "not a directory"); // root may write anywhere: break the layout instead
    try (SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<alice@example.org>", 250);
      s.command("RCPT TO:<bob@example.com>", 250);
      s.command("DATA", 354);
      s.sendRaw(message("s", "b").getBytes(US_ASCII));
      s.send(".");
      SmtpSession.Reply r = s.expect(451);
      assertTrue(r.raw().startsWith("451 4.3.0 "), r.raw());
      s.command("MAIL FROM:<alice@example.org>", 250); // the transaction was reset
    }
    assertTrue(delivered().isEmpty());
  }

  @Test
  void mail_declaredSizeOverLimit_552() throws IOException {
    start(SmtpcrSmtpServer.builder().engine(defaultEngine()).maxMessageBytes(1000));
    try (SmtpSession s = new SmtpSession(server.port())) {
      s.expect(220);
      SmtpSession.Reply ehlo = s.command("EHLO client.example", 250);
      assertTrue(ehlo.lines().contains("250-SIZE 1000"), ehlo.raw());
      s.command("MAIL FROM:<alice@example.org> SIZE=5000", 552);
      s.command("MAIL FROM:<alice@example.org> SIZE=500", 250);
    }
  }

  @Test
  void data_subjectPassCodeWithPendingRecipients_accepted() throws IOException {
    start(subjectEngine());
    String code = PassCodes.of(ring).compute("alice@example.org", "bob@example.com");
    byte[] msg = message("see you, code " + PassCodes.grouped(code), "hi").getBytes(US_ASCII);
    try (SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<alice@example.org>", 250);
      s.command("RCPT TO:<bob@example.com>", 250); // pending
      s.command("DATA", 354);
      s.sendRaw(msg);
      s.send(".");
      s.expect(250);
    }
    assertEquals(1, delivered().size());
    assertArrayEquals(msg, Files.readAllBytes(delivered().get(0)));
    assertEquals(0, store.count(), "a pass code needs no stored state and writes none");
  }

  @Test
  void data_pendingRecipients_oneWaitsPerTransaction_eachNeedsItsOwnCode() throws IOException {
    start(subjectEngine());
    PassCodes codes = PassCodes.of(ring);
    String bob = codes.compute("alice@example.org", "bob@example.com");
    String carol = codes.compute("alice@example.org", "carol@example.com");
    try (SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<alice@example.org>", 250);
      s.command("RCPT TO:<bob@example.com>", 250);
      // one recipient waits for the Subject per transaction: carol is retried in a new one
      SmtpSession.Reply later = s.command("RCPT TO:<carol@example.com>", 452);
      assertTrue(later.lastText().startsWith("4.5.3 "), later.raw());
      s.command("DATA", 354);
      s.sendRaw(message("codes " + bob + " and " + carol, "hi").getBytes(US_ASCII));
      s.send(".");
      s.expect(250);

      s.command("MAIL FROM:<alice@example.org>", 250);
      s.command("RCPT TO:<carol@example.com>", 250);
      s.command("DATA", 354);
      s.sendRaw(message("only " + bob, "hi").getBytes(US_ASCII));
      s.send(".");
      SmtpSession.Reply r = s.expect(550);
      String token = r.lastText().substring(r.lastText().lastIndexOf('/') + 1);
      assertEquals("carol@example.com", ChallengeTokens.of(ring).verify(token).recipient());

      s.command("MAIL FROM:<alice@example.org>", 250);
      s.command("RCPT TO:<carol@example.com>", 250);
      s.command("DATA", 354);
      s.sendRaw(message("code " + carol, "hi").getBytes(US_ASCII));
      s.send(".");
      s.expect(250);
    }
    assertEquals(2, delivered().size());
  }

  @Test
  void data_pendingRecipientWithoutCode_challengedAtEndOfDataThenNextMailWorks()
      throws IOException {
    start(subjectEngine());
    try (SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<alice@example.org>", 250);
      s.command("RCPT TO:<bob@example.com>", 250);
      s.command("DATA", 354);
      s.sendRaw(message("no code here", "hi").getBytes(US_ASCII));
      s.send(".");
      SmtpSession.Reply r = s.expect(550);
      assertTrue(r.lastText().startsWith("5.7.1 " + BASE + "c/"), r.raw());
      // SubEthaSMTP keeps the transaction after a DATA reject unless the handler resets it
      s.command("MAIL FROM:<carol@example.org>", 250);
      s.command("RCPT TO:<postmaster@example.com>", 250);
      s.command("QUIT", 221);
    }
    assertTrue(delivered().isEmpty());
    assertTrue(inTmp().isEmpty());
  }

  @Test
  void observe_wouldBeChallengedAtRcptAndAtEndOfData_delivered() throws IOException {
    start(SmtpcrSmtpServer.builder().engine(subjectEngine()).mode(EnforcementMode.OBSERVE));
    try (SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<alice@example.org>", 250);
      s.command("RCPT TO:<bob@example.com>", 250); // pending: would be challenged at the end
      s.command("RCPT TO:<postmaster@example.com>", 250); // would be 452 4.5.3 when enforcing
      s.command("DATA", 354);
      s.sendRaw(message("no code here", "hi").getBytes(US_ASCII));
      s.send(".");
      s.expect(250);
    }
    assertEquals(1, delivered().size());
  }

  @Test
  void observe_storeDown_acceptedNeverDeferred() throws IOException {
    WhitelistStore down = new UnavailableWhitelistStore("down");
    start(
        SmtpcrSmtpServer.builder()
            .engine(
                DecisionEngine.builder()
                    .keyRing(ring)
                    .challengeBase(BASE)
                    .rules(StandardRules.builder().whitelistStore(down).build())
                    .build())
            .mode(EnforcementMode.OBSERVE));
    try (SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<alice@example.org>", 250);
      s.command("RCPT TO:<bob@example.com>", 250);
      s.command("DATA", 354);
      s.sendRaw(message("store down", "hi").getBytes(US_ASCII));
      s.send(".");
      s.expect(250);
    }
    assertEquals(1, delivered().size());
  }

  @Test
  void observe_foreignDomain_stillRelayDenied() throws IOException {
    start(
        SmtpcrSmtpServer.builder()
            .engine(defaultEngine())
            .localDomains(List.of("example.com"))
            .mode(EnforcementMode.OBSERVE));
    try (SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<alice@example.org>", 250);
      s.command("RCPT TO:<bob@elsewhere.example>", 550);
    }
  }

  @Test
  void rcpt_pendingAfterAcceptedOutright_452_4_5_3() throws IOException {
    start(subjectEngine());
    try (SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<alice@example.org>", 250);
      s.command("RCPT TO:<postmaster@example.com>", 250); // accepted outright
      SmtpSession.Reply r = s.command("RCPT TO:<bob@example.com>", 452);
      assertTrue(r.lastText().startsWith("4.5.3 "), r.raw());
      s.command("RSET", 250);
      s.command("MAIL FROM:<alice@example.org>", 250);
      s.command("RCPT TO:<bob@example.com>", 250); // pending
      SmtpSession.Reply r2 = s.command("RCPT TO:<postmaster@example.com>", 452);
      assertTrue(r2.lastText().startsWith("4.5.3 "), r2.raw());
    }
  }

  @Test
  void rcpt_foreignDomain_relayDenied() throws IOException {
    start(SmtpcrSmtpServer.builder().engine(defaultEngine()).localDomains(List.of("Example.COM.")));
    assertEquals(java.util.Set.of("example.com"), server.localDomains());
    try (SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<alice@example.org>", 250);
      SmtpSession.Reply r = s.command("RCPT TO:<postmaster@elsewhere.example>", 550);
      assertEquals(
          "550 5.7.1 " + EngineMessageHandler.RELAY_DENIED.lines().get(0), r.lines().get(0));
      s.command("RCPT TO:<postmaster@example.com>", 250);
    }
  }

  @Test
  void rcpt_storeDown_451_4_3_0() throws IOException {
    WhitelistStore down = new UnavailableWhitelistStore("down");
    start(
        DecisionEngine.builder()
            .keyRing(ring)
            .challengeBase(BASE)
            .rules(StandardRules.builder().whitelistStore(down).build())
            .build());
    try (SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<alice@example.org>", 250);
      SmtpSession.Reply r = s.command("RCPT TO:<bob@example.com>", 451);
      assertTrue(r.lastText().startsWith("4.3.0"), r.raw());
      // rules before the store still answer
      s.command("RCPT TO:<postmaster@example.com>", 250);
    }
  }

  @Test
  void rcpt_nullSenderAndPostmaster_accepted() throws IOException {
    start(defaultEngine());
    try (SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<>", 250);
      s.command("RCPT TO:<bob@example.com>", 250);
      s.command("RSET", 250);
      s.command("MAIL FROM:<alice@example.org>", 250);
      s.command("RCPT TO:<postmaster@example.com>", 250);
    }
  }

  @Test
  void nullSender_reportToOneRecipientDelivered_secondRecipient452_plainBody550()
      throws IOException {
    start(defaultEngine());
    try (SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<>", 250);
      s.command("RCPT TO:<bob@example.com>", 250);
      SmtpSession.Reply second = s.command("RCPT TO:<carol@example.com>", 452);
      assertTrue(second.lastText().startsWith("4.5.3 "), second.raw());
      s.command("DATA", 354);
      s.send(
          String.join(
              "\r\n",
              "Subject: Undelivered Mail Returned to Sender",
              "MIME-Version: 1.0",
              "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"",
              "",
              "--b1",
              "Content-Type: message/delivery-status",
              "",
              "Reporting-MTA: dns; mx.sender.example",
              "",
              "Final-Recipient: rfc822; nobody@sender.example",
              "Action: failed",
              "Status: 5.1.1",
              "--b1--",
              "."));
      s.expect(250);
      assertEquals(1, delivered().size());

      s.command("MAIL FROM:<>", 250);
      s.command("RCPT TO:<bob@example.com>", 250);
      s.command("DATA", 354);
      s.send("Subject: Undelivered Mail Returned to Sender\r\n\r\nbuy now\r\n.");
      SmtpSession.Reply refused = s.expect(550);
      assertTrue(refused.lastText().startsWith("5.7.1 "), refused.raw());
      assertEquals(1, delivered().size(), "nothing more delivered");
    }
  }

  @Test
  void rcpt_trustedNetwork_accepted() throws IOException {
    start(
        DecisionEngine.builder()
            .keyRing(ring)
            .challengeBase(BASE)
            .rule(TrustedClientsRule.builder().network("127.0.0.0/8").build())
            .build());
    try (SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<alice@example.org>", 250);
      s.command("RCPT TO:<bob@example.com>", 250);
    }
  }

  @Test
  void rcpt_unreadableRecipient_451NeverAPermanentReply() throws IOException {
    start(defaultEngine());
    try (SmtpSession s = new SmtpSession(server.port()).hello()) {
      s.command("MAIL FROM:<alice@example.org>", 250);
      SmtpSession.Reply r = s.command("RCPT TO:<bob@@example.com>", 451);
      assertTrue(r.lastText().startsWith("4.1.3"), r.raw());
    }
  }

  @Test
  void greeting_namesTheConfiguredHostAndSmtpcr() throws IOException {
    start(SmtpcrSmtpServer.builder().engine(defaultEngine()).hostName("mx.example.com"));
    try (SmtpSession s = new SmtpSession(server.port())) {
      assertEquals("220 mx.example.com ESMTP SMTPCR", s.expect(220).lines().get(0));
    }
  }

  @Test
  void start_portTaken_throwsBindException() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      SmtpcrSmtpServer s =
          SmtpcrSmtpServer.builder()
              .engine(defaultEngine())
              .maildir(dir.resolve("m"))
              .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort()))
              .build();
      assertThrows(java.net.BindException.class, s::start);
      s.close();
    }
  }

  @Test
  void builder_optionSetTwice_throws() {
    SmtpcrSmtpServer.Builder b = SmtpcrSmtpServer.builder().maxMessageBytes(10);
    assertThrows(IllegalStateException.class, () -> b.maxMessageBytes(20));
    assertThrows(
        IllegalArgumentException.class, () -> SmtpcrSmtpServer.builder().hostName("bad\r\nname"));
    assertThrows(
        IllegalStateException.class, () -> SmtpcrSmtpServer.builder().maildir(dir).build());
  }

  /** RFC 5321 §4.5.2: a line starting with a dot gets one more. */
  private static byte[] dotStuff(byte[] msg) {
    String s = new String(msg, java.nio.charset.StandardCharsets.ISO_8859_1);
    StringBuilder sb = new StringBuilder();
    for (String line : s.split("\r\n", -1)) {
      if (sb.length() > 0) {
        sb.append("\r\n");
      }
      sb.append(line.startsWith(".") ? "." + line : line);
    }
    return sb.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
