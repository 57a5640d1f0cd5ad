package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** {@link ProofOfWork#solve} finds a passing nonce for any stamp and small difficulty. */
final class ProofOfWorkPropertiesTest {
  @Property(tries = 50)
  void solve_anyTimeAndDifficulty_returnsAPassingNonce(
      @ForAll @IntRange(min = 0, max = 8) int bits,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int issued) {
    byte[] c = ProofOfWork.challenge(Integer.toHexString(issued));
    assertTrue(ProofOfWork.passes(c, ProofOfWork.solve(c, bits), bits));
  }
}
