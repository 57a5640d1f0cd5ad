package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.net.InetAddresses;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

final class SettingGrammarTest {
  @Test
  void duration_shortAndIsoForms_meanTheSame() {
    assertEquals(Duration.ofDays(7), SettingGrammar.duration("k", "7d"));
    assertEquals(Duration.ofDays(7), SettingGrammar.duration("k", "P7D"));
    assertEquals(Duration.ofHours(12), SettingGrammar.duration("k", "12h"));
    assertEquals(Duration.ofHours(12), SettingGrammar.duration("k", "PT12H"));
    assertEquals(Duration.ofMinutes(30), SettingGrammar.duration("k", "30m"));
    assertEquals(Duration.ofSeconds(45), SettingGrammar.duration("k", " 45s "));
    assertEquals(Duration.ofDays(14), SettingGrammar.duration("k", "2W"));
    assertEquals(Duration.ofDays(1), SettingGrammar.duration("k", "1 d"));
  }

  @Test
  void duration_badForms_nameTheKeyAndTheForm() {
    for (String bad : List.of("", "7", "d", "7y", "-7d", "PT-5S", "P", "7d7h", "1e3s")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> SettingGrammar.duration("challengeLifetime", bad),
              bad);
      assertTrue(e.getMessage().startsWith("challengeLifetime "), e.getMessage());
      assertTrue(e.getMessage().contains("7d"), e.getMessage());
    }
  }

  @Test
  void duration_overflow_isAClearError() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SettingGrammar.duration("challengeLifetime", "999999999999999999w"));
    assertEquals(
        "challengeLifetime is too long a duration; write " + SettingGrammar.DURATION_FORM,
        e.getMessage());
  }

  @Test
  void size_units_areBinary() {
    assertEquals(65536, SettingGrammar.size("k", "65536"));
    assertEquals(512 * 1024, SettingGrammar.size("k", "512k"));
    assertEquals(10L << 20, SettingGrammar.size("k", "10M"));
    assertEquals(10L << 20, SettingGrammar.size("k", "10MB"));
    assertEquals(1L << 30, SettingGrammar.size("k", "1g"));
  }

  @Test
  void size_overflowAndRange_areClearErrors() {
    assertEquals(
        "maxMessageSize is too large a size; write " + SettingGrammar.SIZE_FORM,
        assertThrows(
                IllegalArgumentException.class,
                () -> SettingGrammar.size("maxMessageSize", "999999999999999g"))
            .getMessage());
    assertEquals(
        "maxMessageSize must be 1 to 100 bytes",
        assertThrows(
                IllegalArgumentException.class,
                () -> SettingGrammar.size("maxMessageSize", "1k", 1, 100))
            .getMessage());
  }

  @Test
  void list_commasAndWhiteSpace_separate() {
    assertEquals(
        List.of("192.0.2.0/24", "2001:db8::/32", "10.0.0.0/8"),
        SettingGrammar.list("k", " 192.0.2.0/24,2001:db8::/32 ,\n 10.0.0.0/8,, "));
    assertEquals(List.of(), SettingGrammar.list("k", "  "));
  }

  @Test
  void bool_trueOrFalseOnOrOff_anyCase() {
    assertTrue(SettingGrammar.bool("k", "TRUE"));
    assertEquals(false, SettingGrammar.bool("k", "false"));
    assertTrue(SettingGrammar.bool("k", "On"));
    assertEquals(false, SettingGrammar.bool("k", " off "));
    assertEquals(
        "k must be true or false",
        assertThrows(IllegalArgumentException.class, () -> SettingGrammar.bool("k", "yes"))
            .getMessage());
  }

  @Test
  void dnsServer_ipWithOptionalPort() {
    assertEquals(
        new InetSocketAddress(InetAddresses.forString("127.0.0.1"), 5353),
        SettingGrammar.dnsServer("k", "127.0.0.1:5353"));
    assertEquals(
        new InetSocketAddress(InetAddresses.forString("192.0.2.53"), 53),
        SettingGrammar.dnsServer("k", " 192.0.2.53 "));
    assertEquals(
        new InetSocketAddress(InetAddresses.forString("2001:db8::53"), 5300),
        SettingGrammar.dnsServer("k", "[2001:db8::53]:5300"));
  }

  @Test
  void dnsServer_namesPortsAndBareIpv6_areRefusedWithoutTheValue() {
    for (String bad :
        List.of(
            "dns.example:53",
            "127.0.0.1:0",
            "127.0.0.1:65536",
            "2001:db8::7",
            "[127.0.0.1]",
            "999.1.1.1",
            "",
            "127.0.0.1:53:53")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> SettingGrammar.dnsServer("k", bad));
      assertTrue(e.getMessage().startsWith("k "), e.getMessage());
      if (!bad.isEmpty()) {
        assertFalse(e.getMessage().contains(bad), e.getMessage());
      }
    }
  }
}
