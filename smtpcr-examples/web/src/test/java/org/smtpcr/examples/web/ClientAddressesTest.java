package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ClientAddressesTest {
  private static final InetAddress PROXY = ip("10.0.0.5");
  private final ClientAddresses trusting = ClientAddresses.trusting(List.of("10.0.0.0/24", "::1"));

  @Test
  void resolve_untrustedPeer_isThePeerWhateverItSends() {
    InetAddress peer = ip("203.0.113.9");
    assertEquals(peer, trusting.resolve(peer, List.of("for=198.51.100.7"), List.of("192.0.2.1")));
    assertEquals(peer, ClientAddresses.none().resolve(peer, List.of(), List.of("192.0.2.1")));
  }

  @Test
  void resolve_xForwardedFor_rightmostUntrustedEntry() {
    assertEquals(
        ip("198.51.100.7"),
        trusting.resolve(PROXY, List.of(), List.of("6.6.6.6, 198.51.100.7, 10.0.0.9")));
    assertEquals(
        ip("198.51.100.7"), trusting.resolve(PROXY, List.of(), List.of("6.6.6.6", "198.51.100.7")));
    assertEquals(
        ip("2001:db8::7"), trusting.resolve(PROXY, List.of(), List.of("[2001:db8::7]:443")));
    assertEquals(
        ip("198.51.100.7"), trusting.resolve(PROXY, List.of(), List.of("198.51.100.7:1234")));
  }

  @Test
  void resolve_forwardedConfigured_readsOnlyForwarded_andReadsQuotedIpv6() {
    ClientAddresses rfc7239 = ClientAddresses.trusting(List.of("10.0.0.0/24", "::1"), true);
    assertEquals(
        ip("2001:db8:cafe::17"),
        rfc7239.resolve(
            PROXY,
            List.of("for=6.6.6.6, for=\"[2001:db8:cafe::17]:4711\";proto=https;by=10.0.0.5"),
            List.of("192.0.2.1")));
    assertEquals(
        ip("198.51.100.7"),
        rfc7239.resolve(PROXY, List.of("For=198.51.100.7;proto=http"), List.of()));
    assertEquals(PROXY, rfc7239.resolve(PROXY, List.of("for=_hidden"), List.of()));
  }

  @Test
  void resolve_xForwardedForConfigured_ignoresAForwardedHeaderTheClientSent() {
    // the documented nginx set-up appends X-Forwarded-For and passes Forwarded through
    assertEquals(
        ip("198.51.100.7"),
        trusting.resolve(PROXY, List.of("for=203.0.113.9"), List.of("198.51.100.7")));
  }

  @Test
  void resolve_unusableEntry_stopsAtTheProxyThatWroteIt() {
    assertEquals(PROXY, trusting.resolve(PROXY, List.of(), List.of("198.51.100.7, unknown")));
    assertEquals(PROXY, trusting.resolve(PROXY, List.of(), List.of()));
    assertEquals(PROXY, trusting.resolve(PROXY, List.of(), List.of("fe80::1%eth0")));
    assertEquals(PROXY, trusting.resolve(PROXY, List.of(), List.of("192.0.2.0/24")));
    assertEquals(ip("10.0.0.9"), trusting.resolve(PROXY, List.of(), List.of("junk, 10.0.0.9")));
  }

  @Test
  void resolve_oversizedHeader_readsOnlyTheRightEnd() {
    String padding = "1.2.3.4, ".repeat(5000);
    assertEquals(
        ip("198.51.100.7"), trusting.resolve(PROXY, List.of(), List.of(padding + "198.51.100.7")));
  }

  @Test
  void trusting_badNetwork_rejected() {
    assertThrows(
        IllegalArgumentException.class, () -> ClientAddresses.trusting(List.of("proxy.example")));
  }

  private static InetAddress ip(String s) {
    return InetAddresses.forString(s);
  }
}
