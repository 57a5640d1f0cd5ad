package org.smtpcr.tokens.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.smtpcr.tokens.ReferenceTokenV1;

/**
 * HKDF-SHA256 known answers from RFC 5869 Appendix A (test cases 1 to 3). {@link Hkdf#deriveV1}
 * fixes the salt ({@code smtpcr-v1}) and the length (32), so the RFC cases are checked against the
 * hand-written HKDF of {@link ReferenceTokenV1}, and production is then checked against that.
 */
final class Rfc5869HkdfTest {
  private static final HexFormat HEX = HexFormat.of();

  private record Case(String ikm, String salt, String info, int length, String prk, String okm) {}

  private static final Case CASE_1 =
      new Case(
          "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
          "000102030405060708090a0b0c",
          "f0f1f2f3f4f5f6f7f8f9",
          42,
          "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
          "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");

  private static final Case CASE_2 =
      new Case(
          range(0x00, 0x4f),
          range(0x60, 0xaf),
          range(0xb0, 0xff),
          82,
          "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
          "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
              + "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
              + "cc30c58179ec3e87c14c01d5c1f3434f1d87");

  private static final Case CASE_3 =
      new Case(
          "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
          "",
          "",
          42,
          "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
          "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");

  @Test
  void referenceHkdf_testCase1_basic() {
    check(CASE_1);
  }

  @Test
  void referenceHkdf_testCase2_longInputsAndOutput() {
    check(CASE_2);
  }

  @Test
  void referenceHkdf_testCase3_emptySaltAndInfo() {
    check(CASE_3);
  }

  @Test
  void deriveV1_equalsHkdfWithSaltSmtpcrV1AndLength32() {
    byte[] ikm = HEX.parseHex(CASE_2.ikm());
    for (String info :
        new String[] {Hkdf.INFO_CHALLENGE_TOKEN, Hkdf.INFO_PASS_CODE, "key-fingerprint", ""}) {
      assertArrayEquals(
          ReferenceTokenV1.hkdf(ikm, ascii("smtpcr-v1"), ascii(info), 32),
          Hkdf.deriveV1(ikm, info),
          info);
    }
  }

  @Test
  void deriveV1_isThePrefixOfALongerOutput() {
    // HKDF-Expand output is a prefix stream: the 32 bytes of v1 are the first 32 of any longer
    // output
    byte[] ikm = HEX.parseHex(CASE_1.ikm());
    byte[] longer = ReferenceTokenV1.hkdf(ikm, ascii("smtpcr-v1"), ascii("challenge-token"), 100);
    assertEquals(
        HEX.formatHex(longer).substring(0, 64),
        HEX.formatHex(Hkdf.deriveV1(ikm, "challenge-token")));
  }

  @Test
  void deriveV1_infoNames_areThoseOfTheSpec() {
    assertEquals("challenge-token", Hkdf.INFO_CHALLENGE_TOKEN);
    assertEquals("pass-code", Hkdf.INFO_PASS_CODE);
  }

  private static void check(Case c) {
    byte[] prk = ReferenceTokenV1.hkdfExtract(HEX.parseHex(c.salt()), HEX.parseHex(c.ikm()));
    assertEquals(c.prk(), HEX.formatHex(prk));
    byte[] okm = ReferenceTokenV1.hkdfExpand(prk, HEX.parseHex(c.info()), c.length());
    assertEquals(c.okm(), HEX.formatHex(okm));
  }

  private static String range(int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i <= to; i++) {
      sb.append(String.format("%02x", i));
    }
    return sb.toString();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
