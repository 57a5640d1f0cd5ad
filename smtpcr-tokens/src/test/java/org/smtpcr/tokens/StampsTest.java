package org.smtpcr.tokens;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

final class StampsTest {
  private final MasterKey key = MasterKey.generate();
  private final KeyRing ring = KeyRing.builder().key(5, key).active(5).build();
  private final Stamps stamps = Stamps.of(ring, "pow-challenge");
  private final byte[] message = ("token\0" + "1700000000\0" + "18").getBytes(US_ASCII);

  @Test
  void sign_thenVerify_passes() {
    String s = stamps.sign(message);
    assertEquals(Stamps.LENGTH, s.length());
    assertEquals('5', s.charAt(0));
    stamps.verify(message, s);
  }

  @Test
  void verify_otherMessage_badSignature() {
    String s = stamps.sign(message);
    byte[] other = ("token\0" + "1700000000\0" + "10").getBytes(US_ASCII);
    TokenException e = assertThrows(TokenException.class, () -> stamps.verify(other, s));
    assertEquals(TokenException.Reason.BAD_SIGNATURE, e.reason());
  }

  @Test
  void verify_otherPurpose_badSignature() {
    String s = Stamps.of(ring, "other").sign(message);
    TokenException e = assertThrows(TokenException.class, () -> stamps.verify(message, s));
    assertEquals(TokenException.Reason.BAD_SIGNATURE, e.reason());
  }

  @Test
  void verify_anyFlippedCharacter_fails() {
    String s = stamps.sign(message);
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      String t = s.substring(0, i) + (c == '0' ? '1' : '0') + s.substring(i + 1);
      assertThrows(TokenException.class, () -> stamps.verify(message, t));
    }
  }

  @Test
  void verify_malformedOrUnknownKey_saysWhich() {
    String s = stamps.sign(message);
    assertEquals(
        TokenException.Reason.MALFORMED,
        assertThrows(TokenException.class, () -> stamps.verify(message, s.substring(1))).reason());
    assertEquals(
        TokenException.Reason.MALFORMED,
        assertThrows(
                TokenException.class,
                () -> stamps.verify(message, s.toUpperCase(java.util.Locale.ROOT)))
            .reason());
    assertEquals(
        TokenException.Reason.UNKNOWN_KEY,
        assertThrows(TokenException.class, () -> stamps.verify(message, "7" + s.substring(1)))
            .reason());
  }

  @Test
  void rotation_oldStampsStillVerify() {
    String old = stamps.sign(message);
    KeyRing rotated = ring.withKey(6, MasterKey.generate()).withActive(6);
    Stamps after = Stamps.of(rotated, "pow-challenge");
    after.verify(message, old);
    assertNotEquals(old, after.sign(message));
  }

  @Test
  void stampKey_isDerived_notTheRawMasterKeyNorAnotherPurposesKey() {
    String tag = stamps.sign(message).substring(1);
    byte[] prefix = "smtpcr-stamp-v1:pow-challenge".getBytes(US_ASCII);
    for (byte[] k :
        new byte[][] {key.copyBytes(), key.derive("pass-code"), key.derive("challenge-token")}) {
      byte[] mac =
          new org.smtpcr.tokens.internal.HmacSha256(k).mac(prefix, new byte[] {0}, message);
      assertNotEquals(java.util.HexFormat.of().formatHex(mac, 0, 16), tag);
    }
    byte[] derived = key.derive("stamp:pow-challenge");
    byte[] mac =
        new org.smtpcr.tokens.internal.HmacSha256(derived).mac(prefix, new byte[] {0}, message);
    assertEquals(java.util.HexFormat.of().formatHex(mac, 0, 16), tag);
    assertThrows(IllegalArgumentException.class, () -> Stamps.of(ring, "Pass Code"));
  }

  @Test
  void toString_showsNoKeyMaterial() {
    assertEquals("Stamps[purpose=pow-challenge, keys=[5]]", stamps.toString());
  }
}
