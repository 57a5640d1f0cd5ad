package org.smtpcr.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link Domains#normalize}: the same answers as with every name through {@link IDN}. */
final class DomainsPropertiesTest {
  /**
   * {@link Domains#normalize} as it was, every name through {@link IDN#toASCII}, but for a name
   * that ends in a root dot IDN reads as one ({@code "example\u3002"}), which it answered as {@code
   * "example."} and now as {@code "example"}, and for a name whose last label is empty once its
   * root dot is dropped ({@code "a.."}, {@code "\u3002"}), which it answered as {@code "a."} or
   * {@code "."} and now refuses.
   */
  private static Optional<String> throughIdn(String domain) {
    String d = domain.strip();
    boolean rootDropped = d.endsWith(".");
    if (rootDropped) {
      d = d.substring(0, d.length() - 1);
    }
    if (d.isEmpty() || d.length() > Domains.MAX_LENGTH) {
      return Optional.empty();
    }
    try {
      d = IDN.toASCII(d, IDN.ALLOW_UNASSIGNED);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!rootDropped && d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    if (d.endsWith(".")) {
      return Optional.empty();
    }
    d = d.toLowerCase(Locale.ROOT);
    for (int i = 0; i < d.length(); i++) {
      char c = d.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) {
        return Optional.empty();
      }
    }
    if (d.isEmpty() || d.length() > Domains.MAX_LENGTH) {
      return Optional.empty();
    }
    return Optional.of(d);
  }

  @Provide
  Arbitrary<String> names() {
    // dots, label lengths around 63, IDN's other dots, letters that convert, and the rest of ASCII
    Arbitrary<String> label =
        Arbitraries.oneOf(
            Arbitraries.strings().withChars("aZ09-_").ofMinLength(0).ofMaxLength(66),
            Arbitraries.strings().withChars("aZ09-").ofMinLength(60).ofMaxLength(66),
            Arbitraries.strings().ascii().ofMaxLength(8),
            Arbitraries.strings().withChars("aéßς\u3002\uff0e\uff61Ω").ofMaxLength(6));
    return label.list().ofMinSize(1).ofMaxSize(6).map(l -> String.join(".", l));
  }

  @Property(tries = 3000)
  void normalize_answersAsThroughIdn(@ForAll("names") String name) {
    assertEquals(throughIdn(name), Domains.tryNormalize(name), name);
  }

  @Provide
  Arbitrary<String> asciiStrings() {
    return Arbitraries.strings().ascii().ofMaxLength(80);
  }

  @Property(tries = 1000)
  void normalize_anyAsciiString_answersAsThroughIdn(@ForAll("asciiStrings") String any) {
    assertEquals(throughIdn(any), Domains.tryNormalize(any));
  }

  @Property(tries = 500)
  void normalize_anyString_answersAsThroughIdn(@ForAll String any) {
    assertEquals(throughIdn(any), Domains.tryNormalize(any));
  }

  @Test
  void labelsOf63Fit_64DoNot_emptyOnesNeither() {
    String l63 = "a".repeat(63);
    assertEquals(l63 + ".example", Domains.normalize(l63 + ".Example."));
    for (String bad :
        new String[] {"a".repeat(64) + ".example", "a..example", ".example", "a..", "a\u3002."}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Domains.normalize(bad));
      assertEquals("domain name is not a valid IDN", e.getMessage());
    }
    // IDN's other dots: a root written with one is a root; alone, it leaves nothing
    assertEquals("example", Domains.normalize("Example\u3002"));
    assertEquals("example.org", Domains.normalize("example\uff0eorg\uff61"));
    assertThrows(IllegalArgumentException.class, () -> Domains.normalize("\u3002"));
  }
}
