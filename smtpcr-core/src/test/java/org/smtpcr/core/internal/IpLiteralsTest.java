package org.smtpcr.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.util.List;
import org.junit.jupiter.api.Test;

final class IpLiteralsTest {
  @Test
  void parse_literals_withoutDns() {
    assertEquals("192.0.2.1", IpLiterals.parse("192.0.2.1").getHostAddress());
    assertEquals("0:0:0:0:0:0:0:1", IpLiterals.parse("::1").getHostAddress());
    assertTrue(IpLiterals.parse("::ffff:192.0.2.1") instanceof Inet4Address);
    for (String bad :
        List.of(
            "localhost",
            "example.com",
            "1.2.3",
            "01.2.3.4",
            "1.2.3.256",
            "1.2.3.4.",
            ".1.2.3",
            "[::1]",
            "fe80::1%1",
            "::1 ",
            "")) {
      assertThrows(IllegalArgumentException.class, () -> IpLiterals.parse(bad), bad);
    }
  }

  @Test
  void isLoopbackHost_onlyLocalhostAndLoopbackLiterals() {
    for (String host :
        List.of("localhost", "LOCALHOST", "127.0.0.1", "127.255.0.9", "[::1]", "::1")) {
      assertTrue(IpLiterals.isLoopbackHost(host), host);
    }
    for (String host :
        List.of(
            "localhost.example.com",
            "127.0.0.1.example.com",
            "128.0.0.1",
            "[::2]",
            "0.0.0.0",
            "example.com",
            "")) {
      assertFalse(IpLiterals.isLoopbackHost(host), host);
    }
  }
}
