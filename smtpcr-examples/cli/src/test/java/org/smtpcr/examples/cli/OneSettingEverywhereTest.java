package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.examples.runtime.SettingSource;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.runtime.StandardEngine;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import picocli.CommandLine;

/**
 * A setting given once means the same on every route: command-line options, the properties file
 * under the option names, the properties file under the setting keys, and the runtime's {@link
 * Settings#read} (which James's XML goes through, see the james module's OneSettingEverywhereTest)
 * give the same settings and engines that behave the same.
 */
final class OneSettingEverywhereTest {
  private static final String BASE = "https://cr.example.com/";
  private static final KeyRing RING = KeyRing.generate();

  @TempDir Path dir;

  @Test
  void trustedNetworkAndSevenDays_meanTheSameOnEveryRoute() throws Exception {
    Settings options =
        smtpServerSettings(
            List.of("--trusted-network", "192.0.2.0/24", "--challenge-lifetime", "7d"));
    Settings byOptionName =
        smtpServerSettings(config("trusted-network=192.0.2.0/24\nchallenge-lifetime=7d\n"));
    Settings byKey =
        smtpServerSettings(config("trustedNetworks=192.0.2.0/24\nchallengeLifetime=7d\n"));
    Properties p = new Properties();
    p.load(
        new StringReader(
            "challengeBase=" + BASE + "\ntrustedNetworks=192.0.2.0/24\nchallengeLifetime=7d\n"));
    Settings runtime = Settings.read(SettingSource.of(p));

    for (Settings s : List.of(options, byOptionName, byKey, runtime)) {
      assertEquals(List.of("192.0.2.0/24"), s.get(Settings.TRUSTED_NETWORKS), s::toString);
      assertEquals(Duration.ofDays(7), s.get(Settings.CHALLENGE_LIFETIME), s::toString);
      behavesAsConfigured(StandardEngine.build(s, RING, InMemoryWhitelistStore.builder().build()));
    }
  }

  @Test
  void isoAndShortDurations_areOneValue() throws Exception {
    assertEquals(
        smtpServerSettings(List.of("--challenge-lifetime", "P7D")).get(Settings.CHALLENGE_LIFETIME),
        smtpServerSettings(List.of("--challenge-lifetime", "1w")).get(Settings.CHALLENGE_LIFETIME));
  }

  /** A client in 192.0.2.0/24 is accepted; another is challenged with a link valid for 7 days. */
  static void behavesAsConfigured(DecisionEngine engine) throws Exception {
    assertInstanceOf(Decision.Accept.class, engine.decide(rcpt("192.0.2.77")).decision());
    Decision d = engine.decide(rcpt("198.51.100.7")).decision();
    Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, d);
    String path = c.link().getPath();
    String token = path.substring(path.lastIndexOf('/') + 1);
    assertEquals(Duration.ofDays(7), ChallengeTokens.of(RING).verify(token).lifetime());
  }

  private static Transaction rcpt(String client) throws Exception {
    return Transaction.builder()
        .stage(Stage.RCPT)
        .clientAddress(InetAddress.getByName(client))
        .reversePath("<alice@sender.example>")
        .forwardPath("<bob@cr.example>")
        .build();
  }

  private List<String> config(String text) throws Exception {
    Path f = dir.resolve("c" + System.nanoTime() + ".properties");
    Files.writeString(f, text);
    return List.of("--config", f.toString());
  }

  /**
   * The settings {@code smtpcr smtp-server} makes of these arguments, parsed as the command line
   * does.
   */
  private Settings smtpServerSettings(List<String> extra) {
    List<String> args = new ArrayList<>(extra.subList(0, extra.get(0).equals("--config") ? 2 : 0));
    args.add("smtp-server");
    args.addAll(List.of("--data", dir.resolve("data").toString(), "--challenge-base", BASE));
    if (!extra.get(0).equals("--config")) {
      args.addAll(extra);
    }
    PrintWriter out = new PrintWriter(new StringWriter());
    CommandLine cl =
        Cli.commandLine(
            args,
            out,
            out,
            () -> {
              throw new AssertionError("not started");
            });
    CommandLine.ParseResult parsed = cl.parseArgs(args.toArray(String[]::new));
    SmtpServerCommand command = (SmtpServerCommand) parsed.subcommand().commandSpec().userObject();
    return command.settings();
  }
}
