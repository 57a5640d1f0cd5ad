package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.reply.PostfixReplies;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.reply.ReplyValues;
import org.smtpcr.core.reply.SmtpReply;

final class SettingsTest {
  @Test
  void read_keysAndOtherNames_giveTheSameSettings() {
    Settings byKey =
        Settings.read(
            SettingSource.of(Map.of("learnLifetime", "365d", "store.url", "jdbc:h2:mem:x")));
    Settings byOther =
        Settings.read(
            SettingSource.of(Map.of("entryLifetime", "P365D", "storeUrl", "jdbc:h2:mem:x")));
    assertEquals(byKey, byOther);
    assertEquals(Optional.of(Duration.ofDays(365)), byKey.find(Settings.LEARN_LIFETIME));
  }

  @Test
  void read_repeatedListValues_areJoined() {
    Settings s =
        Settings.read(
            name ->
                name.equals("trustedNetworks")
                    ? List.of("192.0.2.0/24, 10.0.0.0/8", "2001:db8::/32")
                    : List.of());
    assertEquals(
        List.of("192.0.2.0/24", "10.0.0.0/8", "2001:db8::/32"), s.get(Settings.TRUSTED_NETWORKS));
  }

  @Test
  void defaults_whenNothingIsGiven() {
    Settings s = Settings.defaults();
    assertEquals(Duration.ofDays(7), s.get(Settings.CHALLENGE_LIFETIME));
    assertEquals(List.of(), s.get(Settings.TRUSTED_NETWORKS));
    assertEquals(Replies.FAILURE, s.get(Settings.FAILURE_REPLY));
    assertEquals(Optional.empty(), s.find(Settings.CHALLENGE_BASE));
    assertFalse(s.isSet(Settings.CHALLENGE_LIFETIME));
    assertTrue(s.get(Settings.SPF));
    assertTrue(s.get(Settings.DKIM));
    assertEquals(Optional.empty(), s.find(Settings.DNS_SERVER));
    assertEquals(Duration.ofSeconds(2), s.get(Settings.DNS_TIMEOUT));
    assertEquals(Duration.ofSeconds(8), s.get(Settings.AUTH_DEADLINE));
    assertEquals(List.of(), s.get(Settings.TRUSTED_AUTHSERV_IDS));
    assertEquals(List.of(), s.get(Settings.TRUSTED_FORWARDERS));
    assertEquals(List.of(), s.get(Settings.AUTHENTICATION_OPTIONAL_DOMAINS));
    assertFalse(s.get(Settings.ADMIT_UNAUTHENTICATED));
    assertTrue(s.get(Settings.REJECT_SPF_FAIL));
    assertTrue(s.get(Settings.HONOUR_UNVERIFIED_CONFIRMATIONS));
    assertEquals(
        "challengeBase is required",
        assertThrows(IllegalArgumentException.class, () -> s.get(Settings.CHALLENGE_BASE))
            .getMessage());
  }

  @Test
  void challengeCode_acceptsBothFormsOf550And450Only() {
    assertEquals(550, Settings.defaults().get(Settings.CHALLENGE_CODE));
    assertEquals(450, Settings.CHALLENGE_CODE.parse("450"));
    assertEquals(450, Settings.CHALLENGE_CODE.parse(" 450  4.7.1 "));
    assertEquals(550, Settings.CHALLENGE_CODE.parse("550 5.7.1"));
    for (String wrong : List.of("451", "450 5.7.1", "554", "4.7.1")) {
      assertEquals(
          "challengeCode must be 550 or 450",
          assertThrows(IllegalArgumentException.class, () -> Settings.CHALLENGE_CODE.parse(wrong))
              .getMessage(),
          wrong);
    }
  }

  @Test
  void replies_challengeCode450_changesTheChallengeStatusOfAnyFormatter() {
    Settings soft = Settings.builder().text(Settings.CHALLENGE_CODE, "450").build();
    ReplyFormatter postfix = StandardEngine.replies(soft, PostfixReplies.formatter());
    SmtpReply r =
        postfix.challenge(
            ReplyValues.builder().recipient("bob@example.com").build(),
            "https://cr.example.com/c/x");
    assertEquals(450, r.code());
    assertEquals("4.7.1", r.enhancedStatus());
    assertTrue(
        PostfixReplies.formatter()
            == StandardEngine.replies(Settings.defaults(), PostfixReplies.formatter()));
  }

  @Test
  void read_wrongValue_namesTheNameUsed() {
    assertEquals(
        "entryLifetime must be a duration such as 45s, 30m, 12h, 7d, 2w or PT12H",
        assertThrows(
                IllegalArgumentException.class,
                () -> Settings.read(SettingSource.of(Map.of("entryLifetime", "a year"))))
            .getMessage());
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> Settings.read(SettingSource.of(Map.of("trustedNetworks", "192.0.2.0/33"))))
            .getMessage()
            .startsWith("trustedNetworks: "));
    assertEquals(
        "learnLifetime must be positive and at most 36500 days, or \"forever\"",
        assertThrows(
                IllegalArgumentException.class,
                () -> Settings.read(SettingSource.of(Map.of("learnLifetime", "0s"))))
            .getMessage());
  }

  @Test
  void toString_redactsSecrets() {
    Settings s =
        Settings.read(
            SettingSource.of(
                Map.of(
                    "store.url",
                    "jdbc:postgresql://h/db?password=hunter2",
                    "store.password",
                    "hunter2",
                    "challengeBase",
                    "https://cr.example/")));
    assertFalse(s.toString().contains("hunter2"), s.toString());
    assertTrue(s.toString().contains("challengeBase=https://cr.example/"), s.toString());
  }

  @Test
  void builder_text_usesTheGrammar() {
    Settings s =
        Settings.builder()
            .text(Settings.CHALLENGE_LIFETIME, "12h")
            .set(Settings.CHALLENGE_BASE, URI.create("https://cr.example/"))
            .build();
    assertEquals(Duration.ofHours(12), s.get(Settings.CHALLENGE_LIFETIME));
  }

  @Test
  void declared_namesAreUnique() {
    Set<String> seen = new HashSet<>();
    for (Setting<?> s : Settings.declared()) {
      assertTrue(seen.add(s.key()), s.key());
      s.otherNames().forEach(n -> assertTrue(seen.add(n), n));
      assertFalse(s.description().isBlank(), s.key());
    }
    assertEquals(Optional.of(Settings.TRUSTED_NETWORKS), Settings.named("--trusted-network"));
    assertEquals(Optional.of(Settings.TRUSTED_NETWORKS), Settings.named("trusted-network"));
    assertEquals(Optional.of(Settings.STORE_URL), Settings.named("store"));
  }

  @Test
  void canonicalizer_followsTheSeparators() {
    Settings s = Settings.builder().text(Settings.SUBADDRESS_SEPARATORS, "-").build();
    assertEquals(
        "bob@example.org",
        s.canonicalizer().forRecipients().canonicalize("<bob-x@example.org>").value());
    assertEquals(
        "bob-x@example.org",
        Settings.defaults()
            .canonicalizer()
            .forRecipients()
            .canonicalize("<bob-x@example.org>")
            .value());
  }

  @Test
  void read_authenticationSettings_byKeyAndByOptionName() {
    Map<String, String> given =
        Map.of(
            "spf", "off",
            "dkim", "on",
            "dnsServer", "127.0.0.1:5353",
            "dnsTimeout", "1s",
            "authDeadline", "PT5S",
            "trustedAuthservIds", "mx.example.com, opendkim.example.com",
            "trustedForwarders", "192.0.2.0/24",
            "authenticationOptionalDomains", "lists.example.org",
            "admitUnauthenticated", "false",
            "rejectSpfFail", "true");
    Settings s = Settings.read(SettingSource.of(given));
    assertFalse(s.get(Settings.SPF));
    assertTrue(s.get(Settings.DKIM));
    assertEquals(
        new java.net.InetSocketAddress(
            com.google.common.net.InetAddresses.forString("127.0.0.1"), 5353),
        s.get(Settings.DNS_SERVER));
    assertEquals(Duration.ofSeconds(1), s.get(Settings.DNS_TIMEOUT));
    assertEquals(Duration.ofSeconds(5), s.get(Settings.AUTH_DEADLINE));
    assertEquals(
        List.of("mx.example.com", "opendkim.example.com"), s.get(Settings.TRUSTED_AUTHSERV_IDS));
    assertEquals(List.of("192.0.2.0/24"), s.get(Settings.TRUSTED_FORWARDERS));
    assertEquals(List.of("lists.example.org"), s.get(Settings.AUTHENTICATION_OPTIONAL_DOMAINS));
    assertEquals(Optional.of(Settings.DNS_SERVER), Settings.named("--dns-server"));
    assertEquals(Optional.of(Settings.TRUSTED_FORWARDERS), Settings.named("trusted-forwarder"));
  }

  @Test
  void read_wrongAuthenticationValues_nameTheSetting() {
    for (Map.Entry<String, String> bad :
        Map.of(
                "dnsTimeout", "0s",
                "dnsServer", "resolver.example",
                "trustedForwarders", "192.0.2.0/33",
                "authenticationOptionalDomains", "not a domain!",
                "trustedAuthservIds", "a;b",
                "spf", "maybe")
            .entrySet()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Settings.read(SettingSource.of(Map.of(bad.getKey(), bad.getValue()))));
      assertTrue(e.getMessage().startsWith(bad.getKey()), e.getMessage());
    }
  }

  @Test
  void metricsListen_offByDefault_hostPortForms() throws Exception {
    assertEquals(Optional.empty(), Settings.defaults().find(Settings.METRICS_LISTEN));
    assertEquals(
        new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9340),
        Settings.METRICS_LISTEN.parse("127.0.0.1:9340"));
    assertEquals(
        new InetSocketAddress(InetAddress.getByName("::1"), 0),
        Settings.METRICS_LISTEN.parse("[::1]:0"));
    assertEquals(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 9340),
        Settings.METRICS_LISTEN.parse(":9340"));
    for (String bad : List.of("127.0.0.1", "127.0.0.1:70000", "host:port", "[::1:1")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Settings.METRICS_LISTEN.parse(bad));
      assertTrue(e.getMessage().startsWith("metricsListen"), e::getMessage);
    }
  }
}
