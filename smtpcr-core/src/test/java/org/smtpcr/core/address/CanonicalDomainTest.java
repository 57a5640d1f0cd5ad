package org.smtpcr.core.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

final class CanonicalDomainTest {
  private static final AddressCanonicalizer C = AddressCanonicalizer.standard();

  @Test
  void canonicalizeDomain_normalizesCaseDotIdnAndLiterals() {
    assertEquals("example.com", C.canonicalizeDomain("Example.COM.").value());
    assertEquals("example.com", C.canonicalizeDomain("@example.com").value());
    assertEquals("xn--bcher-kva.example", C.canonicalizeDomain("B\u00fccher.example").value());
    assertEquals("[192.0.2.1]", C.canonicalizeDomain("[192.0.2.1]").value());
    assertTrue(C.canonicalizeDomain("[192.0.2.1]").isAddressLiteral());
  }

  @Test
  void canonicalizeDomain_refusesNonDomains_withoutEchoingThem() {
    for (String bad :
        new String[] {
          "",
          "@",
          "a..b",
          ".a",
          "exa mple.com",
          "a@b.c",
          "-x.com",
          "x".repeat(64) + ".com",
          "evil\r\n.com",
          "a.".repeat(200) + "com"
        }) {
      InvalidAddressException e =
          assertThrows(InvalidAddressException.class, () -> C.canonicalizeDomain(bad), bad);
      if (bad.length() > 3) {
        assertFalse(e.getMessage().contains(bad), e.getMessage());
      }
    }
  }

  @Test
  void parents_andIsWithin() {
    CanonicalDomain d = C.canonicalizeDomain("a.b.example.com");
    assertEquals(
        List.of("b.example.com", "example.com", "com"),
        d.parents().stream().map(CanonicalDomain::value).toList());
    assertTrue(d.isWithin(C.canonicalizeDomain("example.com")));
    assertTrue(d.isWithin(d));
    assertFalse(
        C.canonicalizeDomain("badexample.com").isWithin(C.canonicalizeDomain("example.com")));
    assertEquals(List.of(), C.canonicalizeDomain("[192.0.2.1]").parents());
  }

  @Test
  void parseCanonical_acceptsOnlyCanonicalText() {
    assertEquals(
        C.canonicalizeDomain("example.com"), CanonicalDomain.parseCanonical("example.com"));
    assertThrows(
        IllegalArgumentException.class, () -> CanonicalDomain.parseCanonical("Example.com"));
    assertThrows(
        IllegalArgumentException.class, () -> CanonicalDomain.parseCanonical("example.com."));
    assertThrows(
        IllegalArgumentException.class, () -> CanonicalDomain.parseCanonical("x".repeat(10_000)));
  }

  @Property
  void domainOfAnAddress_isTheDomainCanonicalizedAlone(@ForAll("domains") String domain) {
    CanonicalDomain alone = C.canonicalizeDomain(domain);
    assertEquals(alone, C.canonicalize("<bob@" + domain + ">").canonicalDomain());
    assertEquals(alone, C.canonicalizeDomain(alone.value()));
  }

  @Property
  void anyText_givesADomainOrInvalidAddressException(@ForAll String text) {
    try {
      CanonicalDomain d = C.canonicalizeDomain(text);
      assertEquals(d, CanonicalDomain.parseCanonical(d.value()));
    } catch (InvalidAddressException expected) {
      // refused with our own exception type, nothing else
    }
  }

  @Provide
  Arbitrary<String> domains() {
    Arbitrary<String> label =
        Arbitraries.strings()
            .withChars("abcXYZ019-\u00fc\u00e9")
            .ofMinLength(1)
            .ofMaxLength(12)
            .filter(
                l ->
                    !l.startsWith("-")
                        && !l.endsWith("-")
                        && !(l.length() > 3 && l.charAt(2) == '-' && l.charAt(3) == '-'));
    return label.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l) + ".example");
  }
}
