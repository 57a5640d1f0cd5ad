package org.smtpcr.tokens.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.smtpcr.tokens.ReferenceTokenV1;

/** HMAC-SHA256 known answers from RFC 4231 §4 (test cases 1 to 7) against {@link HmacSha256}. */
final class Rfc4231HmacSha256Test {
  private static final HexFormat HEX = HexFormat.of();
  private static final String AA_131 = "aa".repeat(131);

  @Test
  void testCase1_shortKey() {
    check(
        "0b".repeat(20),
        hex("Hi There"),
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  }

  @Test
  void testCase2_keyShorterThanOutput() {
    check(
        hex("Jefe"),
        hex("what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void testCase3_combinedKeyAndDataLongerThan64() {
    check(
        "aa".repeat(20),
        "dd".repeat(50),
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  }

  @Test
  void testCase4_combinedKeyAndDataLongerThan64() {
    check(
        "0102030405060708090a0b0c0d0e0f10111213141516171819",
        "cd".repeat(50),
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  }

  @Test
  void testCase5_truncatedTo128Bits() {
    byte[] mac = new HmacSha256(HEX.parseHex("0c".repeat(20))).mac(ascii("Test With Truncation"));
    assertEquals("a3b6167473100ee06e0c796c2955552b", HEX.formatHex(Arrays.copyOf(mac, 16)));
  }

  @Test
  void testCase6_keyLongerThanBlockSize() {
    check(
        AA_131,
        hex("Test Using Larger Than Block-Size Key - Hash Key First"),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  }

  @Test
  void testCase7_keyAndDataLongerThanBlockSize() {
    check(
        AA_131,
        hex(
            "This is a test using a larger than block-size key and a larger than block-size data."
                + " The key needs to be hashed before being used by the HMAC algorithm."),
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  }

  @Test
  void constructor_copiesTheKey_soWipingTheCallersArrayChangesNothing() {
    byte[] key = HEX.parseHex("0b".repeat(20));
    HmacSha256 mac = new HmacSha256(key);
    Arrays.fill(key, (byte) 0);
    assertEquals(
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        HEX.formatHex(mac.mac(ascii("Hi There"))));
  }

  @Test
  void toString_isRedacted() {
    assertFalse(new HmacSha256(HEX.parseHex("0b".repeat(20))).toString().contains("0b0b"));
  }

  private static void check(String keyHex, String dataHex, String expected) {
    HmacSha256 mac = new HmacSha256(HEX.parseHex(keyHex));
    byte[] data = HEX.parseHex(dataHex);
    assertEquals(expected, HEX.formatHex(mac.mac(data, 0, data.length)));
    assertEquals(expected, HEX.formatHex(mac.mac(data)));
    int half = data.length / 2;
    assertEquals(
        expected,
        HEX.formatHex(
            mac.mac(Arrays.copyOf(data, half), Arrays.copyOfRange(data, half, data.length))));
    assertEquals(expected, HEX.formatHex(ReferenceTokenV1.hmac(HEX.parseHex(keyHex), data)));
  }

  private static String hex(String s) {
    return HEX.formatHex(ascii(s));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
