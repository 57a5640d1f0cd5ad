package org.smtpcr.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpcr.core.rules.RuleProbe.ip;

import java.util.List;
import org.junit.jupiter.api.Test;

final class IpNetworkTest {
  @Test
  void parse_validForms_normalizeAndContain() {
    assertEquals("10.0.0.0/8", IpNetwork.parse("10.1.2.3/8").toString());
    assertEquals("192.0.2.1/32", IpNetwork.parse("192.0.2.1").toString());
    assertEquals("0.0.0.0/0", IpNetwork.parse("0.0.0.0/0").toString());
    assertEquals("2001:db8::/32", IpNetwork.parse("2001:DB8:ffff::1/32").toString());
    assertEquals("::1/128", IpNetwork.parse("::1").toString());
    assertEquals("10.0.0.0/8", IpNetwork.parse("::ffff:10.9.9.9/104").toString());
    assertTrue(IpNetwork.parse("0.0.0.0/0").contains(ip("255.255.255.255")));
    assertFalse(IpNetwork.parse("0.0.0.0/0").contains(ip("::1")));
    assertTrue(IpNetwork.parse("::/0").contains(ip("2001:db8::1")));
    assertFalse(IpNetwork.parse("::/0").contains(ip("192.0.2.1")));
  }

  @Test
  void contains_prefixBoundaries() {
    IpNetwork n = IpNetwork.parse("192.0.2.128/25");
    assertTrue(n.contains(ip("192.0.2.128")));
    assertTrue(n.contains(ip("192.0.2.255")));
    assertFalse(n.contains(ip("192.0.2.127")));
    IpNetwork v6 = IpNetwork.parse("2001:db8::/127");
    assertTrue(v6.contains(ip("2001:db8::1")));
    assertFalse(v6.contains(ip("2001:db8::2")));
  }

  @Test
  void parse_hostileOrMalformed_throwsIllegalArgumentWithoutEchoingTheInput() {
    for (String bad :
        List.of(
            "",
            "/8",
            "10.0.0.0/",
            "10.0.0.0/33",
            "10.0.0.0/08",
            "10.0.0.0/-1",
            "10.0.0.0/+8",
            "010.0.0.0/8",
            "10.0.0/8",
            "10.0.0.0.0/8",
            "256.0.0.0/8",
            "10.0.0.0/8/8",
            " 10.0.0.0/8",
            "10.0.0.0/8 ",
            "::1/129",
            "fe80::1%eth0/64",
            "[::1]/128",
            "::ffff:10.0.0.0/95",
            "localhost",
            "example.com/24",
            "1.2.3.4\r\n",
            "１.２.３.４",
            "::g",
            ":::",
            "1::2::3",
            "1".repeat(60),
            "\u0000")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> IpNetwork.parse(bad), bad);
      if (bad.length() > 3) {
        assertFalse(e.getMessage().contains(bad.strip()), e.getMessage());
      }
    }
  }

  @Test
  void constructor_prefixOutOfRange_throws() {
    assertThrows(IllegalArgumentException.class, () -> new IpNetwork(ip("10.0.0.0"), 33));
    assertThrows(IllegalArgumentException.class, () -> new IpNetwork(ip("::"), -1));
    assertEquals(new IpNetwork(ip("10.0.0.0"), 8), new IpNetwork(ip("10.255.1.1"), 8));
  }
}
