package org.smtpcr.tokens.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.smtpcr.tokens.ReferenceTokenV1;

/**
 * RFC 4648 §10 base32 vectors, written lowercase and unpadded as format v1 does, against {@link
 * Base32}, and the strict decoding rules of the spec.
 */
final class Rfc4648Base32Test {
  @ParameterizedTest(name = "BASE32(\"{0}\") = {1}")
  @CsvSource(
      value = {
        "'', '', ''",
        "f, MY======, my",
        "fo, MZXQ====, mzxq",
        "foo, MZXW6===, mzxw6",
        "foob, MZXW6YQ=, mzxw6yq",
        "fooba, MZXW6YTB, mzxw6ytb",
        "foobar, MZXW6YTBOI======, mzxw6ytboi"
      })
  void rfc4648Section10_encodesLowercaseUnpaddedAndDecodesBothCases(
      String input, String rfc, String v1) {
    byte[] bytes = input.getBytes(StandardCharsets.US_ASCII);
    assertEquals(
        rfc.replace("=", "").toLowerCase(Locale.ROOT), v1, "the RFC's text, lowercased, unpadded");
    assertEquals(v1, Base32.encode(bytes));
    assertEquals(v1.length(), Base32.encodedLength(bytes.length));
    assertArrayEquals(bytes, Base32.decodeOrNull(v1, (char) 0));
    assertArrayEquals(bytes, Base32.decodeOrNull(v1.toUpperCase(Locale.ROOT), (char) 0));
    if (rfc.contains("=")) {
      assertNull(Base32.decodeOrNull(rfc, (char) 0), "padding is refused");
    }
  }

  @Test
  void encode_offsetAndLength_encodeTheSlice() {
    byte[] foobar = "xxfoobaryy".getBytes(StandardCharsets.US_ASCII);
    assertEquals("mzxw6ytboi", Base32.encode(foobar, 2, 6));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "my=",
        "MY======",
        "mzxw6yq=", // padding
        "my ",
        " my",
        "m y",
        "my\n",
        "my\t",
        "my\r\n", // white space
        "m",
        "mzx",
        "mzxw6y",
        "mzxw6ytbo", // lengths 1, 3, 6 (mod 8): never produced
        "mz",
        "mzxr",
        "mzxw7",
        "mzxw6yr",
        "mzxw6ytboj", // unused trailing bits not zero
        "m0",
        "m1",
        "m8",
        "m9",
        "m-",
        "m+",
        "m/",
        "m_",
        "m.", // outside the alphabet
        "\u212Ay",
        "\u017Fy",
        "\u0131y",
        "\uFF4Dy",
        "my\u0000",
        "\u00e9y"
      }) // non-ASCII look-alikes, NUL
  void decode_nonCanonicalText_isRefused(String text) {
    assertNull(Base32.decodeOrNull(text, (char) 0), text);
    assertNull(ReferenceTokenV1.base32Decode(text), "reference agrees: " + text);
  }

  @Test
  void decode_ignoredCharacter_isSkippedOnlyWhenNamed() {
    assertArrayEquals(
        "foobar".getBytes(StandardCharsets.US_ASCII), Base32.decodeOrNull("mzx-w6y-tboi", '-'));
    assertArrayEquals(
        "foobar".getBytes(StandardCharsets.US_ASCII), Base32.decodeOrNull("-MZXW6YTBOI--", '-'));
    assertNull(Base32.decodeOrNull("mzx-w6y-tboi", (char) 0));
    assertNull(Base32.decodeOrNull("mzx w6y tboi", '-'));
    assertArrayEquals(new byte[0], Base32.decodeOrNull("---", '-'));
  }
}
