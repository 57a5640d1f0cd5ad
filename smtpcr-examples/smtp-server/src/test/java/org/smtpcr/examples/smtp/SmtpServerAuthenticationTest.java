package org.smtpcr.examples.smtp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.net.InetAddresses;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.auth.testing.DkimKeys;
import org.smtpcr.auth.testing.DkimTestSigner;
import org.smtpcr.auth.testing.Dnsmasq;
import org.smtpcr.auth.testing.SilentDnsServer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.runtime.StandardEngine;
import org.smtpcr.tokens.KeyRing;

/**
 * The SMTP server with the standard engine and a real DNS server (dnsmasq, authoritative for the
 * test zones): SPF at RCPT, DKIM at the end of DATA on the message as received. The server listens
 * on 127.0.0.1; clients connect from 127.0.0.1 (which {@code good.example} authorizes) or 127.0.0.2
 * (which it does not).
 */
final class SmtpServerAuthenticationTest {
  private static final InetAddress AUTHORIZED = InetAddresses.forString("127.0.0.1");
  private static final InetAddress UNAUTHORIZED = InetAddresses.forString("127.0.0.2");
  private static final DkimKeys SOFT_KEY = DkimKeys.generate();
  private static final DkimKeys OTHER_KEY = DkimKeys.generate();

  private static Dnsmasq dns;

  @TempDir Path dir;

  private final KeyRing ring = KeyRing.generate();
  private final InMemoryWhitelistStore store = InMemoryWhitelistStore.builder().build();
  private SmtpcrSmtpServer server;

  @BeforeAll
  static void startDns() {
    dns =
        Dnsmasq.builder("good.example")
            .zone("forged.example")
            .zone("soft.example")
            .zone("neutral.example")
            .zone("other.example")
            .txt("good.example", "v=spf1 ip4:127.0.0.1 -all")
            .txt("forged.example", "v=spf1 ip4:192.0.2.1 -all")
            .txt("soft.example", "v=spf1 ip4:192.0.2.1 ~all")
            .txt("neutral.example", "v=spf1 ?all")
            .txt("sel._domainkey.soft.example", SOFT_KEY.txtRecord())
            .txt("sel._domainkey.neutral.example", SOFT_KEY.txtRecord())
            .txt("sel._domainkey.other.example", OTHER_KEY.txtRecord())
            .start();
  }

  @AfterAll
  static void stopDns() {
    if (dns != null) {
      dns.close();
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void forgedSender_rcpt5723WithoutLink() throws IOException {
    start(settings());
    try (SmtpSession s = new SmtpSession(server.port(), AUTHORIZED).hello()) {
      s.command("MAIL FROM:<alice@forged.example>", 250);
      SmtpSession.Reply r = s.command("RCPT TO:<bob@cr.example>", 550);
      for (String line : r.lines()) {
        assertTrue(line.startsWith("550-5.7.23 ") || line.startsWith("550 5.7.23 "), r.raw());
      }
      assertFalse(r.raw().contains("http"), r.raw());
    }
  }

  @Test
  void authorizedSender_challengedWithLink() throws IOException {
    start(settings());
    try (SmtpSession s = new SmtpSession(server.port(), AUTHORIZED).hello()) {
      s.command("MAIL FROM:<alice@good.example>", 250);
      SmtpSession.Reply r = s.command("RCPT TO:<bob@cr.example>", 550);
      assertTrue(r.lastText().startsWith("5.7.1 https://cr.example.com/"), r.raw());
    }
  }

  @Test
  void whitelistedPair_forgedFromUnauthorizedIpRefused_acceptedFromAuthorizedIp()
      throws IOException {
    whitelist("alice@good.example");
    start(settings());
    try (SmtpSession s = new SmtpSession(server.port(), UNAUTHORIZED).hello()) {
      s.command("MAIL FROM:<alice@good.example>", 250);
      SmtpSession.Reply r = s.command("RCPT TO:<bob@cr.example>", 550);
      assertTrue(r.lastText().startsWith("5.7.23 "), r.raw());
      assertFalse(r.raw().contains("http"), r.raw());
    }
    try (SmtpSession s = new SmtpSession(server.port(), AUTHORIZED).hello()) {
      s.command("MAIL FROM:<alice@good.example>", 250);
      s.command("RCPT TO:<bob@cr.example>", 250);
      s.command("DATA", 354);
      s.sendRaw(message("alice@good.example", "Hello Bob.").getBytes(US_ASCII));
      s.command(".", 250);
    }
    assertEquals(1, delivered().size());
  }

  @Test
  void dnsTimesOut_rcpt451WithoutLink() throws IOException {
    try (SilentDnsServer silent = SilentDnsServer.start()) {
      start(
          Settings.builder()
              .set(Settings.CHALLENGE_BASE, URI.create("https://cr.example.com/"))
              .set(Settings.DNS_SERVER, silent.address())
              .set(Settings.DNS_TIMEOUT, Duration.ofMillis(200))
              .set(Settings.AUTH_DEADLINE, Duration.ofMillis(500)));
      try (SmtpSession s = new SmtpSession(server.port(), AUTHORIZED).hello()) {
        s.command("MAIL FROM:<alice@good.example>", 250);
        SmtpSession.Reply r = s.command("RCPT TO:<bob@cr.example>", 451);
        assertTrue(r.lastText().startsWith("4.4.3 "), r.raw());
        assertFalse(r.raw().contains("http"), r.raw());
      }
    }
  }

  @Test
  void softfailDomain_whitelistedPair_alignedRelaxedDkimPass_delivered() throws IOException {
    whitelist("alice@soft.example");
    start(settings());
    assertEquals(250, send("alice@soft.example", signer("soft.example", SOFT_KEY), false).code());
    assertEquals(1, delivered().size());
  }

  @Test
  void softfailDomain_whitelistedPair_alignedSimpleDkimPass_delivered() throws IOException {
    whitelist("alice@soft.example");
    start(settings());
    DkimTestSigner simple =
        signer("soft.example", SOFT_KEY).canonicalization(DkimTestSigner.SIMPLE);
    assertEquals(250, send("alice@soft.example", simple, false).code());
    assertEquals(1, delivered().size());
  }

  @Test
  void neutralDomain_whitelistedPair_alignedDkimPass_delivered() throws IOException {
    whitelist("alice@neutral.example");
    start(settings());
    assertEquals(
        250, send("alice@neutral.example", signer("neutral.example", SOFT_KEY), false).code());
    assertEquals(1, delivered().size());
  }

  @Test
  void softfailDomain_whitelistedPair_bodyTamperedAfterSigning_refused() throws IOException {
    whitelist("alice@soft.example");
    start(settings());
    SmtpSession.Reply r = send("alice@soft.example", signer("soft.example", SOFT_KEY), true);
    assertEquals(550, r.code(), r.raw());
    assertTrue(r.lastText().startsWith("5.7.26 "), r.raw());
    assertFalse(r.raw().contains("http"), r.raw());
    assertEquals(List.of(), delivered());
  }

  @Test
  void softfailDomain_whitelistedPair_unalignedSignature_refused() throws IOException {
    whitelist("alice@soft.example");
    start(settings());
    SmtpSession.Reply r = send("alice@soft.example", signer("other.example", OTHER_KEY), false);
    assertEquals(550, r.code(), r.raw());
    assertTrue(r.lastText().startsWith("5.7.26 "), r.raw());
    assertFalse(r.raw().contains("http"), r.raw());
    assertEquals(List.of(), delivered());
  }

  @Test
  void softfailDomain_whitelistedPair_unsigned_refused() throws IOException {
    whitelist("alice@soft.example");
    start(settings());
    SmtpSession.Reply r = send("alice@soft.example", null, false);
    assertEquals(550, r.code(), r.raw());
    assertTrue(r.lastText().startsWith("5.7.26 "), r.raw());
    assertEquals(List.of(), delivered());
  }

  /** One transaction from 127.0.0.1; the reply to the end of DATA. */
  private SmtpSession.Reply send(String from, DkimTestSigner signer, boolean tamper)
      throws IOException {
    String text = message(from, "Hello Bob.");
    String wire = signer == null ? text : signer.sign(text);
    if (tamper) {
      wire = wire.replace("Hello Bob.", "Hello Rob.");
    }
    try (SmtpSession s = new SmtpSession(server.port(), AUTHORIZED).hello()) {
      s.command("MAIL FROM:<" + from + ">", 250);
      s.command("RCPT TO:<bob@cr.example>", 250); // not SPF pass: decided at the end of DATA
      s.command("DATA", 354);
      s.sendRaw(wire.getBytes(US_ASCII));
      s.send(".");
      return s.read();
    }
  }

  private static DkimTestSigner signer(String domain, DkimKeys keys) {
    return DkimTestSigner.of(keys, domain, "sel");
  }

  private static String message(String from, String body) {
    return "From: "
        + from
        + "\r\nTo: bob@cr.example\r\nSubject: hello\r\nDate: Sat, 05 Dec 2026 14:00:00 +0000\r\n"
        + "Message-ID: <1@smtpcr.test>\r\n\r\n"
        + body
        + "\r\n";
  }

  private void whitelist(String sender) {
    store.add(
        WhitelistKey.pair(
            CanonicalAddress.parseCanonical(sender),
            CanonicalAddress.parseCanonical("bob@cr.example")));
  }

  private Settings.Builder settings() {
    return Settings.builder()
        .set(Settings.CHALLENGE_BASE, URI.create("https://cr.example.com/"))
        .set(Settings.DNS_SERVER, dns.address());
  }

  private void start(Settings.Builder settings) throws IOException {
    server =
        SmtpcrSmtpServer.builder()
            .engine(StandardEngine.build(settings.build(), ring, store))
            .maildir(dir.resolve("maildir"))
            .bind(new InetSocketAddress(AUTHORIZED, 0))
            .build()
            .start();
  }

  private List<Path> delivered() throws IOException {
    try (Stream<Path> s = Files.list(server.maildir().resolve("new"))) {
      return s.toList();
    }
  }
}
