package org.smtpcr.tokens.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.smtpcr.tokens.ReferenceTokenV1;

/** {@link Base32} against the bit-string base32 of {@link ReferenceTokenV1} on random input. */
final class Base32PropertiesTest {
  @Property
  void encodeThenDecode_anyBytes_roundTripsAndMatchesReference(
      @ForAll @Size(max = 400) byte[] data) {
    String text = Base32.encode(data);
    assertEquals(ReferenceTokenV1.base32(data), text);
    assertEquals(Base32.encodedLength(data.length), text.length());
    assertArrayEquals(data, Base32.decodeOrNull(text, (char) 0));
    assertArrayEquals(data, Base32.decodeOrNull(text.toUpperCase(Locale.ROOT), (char) 0));
  }

  @Property
  void decode_anyText_agreesWithReference(@ForAll("nearBase32") String text) {
    assertArrayEquals(ReferenceTokenV1.base32Decode(text), Base32.decodeOrNull(text, (char) 0));
  }

  @Property
  void decode_anyUnicodeText_agreesWithReference(@ForAll @StringLength(max = 50) String text) {
    assertArrayEquals(ReferenceTokenV1.base32Decode(text), Base32.decodeOrNull(text, (char) 0));
  }

  @Provide
  Arbitrary<String> nearBase32() {
    String alphabet = ReferenceTokenV1.ALPHABET;
    return Arbitraries.strings()
        .withChars(alphabet + alphabet.toUpperCase(Locale.ROOT) + "=01 -\u212A")
        .ofMaxLength(40);
  }
}
