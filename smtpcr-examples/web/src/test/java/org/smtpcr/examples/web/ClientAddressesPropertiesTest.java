package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever a client writes into the forwarding headers, it cannot choose its address. */
final class ClientAddressesPropertiesTest {
  private static final InetAddress PROXY = InetAddresses.forString("10.0.0.5");
  private static final InetAddress CLIENT = InetAddresses.forString("198.51.100.7");
  private final ClientAddresses trusting = ClientAddresses.trusting(List.of("10.0.0.0/24"));
  private final ClientAddresses rfc7239 = ClientAddresses.trusting(List.of("10.0.0.0/24"), true);

  @Property
  void anyHeaders_neverThrow_andNameThePeerOrAnAddressInThem(
      @ForAll("hostile") String forwarded, @ForAll("hostile") String xff) {
    InetAddress a = trusting.resolve(PROXY, List.of(forwarded), List.of(xff));
    assertTrue(a.equals(PROXY) || forwarded.length() + xff.length() > 0, a::toString);
    InetAddress b = trusting.resolve(PROXY, List.of(), List.of(xff));
    assertTrue(b.equals(PROXY) || xff.length() > 0, b::toString);
  }

  @Property
  void clientPrefix_cannotOverrideWhatTheTrustedProxyAppended(@ForAll("hostile") String spoof) {
    // the client sends its own X-Forwarded-For; the proxy appends the address it saw
    assertEquals(
        CLIENT, trusting.resolve(PROXY, List.of(), List.of(spoof + ", " + "198.51.100.7")));
    assertEquals(CLIENT, trusting.resolve(PROXY, List.of(), List.of(spoof, "198.51.100.7")));
    // Forwarded: the proxy appends an element; quotes the client left open stay in its part
    assertEquals(
        CLIENT, rfc7239.resolve(PROXY, List.of(spoof, "for=198.51.100.7;proto=https"), List.of()));
  }

  @Property
  void headerTheProxyDoesNotWrite_isNeverRead(@ForAll("hostile") String spoof) {
    // nginx appends X-Forwarded-For and passes the client's own Forwarded through unchanged
    assertEquals(
        CLIENT, trusting.resolve(PROXY, List.of(spoof, "for=6.6.6.6"), List.of("198.51.100.7")));
    // and a Forwarded-writing proxy passes the client's X-Forwarded-For through
    assertEquals(
        CLIENT, rfc7239.resolve(PROXY, List.of("for=198.51.100.7"), List.of(spoof + ", 6.6.6.6")));
  }

  @Property
  void untrustedPeer_isAlwaysThePeer(
      @ForAll("hostile") String forwarded, @ForAll("hostile") String xff) {
    InetAddress peer = InetAddresses.forString("203.0.113.1");
    assertEquals(peer, trusting.resolve(peer, List.of(forwarded), List.of(xff)));
    assertEquals(peer, rfc7239.resolve(peer, List.of(forwarded), List.of(xff)));
  }

  @Provide
  Arbitrary<String> hostile() {
    Arbitrary<String> pieces =
        Arbitraries.oneOf(
            Arbitraries.of(
                "for=",
                "For=",
                "\"",
                "[",
                "]",
                ":",
                ",",
                ";",
                " ",
                "=",
                "%",
                "/",
                "\\",
                "unknown",
                "_x",
                "1.2.3.4",
                "10.0.0.1",
                "2001:db8::1",
                "[::1]:80",
                "::ffff:10.0.0.1",
                "\u0000",
                "\r\n",
                "999.1.1.1"),
            Arbitraries.strings().ofMaxLength(20),
            Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40));
    return pieces.list().ofMaxSize(40).map(l -> String.join("", l));
  }
}
