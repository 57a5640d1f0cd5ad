package org.smtpcr.examples.cli;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.Callable;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.web.ChallengePage;
import org.smtpcr.examples.web.ChallengeWebServer;
import org.smtpcr.tokens.KeyRing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smtpcr web}. */
@Command(
    name = "web",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the challenge page.",
      "It checks the link, runs the proof-of-work in the browser and, on a POST that passes, whitelists",
      "the pair in the data directory's store. Runs until stopped. Browsers need https (or http on",
      "localhost/127.0.0.1): put a TLS proxy in front of it in production."
    })
final class WebCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataOptions data;

  @Mixin ServerKeyOption keys;

  @Mixin SweepOption sweep;

  @Mixin MetricsOption metrics;

  @Mixin WebOptions webOptions;

  @Mixin LogOptions logOptions;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:8080",
      description = "Where to listen (default ${DEFAULT-VALUE}).")
  InetSocketAddress listen;

  @Option(
      names = "--pow-bits",
      paramLabel = "N",
      defaultValue = "" + ChallengePage.DEFAULT_POW_DIFFICULTY_BITS,
      description =
          "Proof-of-work difficulty in bits, 0.."
              + ChallengePage.MAX_POW_DIFFICULTY_BITS
              + " (default ${DEFAULT-VALUE}: a few seconds in a browser).")
  int powBits;

  @Option(
      names = "--challenge-base",
      paramLabel = "URL",
      description =
          "The page's public address, as the servers that make the links have it; the hosted"
              + " CAPTCHA's answers must name its host, unless --captcha-hostname says otherwise.")
  URI challengeBase;

  @Option(
      names = "--whitelist-expiry",
      paramLabel = "DURATION",
      description =
          "How long a confirmation lasts, e.g. 90d (default 400d; forever or 0d: for good).")
  String whitelistExpiry;

  @Option(
      names = "--requests-per-minute",
      paramLabel = "N",
      defaultValue = "" + ChallengeWebServer.DEFAULT_REQUESTS_PER_MINUTE,
      description = "Requests per minute and client address (default ${DEFAULT-VALUE}).")
  int requestsPerMinute;

  @Option(
      names = "--subaddress-separators",
      paramLabel = "CHARS",
      defaultValue = "+",
      description =
          "Sub-address separators, as the engine's (the first shows the pass-code address; default "
              + "${DEFAULT-VALUE}).")
  String subaddressSeparators;

  @Override
  public Integer call() throws Exception {
    if (powBits < 0 || powBits > ChallengePage.MAX_POW_DIFFICULTY_BITS) {
      throw Cli.usage(spec, "--pow-bits must be 0.." + ChallengePage.MAX_POW_DIFFICULTY_BITS);
    }
    Settings settings; // a bad option is a usage error before anything starts
    try {
      settings = settings();
    } catch (IllegalArgumentException e) {
      throw Cli.usage(spec, e.getMessage());
    }
    data.check();
    try {
      Settings.SUBADDRESS_SEPARATORS.parse(subaddressSeparators);
    } catch (IllegalArgumentException e) {
      throw Cli.usage(spec, "--subaddress-separators: " + e.getMessage());
    }
    if (requestsPerMinute < 1) {
      throw Cli.usage(spec, "--requests-per-minute must be positive");
    }
    sweep.interval();
    metrics.address();
    KeyRing ring = keys.read(data.keyFile());
    Lifecycle.Running running = ((SmtpcrCommand) spec.root().userObject()).lifecycle().begin();
    try {
      DataDirectory d = running.add(data.open());
      MetricsOption.Monitoring monitoring = metrics.start(running, d);
      running.add(sweep.start(monitoring.store()));
      ChallengeWebServer web =
          running.add(
              Services.web(
                  ring,
                  monitoring.store(),
                  listen,
                  powBits,
                  settings,
                  requestsPerMinute,
                  monitoring.page()));
      spec.commandLine()
          .getOut()
          .println(
              "challenge page on "
                  + web.baseUri()
                  + " (data "
                  + d.path()
                  + ")"
                  + monitoring.describe());
      spec.commandLine().getOut().flush();
    } catch (Exception e) {
      running.close();
      throw e;
    }
    running.awaitStop();
    return 0;
  }

  /** The runtime settings these options give: the page's own and its server's. */
  Settings settings() {
    Settings.Builder b =
        webOptions.addTo(
            logOptions
                .addTo(Settings.builder())
                .text(Settings.SUBADDRESS_SEPARATORS, subaddressSeparators)
                .set(Settings.POW_BITS, powBits));
    if (whitelistExpiry != null) {
      b.text(Settings.WHITELIST_EXPIRY, whitelistExpiry);
    }
    if (challengeBase != null) {
      b.set(Settings.CHALLENGE_BASE, challengeBase);
    }
    return b.build();
  }
}
