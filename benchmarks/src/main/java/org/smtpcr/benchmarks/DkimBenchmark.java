package org.smtpcr.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.impl.DNSPublicKeyRecordRetriever;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.smtpcr.auth.SmtpcrAuthenticator;
import org.smtpcr.auth.testing.Dnsmasq;
import org.smtpcr.core.auth.AuthStanding;
import org.smtpcr.core.auth.AuthenticationResults;
import org.smtpcr.core.auth.SpfResult;

/**
 * SMTPCR's check at the end of DATA and jDKIM's verification of one signed message (rsa-sha256,
 * relaxed/relaxed, 2048-bit key served by a dnsmasq each fork starts; dnsjava's cache on, as a
 * running server has it), and the peer: one SHA-256 over the same bytes, the least any verifier
 * must do, since it hashes the body.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class DkimBenchmark {
  /** Message size in bytes: 10 kB and 1 MB. */
  @Param({"10240", "1048576"})
  public int size;

  private Dnsmasq server;
  private DNSPublicKeyRecordRetriever keys;
  private SmtpcrAuthenticator authenticator;
  private final AuthenticationResults atRcpt =
      AuthenticationResults.builder().spfHelo(SpfResult.NONE).spfMailFrom(SpfResult.NONE).build();
  private byte[] message;
  private MessageDigest sha256;

  @Setup(Level.Trial)
  public void setUp() throws IOException, FailException, NoSuchAlgorithmException {
    KeyPair key = AuthFixtures.dkimKey();
    server = AuthFixtures.startDns(key);
    keys = new DNSPublicKeyRecordRetriever(AuthFixtures.resolver(server));
    authenticator = SmtpcrAuthenticator.builder().dnsServer(server.address()).build();
    message = AuthFixtures.signedMessage(size, key);
    sha256 = MessageDigest.getInstance("SHA-256");
    if (verify().size() != 1) {
      throw new IllegalStateException("the benchmark message does not verify");
    }
    AuthenticationResults r = checkMessage();
    if (r.standing(AuthFixtures.ZONE) != AuthStanding.DKIM_PASS) {
      throw new IllegalStateException("SMTPCR's check of the benchmark message gave " + r);
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    server.close();
  }

  /** jDKIM 0.5: parse, canonicalize and hash the body, fetch the key, check the signature. */
  @Benchmark
  public List<SignatureRecord> verify() throws IOException, FailException {
    return new DKIMVerifier(keys).verify(new ByteArrayInputStream(message));
  }

  /**
   * SMTPCR's check at the end of DATA, {@code SmtpcrAuthenticator.checkMessage}: DKIM (on jDKIM)
   * and DMARC for the From: domain, its cache on.
   */
  @Benchmark
  public AuthenticationResults checkMessage() throws IOException {
    return authenticator.checkMessage(
        atRcpt, "alice@" + AuthFixtures.ZONE, new ByteArrayInputStream(message));
  }

  /** The peer: SHA-256 of the whole message. */
  @Benchmark
  public byte[] sha256() {
    return sha256.digest(message);
  }
}
