package org.smtpcr.core.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** {@link EncodedWords#decode} never throws and stays bounded, whatever the text. */
final class EncodedWordsPropertiesTest {
  @Provide
  Arbitrary<String> wordish() {
    return Arbitraries.strings()
        .withChars("=?QqBb_-utf8iso-8859-1abcXYZ+/ \r\n\t\u00e9\ud83d\ude00")
        .ofMaxLength(300);
  }

  @Property
  void decode_wordishText_neverThrowsAndStaysBounded(@ForAll("wordish") String s) {
    assertTrue(EncodedWords.decode(s).length() <= EncodedWords.MAX_INPUT_LENGTH);
  }

  @Property
  void decode_anyText_neverThrowsAndStaysBounded(@ForAll @Size(max = 5000) String s) {
    assertTrue(EncodedWords.decode(s).length() <= EncodedWords.MAX_INPUT_LENGTH);
  }
}
