package org.smtpcr.tokens.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.smtpcr.tokens.ReferenceTokenV1;

/** {@link Hkdf#deriveV1} against the hand-written HKDF on random input. */
final class HkdfPropertiesTest {
  @Property
  void deriveV1_anyMasterKeyAndInfo_equalsReference(
      @ForAll @Size(min = 0, max = 200) byte[] ikm,
      @ForAll @StringLength(max = 40) String asciiInfo) {
    String info =
        asciiInfo
            .chars()
            .map(c -> c & 0x7f)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString();
    assertArrayEquals(
        ReferenceTokenV1.hkdf(ikm, ascii("smtpcr-v1"), ascii(info), 32), Hkdf.deriveV1(ikm, info));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
