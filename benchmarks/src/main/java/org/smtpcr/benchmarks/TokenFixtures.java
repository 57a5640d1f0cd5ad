package org.smtpcr.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.MasterKey;

/**
 * What every token format in the comparison is given: the same 32-byte key (id 0), the same two
 * addresses (20 bytes each, a realistic length), SMTPCR's default lifetime and clock skew.
 */
final class TokenFixtures {
  static final String SENDER = "alice.liddell@ex.org";
  static final String RECIPIENT = "bob.smith@example.io";
  private static final String KEY_HEX =
      "6a1f3c9e0b7d4852a6e13f90c2d7b45e8f0a1b2c3d4e5f60718293a4b5c6d7e8";

  private TokenFixtures() {}

  static byte[] key() {
    return HexFormat.of().parseHex(KEY_HEX);
  }

  static KeyRing keyRing() {
    return KeyRing.builder().key(0, MasterKey.copyOf(key())).active(0).build();
  }

  static ChallengeTokens challengeTokens(Clock clock) {
    return ChallengeTokens.builder()
        .keyRing(keyRing())
        .clock(clock)
        .lifetime(ChallengeTokens.DEFAULT_LIFETIME)
        .skew(ChallengeTokens.DEFAULT_SKEW)
        .build();
  }

  /**
   * Mints one token of each format and writes its length to {@code DIR/length-FORMAT.properties}.
   */
  public static void main(String[] args) throws IOException {
    Clock clock = Clock.systemUTC();
    String[] names = {"smtpcr", "nimbus", "auth0"};
    String[] tokens = {
      challengeTokens(clock).mint(SENDER, RECIPIENT),
      Jwts.nimbus(clock).mint(SENDER, RECIPIENT),
      Jwts.auth0(clock).mint(SENDER, RECIPIENT)
    };
    for (int i = 0; i < names.length; i++) {
      Files.writeString(
          Path.of(args[0], "length-" + names[i] + ".properties"),
          "length=" + tokens[i].length() + "\n");
      System.out.println(tokens[i].length() + " " + tokens[i]);
    }
  }
}
