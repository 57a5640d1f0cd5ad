package org.smtpcr.examples.cli;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.rules.IpNetwork;
import org.smtpcr.examples.smtp.SmtpcrSmtpServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smtpcr smtp-server}. */
@Command(name = "smtp-server", mixinStandardHelpOptions = true,
    description = {"Run the SMTP server.",
        "It challenges unknown senders with a link to the challenge page, accepts whitelisted senders and",
        "pass codes, and delivers into the data directory's Maildir. It never relays. Runs until stopped."})
final class SmtpServerCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DataOptions data;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:2525",
      description = "Where to listen (default ${DEFAULT-VALUE}).")
  InetSocketAddress listen;

  @Option(names = "--challenge-base", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080/",
      description = "Where the challenge page is served (https, or http on loopback; default ${DEFAULT-VALUE}).")
  URI challengeBase;

  @Option(names = "--challenge-lifetime", paramLabel = "DURATION", defaultValue = "7d",
      description = "How long a challenge link is valid (default ${DEFAULT-VALUE}).")
  Duration challengeLifetime;

  @Option(names = "--domain", paramLabel = "D", split = ",",
      description = "Accept mail only for this recipient domain (repeatable; default: every domain is local).")
  List<String> domains = new ArrayList<>();

  @Option(names = "--trusted-network", paramLabel = "CIDR", split = ",",
      description = "Accept without challenge from this client network, e.g. 192.0.2.0/24 (repeatable).")
  List<String> trustedNetworks = new ArrayList<>();

  @Option(names = "--subject-pass-codes", description = "Also accept a pass code in the Subject (decided at the end of DATA).")
  boolean subjectPassCodes;

  @Option(names = "--max-message-size", paramLabel = "BYTES", defaultValue = "" + SmtpcrSmtpServer.DEFAULT_MAX_MESSAGE_BYTES,
      description = "Largest message accepted (default ${DEFAULT-VALUE}).")
  int maxMessageBytes;

  @Option(names = "--hostname", paramLabel = "NAME", defaultValue = SmtpcrSmtpServer.DEFAULT_HOST_NAME,
      description = "Name in the greeting (default ${DEFAULT-VALUE}).")
  String hostName;

  @Override
  public Integer call() throws Exception {
    data.check();
    List<String> canonicalDomains = domains.stream().map(d -> Cli.domain(spec, "--domain", d)).toList();
    for (String n : trustedNetworks) {
      try {
        IpNetwork.parse(n);
      } catch (IllegalArgumentException e) {
        throw Cli.usage(spec, "--trusted-network: " + e.getMessage());
      }
    }
    if (maxMessageBytes < 1) {
      throw Cli.usage(spec, "--max-message-size must be positive");
    }
    try {
      // the builders check these; a bad value is a usage error, found before anything starts
      DecisionEngine.builder().challengeBase(challengeBase).challengeLifetime(challengeLifetime);
      SmtpcrSmtpServer.builder().hostName(hostName);
    } catch (IllegalArgumentException e) {
      throw Cli.usage(spec, e.getMessage());
    }
    Services.EngineSettings settings =
        new Services.EngineSettings(challengeBase, challengeLifetime, trustedNetworks, subjectPassCodes);
    Lifecycle.Running running = ((SmtpcrCommand) spec.root().userObject()).lifecycle().begin();
    try {
      DataDirectory d = running.add(data.open());
      DecisionEngine engine = Services.engine(d.keyRing(), d.store(), settings);
      SmtpcrSmtpServer smtp = running.add(Services.smtp(engine, d, listen, canonicalDomains, maxMessageBytes,
          hostName));
      spec.commandLine().getOut().println("SMTP on " + Services.hostPort(smtp.address()) + ", challenge links to "
          + challengeBase + ", Maildir " + smtp.maildir());
      spec.commandLine().getOut().flush();
    } catch (Exception e) {
      running.close();
      throw e;
    }
    running.awaitStop();
    return 0;
  }
}
