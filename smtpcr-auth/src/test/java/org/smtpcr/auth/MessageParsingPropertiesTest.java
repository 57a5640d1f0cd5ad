package org.smtpcr.auth;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Hostile message headers and records: the parsers never throw and stay within their bounds. */
final class MessageParsingPropertiesTest {
  @Property(tries = 500)
  void headerSection_anyBytes_boundedNeverThrows(@ForAll byte[] bytes) throws IOException {
    HeaderSection h = HeaderSection.read(new ByteArrayInputStream(bytes));
    assertTrue(h.bytesRead() <= bytes.length);
    assertTrue(h.fields().size() <= HeaderSection.MAX_FIELDS + 1);
    for (String f : h.fields()) {
      assertTrue(f.indexOf(':') > 0);
      HeaderSection.name(f);
      FromDomain.of(HeaderSection.value(f));
    }
  }

  @Property(tries = 1000)
  void fromDomain_anyText_neverThrows(@ForAll("headerish") String value) {
    FromDomain.of(value).ifPresent(d -> assertTrue(d.length() <= 253));
  }

  @Property(tries = 1000)
  void dmarcRecord_anyText_neverThrows(@ForAll("headerish") String value) {
    if (Dmarc.isDmarc(value)) {
      Dmarc.parse(value);
    }
    Dmarc.parse("v=DMARC1;" + value);
    DkimCheck.tag(value, "d");
  }

  @Provide
  Arbitrary<String> headerish() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(300),
        Arbitraries.of(
                "<",
                ">",
                "@",
                "(",
                ")",
                "\"",
                "\\",
                ",",
                ";",
                ":",
                "=",
                " ",
                "\r\n ",
                "a",
                "example.org",
                "p=reject",
                "sp=",
                "v=DMARC1",
                "é",
                "xn--",
                "[",
                "]")
            .list()
            .ofMaxSize(100)
            .map(l -> String.join("", l)));
  }

  @Property(tries = 20)
  void headerSection_manyFields_bounded(@ForAll("counts") int count) throws IOException {
    String message = "X: y\r\n".repeat(count) + "\r\n";
    HeaderSection h =
        HeaderSection.read(new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)));
    assertTrue(h.fields().size() <= HeaderSection.MAX_FIELDS + 1);
    assertTrue(h.complete() == (count <= HeaderSection.MAX_FIELDS));
  }

  @Provide
  Arbitrary<Integer> counts() {
    return Arbitraries.integers().between(0, 3 * HeaderSection.MAX_FIELDS);
  }
}
