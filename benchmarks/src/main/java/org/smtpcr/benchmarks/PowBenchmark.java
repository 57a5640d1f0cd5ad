package org.smtpcr.benchmarks;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the challenge page's proof of work ({@code smtpcr-pow-v2}, see docs/challenge-page.md) costs
 * a program that solves it outside a browser: one solve at the default difficulty and at +2 and +4
 * bits (what a browser pays for the same: {@code PowCostMeasurement} in the web module's tests),
 * each on a fresh challenge (the work per challenge varies; the mean over many is 2<sup>bits</sup>
 * hashes), and one hash. The solver is written as an attacker would write it: one digest object,
 * the 40-byte input reused, no allocation per try; HotSpot computes SHA-256 with the CPU's SHA
 * instructions where it has them.
 */
@BenchmarkMode(Mode.AverageTime)
@State(Scope.Thread)
public class PowBenchmark {
  /** ChallengePage.DEFAULT_POW_DIFFICULTY_BITS, and +2 and +4 bits. */
  @Param({"18", "20", "22"})
  public int bits;

  private final MessageDigest sha = sha256();
  private final byte[] input = new byte[40];
  private final byte[] out = new byte[32];
  private long next;

  @Setup
  public void setUp() {
    next = 0;
  }

  /** One solve of a fresh challenge; returns the passing nonce. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public long solve() throws DigestException {
    challenge(next++, input);
    return solve(sha, input, out, bits);
  }

  /**
   * The challenge of the {@code n}th page, as the page derives it: SHA-256("smtpcr-pow-v2" 0x00
   * stamp), into the first 32 bytes of {@code input}; the stamp (a MAC the server issues) stands in
   * here as 33 hex digits that differ per page.
   */
  static void challenge(long n, byte[] input) throws DigestException {
    MessageDigest c = sha256();
    c.update(
        ("smtpcr-pow-v2\0" + String.format(java.util.Locale.ROOT, "%033x", n))
            .getBytes(StandardCharsets.US_ASCII));
    c.digest(input, 0, 32);
  }

  /** The smallest nonce whose SHA-256(challenge || nonce) starts with {@code bits} zero bits. */
  static long solve(MessageDigest sha, byte[] input, byte[] out, int bits) throws DigestException {
    for (long nonce = 0; ; nonce++) {
      for (int i = 0; i < 8; i++) {
        input[32 + i] = (byte) (nonce >>> (56 - 8 * i));
      }
      sha.update(input, 0, 40);
      sha.digest(out, 0, 32);
      if (leadingZeroBits(out) >= bits) {
        return nonce;
      }
    }
  }

  static int leadingZeroBits(byte[] digest) {
    int n = 0;
    for (byte b : digest) {
      if (b != 0) {
        return n + Integer.numberOfLeadingZeros(b & 0xff) - 24;
      }
      n += 8;
    }
    return n;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
