package org.smtpcr.core.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class CanonicalAddressTest {

  @Test
  void value_localAndDomain_joinedWithAt() {
    CanonicalAddress a = new CanonicalAddress("bob", "example.com");

    assertEquals("bob@example.com", a.value());
    assertEquals("bob@example.com", a.toString());
  }

  @ParameterizedTest(name = "{0} @ {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Bob|example.com",
        "bob|Example.com",
        "bob|example.com.",
        "bob|bücher.example",
        "\"john.doe\"|example.com",
        "\"John Doe\"|example.com",
        "jose\u0301|example.com",
        "bob|[192.000.2.1]",
        "bob|[IPv6:2001:DB8::1]",
        "john doe|example.com",
        "''|example.com",
        "bob|''",
      })
  void constructor_nonCanonicalPart_throwsIllegalArgument(String local, String domain) {
    assertThrows(IllegalArgumentException.class, () -> new CanonicalAddress(local, domain));
  }

  @ParameterizedTest(name = "{0} @ {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "bob|example.com",
        "\"john doe\"|example.com",
        "\"john..doe\"|docomo.ne.jp",
        "jos\u00e9|xn--bcher-kva.example",
        "postmaster|[192.0.2.1]",
        "bob|[IPv6:2001:db8::1]",
        "+bob|example.com",
      })
  void constructor_canonicalParts_roundTripThroughParseCanonical(String local, String domain) {
    CanonicalAddress a = new CanonicalAddress(local, domain);

    assertEquals(a, CanonicalAddress.parseCanonical(a.value()));
  }

  @Test
  void constructor_over254Octets_throwsIllegalArgument() {
    String local = "\u00e9".repeat(122); // 244 octets + "@example.com" = 256

    assertThrows(IllegalArgumentException.class, () -> new CanonicalAddress(local, "example.com"));
  }

  @Test
  void parseCanonical_notCanonical_throwsInvalidAddress() {
    assertThrows(
        InvalidAddressException.class, () -> CanonicalAddress.parseCanonical("Bob@example.com"));
    assertThrows(
        InvalidAddressException.class, () -> CanonicalAddress.parseCanonical("<bob@example.com>"));
    assertThrows(InvalidAddressException.class, () -> CanonicalAddress.parseCanonical("bob"));
    assertThrows(
        InvalidAddressException.class, () -> CanonicalAddress.parseCanonical("x".repeat(2000)));
  }
}
