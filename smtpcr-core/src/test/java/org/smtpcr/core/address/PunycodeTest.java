package org.smtpcr.core.address;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sample strings of RFC 3492 section 7.1 and common IDNA labels. */
final class PunycodeTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    // RFC 3492 7.1 (B) Chinese (simplified)
    "\u4ed6\u4eec\u4e3a\u4ec0\u4e48\u4e0d\u8bf4\u4e2d\u6587, ihqwcrb4cv8a8dqg056pqjye",
    // RFC 3492 7.1 (L) 3<nen>B<gumi><kinpachi><sensei>
    "3\u5e74B\u7d44\u91d1\u516b\u5148\u751f, 3B-ww4c5e180e575a65lsy2b",
    // RFC 3492 7.1 (P) <sono><supiido><de>
    "\u305d\u306e\u30b9\u30d4\u30fc\u30c9\u3067, d9juau41awczczp",
    "b\u00fccher, bcher-kva",
    "stra\u00dfe, strae-oqa",
    "\u4f8b\u5b50, fsqu00a",
  })
  void encode_knownLabel_matchesReference(String label, String expected) {
    assertEquals(expected, Punycode.encode(label));
  }
}
