package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.tokens.ChallengeClaims;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.KeyRingFile;
import org.smtpcr.tokens.MasterKey;
import org.smtpcr.tokens.PassCodes;
import org.smtpcr.tokens.SenderAuthentication;

final class TokenCommandTest {
  @TempDir Path dir;
  private Path keys;
  private KeyRing ring;

  @BeforeEach
  void keys() throws Exception {
    keys = dir.resolve("smtpcr.keys");
    assertEquals(0, CommandRun.run("keygen", "--out", keys.toString()).exitCode());
    ring = KeyRingFile.read(keys);
  }

  @Test
  void mint_addressesAsTyped_tokenBindsTheCanonicalPairAsTheEngineDoes() {
    CommandRun.Result r =
        CommandRun.run(
            "token",
            "mint",
            "--keys",
            keys.toString(),
            "--sender",
            "<Alice@Example.ORG.>",
            "--recipient",
            "Bob+news@EXAMPLE.com",
            "--lifetime",
            "12h");
    assertEquals(0, r.exitCode(), r::toString);
    ChallengeClaims c = ChallengeTokens.of(ring).verify(r.out().strip());
    assertEquals("alice@example.org", c.sender());
    assertEquals("bob@example.com", c.recipient());
    assertEquals(Duration.ofHours(12), c.lifetime());
  }

  @Test
  void mint_defaultLifetime_sevenDays() {
    CommandRun.Result r =
        CommandRun.run(
            "token",
            "mint",
            "--keys",
            keys.toString(),
            "--sender",
            "a@example.org",
            "--recipient",
            "b@example.com");
    assertEquals(Duration.ofDays(7), ChallengeTokens.of(ring).verify(r.out().strip()).lifetime());
  }

  @Test
  void mint_badAddressOrLifetime_usageError2() {
    assertEquals(
        2,
        CommandRun.run(
                "token",
                "mint",
                "--keys",
                keys.toString(),
                "--sender",
                "no-at-sign",
                "--recipient",
                "b@example.com")
            .exitCode());
    assertEquals(
        2,
        CommandRun.run(
                "token",
                "mint",
                "--keys",
                keys.toString(),
                "--sender",
                "a@example.org",
                "--recipient",
                "b@example.com",
                "--lifetime",
                "7 fortnights")
            .exitCode());
    CommandRun.Result r =
        CommandRun.run(
            "token",
            "mint",
            "--keys",
            keys.toString(),
            "--sender",
            "a@example.org",
            "--recipient",
            "b@example.com",
            "--lifetime",
            "100d");
    assertEquals(2, r.exitCode(), r::toString);
    assertTrue(r.err().contains("--lifetime"), r::toString);
  }

  @Test
  void mint_missingKeyFile_failure1() {
    CommandRun.Result r =
        CommandRun.run(
            "token",
            "mint",
            "--keys",
            dir.resolve("nope").toString(),
            "--sender",
            "a@example.org",
            "--recipient",
            "b@example.com");
    assertEquals(1, r.exitCode(), r::toString);
    assertTrue(r.err().contains("NoSuchFileException"), r::toString);
  }

  @Test
  void verify_validTokenOrLink_exit0WithClaimsAsJson() {
    String token =
        ChallengeTokens.of(ring).mint("alice@example.org", "bob@example.com", Duration.ofDays(1));
    ChallengeClaims c = ChallengeTokens.of(ring).verify(token);
    String json =
        "{\"keyId\":0,\"issuedAt\":\""
            + c.issuedAt()
            + "\",\"expiresAt\":\""
            + c.expiresAt()
            + "\",\"lifetimeMinutes\":1440,\"sender\":\"alice@example.org\",\"recipient\":\"bob@example.com\""
            + ",\"authentication\":\"unchecked\"}";
    CommandRun.Result r = CommandRun.run("token", "verify", "--keys", keys.toString(), token);
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals(json, r.out().strip());
    CommandRun.Result link =
        CommandRun.run(
            "token", "verify", "--keys", keys.toString(), "http://127.0.0.1:8080/c/" + token);
    assertEquals(json, link.out().strip(), link::toString);
  }

  @Test
  void mintWithAuthentication_v2TokenThatVerifiesToIt() {
    CommandRun.Result minted =
        CommandRun.run(
            "token",
            "mint",
            "--keys",
            keys.toString(),
            "--sender",
            "alice@example.org",
            "--recipient",
            "bob@example.com",
            "--authentication",
            "spf");
    assertEquals(0, minted.exitCode(), minted::toString);
    String token = minted.out().strip();
    assertEquals(
        SenderAuthentication.SPF_PASS, ChallengeTokens.of(ring).verify(token).authentication());
    CommandRun.Result verified =
        CommandRun.run("token", "verify", "--keys", keys.toString(), token);
    assertTrue(verified.out().strip().endsWith(",\"authentication\":\"spf\"}"), verified::toString);
    CommandRun.Result bad =
        CommandRun.run(
            "token",
            "mint",
            "--keys",
            keys.toString(),
            "--sender",
            "alice@example.org",
            "--recipient",
            "bob@example.com",
            "--authentication",
            "dmarc");
    assertEquals(2, bad.exitCode(), bad::toString);
    assertTrue(bad.err().contains("none-published"), bad::toString);
  }

  @Test
  void verify_tamperedToken_exit1WithReasonOnStderr() {
    String token = ChallengeTokens.of(ring).mint("alice@example.org", "bob@example.com");
    char last = token.charAt(token.length() - 5);
    String tampered =
        token.substring(0, token.length() - 5)
            + (last == 'a' ? 'b' : 'a')
            + token.substring(token.length() - 4);
    CommandRun.Result r = CommandRun.run("token", "verify", "--keys", keys.toString(), tampered);
    assertEquals(1, r.exitCode(), r::toString);
    assertEquals("", r.out());
    assertTrue(r.err().startsWith("token rejected: BAD_SIGNATURE"), r::toString);
    assertTrue(!r.err().contains(tampered), "the token is not echoed");
  }

  @Test
  void verify_expiredUnknownKeyAndMalformed_exit1WithTheirReasons() {
    Clock past = Clock.fixed(Instant.now().minus(Duration.ofDays(3)), ZoneOffset.UTC);
    String expired =
        ChallengeTokens.builder()
            .keyRing(ring)
            .clock(past)
            .build()
            .mint("alice@example.org", "bob@example.com", Duration.ofDays(1));
    String unknown =
        ChallengeTokens.of(KeyRing.builder().key(5, MasterKey.generate()).active(5).build())
            .mint("alice@example.org", "bob@example.com");
    assertTrue(
        CommandRun.run("token", "verify", "--keys", keys.toString(), expired)
            .err()
            .startsWith("token rejected: EXPIRED"));
    assertTrue(
        CommandRun.run("token", "verify", "--keys", keys.toString(), unknown)
            .err()
            .startsWith("token rejected: UNKNOWN_KEY"));
    CommandRun.Result m =
        CommandRun.run("token", "verify", "--keys", keys.toString(), "not a token!");
    assertEquals(1, m.exitCode());
    assertTrue(m.err().startsWith("token rejected: MALFORMED"), m::toString);
  }

  @Test
  void passcode_addressesAsTyped_printsTheGroupedCodeOfTheCanonicalPair() {
    CommandRun.Result r =
        CommandRun.run(
            "passcode",
            "--keys",
            keys.toString(),
            "--sender",
            "Alice@Example.org",
            "--recipient",
            "<bob+old@example.COM>");
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals(
        PassCodes.grouped(PassCodes.of(ring).compute("alice@example.org", "bob@example.com")),
        r.out().strip());
    assertTrue(PassCodes.of(ring).matches(r.out().strip(), "alice@example.org", "bob@example.com"));
  }

  @Test
  void passcode_missingSender_usageError2() {
    assertEquals(
        2,
        CommandRun.run("passcode", "--keys", keys.toString(), "--recipient", "b@example.com")
            .exitCode());
  }
}
