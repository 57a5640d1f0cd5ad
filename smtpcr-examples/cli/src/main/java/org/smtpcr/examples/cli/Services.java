package org.smtpcr.examples.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.engine.DecisionListener;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.rules.ExemptRecipientsRule;
import org.smtpcr.core.rules.NullSenderRule;
import org.smtpcr.core.rules.PassCodeRule;
import org.smtpcr.core.rules.TrustedClientsRule;
import org.smtpcr.core.rules.WhitelistStoreRule;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.smtp.SmtpcrSmtpServer;
import org.smtpcr.examples.web.ChallengePage;
import org.smtpcr.examples.web.ChallengeWebServer;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.PassCodes;

/** Builds the engine, the challenge page and the servers the long-running commands start. */
final class Services {
  private Services() {}

  /** The settings of the engine that the commands expose. */
  record EngineSettings(URI challengeBase, Duration challengeLifetime, List<String> trustedNetworks,
      boolean subjectPassCodes) {
    EngineSettings {
      trustedNetworks = List.copyOf(trustedNetworks);
    }
  }

  /**
   * The default chain in README.md's order: postmaster and abuse, trusted clients (authenticated
   * sessions and the given networks), the null sender, the whitelist store, pass codes (in the
   * sub-address, and in the Subject when asked).
   */
  static DecisionEngine engine(KeyRing ring, WhitelistStore store, EngineSettings s) {
    return engine(ring, store, s, DecisionListener.logging());
  }

  /** {@link #engine(KeyRing, WhitelistStore, EngineSettings)} with another decision listener. */
  static DecisionEngine engine(KeyRing ring, WhitelistStore store, EngineSettings s, DecisionListener listener) {
    return engine(ring, store, s, listener, ReplyFormatter.english());
  }

  /**
   * {@link #engine(KeyRing, WhitelistStore, EngineSettings, DecisionListener)} with other reply texts
   * ({@link org.smtpcr.core.reply.PostfixReplies#formatter()} for the Postfix policy server).
   */
  static DecisionEngine engine(KeyRing ring, WhitelistStore store, EngineSettings s, DecisionListener listener,
      ReplyFormatter replies) {
    TrustedClientsRule.Builder trusted = TrustedClientsRule.builder();
    s.trustedNetworks().forEach(trusted::network);
    return DecisionEngine.builder()
        .keyRing(ring)
        .replyFormatter(replies)
        .challengeBase(s.challengeBase())
        .challengeLifetime(s.challengeLifetime())
        .rule(ExemptRecipientsRule.standard())
        .rule(trusted.build())
        .rule(NullSenderRule.accept())
        .rule(WhitelistStoreRule.of(store))
        .rule(PassCodeRule.builder().passCodes(PassCodes.of(ring)).subject(s.subjectPassCodes()).build())
        .listener(listener)
        .build();
  }

  /** The challenge page server, started. */
  static ChallengeWebServer web(KeyRing ring, WhitelistStore store, InetSocketAddress listen, int powBits,
      Optional<Duration> whitelistExpiry, int requestsPerMinute) throws IOException {
    ChallengePage page = ChallengePage.builder()
        .tokens(ChallengeTokens.of(ring))
        .passCodes(PassCodes.of(ring))
        .store(store)
        .powDifficultyBits(powBits)
        .whitelistExpiry(whitelistExpiry)
        .build();
    return ChallengeWebServer.builder().page(page).bind(listen).requestsPerMinutePerClient(requestsPerMinute)
        .build().start();
  }

  /** The SMTP server, started. */
  static SmtpcrSmtpServer smtp(DecisionEngine engine, DataDirectory data, InetSocketAddress listen,
      List<String> domains, int maxMessageBytes, String hostName) throws IOException {
    return SmtpcrSmtpServer.builder()
        .engine(engine)
        .maildir(data.maildir())
        .bind(listen)
        .localDomains(domains)
        .maxMessageBytes(maxMessageBytes)
        .hostName(hostName)
        .build()
        .start();
  }

  /** {@code host:port}, IPv6 in brackets. */
  static String hostPort(InetSocketAddress a) {
    String h = a.getAddress().getHostAddress();
    return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
  }
}
