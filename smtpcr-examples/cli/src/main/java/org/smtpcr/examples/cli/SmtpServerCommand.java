package org.smtpcr.examples.cli;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.examples.runtime.ListFiles;
import org.smtpcr.examples.runtime.SettingGrammar;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.runtime.StandardEngine;
import org.smtpcr.examples.smtp.SmtpcrSmtpServer;
import org.smtpcr.tokens.KeyRing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smtpcr smtp-server}. */
@Command(
    name = "smtp-server",
    mixinStandardHelpOptions = true,
    description = {
      "Run the SMTP server.",
      "It challenges unknown senders with a link to the challenge page, accepts whitelisted senders and",
      "pass codes, and delivers into the data directory's Maildir. It never relays. Runs until stopped."
    })
final class SmtpServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataOptions data;

  @Mixin ServerKeyOption keys;

  @Mixin SweepOption sweep;

  @Mixin MetricsOption metrics;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:2525",
      description = "Where to listen (default ${DEFAULT-VALUE}).")
  InetSocketAddress listen;

  @Option(
      names = "--challenge-base",
      paramLabel = "URL",
      description =
          "Where senders reach the challenge page, for the links in replies: https, or http on"
              + " loopback (required).")
  URI challengeBase;

  @Option(
      names = "--domain",
      paramLabel = "D",
      split = ",",
      description =
          "Accept mail only for this recipient domain (repeatable; default: every domain is local).")
  List<String> domains = new ArrayList<>();

  @Mixin EngineOptions engineOptions;

  @Mixin LogOptions logOptions;

  @Option(
      names = "--subject-pass-codes",
      description = "Also accept a pass code in the Subject (decided at the end of DATA).")
  boolean subjectPassCodes;

  @Option(
      names = "--max-message-size",
      paramLabel = "SIZE",
      defaultValue = "" + SmtpcrSmtpServer.DEFAULT_MAX_MESSAGE_BYTES,
      description = "Largest message accepted in bytes, e.g. 10M (default ${DEFAULT-VALUE}).")
  String maxMessageSize;

  @Option(
      names = "--hostname",
      paramLabel = "NAME",
      defaultValue = SmtpcrSmtpServer.DEFAULT_HOST_NAME,
      description = "Name in the greeting (default ${DEFAULT-VALUE}).")
  String hostName;

  @Option(
      names = "--smtp-max-connections",
      paramLabel = "N",
      description = "The most SMTP sessions open at once; over it a client gets 421 (default 100).")
  String maxConnections;

  @Option(
      names = "--smtp-max-connections-per-client",
      paramLabel = "N",
      description =
          "The most SMTP sessions open at once from one client (IPv4 address, IPv6 /64); over it"
              + " 421 4.7.0 (default 10).")
  String maxConnectionsPerClient;

  /** The runtime settings the options give; a wrong value is a usage error. */
  Settings settings() {
    Settings.Builder b =
        logOptions
            .addTo(engineOptions.settings())
            .set(Settings.SUBJECT_PASS_CODES, subjectPassCodes);
    if (challengeBase != null) {
      b.set(Settings.CHALLENGE_BASE, challengeBase);
    }
    Cli.setOption(spec, b, Settings.SMTP_MAX_CONNECTIONS, maxConnections);
    Cli.setOption(spec, b, Settings.SMTP_MAX_CONNECTIONS_PER_CLIENT, maxConnectionsPerClient);
    return b.build();
  }

  @Override
  public Integer call() throws Exception {
    data.check();
    domains.forEach(d -> Cli.domain(spec, "--domain", d));
    Settings settings = settings();
    int maxMessageBytes;
    try {
      maxMessageBytes =
          SettingGrammar.size("--max-message-size", maxMessageSize, 1, Integer.MAX_VALUE);
    } catch (IllegalArgumentException e) {
      throw Cli.usage(spec, e.getMessage());
    }
    try {
      // the builders check these; a bad value is a usage error, found before anything starts
      StandardEngine.builder(
          challengeBase != null
              ? settings
              : settings.toBuilder()
                  .set(Settings.CHALLENGE_BASE, URI.create("http://127.0.0.1/"))
                  .build(),
          KeyRing.generate(),
          InMemoryWhitelistStore.builder().build());
      SmtpcrSmtpServer.builder().hostName(hostName);
    } catch (IllegalArgumentException e) {
      throw Cli.usage(spec, e.getMessage());
    }
    sweep.interval();
    metrics.address();
    if (challengeBase == null) {
      throw Cli.usageLine(spec, Cli.challengeBaseRequired(Optional.empty()));
    }
    KeyRing ring = keys.read(data.keyFile());
    Lifecycle.Running running = ((SmtpcrCommand) spec.root().userObject()).lifecycle().begin();
    try {
      DataDirectory d = running.add(data.open());
      MetricsOption.Monitoring monitoring = metrics.start(running, d);
      running.add(sweep.start(monitoring.store()));
      ListFiles lists = Services.lists(spec, settings);
      // before the server starts: an early SIGHUP (systemctl reload) must not stop it
      Services.reloadOnHangup(lists);
      DecisionEngine engine = monitoring.engine(ring, settings, ReplyFormatter.english(), lists);
      SmtpcrSmtpServer smtp =
          running.add(
              Services.smtp(engine, d, listen, domains, maxMessageBytes, hostName, settings));
      spec.commandLine()
          .getOut()
          .println(
              "SMTP on "
                  + Services.hostPort(smtp.address())
                  + ", challenge links to "
                  + challengeBase
                  + ", Maildir "
                  + smtp.maildir()
                  + monitoring.describe());
      spec.commandLine().getOut().flush();
    } catch (Exception e) {
      running.close();
      throw e;
    }
    running.awaitStop();
    return 0;
  }
}
