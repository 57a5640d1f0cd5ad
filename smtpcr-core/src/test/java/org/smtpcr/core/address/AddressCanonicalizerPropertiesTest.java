package org.smtpcr.core.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

final class AddressCanonicalizerPropertiesTest {

  private static final AddressCanonicalizer STANDARD = AddressCanonicalizer.standard();
  private static final AddressCanonicalizer DASH_PLUS =
      AddressCanonicalizer.builder().subaddressSeparators("+-=").build();

  @Property(tries = 3000)
  void canonicalize_anyAcceptedPath_isIdempotent(@ForAll("plausiblePaths") String path) {
    CanonicalAddress canonical;
    try {
      canonical = STANDARD.canonicalize(path);
    } catch (InvalidAddressException e) {
      Statistics.label("accepted").collect(false);
      return;
    }
    Statistics.label("accepted").collect(true);

    assertEquals(canonical, STANDARD.canonicalize(canonical.value()));
    assertEquals(canonical, STANDARD.canonicalize("<" + canonical.value() + ">"));
    assertEquals(canonical, CanonicalAddress.parseCanonical(canonical.value()));
    // the canonicalizer builds its output without the constructor's checks: they must hold anyway
    assertEquals(canonical, new CanonicalAddress(canonical.localPart(), canonical.domain()));
    assertFalse(STANDARD.parse(canonical.value()).hasSubaddress());
    assertTrue(canonical.value().getBytes(StandardCharsets.UTF_8).length <= 254);
  }

  @Property(tries = 1000)
  void canonicalize_otherSeparators_isIdempotent(@ForAll("plausiblePaths") String path) {
    CanonicalAddress canonical;
    try {
      canonical = DASH_PLUS.canonicalize(path);
    } catch (InvalidAddressException e) {
      return;
    }

    assertEquals(canonical, DASH_PLUS.canonicalize(canonical.value()));
    assertEquals(canonical, new CanonicalAddress(canonical.localPart(), canonical.domain()));
  }

  @Property(tries = 1000)
  void canonicalize_plausiblePaths_mostAreAccepted(@ForAll("plausiblePaths") String path) {
    boolean accepted;
    try {
      STANDARD.canonicalize(path);
      accepted = true;
    } catch (InvalidAddressException e) {
      accepted = false;
    }
    // guards the idempotence property above against becoming vacuous
    Statistics.label("accepted")
        .collect(accepted)
        .coverage(c -> c.check(true).percentage((Predicate<Double>) p -> p > 50.0));
  }

  @Property(tries = 2000)
  void parse_hostileInput_throwsOnlyInvalidAddress(@ForAll("hostile") String path) {
    try {
      ParsedAddress parsed = STANDARD.parse(path);
      String value = parsed.canonical().value();
      assertEquals(
          parsed.canonical(),
          new CanonicalAddress(parsed.canonical().localPart(), parsed.canonical().domain()));
      assertTrue(value.getBytes(StandardCharsets.UTF_8).length <= 254);
      value.codePoints().forEach(cp -> assertTrue(AddressSyntax.isAllowedCodePoint(cp)));
    } catch (InvalidAddressException e) {
      assertTrue(e.getMessage().length() <= 200, "message too long: " + e.getMessage().length());
    }
    AddressCanonicalizer.isNullPath(path);
  }

  // ---------------------------------------------------------------------------------------------
  // generators

  @Provide
  Arbitrary<String> hostile() {
    Arbitrary<String> anyUnicode = Arbitraries.strings().all().ofMaxLength(10_000);
    Arbitrary<String> shortAny = Arbitraries.strings().all().ofMaxLength(300);
    Arbitrary<String> specials =
        Arbitraries.strings()
            .withChars("\r\n\u0000\t <>@\"\\.,:+=-[]()%/\u00e9\u0301\u2028\ud800\udc00IPv6")
            .withCharRange('a', 'c')
            .ofMaxLength(400);
    Arbitrary<String> injected =
        Combinators.combine(plausiblePaths(), specials, Arbitraries.integers().between(0, 400))
            .as(
                (p, s, i) -> {
                  int at = Math.min(i, p.length());
                  return p.substring(0, at) + s + p.substring(at);
                });
    Arbitrary<String> huge = Arbitraries.strings().withChars("a@.<>\"\\+=").ofLength(10_000);
    return Arbitraries.frequencyOf(
        Tuple.of(2, anyUnicode),
        Tuple.of(3, shortAny),
        Tuple.of(3, specials),
        Tuple.of(4, injected),
        Tuple.of(1, huge));
  }

  @Provide
  Arbitrary<String> plausiblePaths() {
    Arbitrary<String> mailbox = Combinators.combine(locals(), domains()).as((l, d) -> l + "@" + d);
    Arbitrary<String> route = Arbitraries.of("", "@relay.example:", "@a.example,@[192.0.2.1]:");
    return Combinators.combine(mailbox, route, Arbitraries.of(0, 1, 2))
        .as(
            (m, r, form) ->
                switch (form) {
                  case 0 -> m;
                  case 1 -> "<" + r + m + ">";
                  default -> "  <" + m + "> ";
                });
  }

  private Arbitrary<String> locals() {
    Arbitrary<String> base =
        Arbitraries.strings()
            .withChars("abcXYZ019.+-=_/!#~'")
            .withChars("\u00e9\u00c9\u0301\u0308\u212a\u00df\u7528\u6237\u0410\u0430")
            .ofMinLength(1)
            .ofMaxLength(20);
    Arbitrary<String> prefix =
        Combinators.combine(
                Arbitraries.of(
                    "",
                    "",
                    "",
                    "prvs=0123abcdef=",
                    "PRVS=1A2b=",
                    "btv1==0d4f==",
                    "msprvs1=19058HVf=",
                    "SRS0=HHH=TT=%s=",
                    "srs0+h=t=%s=",
                    "SRS1=x=fwd.example==HHH=TT=%s=",
                    "SRS1=x=fwd.example=-h=t=%s=",
                    "SRS0=h=t=prvs=1=%s=",
                    "+",
                    "."),
                domains())
            .as(
                (p, d) ->
                    p.contains("%s")
                        ? String.format(p, d.replace(".", "").isEmpty() ? "x" : stripBrackets(d))
                        : p);
    Arbitrary<String> suffix =
        Arbitraries.of("", "", "+ext", "+K3X9-ABCD", "+", "-list", "=x", "/1023abcdef");
    Arbitrary<String> raw = Combinators.combine(prefix, base, suffix).as((p, b, s) -> p + b + s);
    return Combinators.combine(raw, Arbitraries.of(0, 0, 0, 1, 2))
        .as(
            (l, q) ->
                switch (q) {
                  case 0 -> l;
                  case 1 -> "\"" + l.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
                  default -> "\"" + l + " x\\\"y\"";
                });
  }

  private static String stripBrackets(String d) {
    return d.startsWith("[") ? "example.org" : d;
  }

  private Arbitrary<String> domains() {
    Arbitrary<String> label =
        Arbitraries.strings()
            .withChars("abcXYZ019-_")
            .withChars("\u00fc\u00dc\u00df\u4f8b\u5b50u\u0308")
            .ofMinLength(1)
            .ofMaxLength(12);
    Arbitrary<String> names =
        label
            .list()
            .ofMinSize(1)
            .ofMaxSize(4)
            .map(l -> String.join(".", l))
            .flatMap(d -> Arbitraries.of(d, d, d + "."));
    Arbitrary<String> literals =
        Arbitraries.of(
            "[192.0.2.1]",
            "[010.0.0.001]",
            "[IPv6:::1]",
            "[ipv6:2001:DB8::0:1]",
            "[IPv6:::ffff:10.0.0.1]",
            "[IPv6:2001:db8:0:0:1:0:0:1]");
    return Arbitraries.frequencyOf(Tuple.of(9, names), Tuple.of(1, literals));
  }
}
