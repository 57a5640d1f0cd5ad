package org.smtpcr.examples.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.UnaryOperator;
import org.smtpcr.core.auth.SenderAuthenticator;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.engine.DecisionListener;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.runtime.ListFiles;
import org.smtpcr.examples.runtime.PageListener;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.runtime.StandardEngine;
import org.smtpcr.examples.smtp.SmtpcrSmtpServer;
import org.smtpcr.examples.web.ChallengePage;
import org.smtpcr.examples.web.ChallengeWebServer;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.PassCodes;
import picocli.CommandLine.Model.CommandSpec;

/** Builds the engine, the challenge page and the servers the long-running commands start. */
final class Services {
  private Services() {}

  /**
   * The standard engine from the runtime (the standard chain), with the decision log and the
   * default texts.
   */
  static DecisionEngine engine(KeyRing ring, WhitelistStore store, Settings s) {
    return engine(ring, store, s, CommandLog.decisions(s, ring));
  }

  /** {@link #engine(KeyRing, WhitelistStore, Settings)} with another decision listener. */
  static DecisionEngine engine(
      KeyRing ring, WhitelistStore store, Settings s, DecisionListener listener) {
    return engine(ring, store, s, listener, ReplyFormatter.english());
  }

  /**
   * {@link #engine(KeyRing, WhitelistStore, Settings, DecisionListener)} with other reply texts
   * ({@link org.smtpcr.core.reply.PostfixReplies#formatter()} for the Postfix policy server).
   */
  static DecisionEngine engine(
      KeyRing ring,
      WhitelistStore store,
      Settings s,
      DecisionListener listener,
      ReplyFormatter replies) {
    return engine(ring, store, s, listener, replies, UnaryOperator.identity());
  }

  /**
   * {@link #engine(KeyRing, WhitelistStore, Settings, DecisionListener, ReplyFormatter)}, with the
   * sender authenticator passed through {@code authenticators} (to count its results).
   */
  static DecisionEngine engine(
      KeyRing ring,
      WhitelistStore store,
      Settings s,
      DecisionListener listener,
      ReplyFormatter replies,
      UnaryOperator<SenderAuthenticator> authenticators) {
    return engine(ring, store, s, listener, replies, authenticators, ListFiles.load(s));
  }

  /**
   * {@link #engine(KeyRing, WhitelistStore, Settings, DecisionListener, ReplyFormatter,
   * UnaryOperator)} with the list files read already, so that the caller can reload them.
   */
  static DecisionEngine engine(
      KeyRing ring,
      WhitelistStore store,
      Settings s,
      DecisionListener listener,
      ReplyFormatter replies,
      UnaryOperator<SenderAuthenticator> authenticators,
      ListFiles lists) {
    return StandardEngine.builder(s, ring, store, authenticators, lists)
        .listener(listener)
        .replyFormatter(StandardEngine.replies(s, replies))
        .build();
  }

  /** The challenge page server, started; the web settings (timeouts, caps, proxies) apply. */
  static ChallengeWebServer web(
      KeyRing ring,
      WhitelistStore store,
      InetSocketAddress listen,
      int powBits,
      Settings settings,
      int requestsPerMinute)
      throws IOException {
    return web(ring, store, listen, powBits, settings, requestsPerMinute, PageListener.none());
  }

  /** {@link #web(KeyRing, WhitelistStore, InetSocketAddress, int, Settings, int)}, heard. */
  static ChallengeWebServer web(
      KeyRing ring,
      WhitelistStore store,
      InetSocketAddress listen,
      int powBits,
      Settings settings,
      int requestsPerMinute,
      PageListener listener)
      throws IOException {
    ChallengePage page =
        ChallengePage.builder()
            .tokens(ChallengeTokens.of(ring))
            .passCodes(PassCodes.of(ring))
            .store(store)
            .settings(settings.toBuilder().set(Settings.POW_BITS, powBits).build())
            .listener(listener)
            .build();
    return ChallengeWebServer.builder()
        .page(page)
        .bind(listen)
        .requestsPerMinutePerClient(requestsPerMinute)
        .settings(settings)
        .build()
        .start();
  }

  /** The SMTP server, started. */
  static SmtpcrSmtpServer smtp(
      DecisionEngine engine,
      DataDirectory data,
      InetSocketAddress listen,
      List<String> domains,
      int maxMessageBytes,
      String hostName,
      Settings settings)
      throws IOException {
    return SmtpcrSmtpServer.builder()
        .engine(engine)
        .maildir(data.maildir())
        .bind(listen)
        .localDomains(domains)
        .maxMessageBytes(maxMessageBytes)
        .hostName(hostName)
        .maxConnections(settings.get(Settings.SMTP_MAX_CONNECTIONS))
        .maxConnectionsPerClient(settings.get(Settings.SMTP_MAX_CONNECTIONS_PER_CLIENT))
        .mode(settings.get(Settings.MODE))
        .build()
        .start();
  }

  /**
   * Reads the list files the settings name; a file that does not parse is a usage error naming the
   * setting, the file and the line.
   */
  static ListFiles lists(CommandSpec spec, Settings settings) {
    try {
      return ListFiles.load(settings);
    } catch (IllegalArgumentException e) {
      throw Cli.usage(spec, e.getMessage());
    }
  }

  /**
   * Re-reads {@code lists} on each SIGHUP; {@link ListFiles#reload()} logs the outcome. The servers
   * keep their connections: their engine's rules read the lists in force at each decision.
   * Installed also when no list file is configured, so that {@code systemctl reload} never stops a
   * server.
   */
  static void reloadOnHangup(ListFiles lists) {
    Hangup.onHangup(lists::reload);
  }

  /** {@code host:port}, IPv6 in brackets. */
  static String hostPort(InetSocketAddress a) {
    String h = a.getAddress().getHostAddress();
    return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
  }
}
