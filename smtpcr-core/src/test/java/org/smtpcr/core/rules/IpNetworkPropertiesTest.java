package org.smtpcr.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * {@link IpNetwork#parse} on any text, and networks built from any address contain it and
 * round-trip.
 */
final class IpNetworkPropertiesTest {
  @Provide
  Arbitrary<String> cidrish() {
    return Arbitraries.strings().withChars("0123456789abcdefABCDEF.:/%[]-+ x").ofMaxLength(60);
  }

  @Property
  void parse_anyText_returnsOrThrowsIllegalArgumentOnly(@ForAll("cidrish") String text) {
    try {
      IpNetwork n = IpNetwork.parse(text);
      assertEquals(n, IpNetwork.parse(n.toString()), "toString parses back to the same network");
    } catch (IllegalArgumentException expected) {
      // refused, as documented
    }
  }

  @Property
  void parse_anyUnicode_neverAnythingButIllegalArgument(@ForAll @Size(max = 80) String text) {
    try {
      IpNetwork.parse(text);
    } catch (IllegalArgumentException expected) {
      // refused, as documented
    }
  }

  @Property
  void ipv4_networkContainsItsAddressAndRoundTrips(
      @ForAll @Size(4) List<@IntRange(max = 255) Integer> parts,
      @ForAll @IntRange(max = 32) int prefix)
      throws UnknownHostException {
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      b[i] = parts.get(i).byteValue();
    }
    InetAddress a = InetAddress.getByAddress(b);
    IpNetwork n = IpNetwork.parse(a.getHostAddress() + "/" + prefix);
    assertTrue(n.contains(a));
    assertEquals(prefix, n.prefixLength());
    assertEquals(n, IpNetwork.parse(n.toString()));
  }

  @Property
  void ipv6_networkContainsItsAddress(
      @ForAll @Size(16) List<@IntRange(max = 255) Integer> parts,
      @ForAll @IntRange(max = 128) int prefix)
      throws UnknownHostException {
    byte[] b = new byte[16];
    for (int i = 0; i < 16; i++) {
      b[i] = parts.get(i).byteValue();
    }
    b[0] = (byte) 0x20; // never IPv4-mapped
    InetAddress a = InetAddress.getByAddress(b);
    IpNetwork n =
        IpNetwork.parse(com.google.common.net.InetAddresses.toAddrString(a) + "/" + prefix);
    assertTrue(n.contains(a));
    assertEquals(n, IpNetwork.parse(n.toString()));
  }
}
