package org.smtpcr.examples.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.common.net.InetAddresses;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.auth.testing.Dnsmasq;
import org.smtpcr.auth.testing.SilentDnsServer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.reply.PostfixReplies;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.runtime.StandardEngine;
import org.smtpcr.tokens.KeyRing;

/**
 * SPF through a real Postfix: a private Postfix instance asks the policy server, whose standard
 * engine checks SPF from {@code client_address}, {@code sender} and {@code helo_name} against a
 * real DNS server (dnsmasq, authoritative for the test zones). {@code good.example} lets 127.0.0.1
 * send and nobody else; {@code forged.example} lets only 192.0.2.1 send. Postfix listens on
 * 127.0.0.1; clients connect from 127.0.0.1 or 127.0.0.2. Needs Postfix, root and dnsmasq; without
 * them the tests fail when {@code smtpcr.it.required=true} and are skipped (visibly) otherwise.
 */
final class PostfixAuthenticationTest {
  private static final InetAddress AUTHORIZED = InetAddresses.forString("127.0.0.1");
  private static final InetAddress UNAUTHORIZED = InetAddresses.forString("127.0.0.2");

  @TempDir static Path tmp;

  private static Optional<String> unavailable = Optional.empty();
  private static final KeyRing KEYS = KeyRing.generate();
  private static InMemoryWhitelistStore store;
  private static Dnsmasq dns;
  private static PolicyServer policy;
  private static PostfixInstance postfix;

  @BeforeAll
  static void startAll() throws Exception {
    unavailable = PostfixInstance.unavailable();
    if (unavailable.isPresent()) {
      return;
    }
    dns =
        Dnsmasq.builder("good.example")
            .zone("forged.example")
            .zone("sender.example")
            .txt("good.example", "v=spf1 ip4:127.0.0.1 -all")
            .txt("forged.example", "v=spf1 ip4:192.0.2.1 -all")
            .start();
    store = InMemoryWhitelistStore.builder().build();
    store.add(
        WhitelistKey.pair(
            CanonicalAddress.parseCanonical("alice@good.example"),
            CanonicalAddress.parseCanonical("bob@cr.test")));
    policy = policyServer(engine(settings().set(Settings.DNS_SERVER, dns.address())), 0);
    postfix =
        PostfixInstance.start(tmp.resolve("postfix"), PostfixInstance.freePort(), policy.port());
  }

  @AfterAll
  static void stopAll() throws Exception {
    try {
      if (postfix != null) {
        postfix.close();
        assertFalse(postfix.isRunning(), "the Postfix instance is still running");
      }
    } finally {
      if (policy != null) {
        policy.close();
      }
      if (dns != null) {
        dns.close();
      }
    }
  }

  private static Settings.Builder settings() {
    return Settings.builder().set(Settings.CHALLENGE_BASE, URI.create("http://127.0.0.1:8080/"));
  }

  private static DecisionEngine engine(Settings.Builder settings) {
    return StandardEngine.builder(settings.build(), KEYS, store)
        .replyFormatter(PostfixReplies.formatter())
        .build();
  }

  private static PolicyServer policyServer(DecisionEngine engine, int port) throws IOException {
    return PolicyServer.builder()
        .engine(engine)
        .store(store)
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
        .build()
        .start();
  }

  private static void requirePostfix() {
    if (unavailable.isPresent()) {
      if (Boolean.getBoolean("smtpcr.it.required")) {
        fail(unavailable.get());
      }
      Assumptions.abort("skipped: " + unavailable.get());
    }
  }

  @Test
  void forgedSender_fromUnauthorizedIp_550_5_7_23WithoutLink() throws IOException {
    requirePostfix();
    try (SmtpClient smtp = new SmtpClient(postfix.smtpPort(), AUTHORIZED)) {
      SmtpClient.Reply r = smtp.rcpt("alice@forged.example", "bob@cr.test");
      assertEquals(550, r.code(), r + "\n" + postfix.maillog());
      for (String line : r.lines()) {
        assertTrue(line.substring(4).startsWith("5.7.23 "), r.toString());
      }
      assertFalse(r.toString().contains("http"), "no link for a forged sender: " + r);
    }
  }

  @Test
  void authorizedSender_challengedWithLink() throws IOException {
    requirePostfix();
    try (SmtpClient smtp = new SmtpClient(postfix.smtpPort(), AUTHORIZED)) {
      SmtpClient.Reply r = smtp.rcpt("carol@good.example", "bob@cr.test");
      assertEquals(550, r.code(), r + "\n" + postfix.maillog());
      assertTrue(r.lines().get(0).startsWith("550-5.7.1 "), r.toString());
      assertTrue(r.toString().contains("http://127.0.0.1:8080/c/"), r.toString());
    }
  }

  @Test
  void whitelistedPair_forgedFromUnauthorizedIpRefused_acceptedFromAuthorizedIp()
      throws IOException {
    requirePostfix();
    try (SmtpClient smtp = new SmtpClient(postfix.smtpPort(), UNAUTHORIZED)) {
      SmtpClient.Reply r = smtp.rcpt("alice@good.example", "bob@cr.test");
      assertEquals(550, r.code(), r + "\n" + postfix.maillog());
      assertTrue(r.lines().get(0).substring(4).startsWith("5.7.23 "), r.toString());
      assertFalse(r.toString().contains("http"), r.toString());
    }
    try (SmtpClient smtp = new SmtpClient(postfix.smtpPort(), AUTHORIZED)) {
      SmtpClient.Reply r = smtp.rcpt("alice@good.example", "bob@cr.test");
      assertEquals(250, r.code(), r + "\n" + postfix.maillog());
    }
  }

  @Test
  void dnsTimesOut_postfixAnswers451_4_4_3() throws Exception {
    requirePostfix();
    int port = policy.port();
    DecisionEngine normal = engineOf(dns.address());
    try (SilentDnsServer silent = SilentDnsServer.start()) {
      policy.close();
      policy =
          policyServer(
              engine(
                  settings()
                      .set(Settings.DNS_SERVER, silent.address())
                      .set(Settings.DNS_TIMEOUT, Duration.ofMillis(200))
                      .set(Settings.AUTH_DEADLINE, Duration.ofMillis(500))),
              port);
      try (SmtpClient smtp = new SmtpClient(postfix.smtpPort(), AUTHORIZED)) {
        SmtpClient.Reply r = smtp.rcpt("alice@good.example", "bob@cr.test");
        assertEquals(451, r.code(), r + "\n" + postfix.maillog());
        assertTrue(r.lines().get(0).startsWith("451 4.4.3 "), r.toString());
        assertFalse(r.toString().contains("http"), r.toString());
      }
    } finally {
      policy.close();
      policy = policyServer(normal, port);
    }
  }

  private static DecisionEngine engineOf(InetSocketAddress dnsServer) {
    return engine(settings().set(Settings.DNS_SERVER, dnsServer));
  }
}
