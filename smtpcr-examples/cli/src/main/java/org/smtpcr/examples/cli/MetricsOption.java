package org.smtpcr.examples.cli;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.smtpcr.core.auth.SenderAuthenticator;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.engine.DecisionListener;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.runtime.CachingWhitelistStore;
import org.smtpcr.examples.runtime.ListFiles;
import org.smtpcr.examples.runtime.PageListener;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.runtime.metrics.MetricsServer;
import org.smtpcr.examples.runtime.metrics.MicrometerAuthenticator;
import org.smtpcr.examples.runtime.metrics.MicrometerDecisionListener;
import org.smtpcr.examples.runtime.metrics.MicrometerPageListener;
import org.smtpcr.examples.runtime.metrics.NearCacheMetrics;
import org.smtpcr.examples.runtime.metrics.TimedWhitelistStore;
import org.smtpcr.tokens.KeyRing;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --metrics-listen} of the long-running commands (the runtime setting {@code
 * metricsListen}): where {@code /metrics} and {@code /healthz} are served; off by default.
 */
final class MetricsOption {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--metrics-listen",
      paramLabel = "HOST:PORT",
      description =
          "Serve /metrics (Prometheus text) and /healthz (store reachable) here, e.g."
              + " 127.0.0.1:9340 (default: off).")
  String metricsListen;

  /** The address, if asked for; a bad value is a usage error naming the option. */
  Optional<InetSocketAddress> address() {
    if (metricsListen == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Settings.METRICS_LISTEN.parse(metricsListen));
    } catch (IllegalArgumentException e) {
      throw Cli.usage(spec, "--metrics-listen: " + e.getMessage());
    }
  }

  /**
   * Starts the metrics server when asked (added to {@code running}); the result gives the store,
   * the decision listener and the page listener the command should use.
   */
  Monitoring start(Lifecycle.Running running, DataDirectory data) throws IOException {
    Optional<InetSocketAddress> at = address();
    if (at.isEmpty()) {
      return new Monitoring(Optional.empty(), data.servingStore());
    }
    // /healthz asks the database itself; the timing is beneath the near cache, so it times the
    // database's answers, and the cache counts its hits and misses
    PrometheusMeterRegistry registry = MetricsServer.newRegistry();
    WhitelistStore store = data.servingStore(s -> TimedWhitelistStore.of(s, registry));
    if (store instanceof CachingWhitelistStore cache) {
      NearCacheMetrics.register(cache, registry);
    }
    MetricsServer server =
        running.add(
            MetricsServer.builder()
                .bind(at.get())
                .store(data.store())
                .registry(registry)
                .build()
                .start());
    return new Monitoring(Optional.of(server), store);
  }

  /** What a command uses: the metrics server if any, and the store to use (timed when serving). */
  record Monitoring(Optional<MetricsServer> server, WhitelistStore store) {
    /**
     * The decision log, then the counting listener when serving metrics, both in the thread that
     * decided: the line is written into memory ({@link CommandLog}) and the counters are counted
     * before the answer goes out, so {@code /metrics} counts every decision answered before it.
     */
    DecisionListener decisions(Settings settings, KeyRing ring) {
      DecisionListener log = CommandLog.decisions(settings, ring);
      return server.map(s -> log.andThen(MicrometerDecisionListener.of(s.registry()))).orElse(log);
    }

    /** Wraps the sender authenticator: counting its results when serving metrics. */
    UnaryOperator<SenderAuthenticator> authenticators() {
      return server
          .map(s -> MicrometerAuthenticator.wrapping(s.registry()))
          .orElse(UnaryOperator.identity());
    }

    /** The engine for these settings: counted when serving metrics. */
    DecisionEngine engine(
        KeyRing ring, Settings settings, ReplyFormatter replies, ListFiles lists) {
      return Services.engine(
          ring, store, settings, decisions(settings, ring), replies, authenticators(), lists);
    }

    /** The page's listener: counting when serving metrics. */
    PageListener page() {
      return server
          .<PageListener>map(s -> MicrometerPageListener.of(s.registry()))
          .orElse(PageListener.none());
    }

    /** {@code ", metrics on HOST:PORT"}, or nothing. */
    String describe() {
      return server.map(s -> ", metrics on " + Services.hostPort(s.address())).orElse("");
    }
  }
}
