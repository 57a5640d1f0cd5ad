package org.smtpcr.examples.cli;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.reply.PostfixReplies;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.policy.PolicyServer;
import org.smtpcr.examples.runtime.ListFiles;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.runtime.StandardEngine;
import org.smtpcr.examples.web.ChallengePage;
import org.smtpcr.examples.web.ChallengeWebServer;
import org.smtpcr.tokens.KeyRing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code smtpcr policy-server}: the Postfix policy server (check_policy_service), optionally with
 * the page.
 */
@Command(
    name = "policy-server",
    mixinStandardHelpOptions = true,
    description = {
      "Run the Postfix policy server (check_policy_service; see docs/postfix.md).",
      "It answers DUNNO for known senders and 550 5.7.1 with a link to the",
      "challenge page for unknown ones, and learns the recipients of authenticated",
      "users' mail. With --with-web the challenge page runs in the same process.",
      "It checks SPF from client_address, sender and helo_name (550 5.7.23 for SPF",
      "fail, 451 4.4.3 when DNS fails). It never sees the message, so DKIM and DMARC",
      "cannot count here: whitelist hits count for SPF pass (or a domain that",
      "publishes nothing); see --trusted-forwarder and",
      "--authentication-optional-domain. Runs until stopped."
    })
final class PolicyServerCommand implements Callable<Integer> {
  /** The default port: Postgrey has 10023 (Debian) and 60000; this one is free of both. */
  static final String DEFAULT_LISTEN = "127.0.0.1:10040";

  @Spec CommandSpec spec;

  @Mixin DataOptions data;

  @Mixin ServerKeyOption keys;

  @Mixin SweepOption sweep;

  @Mixin MetricsOption metrics;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = DEFAULT_LISTEN,
      description = "Where to listen for Postfix (default ${DEFAULT-VALUE}).")
  InetSocketAddress listen;

  @Option(
      names = "--challenge-base",
      paramLabel = "URL",
      description =
          "Where senders reach the challenge page, for the links in replies: https, or http on"
              + " loopback. Required, unless --with-web serves the page on loopback (a test on"
              + " this machine; the links then point at it).")
  URI challengeBase;

  @Mixin EngineOptions engineOptions;

  @Mixin WebOptions webOptions;

  @Mixin LogOptions logOptions;

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "" + PolicyServer.DEFAULT_WORKER_THREADS,
      description = "Threads that decide (store lookups block; default ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      defaultValue = "" + PolicyServer.DEFAULT_MAX_CONNECTIONS,
      description =
          "Most connections open at once; Postfix opens one per smtpd process (default ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(
      names = "--idle-timeout",
      paramLabel = "DURATION",
      defaultValue = "10m",
      description = "Close a connection idle this long (default ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Option(
      names = "--busy-poll",
      paramLabel = "DURATION",
      defaultValue = "0s",
      description =
          "After each request, keep polling for the next this long before the event loop sleeps"
              + " (0 to 10ms; default ${DEFAULT-VALUE}: never). Costs up to that much CPU after"
              + " each burst; pays with the near cache and --spf off --dkim off, when decisions are"
              + " made on the event loop.")
  Duration busyPoll;

  @Option(
      names = "--learn-outbound",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Whitelist the recipients of authenticated users' mail as senders to them (default: on).")
  boolean learnOutbound;

  @Option(
      names = "--learn-lifetime",
      paramLabel = "DURATION",
      description =
          "How long a pair learned from outbound mail lasts, e.g. 30d, or forever (default: 365d).")
  String learnLifetime;

  @Option(
      names = "--prepend-header",
      paramLabel = "NAME",
      arity = "0..1",
      fallbackValue = PolicyServer.DEFAULT_HEADER,
      description =
          "Answer an accepted recipient with PREPEND NAME: pass (<rule>) instead of DUNNO "
              + "(NAME default "
              + PolicyServer.DEFAULT_HEADER
              + "; default: off).")
  String prependHeader;

  @Option(names = "--with-web", description = "Also serve the challenge page in this process.")
  boolean withWeb;

  @Option(
      names = "--web-listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:8080",
      description = "Where the page listens with --with-web (default ${DEFAULT-VALUE}).")
  InetSocketAddress webListen;

  @Option(
      names = "--pow-bits",
      paramLabel = "N",
      defaultValue = "" + ChallengePage.DEFAULT_POW_DIFFICULTY_BITS,
      description = "Proof-of-work difficulty of the page in bits (default ${DEFAULT-VALUE}).")
  int powBits;

  @Override
  public Integer call() throws Exception {
    Settings.Builder settingsBuilder =
        webOptions
            .addTo(logOptions.addTo(engineOptions.settings()))
            .set(Settings.LEARN_OUTBOUND, learnOutbound);
    if (learnLifetime != null) {
      try {
        settingsBuilder.set(Settings.LEARN_LIFETIME, Settings.LEARN_LIFETIME.parse(learnLifetime));
      } catch (IllegalArgumentException e) {
        throw Cli.usage(spec, "--learn-lifetime: " + e.getMessage());
      }
    }
    if (powBits < 0 || powBits > ChallengePage.MAX_POW_DIFFICULTY_BITS) {
      throw Cli.usage(spec, "--pow-bits must be 0.." + ChallengePage.MAX_POW_DIFFICULTY_BITS);
    }
    if (workers < 1) {
      throw Cli.usage(
          spec,
          "--workers must be at least 1: look-ups in the data directory's store and SPF's DNS"
              + " queries block");
    }
    try {
      // the builders check these; a bad value is a usage error, found before anything starts
      StandardEngine.builder(
          settingsBuilder
              .set(
                  Settings.CHALLENGE_BASE,
                  challengeBase != null ? challengeBase : URI.create("http://127.0.0.1/"))
              .build(),
          KeyRing.generate(),
          InMemoryWhitelistStore.builder().build());
      PolicyServer.Builder check =
          PolicyServer.builder()
              .workerThreads(workers)
              .busyPoll(busyPoll)
              .maxConnections(maxConnections)
              .idleTimeout(idleTimeout);
      if (prependHeader != null) {
        check.prependHeader(prependHeader);
      }
    } catch (IllegalArgumentException e) {
      throw Cli.usage(spec, e.getMessage());
    }
    data.check();
    sweep.interval();
    metrics.address();
    if (challengeBase == null && !(withWeb && Cli.isLoopback(webListen))) {
      throw Cli.usageLine(
          spec, Cli.challengeBaseRequired(withWeb ? Optional.of(webListen) : Optional.empty()));
    }
    KeyRing ring = keys.read(data.keyFile());
    Lifecycle.Running running = ((SmtpcrCommand) spec.root().userObject()).lifecycle().begin();
    try {
      DataDirectory d = running.add(data.open());
      MetricsOption.Monitoring monitoring = metrics.start(running, d);
      WhitelistStore store = monitoring.store();
      running.add(sweep.start(store));
      URI base = challengeBase; // null only with --with-web on loopback: the page's own address
      Optional<ChallengeWebServer> web = Optional.empty();
      if (withWeb) {
        web =
            Optional.of(
                running.add(
                    Services.web(
                        ring,
                        store,
                        webListen,
                        powBits,
                        settingsBuilder.build(),
                        ChallengeWebServer.DEFAULT_REQUESTS_PER_MINUTE,
                        monitoring.page())));
        if (challengeBase == null) {
          base = web.get().baseUri();
        }
      }
      // the texts leave out the recipient, which Postfix names in front of them
      Settings settings = settingsBuilder.set(Settings.CHALLENGE_BASE, base).build();
      ListFiles lists = Services.lists(spec, settings);
      // before the server starts: an early SIGHUP (systemctl reload) must not stop it
      Services.reloadOnHangup(lists);
      DecisionEngine engine = monitoring.engine(ring, settings, PostfixReplies.formatter(), lists);
      PolicyServer.Builder b =
          PolicyServer.builder()
              .engine(engine)
              .store(store)
              .bind(listen)
              .workerThreads(workers)
              .busyPoll(busyPoll)
              // with the near cache and no sender authentication (DNS to wait for), a decision is
              // first tried on the event loop from memory; what needs the database goes to a worker
              .memoryFirst(d.hasNearCache() && !engine.authenticates())
              .maxConnections(maxConnections)
              .idleTimeout(idleTimeout)
              .learnOutbound(learnOutbound)
              .localDomains(settings.get(Settings.LOCAL_DOMAINS))
              .mode(settings.get(Settings.MODE));
      settings.find(Settings.LEARN_LIFETIME).ifPresent(b::learnLifetime);
      if (prependHeader != null) {
        b.prependHeader(prependHeader);
      }
      PolicyServer policy = running.add(b.build().start());
      spec.commandLine()
          .getOut()
          .println(
              "policy server on "
                  + Services.hostPort(policy.address())
                  + " (check_policy_service inet:"
                  + Services.hostPort(policy.address())
                  + "), challenge links to "
                  + base
                  + web.map(w -> ", challenge page on " + w.baseUri()).orElse("")
                  + monitoring.describe()
                  + " (data "
                  + d.path()
                  + ")");
      spec.commandLine().getOut().flush();
    } catch (Exception e) {
      running.close();
      throw e;
    }
    running.awaitStop();
    return 0;
  }
}
