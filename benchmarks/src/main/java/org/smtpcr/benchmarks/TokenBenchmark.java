package org.smtpcr.benchmarks;

import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.smtpcr.tokens.ChallengeClaims;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.PassCodes;

/**
 * Mint and verify of SMTPCR challenge tokens against HS256 JWTs from Nimbus JOSE+JWT and auth0
 * java-jwt, all under the same 32-byte key, with the same addresses, claims and clock skew (see
 * {@link TokenFixtures}). Pass codes are measured for reference.
 *
 * <p>Signers, verifiers and inputs are made once in {@link #setUp()}; each benchmark method does
 * one operation the way a caller would. Mint returns the token; verify hands the sender and
 * recipient to a {@link Blackhole}, so nothing is dead code.
 *
 * <p>The annotations give the defaults; {@code benchmarks/run.sh} passes its own on the command
 * line.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class TokenBenchmark {
  // inputs live in non-final fields so the JIT cannot fold them as constants
  private String sender;
  private String recipient;

  private ChallengeTokens smtpcr;
  private PassCodes passCodes;
  private NimbusJwt nimbus;
  private Auth0Jwt auth0;

  private String smtpcrToken;
  private String passCode;
  private String nimbusToken;
  private String auth0Token;

  /** Builds everything once and checks that every token verifies, so no benchmark measures a failure. */
  @Setup
  public void setUp() {
    sender = TokenFixtures.SENDER;
    recipient = TokenFixtures.RECIPIENT;
    Clock clock = Clock.systemUTC();
    smtpcr = TokenFixtures.challengeTokens(clock);
    passCodes = TokenFixtures.passCodes();
    nimbus = TokenFixtures.nimbus(clock);
    auth0 = TokenFixtures.auth0(clock);

    smtpcrToken = smtpcr.mint(sender, recipient);
    passCode = passCodes.compute(sender, recipient);
    nimbusToken = nimbus.mint(sender, recipient);
    auth0Token = auth0.mint(sender, recipient);

    ChallengeClaims c = smtpcr.verify(smtpcrToken);
    check(c.sender(), c.recipient());
    passCodes.verify(passCode, sender, recipient);
    Addresses n = nimbus.verify(nimbusToken);
    check(n.sender(), n.recipient());
    Addresses a = auth0.verify(auth0Token);
    check(a.sender(), a.recipient());
  }

  private void check(String s, String r) {
    if (!sender.equals(s) || !recipient.equals(r)) {
      throw new IllegalStateException("round trip lost the addresses: " + s + ", " + r);
    }
  }

  /** SMTPCR: mint a challenge token. */
  @Benchmark
  public String smtpcrMint() {
    return smtpcr.mint(sender, recipient);
  }

  /** SMTPCR: verify a challenge token and take out the addresses. */
  @Benchmark
  public void smtpcrVerify(Blackhole bh) {
    ChallengeClaims c = smtpcr.verify(smtpcrToken);
    bh.consume(c.sender());
    bh.consume(c.recipient());
  }

  /** Nimbus JOSE+JWT: mint an HS256 JWT. */
  @Benchmark
  public String nimbusMint() {
    return nimbus.mint(sender, recipient);
  }

  /** Nimbus JOSE+JWT: verify an HS256 JWT and take out the addresses. */
  @Benchmark
  public void nimbusVerify(Blackhole bh) {
    Addresses a = nimbus.verify(nimbusToken);
    bh.consume(a.sender());
    bh.consume(a.recipient());
  }

  /** auth0 java-jwt: mint an HS256 JWT. */
  @Benchmark
  public String auth0Mint() {
    return auth0.mint(sender, recipient);
  }

  /** auth0 java-jwt: verify an HS256 JWT and take out the addresses. */
  @Benchmark
  public void auth0Verify(Blackhole bh) {
    Addresses a = auth0.verify(auth0Token);
    bh.consume(a.sender());
    bh.consume(a.recipient());
  }

  /** SMTPCR: compute the pass code of the pair (reference). */
  @Benchmark
  public String passCodeCompute() {
    return passCodes.compute(sender, recipient);
  }

  /** SMTPCR: verify a pass code for the pair (reference); it throws when the code does not match. */
  @Benchmark
  public String passCodeVerify() {
    passCodes.verify(passCode, sender, recipient);
    return passCode;
  }
}
