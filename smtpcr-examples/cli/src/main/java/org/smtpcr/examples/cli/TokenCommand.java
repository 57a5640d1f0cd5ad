package org.smtpcr.examples.cli;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.tokens.ChallengeClaims;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.SenderAuthentication;
import org.smtpcr.tokens.TokenException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code smtpcr token mint|verify}. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Mint or verify challenge tokens.",
    subcommands = {TokenCommand.Mint.class, TokenCommand.Verify.class})
final class TokenCommand {
  /** {@code smtpcr token mint}. */
  @Command(
      name = "mint",
      mixinStandardHelpOptions = true,
      description = {
        "Print a challenge token for a (sender, recipient) pair.",
        "The SMTP server puts such a token in its link."
      })
  static final class Mint implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin KeyOption keys;

    @Mixin AddressOptions addresses;

    @Option(
        names = "--sender",
        paramLabel = "S",
        required = true,
        description = "The sender address.")
    String sender;

    @Option(
        names = "--recipient",
        paramLabel = "R",
        required = true,
        description = "The recipient address.")
    String recipient;

    @Option(
        names = "--lifetime",
        paramLabel = "DURATION",
        defaultValue = "7d",
        description =
            "How long the token is valid, e.g. 30m, 12h, 7d (default ${DEFAULT-VALUE}; at most 45d).")
    Duration lifetime;

    @Option(
        names = "--authentication",
        paramLabel = "KEYWORD",
        description = {
          "Mint a format v2 token that says how the sender was authenticated: spf, dkim,",
          "none-published, unverified or unchecked (default: a format v1 token, which says nothing)."
        })
    String authentication;

    @Override
    public Integer call() throws Exception {
      CanonicalAddress s = addresses.sender(sender);
      CanonicalAddress r = addresses.recipient(recipient);
      if (lifetime.toMinutes() < 1 || lifetime.toMinutes() > 0xffff) {
        throw Cli.usage(spec, "--lifetime must be 1 minute to 65535 minutes (about 45 days)");
      }
      Optional<SenderAuthentication> a = Optional.empty();
      if (authentication != null) {
        a = SenderAuthentication.ofKeyword(authentication);
        if (a.isEmpty()) {
          throw Cli.usage(
              spec,
              "--authentication must be one of "
                  + Arrays.stream(SenderAuthentication.values())
                      .map(SenderAuthentication::keyword)
                      .toList());
        }
      }
      ChallengeTokens tokens = ChallengeTokens.of(keys.read());
      String token =
          a.isPresent()
              ? tokens.mint(s.value(), r.value(), lifetime, a.get())
              : tokens.mint(s.value(), r.value(), lifetime);
      spec.commandLine().getOut().println(token);
      return 0;
    }
  }

  /** {@code smtpcr token verify}. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Verify a challenge token and print its claims as JSON.",
        "Takes the token or a whole link. Exit 0 when valid; exit 1 with the reason on standard error when not."
      })
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin KeyOption keys;

    @Parameters(paramLabel = "TOKEN", description = "The token, or a link ending in /c/TOKEN.")
    String token;

    @Override
    public Integer call() throws Exception {
      String t = token.strip();
      int c = t.lastIndexOf("/c/");
      if (c >= 0) {
        t = t.substring(c + 3);
      }
      ChallengeClaims claims;
      try {
        claims = ChallengeTokens.of(keys.read()).verify(t);
      } catch (TokenException e) {
        spec.commandLine()
            .getErr()
            .println("token rejected: " + e.reason() + ": " + Cli.describe(e));
        return 1;
      }
      spec.commandLine()
          .getOut()
          .println(
              Json.object()
                  .field("keyId", claims.keyId())
                  .field("issuedAt", claims.issuedAt().toString())
                  .field("expiresAt", claims.expiresAt().toString())
                  .field("lifetimeMinutes", claims.lifetime().toMinutes())
                  .field("sender", claims.sender())
                  .field("recipient", claims.recipient())
                  .field("authentication", claims.authentication().keyword())
                  .toString());
      return 0;
    }
  }
}
