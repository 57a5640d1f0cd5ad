package org.smtpcr.examples.cli;

import com.google.common.net.InetAddresses;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.examples.runtime.KeyRings;
import org.smtpcr.examples.runtime.ListFiles;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.runtime.StandardEngine;
import org.smtpcr.examples.smtp.SmtpcrSmtpServer;
import org.smtpcr.examples.web.ChallengePage;
import org.smtpcr.examples.web.ChallengeWebServer;
import org.smtpcr.tokens.KeyRing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smtpcr demo}: the SMTP server and the challenge page in one process, on loopback. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the SMTP server and the challenge page together, on loopback.",
      "Uses a low proof-of-work difficulty and prints what to try. Never relays. Stop it with Ctrl-C."
    })
final class DemoCommand implements Callable<Integer> {
  /** Low but real: well under a second in a browser. */
  static final int DEMO_POW_BITS = 16;

  @Spec CommandSpec spec;

  @Mixin DataOptions data;

  @Mixin SweepOption sweep;

  @Mixin MetricsOption metrics;

  @Option(
      names = "--keys",
      paramLabel = "FILE",
      description =
          "The key file (default: smtpcr.keys in the data directory); the demo creates it when"
              + " missing, which no other command does.")
  Path keys;

  @Option(
      names = "--smtp-port",
      paramLabel = "PORT",
      defaultValue = "2525",
      description = "SMTP port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 for any free port).")
  int smtpPort;

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      defaultValue = "8080",
      description =
          "Challenge page port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 for any free port).")
  int httpPort;

  @Option(
      names = "--domain",
      paramLabel = "D",
      split = ",",
      description =
          "Accept mail only for this recipient domain (repeatable; default: every domain).")
  List<String> domains = new ArrayList<>();

  @Mixin EngineOptions engineOptions;

  @Mixin WebOptions webOptions;

  @Mixin LogOptions logOptions;

  @Option(
      names = "--pow-bits",
      paramLabel = "N",
      defaultValue = "" + DEMO_POW_BITS,
      description = "Proof-of-work difficulty in bits (default ${DEFAULT-VALUE}).")
  int powBits;

  @Override
  public Integer call() throws Exception {
    if (smtpPort < 0 || smtpPort > 65535 || httpPort < 0 || httpPort > 65535) {
      throw Cli.usage(spec, "ports must be 0..65535");
    }
    if (powBits < 0 || powBits > ChallengePage.MAX_POW_DIFFICULTY_BITS) {
      throw Cli.usage(spec, "--pow-bits must be 0.." + ChallengePage.MAX_POW_DIFFICULTY_BITS);
    }
    data.check();
    sweep.interval();
    metrics.address();
    Settings.Builder settings = logOptions.addTo(engineOptions.settings());
    Settings webSettings = webOptions.addTo(logOptions.addTo(Settings.builder())).build();
    try {
      // the builder checks these; a bad value is a usage error, found before anything starts
      StandardEngine.builder(
          settings.set(Settings.CHALLENGE_BASE, URI.create("http://127.0.0.1/")).build(),
          KeyRing.generate(),
          InMemoryWhitelistStore.builder().build());
    } catch (IllegalArgumentException e) {
      throw Cli.usage(spec, e.getMessage());
    }
    List<String> canonicalDomains =
        domains.stream().map(d -> Cli.domain(spec, "--domain", d)).toList();
    InetAddress loopback = InetAddresses.forString("127.0.0.1");
    Lifecycle.Running running = ((SmtpcrCommand) spec.root().userObject()).lifecycle().begin();
    try {
      DataDirectory d = running.add(data.open());
      KeyRing ring = KeyRings.readOrCreate(keys != null ? keys : d.keyFile());
      MetricsOption.Monitoring monitoring = metrics.start(running, d);
      running.add(sweep.start(monitoring.store()));
      ChallengeWebServer web =
          running.add(
              Services.web(
                  ring,
                  monitoring.store(),
                  new InetSocketAddress(loopback, httpPort),
                  powBits,
                  webSettings,
                  ChallengeWebServer.DEFAULT_REQUESTS_PER_MINUTE,
                  monitoring.page()));
      Settings engineSettings = settings.set(Settings.CHALLENGE_BASE, web.baseUri()).build();
      ListFiles lists = Services.lists(spec, engineSettings);
      DecisionEngine engine =
          monitoring.engine(ring, engineSettings, ReplyFormatter.english(), lists);
      Services.reloadOnHangup(lists);
      SmtpcrSmtpServer smtp =
          running.add(
              Services.smtp(
                  engine,
                  d,
                  new InetSocketAddress(loopback, smtpPort),
                  canonicalDomains,
                  SmtpcrSmtpServer.DEFAULT_MAX_MESSAGE_BYTES,
                  SmtpcrSmtpServer.DEFAULT_HOST_NAME,
                  // the demo's server limits stay at their defaults; the mode is the user's
                  Settings.builder()
                      .set(Settings.MODE, settings.build().get(Settings.MODE))
                      .build()));
      printInstructions(spec.commandLine().getOut(), d, web, smtp, canonicalDomains);
      monitoring
          .server()
          .ifPresent(
              m -> {
                spec.commandLine()
                    .getOut()
                    .println("Metrics: http://" + Services.hostPort(m.address()) + "/metrics");
                spec.commandLine().getOut().flush();
              });
    } catch (Exception e) {
      running.close();
      throw e;
    }
    running.awaitStop();
    return 0;
  }

  private void printInstructions(
      PrintWriter out,
      DataDirectory d,
      ChallengeWebServer web,
      SmtpcrSmtpServer smtp,
      List<String> domains) {
    String prog = spec.root().name();
    String server = Services.hostPort(smtp.address());
    String domain = domains.isEmpty() ? "example.com" : domains.get(0);
    String to = "bob@" + domain;
    // a reserved name (RFC 2606) that publishes nothing, so SPF lets the demo challenge it from
    // this machine; a real domain such as example.org publishes "-all" and would get 5.7.23
    String from = "alice@sender.example";
    String dataArg = " --data " + shellWord(d.path().toString());
    out.println("SMTPCR demo is running. Stop it with Ctrl-C.");
    out.println();
    out.println(
        "  SMTP server     "
            + server
            + " (loopback only, never relays; local domains: "
            + (domains.isEmpty() ? "all" : String.join(", ", domains))
            + ")");
    out.println("  challenge page  " + web.baseUri());
    out.println("  data            " + d.path() + " (keys, whitelist, Maildir)");
    out.println();
    out.println("Try it, in another terminal:");
    out.println();
    out.println(
        "  1. Send mail from a sender the server does not know yet; it answers 550 5.7.1 with a link:");
    out.println("       swaks --server " + server + " --from " + from + " --to " + to);
    out.println(
        "  2. Open the link in a browser on this machine. The page runs a short check; press Confirm");
    out.println("     to whitelist " + from + " for " + to + ".");
    out.println("  3. Send again: the server answers 250 and the message lands in");
    out.println("       " + smtp.maildir().resolve("new"));
    out.println("  4. Or skip the link: put the pass code in the recipient's sub-address.");
    out.println(
        "       "
            + prog
            + " passcode --keys "
            + shellWord((keys != null ? keys : d.keyFile()).toString())
            + " --sender "
            + from
            + " --recipient "
            + to);
    out.println("       swaks --server " + server + " --from " + from + " --to bob+CODE@" + domain);
    out.println("  5. See who is whitelisted:");
    out.println("       " + prog + " whitelist list" + dataArg);
    out.println();
    out.flush();
  }

  /** {@code s} as one shell word: as it is when it is plain, else in single quotes. */
  static String shellWord(String s) {
    return s.matches("[A-Za-z0-9@%+=:,./_-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
