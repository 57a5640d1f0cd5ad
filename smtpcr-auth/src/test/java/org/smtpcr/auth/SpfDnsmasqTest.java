package org.smtpcr.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smtpcr.auth.testing.Dnsmasq;
import org.smtpcr.auth.testing.SilentDnsServer;
import org.smtpcr.core.auth.AuthenticationResults;
import org.smtpcr.core.auth.DmarcPolicy;
import org.smtpcr.core.auth.SpfResult;

/** SPF and the sender's DMARC policy against a real authoritative DNS server (dnsmasq). */
final class SpfDnsmasqTest {
  static final InetAddress GOOD = ip("192.0.2.1");
  static final InetAddress MAIL = ip("192.0.2.25");
  static final InetAddress BAD = ip("198.51.100.7");

  private static Dnsmasq dns;
  private static SmtpcrAuthenticator auth;

  @BeforeAll
  static void start() {
    if (!Dnsmasq.isInstalled()) {
      return; // each test then fails or skips in requireInstalled()
    }
    Dnsmasq.Builder b =
        Dnsmasq.builder("example.com")
            .zone("example.net")
            .zone("example.org")
            .txt("pass.example.com", "v=spf1 ip4:192.0.2.0/24 -all")
            .txt("v6.example.com", "v=spf1 ip6:2001:db8::/32 ip4:192.0.2.0/24 -all")
            .txt("soft.example.com", "v=spf1 ip4:192.0.2.0/24 ~all")
            .txt("neutral.example.com", "v=spf1 ?all")
            .txt("bad.example.com", "v=spf1 ip4:192.0.2.0/24 frobnicate:x -all")
            .txt("two.example.com", "v=spf1 -all")
            .txt("two.example.com", "v=spf1 +all")
            .txt("other-txt.example.com", "google-site-verification=abc")
            .txt("inc.example.com", "v=spf1 include:pass.example.com -all")
            .txt("redir.example.com", "v=spf1 redirect=pass.example.com")
            .txt("amx.example.com", "v=spf1 a:mail.example.com mx -all")
            .mx("amx.example.com", "mx1.example.com", 10)
            .host("mx1.example.com", "192.0.2.40")
            .host("mail.example.com", "192.0.2.25")
            .txt("mail.example.com", "v=spf1 a -all")
            .txt("voids2.example.com", "v=spf1 a:nx1.example.com a:nx2.example.com -all")
            .txt(
                "voids3.example.com",
                "v=spf1 a:nx1.example.com a:nx2.example.com a:nx3.example.com -all")
            .host("tenA.example.com", "203.0.113.1")
            .txt("tenA.example.com", "v=spf1 " + "a ".repeat(10) + "ip4:192.0.2.0/24 -all")
            .host("elevenA.example.com", "203.0.113.1")
            .txt("elevenA.example.com", "v=spf1 " + "a ".repeat(11) + "ip4:192.0.2.0/24 -all")
            .txt("loop.example.com", "v=spf1 include:loop2.example.com -all")
            .txt("loop2.example.com", "v=spf1 include:loop.example.com -all")
            .txt("incnone.example.com", "v=spf1 include:nospf.example.com -all")
            .cname("cn1.example.com", "cn2.example.com")
            .cname("cn2.example.com", "pass.example.com")
            // DMARC
            .txt(
                "_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.com")
            .txt("_dmarc.own.example.com", "v=DMARC1; p=none")
            .txt("own.example.com", "v=spf1 ip4:192.0.2.0/24 -all")
            .txt("_dmarc.example.net", "v=DMARC1; p=quarantine")
            .txt("nodmarc.example.org", "v=spf1 -all");
    // an include chain of 11: the 11th DNS-querying term is one too many
    for (int i = 0; i < 11; i++) {
      b.txt("chain" + i + ".example.com", "v=spf1 include:chain" + (i + 1) + ".example.com -all");
    }
    b.txt("chain11.example.com", "v=spf1 ip4:192.0.2.0/24 -all");
    for (int i = 0; i < 9; i++) {
      b.txt("short" + i + ".example.com", "v=spf1 include:short" + (i + 1) + ".example.com -all");
    }
    b.txt("short9.example.com", "v=spf1 ip4:192.0.2.0/24 -all");
    // hostile sizes: an SPF record over the 4096-character bound, and a big unrelated TXT record
    b.txt("huge.example.com", "v=spf1 " + "ip4:203.0.113.1 ".repeat(300) + "-all");
    b.txt("bigtxt.example.com", "v=spf1 ip4:192.0.2.0/24 -all");
    b.txt("bigtxt.example.com", "verification=" + "x".repeat(5000));
    // a CNAME chain longer than the 8 links followed
    for (int i = 0; i < 10; i++) {
      b.cname("long" + i + ".example.com", "long" + (i + 1) + ".example.com");
    }
    b.txt("long10.example.com", "v=spf1 ip4:192.0.2.0/24 -all");
    dns = b.start();
    auth = SmtpcrAuthenticator.builder().dnsServer(dns.address()).build();
  }

  @AfterAll
  static void stop() {
    if (dns != null) {
      dns.close();
    }
  }

  @BeforeEach
  void requireDnsmasq() {
    Dnsmasq.requireInstalled();
  }

  private static SpfResult mailFrom(InetAddress client, String sender) {
    return auth.checkSender(client, "client.example.org", sender).spfMailFrom().orElseThrow();
  }

  @Test
  void checkSender_authorizedClient_passes() {
    assertEquals(SpfResult.PASS, mailFrom(GOOD, "alice@pass.example.com"));
  }

  @Test
  void checkSender_unauthorizedClientOfMinusAll_fails() {
    assertEquals(SpfResult.FAIL, mailFrom(BAD, "alice@pass.example.com"));
  }

  @Test
  void checkSender_ipv6Client_matchesIp6() {
    assertEquals(SpfResult.PASS, mailFrom(ip("2001:db8::25"), "alice@v6.example.com"));
    assertEquals(SpfResult.FAIL, mailFrom(ip("2001:db9::25"), "alice@v6.example.com"));
    assertEquals(SpfResult.PASS, mailFrom(ip("::ffff:192.0.2.1"), "alice@v6.example.com"));
  }

  @Test
  void checkSender_tildeAll_softfails() {
    assertEquals(SpfResult.SOFTFAIL, mailFrom(BAD, "alice@soft.example.com"));
  }

  @Test
  void checkSender_questionAll_neutral() {
    assertEquals(SpfResult.NEUTRAL, mailFrom(BAD, "alice@neutral.example.com"));
  }

  @Test
  void checkSender_noRecord_none() {
    assertEquals(SpfResult.NONE, mailFrom(BAD, "alice@nospf.example.com"));
    assertEquals(SpfResult.NONE, mailFrom(BAD, "alice@other-txt.example.com"));
  }

  @Test
  void checkSender_unknownMechanism_permerror() {
    assertEquals(SpfResult.PERMERROR, mailFrom(GOOD, "alice@bad.example.com"));
  }

  @Test
  void checkSender_twoRecords_permerror() {
    assertEquals(SpfResult.PERMERROR, mailFrom(GOOD, "alice@two.example.com"));
  }

  @Test
  void checkSender_include_followsIt() {
    assertEquals(SpfResult.PASS, mailFrom(GOOD, "alice@inc.example.com"));
    assertEquals(SpfResult.FAIL, mailFrom(BAD, "alice@inc.example.com"));
  }

  @Test
  void checkSender_includeOfDomainWithoutSpf_permerror() {
    assertEquals(SpfResult.PERMERROR, mailFrom(GOOD, "alice@incnone.example.com"));
  }

  @Test
  void checkSender_redirect_followsIt() {
    assertEquals(SpfResult.PASS, mailFrom(GOOD, "alice@redir.example.com"));
    assertEquals(SpfResult.FAIL, mailFrom(BAD, "alice@redir.example.com"));
  }

  @Test
  void checkSender_aAndMx_resolveAddresses() {
    assertEquals(SpfResult.PASS, mailFrom(MAIL, "alice@amx.example.com"));
    assertEquals(SpfResult.PASS, mailFrom(ip("192.0.2.40"), "alice@amx.example.com"));
    assertEquals(SpfResult.FAIL, mailFrom(BAD, "alice@amx.example.com"));
  }

  @Test
  void checkSender_tenLookups_allowed_eleven_permerror() {
    assertEquals(SpfResult.PASS, mailFrom(GOOD, "alice@tenA.example.com"));
    assertEquals(SpfResult.PERMERROR, mailFrom(GOOD, "alice@elevenA.example.com"));
    assertEquals(SpfResult.PASS, mailFrom(GOOD, "alice@short0.example.com"));
    assertEquals(SpfResult.PERMERROR, mailFrom(GOOD, "alice@chain0.example.com"));
  }

  @Test
  void checkSender_twoVoidLookups_allowed_three_permerror() {
    assertEquals(SpfResult.FAIL, mailFrom(BAD, "alice@voids2.example.com"));
    assertEquals(SpfResult.PERMERROR, mailFrom(BAD, "alice@voids3.example.com"));
  }

  @Test
  void checkSender_includeLoop_permerror() {
    assertEquals(SpfResult.PERMERROR, mailFrom(GOOD, "alice@loop.example.com"));
  }

  @Test
  void checkSender_cnameChain_followed() {
    assertEquals(SpfResult.PASS, mailFrom(GOOD, "alice@cn1.example.com"));
  }

  @Test
  void checkSender_hugeSpfRecord_permerror_hugeOtherTxt_ignored() {
    assertEquals(SpfResult.PERMERROR, mailFrom(GOOD, "alice@huge.example.com"));
    assertEquals(SpfResult.PASS, mailFrom(GOOD, "alice@bigtxt.example.com"));
  }

  @Test
  void checkSender_cnameChainBeyondTheBound_temperror() {
    assertEquals(SpfResult.PASS, mailFrom(GOOD, "alice@long3.example.com"));
    assertEquals(SpfResult.TEMPERROR, mailFrom(GOOD, "alice@long0.example.com"));
    // the bound is the same on every dnsjava: 8 links or more are not followed
    assertEquals(SpfResult.TEMPERROR, mailFrom(GOOD, "alice@long2.example.com"));
    assertEquals(SpfResult.TEMPERROR, mailFrom(GOOD, "alice@long1.example.com"));
  }

  @Test
  void checkSender_helo_checkedOnItsOwn() {
    AuthenticationResults r = auth.checkSender(MAIL, "mail.example.com", "alice@soft.example.com");
    assertEquals(SpfResult.PASS, r.spfHelo().orElseThrow());
    assertEquals(SpfResult.PASS, r.spfMailFrom().orElseThrow());
    r = auth.checkSender(BAD, "mail.example.com", "alice@pass.example.com");
    assertEquals(SpfResult.FAIL, r.spfHelo().orElseThrow());
    r = auth.checkSender(BAD, "[198.51.100.7]", "alice@pass.example.com");
    assertEquals(SpfResult.NONE, r.spfHelo().orElseThrow());
  }

  @Test
  void checkSender_nullSender_isPostmasterAtHelo() {
    AuthenticationResults r = auth.checkSender(MAIL, "mail.example.com", "");
    assertEquals(SpfResult.PASS, r.spfMailFrom().orElseThrow());
    r = auth.checkSender(BAD, "mail.example.com", "");
    assertEquals(SpfResult.FAIL, r.spfMailFrom().orElseThrow());
    assertEquals(SpfResult.NONE, auth.checkSender(BAD, "", "").spfMailFrom().orElseThrow());
  }

  @Test
  void checkSender_dmarcPolicy_ofDomainAndOrganizationalDomain() {
    assertEquals(DmarcPolicy.REJECT, policy("a@example.com"));
    assertEquals(DmarcPolicy.QUARANTINE, policy("a@pass.example.com")); // sp= of example.com
    assertEquals(DmarcPolicy.NONE, policy("a@own.example.com")); // its own record
    assertEquals(DmarcPolicy.QUARANTINE, policy("a@sub.example.net")); // p= when no sp=
    assertEquals(DmarcPolicy.ABSENT, policy("a@nodmarc.example.org"));
  }

  private static DmarcPolicy policy(String sender) {
    return auth.checkSender(BAD, "client.example.org", sender).senderPolicy().orElseThrow();
  }

  @Test
  void checkSender_silentServer_temperror() {
    try (SilentDnsServer silent = SilentDnsServer.start()) {
      SmtpcrAuthenticator a =
          SmtpcrAuthenticator.builder()
              .dnsServer(silent.address())
              .queryTimeout(Duration.ofMillis(200))
              .deadline(Duration.ofSeconds(1))
              .build();
      AuthenticationResults r = a.checkSender(GOOD, "mail.example.com", "alice@pass.example.com");
      assertEquals(SpfResult.TEMPERROR, r.spfMailFrom().orElseThrow());
      assertEquals(SpfResult.TEMPERROR, r.spfHelo().orElseThrow());
      assertEquals(DmarcPolicy.TEMPERROR, r.senderPolicy().orElseThrow());
    }
  }

  @Test
  void checkSender_pastDeadline_temperror() {
    // every reading of the clock moves it on by one second; the deadline is 5 s
    AtomicLong now = new AtomicLong();
    SmtpcrAuthenticator a =
        SmtpcrAuthenticator.builder()
            .dnsServer(dns.address())
            .deadline(Duration.ofSeconds(5))
            .cache(false)
            .ticker(() -> now.addAndGet(1_000_000_000L))
            .build();
    assertEquals(
        SpfResult.TEMPERROR,
        a.checkSender(GOOD, "", "alice@short0.example.com").spfMailFrom().orElseThrow());
  }

  @Test
  void checkSender_concurrentChecks_keepTheirOwnLimits() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<SpfResult>> results = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String domain = i % 2 == 0 ? "pass.example.com" : "voids3.example.com";
        results.add(pool.submit(() -> mailFrom(BAD, "alice@" + domain)));
      }
      for (int i = 0; i < results.size(); i++) {
        assertEquals(i % 2 == 0 ? SpfResult.FAIL : SpfResult.PERMERROR, results.get(i).get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
