package org.smtpcr.examples.web;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Known answers for scheme smtpcr-pow-v2, computed independently with Python's hashlib. */
final class ProofOfWorkTest {
  private static final String CHALLENGE_HEX =
      "5e3e28defc721920c89332b81993cf53a6cb5d41879c85ac12dffcd1af639127";
  private static final String STAMP = "30123456789abcdef0123456789abcdef";

  @Test
  void challenge_knownStamp_matchesVector() {
    assertEquals(CHALLENGE_HEX, ProofOfWork.hex(ProofOfWork.challenge(STAMP)));
  }

  @Test
  void solve_twelveBits_findsVectorNonce() {
    byte[] c = ProofOfWork.challenge(STAMP);
    assertEquals(13611L, ProofOfWork.solve(c, 12));
    assertEquals(
        "0006b6b4a029bd68d7bc7dbf2e0a3c06d40d8a44178e37d003ac82e9553aec3f",
        ProofOfWork.hex(ProofOfWork.proof(c, 13611L)));
  }

  @Test
  void passes_vectorNonce_passesThirteenButNotFourteenBits() {
    byte[] c = ProofOfWork.challenge(STAMP);
    assertTrue(ProofOfWork.passes(c, 13611L, 13));
    assertFalse(ProofOfWork.passes(c, 13611L, 14));
    assertFalse(ProofOfWork.passes(c, 13610L, 12));
  }

  @Test
  void stamped_isTheSchemeTokenTimeAndBitsSeparatedByZeroBytes() {
    assertEquals(
        "smtpcr-pow-v2\0abc\0" + "1767225600\0" + "18",
        new String(ProofOfWork.stamped("abc", 1_767_225_600L, 18), US_ASCII));
  }

  @Test
  void leadingZeroBits_examples_countBitsFromTheLeft() {
    assertEquals(0, ProofOfWork.leadingZeroBits(new byte[] {(byte) 0x80, 0}));
    assertEquals(7, ProofOfWork.leadingZeroBits(new byte[] {1, 0}));
    assertEquals(8, ProofOfWork.leadingZeroBits(new byte[] {0, (byte) 0xff}));
    assertEquals(12, ProofOfWork.leadingZeroBits(new byte[] {0, 0x0f}));
    assertEquals(16, ProofOfWork.leadingZeroBits(new byte[] {0, 0}));
  }
}
