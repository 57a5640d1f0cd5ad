package org.smtpcr.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smtpcr.tokens.TokenException.Reason;

final class PassCodesTest {
  private static final byte[] K = TokenVectorGenerator.key("k3");
  private static final PassCodes CODES = PassCodes.of(KeyRing.of(MasterKey.copyOf(K)));
  private static final String CODE = CODES.compute("alice@example.org", "bob@example.com");

  @Test
  void compute_isLowercase18CharactersNamingTheActiveKid() {
    assertEquals(ReferenceTokenV1.passCode(K, 0, "alice@example.org", "bob@example.com"), CODE);
    assertTrue(CODE.matches("[a-z2-7]{18}"), CODE);
  }

  @Test
  void grouped_splitsIntoThreeGroupsOfSix_otherLengthsUnchanged() {
    assertEquals(
        CODE.substring(0, 6) + "-" + CODE.substring(6, 12) + "-" + CODE.substring(12),
        PassCodes.grouped(CODE));
    assertEquals("abc", PassCodes.grouped("abc"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "a",
        "aaaaaaaaaaaaaaaaa",
        "aaaaaaaaaaaaaaaaaaa",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "aaaaaaaaaaaaaaaaa=",
        "aaaaaaaaa aaaaaaaa",
        "aaaaaaaaa_aaaaaaaaa",
        "aaaaaaaaaaaaaaaaa1"
      })
  void verify_notEighteenSymbols_isMalformed(String code) {
    assertEquals(
        Reason.MALFORMED,
        assertThrows(
                TokenException.class,
                () -> CODES.verify(code, "alice@example.org", "bob@example.com"))
            .reason());
  }

  @Test
  void verify_nonZeroTrailingBits_isMalformed() {
    // 11 bytes use 88 of the 90 bits of 18 symbols; the last two must be zero
    char last = CODE.charAt(17);
    char changed = ReferenceTokenV1.ALPHABET.charAt(ReferenceTokenV1.ALPHABET.indexOf(last) | 1);
    if (changed != last) {
      assertEquals(
          Reason.MALFORMED,
          assertThrows(
                  TokenException.class,
                  () ->
                      CODES.verify(
                          CODE.substring(0, 17) + changed, "alice@example.org", "bob@example.com"))
              .reason());
    }
  }

  @Test
  void verify_inputOver64Characters_isMalformedEvenIfMostlyDashes() {
    String padded = "-".repeat(PassCodes.MAX_INPUT_LENGTH - 18) + CODE;
    CODES.verify(padded, "alice@example.org", "bob@example.com");
    assertEquals(
        Reason.MALFORMED,
        assertThrows(
                TokenException.class,
                () -> CODES.verify("-" + padded, "alice@example.org", "bob@example.com"))
            .reason());
  }

  @Test
  void verify_kidByteOver15OrNotInRing_isUnknownKey() {
    byte[] bytes = ReferenceTokenV1.base32Decode(CODE);
    for (int kid : new int[] {1, 15, 16, 0x80, 0xff}) {
      bytes[0] = (byte) kid;
      String code = ReferenceTokenV1.base32(bytes);
      assertEquals(
          Reason.UNKNOWN_KEY,
          assertThrows(
                  TokenException.class,
                  () -> CODES.verify(code, "alice@example.org", "bob@example.com"))
              .reason(),
          "kid " + kid);
    }
  }

  @Test
  void verify_invalidAddress_isBadSignatureNotAnotherException() {
    for (String bad : new String[] {"", "a\uD800", "x".repeat(255)}) {
      assertEquals(
          Reason.BAD_SIGNATURE,
          assertThrows(TokenException.class, () -> CODES.verify(CODE, bad, "bob@example.com"))
              .reason());
      assertFalse(CODES.matches(CODE, "alice@example.org", bad));
    }
  }

  @Test
  void compute_invalidAddress_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> CODES.compute("", "b"));
    assertThrows(IllegalArgumentException.class, () -> CODES.compute("a", "x".repeat(255)));
    assertThrows(NullPointerException.class, () -> CODES.compute(null, "b"));
    assertThrows(NullPointerException.class, () -> CODES.verify(null, "a", "b"));
    assertThrows(NullPointerException.class, () -> PassCodes.of(null));
  }

  @Test
  void compute_controlCharacterInAddress_isRefused() {
    // a NUL inside an address would make ("a\0b", "c") and ("a", "b\0c") share one code
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CODES.compute("a\0b@example.org", "c@example.com"));
    assertTrue(e.getMessage().contains("control character"), e.getMessage());
    assertEquals(
        Reason.BAD_SIGNATURE,
        assertThrows(
                TokenException.class,
                () -> CODES.verify(CODE, "alice@example.org", "bob@example.com\n"))
            .reason());
  }
}
