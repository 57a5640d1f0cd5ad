package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.net.InetAddresses;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.rules.NullSenderPolicy;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.examples.runtime.EnforcementMode;
import org.smtpcr.examples.runtime.LogAddresses;
import org.smtpcr.examples.runtime.Setting;
import org.smtpcr.examples.runtime.SettingSource;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.runtime.StandardEngine;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;

/**
 * A setting given once means the same on every route: command-line options, the properties file
 * under the option names, the properties file under the setting keys, and the runtime's {@link
 * Settings#read} (which James's XML goes through, see the james module's OneSettingEverywhereTest)
 * give the same settings and engines that behave the same.
 */
final class OneSettingEverywhereTest {
  private static final String BASE = "https://cr.example.com/";
  private static final KeyRing RING = KeyRing.generate();

  @TempDir Path dir;

  @Test
  void trustedNetworkAndSevenDays_meanTheSameOnEveryRoute() throws Exception {
    Settings options =
        smtpServerSettings(
            List.of("--trusted-network", "192.0.2.0/24", "--challenge-lifetime", "7d"));
    Settings byOptionName =
        smtpServerSettings(config("trusted-network=192.0.2.0/24\nchallenge-lifetime=7d\n"));
    Settings byKey =
        smtpServerSettings(config("trustedNetworks=192.0.2.0/24\nchallengeLifetime=7d\n"));
    Properties p = new Properties();
    p.load(
        new StringReader(
            "challengeBase=" + BASE + "\ntrustedNetworks=192.0.2.0/24\nchallengeLifetime=7d\n"));
    Settings runtime = Settings.read(SettingSource.of(p));

    for (Settings s : List.of(options, byOptionName, byKey, runtime)) {
      assertEquals(List.of("192.0.2.0/24"), s.get(Settings.TRUSTED_NETWORKS), s::toString);
      assertEquals(Duration.ofDays(7), s.get(Settings.CHALLENGE_LIFETIME), s::toString);
      behavesAsConfigured(StandardEngine.build(s, RING, InMemoryWhitelistStore.builder().build()));
    }
  }

  @Test
  void logAddresses_meansTheSameOnEveryRoute() throws Exception {
    Properties p = new Properties();
    p.load(new StringReader("logAddresses=hash\n"));
    for (Settings s :
        List.of(
            smtpServerSettings(List.of("--log-addresses", "hash")),
            smtpServerSettings(config("log-addresses=hash\n")),
            smtpServerSettings(config("logAddresses=hash\n")),
            Settings.read(SettingSource.of(p)))) {
      assertEquals(LogAddresses.HASH, s.get(Settings.LOG_ADDRESSES), s::toString);
    }
  }

  @Test
  void isoAndShortDurations_areOneValue() throws Exception {
    assertEquals(
        smtpServerSettings(List.of("--challenge-lifetime", "P7D")).get(Settings.CHALLENGE_LIFETIME),
        smtpServerSettings(List.of("--challenge-lifetime", "1w")).get(Settings.CHALLENGE_LIFETIME));
  }

  @Test
  void authenticationSettings_meanTheSameOnEveryRoute() throws Exception {
    Settings options =
        smtpServerSettings(
            List.of(
                "--dns-server",
                "127.0.0.1:5353",
                "--spf",
                "off",
                "--dns-timeout",
                "1s",
                "--trusted-forwarder",
                "198.51.100.0/24",
                "--authentication-optional-domain",
                "lists.example.org",
                "--trusted-authserv-id",
                "mx.cr.example",
                "--reject-spf-fail",
                "on"));
    Settings byOptionName =
        smtpServerSettings(
            config(
                """
                dns-server=127.0.0.1:5353
                spf=off
                dns-timeout=1s
                trusted-forwarder=198.51.100.0/24
                authentication-optional-domain=lists.example.org
                trusted-authserv-id=mx.cr.example
                reject-spf-fail=on
                """));
    String keys =
        """
        dnsServer=127.0.0.1:5353
        spf=off
        dnsTimeout=1s
        trustedForwarders=198.51.100.0/24
        authenticationOptionalDomains=lists.example.org
        trustedAuthservIds=mx.cr.example
        rejectSpfFail=on
        """;
    Settings byKey = smtpServerSettings(config(keys));
    Properties p = new Properties();
    p.load(new StringReader(keys));
    Settings runtime = Settings.read(SettingSource.of(p));
    for (Settings s : List.of(options, byOptionName, byKey, runtime)) {
      assertEquals(
          new InetSocketAddress(InetAddresses.forString("127.0.0.1"), 5353),
          s.get(Settings.DNS_SERVER),
          s::toString);
      assertEquals(false, s.get(Settings.SPF), s::toString);
      assertEquals(Duration.ofSeconds(1), s.get(Settings.DNS_TIMEOUT), s::toString);
      assertEquals(List.of("198.51.100.0/24"), s.get(Settings.TRUSTED_FORWARDERS), s::toString);
      assertEquals(
          List.of("lists.example.org"),
          s.get(Settings.AUTHENTICATION_OPTIONAL_DOMAINS),
          s::toString);
      assertEquals(List.of("mx.cr.example"), s.get(Settings.TRUSTED_AUTHSERV_IDS), s::toString);
      assertEquals(true, s.get(Settings.REJECT_SPF_FAIL), s::toString);
    }
  }

  @Test
  void nullSenderAndLocalDomains_meanTheSameOnEveryRoute() throws Exception {
    Settings options =
        smtpServerSettings(
            List.of(
                "--null-sender",
                "reject",
                "--null-sender-needs-outbound",
                "off",
                "--local-domain",
                "cr.example"));
    Settings byOptionName =
        smtpServerSettings(
            config(
                """
                null-sender=reject
                null-sender-needs-outbound=off
                local-domain=cr.example
                """));
    String keys =
        """
        nullSender=reject
        nullSenderNeedsOutbound=off
        localDomains=cr.example
        """;
    Settings byKey = smtpServerSettings(config(keys));
    Properties p = new Properties();
    p.load(new StringReader("challengeBase=" + BASE + "\n" + keys));
    Settings runtime = Settings.read(SettingSource.of(p));
    for (Settings s : List.of(options, byOptionName, byKey, runtime)) {
      assertEquals(NullSenderPolicy.REJECT, s.get(Settings.NULL_SENDER), s::toString);
      assertEquals(false, s.get(Settings.NULL_SENDER_NEEDS_OUTBOUND), s::toString);
      assertEquals(List.of("cr.example"), s.get(Settings.LOCAL_DOMAINS), s::toString);
      DecisionEngine e = StandardEngine.build(s, RING, InMemoryWhitelistStore.builder().build());
      Transaction bounce =
          Transaction.builder()
              .stage(Stage.RCPT)
              .clientAddress(InetAddress.getByName("198.51.100.7"))
              .reversePath("<>")
              .forwardPath("<bob@cr.example>")
              .build();
      assertInstanceOf(Decision.Reject.class, e.decide(bounce).decision(), s::toString);
      assertInstanceOf(
          Decision.Reject.class,
          e.decide(
                  Transaction.builder()
                      .stage(Stage.RCPT)
                      .clientAddress(InetAddress.getByName("198.51.100.7"))
                      .reversePath("<alice@sender.example>")
                      .forwardPath("<bob@elsewhere.example>")
                      .build())
              .decision(),
          "no link outside the local domains");
    }
    assertEquals(NullSenderPolicy.BOUNCES, Settings.builder().build().get(Settings.NULL_SENDER));
    CommandRun.Result bad =
        CommandRun.run(
            "smtp-server", "--data", dir.resolve("d").toString(), "--null-sender", "maybe");
    assertEquals(2, bad.exitCode(), bad::toString);
    assertTrue(bad.err().contains("--null-sender"), bad::toString);
  }

  @Test
  void authenticationOptions_onEveryServerCommand_withHelp() {
    for (String command : List.of("smtp-server", "policy-server", "demo")) {
      CommandRun.Result r = CommandRun.run(command, "--help");
      assertEquals(0, r.exitCode(), r::toString);
      for (Setting<?> s :
          List.of(
              Settings.SPF,
              Settings.DKIM,
              Settings.DNS_SERVER,
              Settings.DNS_TIMEOUT,
              Settings.AUTH_DEADLINE,
              Settings.TRUSTED_AUTHSERV_IDS,
              Settings.TRUSTED_FORWARDERS,
              Settings.AUTHENTICATION_OPTIONAL_DOMAINS,
              Settings.ADMIT_UNAUTHENTICATED,
              Settings.REJECT_SPF_FAIL,
              Settings.HONOUR_UNVERIFIED_CONFIRMATIONS,
              Settings.NULL_SENDER,
              Settings.NULL_SENDER_NEEDS_OUTBOUND,
              Settings.LOCAL_DOMAINS)) {
        assertTrue(r.out().contains(s.options().get(0)), command + " lacks " + s + ": " + r);
      }
    }
  }

  @Test
  void connectionAndPasswordLimits_meanTheSameOnEveryRoute() throws Exception {
    Settings options =
        smtpServerSettings(
            List.of(
                "--smtp-max-connections",
                "50",
                "--smtp-max-connections-per-client",
                "3",
                "--recipient-password-attempts",
                "5"));
    Settings byOptionName =
        smtpServerSettings(
            config(
                """
                smtp-max-connections=50
                smtp-max-connections-per-client=3
                recipient-password-attempts=5
                """));
    String keys =
        """
        smtpMaxConnections=50
        smtpMaxConnectionsPerClient=3
        recipientPasswordAttempts=5
        """;
    Settings byKey = smtpServerSettings(config(keys));
    Properties p = new Properties();
    p.load(new StringReader(keys));
    Settings runtime = Settings.read(SettingSource.of(p));
    for (Settings s : List.of(options, byOptionName, byKey, runtime)) {
      assertEquals(50, s.get(Settings.SMTP_MAX_CONNECTIONS), s::toString);
      assertEquals(3, s.get(Settings.SMTP_MAX_CONNECTIONS_PER_CLIENT), s::toString);
      assertEquals(5, s.get(Settings.RECIPIENT_PASSWORD_ATTEMPTS), s::toString);
    }
    Settings defaults = smtpServerSettings(List.of("--challenge-lifetime", "7d"));
    assertEquals(100, defaults.get(Settings.SMTP_MAX_CONNECTIONS));
    assertEquals(10, defaults.get(Settings.SMTP_MAX_CONNECTIONS_PER_CLIENT));
    assertEquals(10, defaults.get(Settings.RECIPIENT_PASSWORD_ATTEMPTS));
  }

  @Test
  void badLimits_areUsageErrorsNamingTheOption() {
    for (String option :
        List.of(
            "--smtp-max-connections",
            "--smtp-max-connections-per-client",
            "--recipient-password-attempts")) {
      CommandRun.Result r =
          CommandRun.run("smtp-server", "--data", dir.resolve("d").toString(), option, "0");
      assertEquals(2, r.exitCode(), r::toString);
      assertTrue(r.err().contains(option), r::toString);
    }
  }

  @Test
  void badDnsServer_isAUsageErrorNamingTheOption() {
    for (String command : List.of("smtp-server", "policy-server", "demo")) {
      CommandRun.Result r =
          CommandRun.run(
              command, "--data", dir.resolve("d").toString(), "--dns-server", "dns.example:53");
      assertEquals(2, r.exitCode(), r::toString);
      assertTrue(r.err().contains("--dns-server"), r::toString);
    }
  }

  @Test
  void pageBranding_meansTheSameOnEveryRoute() throws Exception {
    Settings options =
        webSettings(
            List.of(
                "--page-organization",
                "Example Mail",
                "--page-contact",
                "postmaster@example.org",
                "--page-privacy-url",
                "https://example.org/privacy",
                "--page-texts",
                "/etc/smtpcr/page"));
    Settings byOptionName =
        webSettings(
            config(
                """
                page-organization=Example Mail
                page-contact=postmaster@example.org
                page-privacy-url=https://example.org/privacy
                page-texts=/etc/smtpcr/page
                """));
    String keys =
        """
        pageOrganization=Example Mail
        pageContact=postmaster@example.org
        pagePrivacyUrl=https://example.org/privacy
        pageTexts=/etc/smtpcr/page
        """;
    Properties p = new Properties();
    p.load(new StringReader(keys));
    for (Settings s :
        List.of(
            options, byOptionName, webSettings(config(keys)), Settings.read(SettingSource.of(p)))) {
      assertEquals("Example Mail", s.get(Settings.PAGE_ORGANIZATION), s::toString);
      assertEquals("postmaster@example.org", s.get(Settings.PAGE_CONTACT), s::toString);
      assertEquals(
          java.net.URI.create("https://example.org/privacy"),
          s.get(Settings.PAGE_PRIVACY_URL),
          s::toString);
      assertEquals(Path.of("/etc/smtpcr/page"), s.get(Settings.PAGE_TEXTS), s::toString);
    }
  }

  @Test
  void webSettings_meanTheSameOnEveryRoute() throws Exception {
    Settings options =
        webSettings(
            List.of(
                "--trusted-proxy",
                "10.0.0.0/8",
                "--web-header-timeout",
                "5s",
                "--web-body-timeout",
                "15s",
                "--web-connections-per-client",
                "4",
                "--web-max-connections",
                "100",
                "--web-threads",
                "2",
                "--web-queue",
                "3",
                "--web-requests-per-minute-per-network",
                "30",
                "--web-posts-per-token",
                "5"));
    Settings byOptionName =
        webSettings(
            config(
                """
                trusted-proxy=10.0.0.0/8
                web-header-timeout=5s
                web-body-timeout=15s
                web-connections-per-client=4
                web-max-connections=100
                web-threads=2
                web-queue=3
                web-requests-per-minute-per-network=30
                web-posts-per-token=5
                """));
    String keys =
        """
        webTrustedProxies=10.0.0.0/8
        webHeaderTimeout=5s
        webBodyTimeout=15s
        webConnectionsPerClient=4
        webMaxConnections=100
        webThreads=2
        webQueue=3
        webRequestsPerMinutePerNetwork=30
        webPostsPerTokenPerHour=5
        """;
    Settings byKey = webSettings(config(keys));
    Properties p = new Properties();
    p.load(new StringReader(keys));
    Settings runtime = Settings.read(SettingSource.of(p));
    for (Settings s : List.of(options, byOptionName, byKey, runtime)) {
      assertEquals(List.of("10.0.0.0/8"), s.get(Settings.WEB_TRUSTED_PROXIES), s::toString);
      assertEquals(Duration.ofSeconds(5), s.get(Settings.WEB_HEADER_TIMEOUT), s::toString);
      assertEquals(Duration.ofSeconds(15), s.get(Settings.WEB_BODY_TIMEOUT), s::toString);
      assertEquals(4, s.get(Settings.WEB_CONNECTIONS_PER_CLIENT), s::toString);
      assertEquals(100, s.get(Settings.WEB_MAX_CONNECTIONS), s::toString);
      assertEquals(2, s.get(Settings.WEB_THREADS), s::toString);
      assertEquals(3, s.get(Settings.WEB_QUEUE), s::toString);
      assertEquals(30, s.get(Settings.WEB_REQUESTS_PER_MINUTE_PER_NETWORK), s::toString);
      assertEquals(5, s.get(Settings.WEB_POSTS_PER_TOKEN_PER_HOUR), s::toString);
    }
  }

  @Test
  void pageChecks_meanTheSameOnEveryRoute() throws Exception {
    String keys = "pageChecks=wait\npageWait=3s\n";
    Properties p = new Properties();
    p.load(new StringReader(keys));
    for (Settings s :
        List.of(
            webSettings(List.of("--page-checks", "wait", "--page-wait", "3s")),
            webSettings(config("page-checks=wait\npage-wait=3s\n")),
            webSettings(config(keys)),
            Settings.read(SettingSource.of(p)))) {
      assertEquals(List.of("wait"), s.get(Settings.PAGE_CHECKS), s::toString);
      assertEquals(Duration.ofSeconds(3), s.get(Settings.PAGE_WAIT), s::toString);
    }
    assertEquals(List.of("pow", "wait"), Settings.defaults().get(Settings.PAGE_CHECKS));
    assertEquals(Duration.ofSeconds(5), Settings.defaults().get(Settings.PAGE_WAIT));
  }

  @Test
  void webOptions_onEveryCommandThatStartsThePage_withHelp() {
    for (String command : List.of("web", "policy-server", "demo")) {
      CommandRun.Result r = CommandRun.run(command, "--help");
      assertEquals(0, r.exitCode(), r::toString);
      for (Setting<?> s :
          List.of(
              Settings.WEB_HEADER_TIMEOUT,
              Settings.WEB_BODY_TIMEOUT,
              Settings.WEB_CONNECTIONS_PER_CLIENT,
              Settings.WEB_MAX_CONNECTIONS,
              Settings.WEB_THREADS,
              Settings.WEB_QUEUE,
              Settings.WEB_TRUSTED_PROXIES,
              Settings.WEB_REQUESTS_PER_MINUTE_PER_NETWORK,
              Settings.WEB_POSTS_PER_TOKEN_PER_HOUR,
              Settings.WEB_FORWARDED_HEADER,
              Settings.CONFIRMATIONS_PER_RECIPIENT_PER_DAY,
              Settings.CONFIRMATIONS_PER_SENDER_DOMAIN_PER_DAY,
              Settings.CONFIRMATIONS_PER_NETWORK_PER_HOUR,
              Settings.PAGE_CHECKS,
              Settings.PAGE_WAIT)) {
        assertTrue(r.out().contains(s.options().get(0)), command + " lacks " + s + ": " + r);
      }
    }
  }

  @Test
  void captchaSettings_meanTheSameOnEveryRoute() throws Exception {
    Path secret = dir.resolve("captcha.secret");
    Settings options =
        webSettings(
            List.of(
                "--challenge-base",
                BASE,
                "--captcha-site-key",
                "1x00000000000000000000AA",
                "--captcha-secret-file",
                secret.toString(),
                "--captcha-hostname",
                "cr.example.com,cr2.example.com",
                "--captcha-timeout",
                "2s",
                "--captcha-siteverify-url",
                "http://127.0.0.1:8999/siteverify"));
    String byOptions =
        """
        challenge-base=%s
        captcha-site-key=1x00000000000000000000AA
        captcha-secret-file=%s
        captcha-hostname=cr.example.com,cr2.example.com
        captcha-timeout=2s
        captcha-siteverify-url=http://127.0.0.1:8999/siteverify
        """
            .formatted(BASE, secret);
    Settings byOptionName = webSettings(config(byOptions));
    String keys =
        """
        challengeBase=%s
        captchaSiteKey=1x00000000000000000000AA
        captchaSecretFile=%s
        captchaHostnames=cr.example.com,cr2.example.com
        captchaTimeout=2s
        captchaSiteverifyUrl=http://127.0.0.1:8999/siteverify
        """
            .formatted(BASE, secret);
    Settings byKey = webSettings(config(keys));
    Properties p = new Properties();
    p.load(new StringReader(keys));
    Settings runtime = Settings.read(SettingSource.of(p));
    for (Settings s : List.of(options, byOptionName, byKey, runtime)) {
      assertEquals(URI.create(BASE), s.get(Settings.CHALLENGE_BASE), s::toString);
      assertEquals("1x00000000000000000000AA", s.get(Settings.CAPTCHA_SITE_KEY), s::toString);
      assertEquals(secret, s.get(Settings.CAPTCHA_SECRET_FILE), s::toString);
      assertEquals(
          List.of("cr.example.com", "cr2.example.com"),
          s.get(Settings.CAPTCHA_HOSTNAMES),
          s::toString);
      assertEquals(Duration.ofSeconds(2), s.get(Settings.CAPTCHA_TIMEOUT), s::toString);
      assertEquals(
          URI.create("http://127.0.0.1:8999/siteverify"),
          s.get(Settings.CAPTCHA_SITEVERIFY_URL),
          s::toString);
      assertFalse(s.toString().contains("8999"), "the siteverify URL is redacted: " + s);
    }
    Settings defaults = webSettings(List.of("--web-threads", "2"));
    assertEquals(Duration.ofSeconds(3), defaults.get(Settings.CAPTCHA_TIMEOUT));
    assertEquals(List.of(), defaults.get(Settings.CAPTCHA_HOSTNAMES));
    for (String command : List.of("web", "policy-server", "demo")) {
      CommandRun.Result r = CommandRun.run(command, "--help");
      for (Setting<?> s :
          List.of(
              Settings.CAPTCHA_SITE_KEY,
              Settings.CAPTCHA_SECRET_FILE,
              Settings.CAPTCHA_HOSTNAMES,
              Settings.CAPTCHA_TIMEOUT,
              Settings.CAPTCHA_SITEVERIFY_URL)) {
        assertTrue(r.out().contains(s.options().get(0)), command + " lacks " + s + ": " + r);
      }
    }
    CommandRun.Result bad =
        CommandRun.run("web", "--data", dir.resolve("d").toString(), "--captcha-timeout", "2h");
    assertEquals(2, bad.exitCode(), bad::toString);
    assertTrue(bad.err().contains("--captcha-timeout"), bad::toString);
  }

  @Test
  @Timeout(120)
  void captchaCheckWithoutItsSettings_stopsTheServerNamingTheMissingOne() throws Exception {
    Path data = dir.resolve("d");
    CommandRun.keygen(data);
    CommandRun.Result r =
        CommandRun.run(
            () -> new TestLifecycle().begin(),
            "web",
            "--data",
            data.toString(),
            "--listen",
            "127.0.0.1:0",
            "--challenge-base",
            BASE,
            "--page-checks",
            "turnstile,wait");
    assertTrue(r.exitCode() != 0, r::toString);
    assertTrue(r.err().contains("the turnstile check needs captcha-site-key"), r::toString);
    assertEquals(1, r.err().lines().count(), r::toString);
  }

  @Test
  void badTrustedProxy_isAUsageErrorNamingTheOption() {
    for (String command : List.of("web", "policy-server", "demo")) {
      CommandRun.Result r =
          CommandRun.run(
              command, "--data", dir.resolve("d").toString(), "--trusted-proxy", "proxy.example");
      assertEquals(2, r.exitCode(), r::toString);
      assertTrue(r.err().contains("--trusted-proxy"), r::toString);
    }
  }

  /** A client in 192.0.2.0/24 is accepted; another is challenged with a link valid for 7 days. */
  static void behavesAsConfigured(DecisionEngine engine) throws Exception {
    assertInstanceOf(Decision.Accept.class, engine.decide(rcpt("192.0.2.77")).decision());
    Decision d = engine.decide(rcpt("198.51.100.7")).decision();
    Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, d);
    String path = c.link().getPath();
    String token = path.substring(path.lastIndexOf('/') + 1);
    assertEquals(Duration.ofDays(7), ChallengeTokens.of(RING).verify(token).lifetime());
  }

  @Test
  void challengeCode450_meansTheSameOnEveryRoute() throws Exception {
    Settings options = smtpServerSettings(List.of("--challenge-code", "450"));
    Settings byOptionName = smtpServerSettings(config("challenge-code=450 4.7.1\n"));
    Settings byKey = smtpServerSettings(config("challengeCode=450\n"));
    Properties p = new Properties();
    p.load(new StringReader("challengeBase=" + BASE + "\nchallengeCode=450\n"));
    Settings runtime = Settings.read(SettingSource.of(p));

    for (Settings s : List.of(options, byOptionName, byKey, runtime)) {
      assertEquals(450, s.get(Settings.CHALLENGE_CODE), s::toString);
      DecisionEngine engine =
          StandardEngine.build(s, RING, InMemoryWhitelistStore.builder().build());
      Decision.Challenge c =
          assertInstanceOf(
              Decision.Challenge.class, engine.decide(rcpt("198.51.100.7")).decision());
      assertEquals(450, c.reply().code(), s::toString);
      assertEquals("4.7.1", c.reply().enhancedStatus(), s::toString);
    }
    assertEquals(550, smtpServerSettings(List.of("--spf", "off")).get(Settings.CHALLENGE_CODE));
  }

  @Test
  void modeObserve_meansTheSameOnEveryRoute() throws Exception {
    Settings options = smtpServerSettings(List.of("--mode", "observe"));
    Settings byOptionName = smtpServerSettings(config("mode=Observe\n"));
    Properties p = new Properties();
    p.load(new StringReader("mode=observe\n"));
    Settings runtime = Settings.read(SettingSource.of(p));

    for (Settings s : List.of(options, byOptionName, runtime)) {
      assertEquals(EnforcementMode.OBSERVE, s.get(Settings.MODE), s::toString);
    }
    assertEquals(
        EnforcementMode.ENFORCE, smtpServerSettings(List.of("--spf", "off")).get(Settings.MODE));
  }

  @Test
  void passCodeSettings_meanTheSameOnEveryRoute() throws Exception {
    Path passwords = dir.resolve("recipient-passwords");
    Files.writeString(passwords, "bob@cr.example xyzzy-plugh\n");
    Settings options =
        smtpServerSettings(
            List.of(
                "--subaddress-pass-codes",
                "off",
                "--recipient-passwords-file",
                passwords.toString()));
    Settings byOptionName =
        smtpServerSettings(
            config("subaddress-pass-codes=off\nrecipient-passwords-file=" + passwords + "\n"));
    String keys = "subaddressPassCodes=off\nrecipientPasswordsFile=" + passwords + "\n";
    Settings byKey = smtpServerSettings(config(keys));
    Properties p = new Properties();
    p.load(new StringReader("challengeBase=" + BASE + "\nspf=off\ndkim=off\n" + keys));
    Settings runtime = Settings.read(SettingSource.of(p));
    for (Settings s : List.of(options, byOptionName, byKey, runtime)) {
      assertEquals(false, s.get(Settings.SUBADDRESS_PASS_CODES), s::toString);
      assertEquals(passwords, s.get(Settings.RECIPIENT_PASSWORDS_FILE), s::toString);
      DecisionEngine e =
          StandardEngine.build(
              s.toBuilder().text(Settings.SPF, "off").text(Settings.DKIM, "off").build(),
              RING,
              InMemoryWhitelistStore.builder().build());
      Transaction withPassword =
          Transaction.builder()
              .stage(Stage.RCPT)
              .clientAddress(InetAddress.getByName("198.51.100.7"))
              .reversePath("<alice@sender.example>")
              .forwardPath("<bob+xyzzy-plugh@cr.example>")
              .build();
      assertInstanceOf(Decision.Accept.class, e.decide(withPassword).decision(), s::toString);
    }
    assertEquals(true, Settings.builder().build().get(Settings.SUBADDRESS_PASS_CODES));
    CommandRun.Result bad =
        CommandRun.run(
            "smtp-server",
            "--challenge-base",
            "https://cr.example/",
            "--data",
            dir.resolve("d").toString(),
            "--subaddress-pass-codes",
            "maybe");
    assertEquals(2, bad.exitCode(), bad::toString);
    assertTrue(bad.err().contains("--subaddress-pass-codes"), bad::toString);
  }

  @Test
  void listFiles_meanTheSameOnEveryRoute() throws Exception {
    Path clients = Files.writeString(dir.resolve("clients"), "192.0.2.0/24\n");
    Path exempt = Files.writeString(dir.resolve("exempt"), "hostmaster@\n");
    Path senders = Files.writeString(dir.resolve("senders"), "@friends.example\n");
    Path deny = Files.writeString(dir.resolve("deny"), "@spam.example\n");
    Settings options =
        smtpServerSettings(
            List.of(
                "--trusted-clients-file",
                clients.toString(),
                "--exempt-recipients-file",
                exempt.toString(),
                "--sender-whitelist-file",
                senders.toString(),
                "--deny-file",
                deny.toString()));
    Settings byOptionName =
        smtpServerSettings(
            config(
                "trusted-clients-file="
                    + clients
                    + "\nexempt-recipients-file="
                    + exempt
                    + "\nsender-whitelist-file="
                    + senders
                    + "\ndeny-file="
                    + deny
                    + "\n"));
    String keys =
        "trustedClientsFile="
            + clients
            + "\nexemptRecipientsFile="
            + exempt
            + "\nsenderWhitelistFile="
            + senders
            + "\ndenyFile="
            + deny
            + "\n";
    Settings byKey = smtpServerSettings(config(keys));
    Properties p = new Properties();
    p.load(new StringReader("challengeBase=" + BASE + "\n" + keys));
    Settings runtime = Settings.read(SettingSource.of(p));
    for (Settings s : List.of(options, byOptionName, byKey, runtime)) {
      assertEquals(clients, s.get(Settings.TRUSTED_CLIENTS_FILE), s::toString);
      assertEquals(exempt, s.get(Settings.EXEMPT_RECIPIENTS_FILE), s::toString);
      assertEquals(senders, s.get(Settings.SENDER_WHITELIST_FILE), s::toString);
      assertEquals(deny, s.get(Settings.DENY_FILE), s::toString);
      DecisionEngine e = StandardEngine.build(s, RING, InMemoryWhitelistStore.builder().build());
      assertEquals("trusted-clients-file", e.decide(rcpt("192.0.2.9")).ruleId(), s::toString);
    }
  }

  private static Transaction rcpt(String client) throws Exception {
    return Transaction.builder()
        .stage(Stage.RCPT)
        .clientAddress(InetAddress.getByName(client))
        .reversePath("<alice@sender.example>")
        .forwardPath("<bob@cr.example>")
        .build();
  }

  private List<String> config(String text) throws Exception {
    Path f = dir.resolve("c" + System.nanoTime() + ".properties");
    Files.writeString(f, text);
    return List.of("--config", f.toString());
  }

  /** The settings {@code smtpcr web} makes of these arguments, parsed as the command line does. */
  private Settings webSettings(List<String> extra) {
    boolean file = extra.get(0).equals("--config");
    List<String> args = new ArrayList<>(file ? extra : List.of());
    args.addAll(List.of("web", "--data", dir.resolve("data").toString()));
    if (!file) {
      args.addAll(extra);
    }
    return CommandRun.parsed(WebCommand.class, args).settings();
  }

  /**
   * The settings {@code smtpcr smtp-server} makes of these arguments, parsed as the command line
   * does.
   */
  private Settings smtpServerSettings(List<String> extra) {
    List<String> args = new ArrayList<>(extra.subList(0, extra.get(0).equals("--config") ? 2 : 0));
    args.add("smtp-server");
    args.addAll(List.of("--data", dir.resolve("data").toString(), "--challenge-base", BASE));
    if (!extra.get(0).equals("--config")) {
      args.addAll(extra);
    }
    SmtpServerCommand command = CommandRun.parsed(SmtpServerCommand.class, args);
    return command.settings();
  }
}
