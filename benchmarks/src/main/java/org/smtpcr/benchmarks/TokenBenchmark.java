package org.smtpcr.benchmarks;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.smtpcr.tokens.ChallengeClaims;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.PassCodes;

/**
 * SMTPCR challenge tokens against HS256 JWTs of two libraries ({@link Jwts}), pass codes for
 * reference (see docs/benchmarks.md). Verify hands both addresses to a {@link Blackhole}, as a
 * caller would use them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class TokenBenchmark {
  // inputs in non-final fields, so the JIT cannot fold them as constants
  private String sender = TokenFixtures.SENDER;
  private String recipient = TokenFixtures.RECIPIENT;
  private ChallengeTokens smtpcr = TokenFixtures.challengeTokens(Clock.systemUTC());
  private PassCodes passCodes = PassCodes.of(TokenFixtures.keyRing());
  private Jwts.Jwt nimbus = Jwts.nimbus(Clock.systemUTC());
  private Jwts.Jwt auth0 = Jwts.auth0(Clock.systemUTC());
  private String smtpcrToken = smtpcr.mint(sender, recipient);
  private String passCode = passCodes.compute(sender, recipient);
  private String nimbusToken = nimbus.mint(sender, recipient);
  private String auth0Token = auth0.mint(sender, recipient);

  /** Checks that every token verifies, so that no benchmark measures a failure. */
  @Setup
  public void setUp() {
    passCodes.verify(passCode, sender, recipient);
    ChallengeClaims c = smtpcr.verify(smtpcrToken);
    List<Jwts.Addresses> verified =
        List.of(
            new Jwts.Addresses(c.sender(), c.recipient()),
            nimbus.verify(nimbusToken),
            auth0.verify(auth0Token));
    if (!verified.stream().allMatch(new Jwts.Addresses(sender, recipient)::equals)) {
      throw new IllegalStateException("a round trip lost the addresses: " + verified);
    }
  }

  @Benchmark
  public String smtpcrMint() {
    return smtpcr.mint(sender, recipient);
  }

  @Benchmark
  public void smtpcrVerify(Blackhole bh) {
    ChallengeClaims c = smtpcr.verify(smtpcrToken);
    bh.consume(c.sender());
    bh.consume(c.recipient());
  }

  @Benchmark
  public String nimbusMint() {
    return nimbus.mint(sender, recipient);
  }

  @Benchmark
  public void nimbusVerify(Blackhole bh) {
    Jwts.Addresses a = nimbus.verify(nimbusToken);
    bh.consume(a.sender());
    bh.consume(a.recipient());
  }

  @Benchmark
  public String auth0Mint() {
    return auth0.mint(sender, recipient);
  }

  @Benchmark
  public void auth0Verify(Blackhole bh) {
    Jwts.Addresses a = auth0.verify(auth0Token);
    bh.consume(a.sender());
    bh.consume(a.recipient());
  }

  @Benchmark
  public String passCodeCompute() {
    return passCodes.compute(sender, recipient);
  }

  /** Throws when the code does not match. */
  @Benchmark
  public String passCodeVerify() {
    passCodes.verify(passCode, sender, recipient);
    return passCode;
  }
}
