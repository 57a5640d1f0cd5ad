package org.smtpcr.core.auth;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Hostile input: never an exception, never more than the bounds. */
final class AuthenticationResultsHeaderPropertiesTest {
  private static final Set<String> TRUSTED = Set.of("mx.example.net");

  @Property(tries = 2000)
  void anyText_neverThrows(@ForAll String text) {
    check(AuthenticationResultsHeader.parse(text, TRUSTED));
    check(AuthenticationResultsHeader.parse("mx.example.net;" + text, TRUSTED));
  }

  @Property(tries = 2000)
  void tokenSoup_neverThrowsAndKeepsBounds(@ForAll("soup") String text) {
    check(AuthenticationResultsHeader.parse(text, TRUSTED));
  }

  @Property(tries = 50)
  void hugeValues_areNotRead(@ForAll("soup") String text) {
    String huge =
        "mx.example.net; "
            + text.repeat(1 + AuthenticationResultsHeader.MAX_LENGTH / Math.max(1, text.length()));
    if (huge.length() > AuthenticationResultsHeader.MAX_LENGTH) {
      assertTrue(AuthenticationResultsHeader.parse(huge, TRUSTED).isEmpty());
    }
  }

  private static void check(Optional<AuthenticationResults> r) {
    r.ifPresent(
        a -> {
          assertTrue(a.dkim().size() <= AuthenticationResults.MAX_SIGNATURES);
          assertTrue(!a.isEmpty());
        });
  }

  @Provide
  Arbitrary<String> soup() {
    List<String> pieces =
        List.of(
            "mx.example.net",
            "MX.EXAMPLE.NET",
            "1",
            ";",
            "=",
            "(",
            ")",
            "\\",
            "\"",
            " ",
            "\t",
            "\r\n ",
            "spf",
            "dkim",
            "dmarc",
            "dkim/1",
            "pass",
            "fail",
            "none",
            "hardfail",
            "temperror",
            "permerror",
            "policy",
            "smtp.mailfrom",
            "smtp.helo",
            "header.d",
            "header.i",
            "header.from",
            "policy.published-domain-policy",
            "reject",
            "quarantine",
            "p=reject",
            "policy=none",
            "a@example.org",
            "@example.org",
            "example.org",
            "xn--bcher-kva.example",
            "..",
            "a".repeat(300),
            "é",
            "\u0000",
            "reason");
    return Arbitraries.of(pieces).list().ofMaxSize(200).map(l -> String.join("", l));
  }
}
