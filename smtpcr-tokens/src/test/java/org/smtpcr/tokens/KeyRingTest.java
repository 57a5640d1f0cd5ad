package org.smtpcr.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smtpcr.tokens.TokenException.Reason;

/** Key rings, master keys and rotation. */
final class KeyRingTest {
  private static final MasterKey A = MasterKey.copyOf(TokenVectorGenerator.key("k0"));
  private static final MasterKey B = MasterKey.copyOf(TokenVectorGenerator.key("k1"));

  // ---------------------------------------------------------------- rotation

  @Test
  void rotation_addActivateRetire_oldTokensVerifyUntilTheirKeyIsRemoved() {
    MutableClock clock = MutableClock.atEpochSecond(TokenVectorGenerator.T0);
    KeyRing ring0 = KeyRing.of(A);
    String old = tokens(ring0, clock).mint("alice@example.org", "bob@example.com");
    String oldCode = PassCodes.of(ring0).compute("alice@example.org", "bob@example.com");

    // add kid 1 and make it active
    KeyRing ring1 = ring0.withKey(1, B).withActive(1);
    ChallengeTokens t1 = tokens(ring1, clock);
    assertEquals(0, t1.verify(old).keyId());
    String fresh = t1.mint("carol@example.org", "bob@example.com");
    assertEquals(1, t1.verify(fresh).keyId());
    assertEquals(0x11, ReferenceTokenV1.base32Decode(fresh)[0], "version 1, kid 1");
    PassCodes.of(ring1).verify(oldCode, "alice@example.org", "bob@example.com");
    assertEquals(1, ReferenceTokenV1.base32Decode(PassCodes.of(ring1).compute("a", "b"))[0]);

    // retire kid 0
    KeyRing ring2 = ring1.withoutKey(0);
    ChallengeTokens t2 = tokens(ring2, clock);
    assertEquals(
        Reason.UNKNOWN_KEY, assertThrows(TokenException.class, () -> t2.verify(old)).reason());
    assertEquals(
        Reason.UNKNOWN_KEY,
        assertThrows(
                TokenException.class,
                () -> PassCodes.of(ring2).verify(oldCode, "alice@example.org", "bob@example.com"))
            .reason());
    assertEquals("carol@example.org", t2.verify(fresh).sender());
  }

  @Test
  void rotation_withDerivedRings_leavesTheOriginalUnchanged() {
    KeyRing ring = KeyRing.of(A);
    KeyRing added = ring.withKey(1, B);
    KeyRing activated = added.withActive(1);
    assertEquals(List.of(0), List.copyOf(ring.keyIds()));
    assertEquals(List.of(0, 1), List.copyOf(added.keyIds()));
    assertEquals(0, added.activeKeyId());
    assertEquals(1, activated.activeKeyId());
    assertSame(B, activated.activeKey());
    assertEquals(0, ring.activeKeyId());
  }

  @Test
  void withKey_replacingAKey_breaksItsTokens() {
    MutableClock clock = MutableClock.atEpochSecond(TokenVectorGenerator.T0);
    KeyRing ring = KeyRing.of(A);
    String token = tokens(ring, clock).mint("a", "b");
    KeyRing replaced = ring.withKey(0, B);
    assertEquals(
        Reason.BAD_SIGNATURE,
        assertThrows(TokenException.class, () -> tokens(replaced, clock).verify(token)).reason());
  }

  @Test
  void withActive_keyNotInRing_throws() {
    assertThrows(IllegalArgumentException.class, () -> KeyRing.of(A).withActive(1));
    assertThrows(IllegalArgumentException.class, () -> KeyRing.of(A).withActive(16));
  }

  @Test
  void withoutKey_activeOrAbsentKey_throws() {
    KeyRing ring = KeyRing.of(A).withKey(1, B);
    assertThrows(IllegalArgumentException.class, () -> ring.withoutKey(0));
    assertThrows(IllegalArgumentException.class, () -> ring.withoutKey(2));
    assertEquals(List.of(0), List.copyOf(ring.withoutKey(1).keyIds()));
  }

  @Test
  void withKey_outOfRangeKeyId_throws() {
    assertThrows(IllegalArgumentException.class, () -> KeyRing.of(A).withKey(16, B));
    assertThrows(IllegalArgumentException.class, () -> KeyRing.of(A).withKey(-1, B));
    assertThrows(NullPointerException.class, () -> KeyRing.of(A).withKey(1, null));
  }

  @Test
  void nextFreeKeyId_followsTheActiveKeyAndWraps_emptyWhenFull() {
    assertEquals(Optional.of(1), KeyRing.of(A).nextFreeKeyId());
    KeyRing b = KeyRing.builder().key(14, A).key(15, B).active(15).build();
    assertEquals(Optional.of(0), b.nextFreeKeyId());
    KeyRing.Builder full = KeyRing.builder();
    for (int kid = 0; kid <= KeyRing.MAX_KEY_ID; kid++) {
      full.key(kid, MasterKey.generate());
    }
    assertEquals(Optional.empty(), full.active(3).build().nextFreeKeyId());
  }

  @Test
  void keyAccessors_reportWhatIsInTheRing() {
    KeyRing ring = KeyRing.builder().key(3, A).key(7, B).active(7).build();
    assertTrue(ring.contains(3));
    assertFalse(ring.contains(4));
    assertFalse(ring.contains(-1));
    assertFalse(ring.contains(16));
    assertEquals(Optional.empty(), ring.key(99));
    assertSame(A, ring.key(3).orElseThrow());
    assertSame(B, ring.activeKey());
    assertThrows(UnsupportedOperationException.class, () -> ring.keyIds().add(5));
  }

  // ---------------------------------------------------------------- builder state

  @Test
  void builder_noKey_throwsIllegalState() {
    assertThrows(IllegalStateException.class, () -> KeyRing.builder().build());
    assertThrows(IllegalStateException.class, () -> KeyRing.builder().active(0).build());
  }

  @Test
  void builder_noActiveKeyId_throwsIllegalState() {
    assertThrows(IllegalStateException.class, () -> KeyRing.builder().key(0, A).build());
  }

  @Test
  void builder_activeKeyIdWithoutKey_throwsIllegalState() {
    assertThrows(IllegalStateException.class, () -> KeyRing.builder().key(0, A).active(1).build());
  }

  @Test
  void builder_sameKeyIdTwice_throwsIllegalState() {
    KeyRing.Builder b = KeyRing.builder().key(0, A);
    assertThrows(IllegalStateException.class, () -> b.key(0, B));
  }

  @Test
  void builder_activeTwice_throwsIllegalState() {
    KeyRing.Builder b = KeyRing.builder().key(0, A).key(1, B).active(0);
    assertThrows(IllegalStateException.class, () -> b.active(1));
  }

  @Test
  void builder_keyIdOutOfRange_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> KeyRing.builder().key(16, A));
    assertThrows(IllegalArgumentException.class, () -> KeyRing.builder().key(-1, A));
    assertThrows(IllegalArgumentException.class, () -> KeyRing.builder().active(16));
    assertThrows(NullPointerException.class, () -> KeyRing.builder().key(0, null));
  }

  @Test
  void builder_builtRing_isNotChangedByLaterBuilderCalls() {
    KeyRing.Builder b = KeyRing.builder().key(0, A).active(0);
    KeyRing ring = b.build();
    b.key(1, B);
    assertEquals(List.of(0), List.copyOf(ring.keyIds()));
  }

  // ---------------------------------------------------------------- master keys

  @Test
  void masterKey_shorterThan32Bytes_throwsWithLengthOnly() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MasterKey.copyOf(new byte[31]));
    assertTrue(e.getMessage().contains("31"), e.getMessage());
    MasterKey.copyOf(new byte[32]);
  }

  @Test
  void masterKey_longerThanMax_throws() {
    assertThrows(
        IllegalArgumentException.class, () -> MasterKey.copyOf(new byte[MasterKey.MAX_LENGTH + 1]));
    assertEquals(MasterKey.MAX_LENGTH, MasterKey.copyOf(new byte[MasterKey.MAX_LENGTH]).length());
  }

  @Test
  void masterKey_copiesItsInput_andCopyBytesIsACopy() {
    byte[] secret = TokenVectorGenerator.key("k3");
    MasterKey k = MasterKey.copyOf(secret);
    Arrays.fill(secret, (byte) 0);
    assertTrue(Arrays.equals(TokenVectorGenerator.key("k3"), k.copyBytes()));
    byte[] copy = k.copyBytes();
    copy[0] ^= 1;
    assertTrue(Arrays.equals(TokenVectorGenerator.key("k3"), k.copyBytes()));
  }

  @Test
  void masterKey_sameKeyAs_comparesContentWhileEqualsIsIdentity() {
    MasterKey a1 = MasterKey.copyOf(TokenVectorGenerator.key("k0"));
    MasterKey a2 = MasterKey.copyOf(TokenVectorGenerator.key("k0"));
    assertTrue(a1.sameKeyAs(a2));
    assertFalse(a1.sameKeyAs(B));
    assertNotEquals(a1, a2);
    assertEquals(a1.fingerprint(), a2.fingerprint());
    assertNotEquals(a1.fingerprint(), B.fingerprint());
    assertTrue(a1.fingerprint().matches("[0-9a-f]{8}"), a1.fingerprint());
  }

  @Test
  void masterKey_generate_gives32FreshBytes() {
    MasterKey g1 = MasterKey.generate();
    MasterKey g2 = MasterKey.generate(new SecureRandom());
    assertEquals(32, g1.length());
    assertFalse(g1.sameKeyAs(g2));
  }

  private static ChallengeTokens tokens(KeyRing ring, MutableClock clock) {
    return ChallengeTokens.builder()
        .keyRing(ring)
        .clock(clock)
        .lifetime(Duration.ofDays(1))
        .build();
  }
}
