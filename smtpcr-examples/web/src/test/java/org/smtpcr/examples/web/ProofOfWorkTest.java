package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Known answers for scheme smtpcr-pow-v1, computed independently with Python's hashlib. */
final class ProofOfWorkTest {
  private static final String CHALLENGE_HEX =
      "bb05f48725863b8bf3296c8ef2978ae133d93541abb83eb9a31fb3b185489962";

  @Test
  void challenge_knownTokenAndTime_matchesVector() {
    assertEquals(CHALLENGE_HEX, ProofOfWork.hex(ProofOfWork.challenge("abc", 1_767_225_600L)));
  }

  @Test
  void solve_twelveBits_findsVectorNonce() {
    byte[] c = ProofOfWork.challenge("abc", 1_767_225_600L);
    assertEquals(4738L, ProofOfWork.solve(c, 12));
    assertEquals(
        "000f778289a8c840f11edf7e4e3a6b00723dd5d90694a563d1816a478ccd5072",
        ProofOfWork.hex(ProofOfWork.proof(c, 4738L)));
  }

  @Test
  void passes_vectorNonce_passesTwelveButNotThirteenBits() {
    byte[] c = ProofOfWork.challenge("abc", 1_767_225_600L);
    assertTrue(ProofOfWork.passes(c, 4738L, 12));
    assertFalse(ProofOfWork.passes(c, 4738L, 13));
    assertFalse(ProofOfWork.passes(c, 4737L, 12));
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
