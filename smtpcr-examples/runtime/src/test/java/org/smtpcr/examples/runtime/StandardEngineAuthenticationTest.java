package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.net.InetAddresses;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smtpcr.auth.testing.Dnsmasq;
import org.smtpcr.auth.testing.SilentDnsServer;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.reply.SmtpReply;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.tokens.KeyRing;

/**
 * The standard engine built from settings authenticates senders against a real DNS server (a
 * dnsmasq, authoritative for the test zones): {@code good.example} lets 127.0.0.1 send and nobody
 * else, {@code forged.example} lets only 192.0.2.1 send.
 */
final class StandardEngineAuthenticationTest {
  private static final KeyRing RING = KeyRing.generate();
  private static Dnsmasq dns;

  @BeforeAll
  static void startDns() {
    dns =
        Dnsmasq.builder("good.example")
            .zone("forged.example")
            .txt("good.example", "v=spf1 ip4:127.0.0.1 -all")
            .txt("forged.example", "v=spf1 ip4:192.0.2.1 -all")
            .start();
  }

  @AfterAll
  static void stopDns() {
    if (dns != null) {
      dns.close();
    }
  }

  @Test
  void forgedSender_rejected5723WithoutLink() {
    Decision d =
        engine(settings().build(), store()).decide(rcpt("127.0.0.1", "forged.example")).decision();
    SmtpReply reply = assertInstanceOf(Decision.Reject.class, d).reply();
    assertEquals(550, reply.code(), reply::toString);
    assertEquals("5.7.23", reply.enhancedStatus(), reply::toString);
    assertEquals(Optional.empty(), reply.link(), reply::toString);
  }

  @Test
  void authorizedSender_challengedWithLink() {
    Decision d =
        engine(settings().build(), store()).decide(rcpt("127.0.0.1", "good.example")).decision();
    Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, d);
    assertTrue(c.link().toString().startsWith("https://cr.example.com/"), c::toString);
  }

  @Test
  void whitelistedPair_countsOnlyFromAnAuthorizedAddress() {
    InMemoryWhitelistStore store = store();
    store.add(
        WhitelistKey.pair(
            CanonicalAddress.parseCanonical("alice@good.example"),
            CanonicalAddress.parseCanonical("bob@cr.example")));
    DecisionEngine engine = engine(settings().build(), store);
    Decision forged = engine.decide(rcpt("127.0.0.2", "good.example")).decision();
    SmtpReply reply = assertInstanceOf(Decision.Reject.class, forged).reply();
    assertEquals("5.7.23", reply.enhancedStatus(), reply::toString);
    assertInstanceOf(
        Decision.Accept.class, engine.decide(rcpt("127.0.0.1", "good.example")).decision());
  }

  @Test
  void dnsTimesOut_deferred451WithoutLink() {
    try (SilentDnsServer silent = SilentDnsServer.start()) {
      Settings s =
          Settings.builder()
              .set(Settings.CHALLENGE_BASE, URI.create("https://cr.example.com/"))
              .set(Settings.DNS_SERVER, silent.address())
              .set(Settings.DNS_TIMEOUT, Duration.ofMillis(200))
              .set(Settings.AUTH_DEADLINE, Duration.ofMillis(500))
              .build();
      Decision d = engine(s, store()).decide(rcpt("127.0.0.1", "good.example")).decision();
      SmtpReply reply = assertInstanceOf(Decision.Defer.class, d).reply();
      assertEquals(451, reply.code(), reply::toString);
      assertEquals("4.4.3", reply.enhancedStatus(), reply::toString);
      assertEquals(Optional.empty(), reply.link(), reply::toString);
    }
  }

  @Test
  void spfAndDkimOff_noAuthenticator_forgedSenderChallenged() {
    Settings s = settings().set(Settings.SPF, false).set(Settings.DKIM, false).build();
    assertEquals(Optional.empty(), StandardEngine.authenticator(s));
    assertInstanceOf(
        Decision.Challenge.class,
        engine(s, store()).decide(rcpt("127.0.0.1", "forged.example")).decision());
  }

  @Test
  void spfOffDkimOn_aWhitelistHitWaitsForDkim_itDoesNotCountAsUnchecked() {
    InMemoryWhitelistStore store = store();
    store.add(
        WhitelistKey.pair(
            CanonicalAddress.parseCanonical("alice@good.example"),
            CanonicalAddress.parseCanonical("bob@cr.example")));
    DecisionEngine engine = engine(settings().set(Settings.SPF, false).build(), store);
    Decision atRcptOnly = engine.decide(rcpt("127.0.0.2", "good.example")).decision();
    SmtpReply reply = assertInstanceOf(Decision.Reject.class, atRcptOnly).reply();
    assertEquals("5.7.26", reply.enhancedStatus(), reply::toString);
  }

  @Test
  void rejectSpfFailOff_forgedSenderNotRejected5723() {
    Decision d =
        engine(settings().set(Settings.REJECT_SPF_FAIL, false).build(), store())
            .decide(rcpt("127.0.0.1", "forged.example"))
            .decision();
    assertTrue(
        d.negativeReply().map(r -> !r.enhancedStatus().equals("5.7.23")).orElse(true), d::toString);
  }

  private static Settings.Builder settings() {
    return Settings.builder()
        .set(Settings.CHALLENGE_BASE, URI.create("https://cr.example.com/"))
        .set(Settings.DNS_SERVER, dns.address());
  }

  private static InMemoryWhitelistStore store() {
    return InMemoryWhitelistStore.builder().build();
  }

  private static DecisionEngine engine(Settings s, InMemoryWhitelistStore store) {
    return StandardEngine.build(s, RING, store);
  }

  private static Transaction rcpt(String client, String senderDomain) {
    return Transaction.builder()
        .stage(Stage.RCPT)
        .clientAddress(InetAddresses.forString(client))
        .helo("mail." + senderDomain)
        .reversePath("<alice@" + senderDomain + ">")
        .forwardPath("<bob@cr.example>")
        .build();
  }
}
