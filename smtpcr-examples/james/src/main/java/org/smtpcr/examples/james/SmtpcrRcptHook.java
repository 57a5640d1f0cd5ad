package org.smtpcr.examples.james;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.engine.TransactionState;
import org.smtpcr.examples.runtime.EnforcementMode;
import org.smtpcr.examples.runtime.SessionIds;

/**
 * Decides each {@code RCPT TO} with the SMTPCR {@link DecisionEngine}: a sender who is not yet
 * known gets {@code 550 5.7.1} with a link to the challenge page; a whitelisted sender, a pass
 * code, an exempt recipient or a trusted client goes on to James's own checks.
 *
 * <ul>
 *   <li>accept: {@code DECLINED}, never {@code OK}: {@code OK} would skip James's later hooks,
 *       among them the relay check, and make James an open relay;
 *   <li>challenge, reject: {@code DENY} with our code and text;
 *   <li>defer (the store failed, or a recipient must come in a new transaction): {@code DENYSOFT}
 *       with {@code 451}/{@code 452}.
 * </ul>
 *
 * A reply of several lines reaches James as one line; add {@link SmtpcrReplyHandler} to the chain
 * to send it as the multi-line reply, with the link alone on its last line.
 *
 * <p>The engine's state for a mail transaction ({@link TransactionState}) lives in the session's
 * transaction attachments, so that {@link SmtpcrMessageHook} can finish it at the end of DATA
 * (Subject pass codes); James drops it on {@code RSET}, {@code HELO}/{@code EHLO} and after DATA.
 *
 * <p>Configured in {@code smtpserver.xml}, before James's core handlers:
 *
 * <pre>{@code
 * <handler class="org.smtpcr.examples.james.SmtpcrRcptHook">
 *   <keyFile>/etc/smtpcr/keyring</keyFile>
 *   <challengeBase>https://cr.example.com/</challengeBase>
 *   <store>
 *     <url>jdbc:h2:/var/lib/smtpcr/whitelist</url>
 *   </store>
 * </handler>
 * }</pre>
 *
 * Settings: {@code keyFile} (required; a key ring file, see {@code KeyRingFile}), {@code
 * challengeBase} (required; https), {@code challengeLifetime} (ISO-8601, default {@code P7D}),
 * {@code store} with {@code url} (required; H2 or PostgreSQL), {@code user}, {@code password},
 * {@code driverClass} (inferred for H2 and PostgreSQL), {@code poolSize} (default 4), {@code
 * connectionTimeout} (default {@code PT1S}) and {@code tablePrefix}; {@code trustedNetworks} (CIDR
 * list), {@code exemptRecipients} (local parts or addresses, in addition to postmaster and abuse),
 * {@code subjectPassCodes} (default false; true decides would-be challenges at the end of DATA,
 * with {@link SmtpcrMessageHook}), {@code failureReply} (default {@code 451 4.3.0 ...}) and {@code
 * trustRelayingClients} (default true: clients James lets relay, such as its {@code
 * authorizedAddresses}, are not asked). Unknown settings are refused.
 *
 * <p><b>Sender authentication.</b> The engine checks SPF for the client address, the HELO name and
 * the reverse-path at the first recipient (settings {@code spf}, {@code dnsServer}, {@code
 * dnsTimeout}, {@code authDeadline}, and the policy settings {@code rejectSpfFail}, {@code
 * admitUnauthenticated}, {@code honourUnverifiedConfirmations}, {@code trustedForwarders}, {@code
 * authenticationOptionalDomains}, {@code trustedAuthservIds}, {@code dkim}). When James's own
 * {@code SPFHandler} runs before this hook, its result for the transaction is used instead (see
 * {@link JamesSpf}); {@link SmtpcrMessageHook} checks DKIM and DMARC at the end of DATA.
 *
 * <p>Thread-safe after {@link #init(Configuration)}.
 *
 * @since 0.1.0
 */
public final class SmtpcrRcptHook implements RcptHook {
  private static final Logger log = LoggerFactory.getLogger(SmtpcrRcptHook.class);

  private volatile HookConfig.Setup setup;

  /** The constructor James calls; {@link #init(Configuration)} configures the hook. */
  public SmtpcrRcptHook() {}

  /**
   * Reads the settings of the {@code <handler>} element, loads the key file, opens the whitelist
   * store (or shares it with a hook, mailet or matcher configured with the same store settings) and
   * builds the engine.
   *
   * @param config the {@code <handler>} element
   * @throws ConfigurationException if a setting is missing, unknown or wrong; the message names the
   *     setting and never contains a key, the store URL or password
   */
  @Override
  public void init(Configuration config) throws ConfigurationException {
    if (config == null) {
      throw new ConfigurationException("SmtpcrRcptHook needs its <handler> settings");
    }
    HookConfig.Setup next = HookConfig.read(config);
    HookConfig.Setup previous = setup;
    setup = next;
    if (previous != null) {
      previous.lease().close();
    }
    log.info("SMTPCR RCPT hook ready: {}", next.engine());
  }

  /** Gives back the whitelist store; the last user closes its connection pool. */
  @Override
  public void destroy() {
    HookConfig.Setup s = setup;
    if (s != null) {
      s.lease().close();
    }
  }

  /**
   * Decides one recipient; the overload James 3.8's {@code RcptCmdHandler} calls.
   *
   * @param session the SMTP session
   * @param sender the reverse-path of {@code MAIL FROM}
   * @param rcpt the forward-path of this {@code RCPT TO}
   * @param parameters the RCPT parameters, ignored
   * @return {@code DECLINED} to let James go on, or a refusal
   */
  @Override
  public HookResult doRcpt(
      SMTPSession session, MaybeSender sender, MailAddress rcpt, Map<String, String> parameters) {
    HookConfig.Setup s = setup;
    if (s == null) {
      log.error("SmtpcrRcptHook was not initialized; answering 451");
      return Replies.localProblem();
    }
    if (s.trustRelayingClients() && session.isRelayingAllowed()) {
      return HookResult.DECLINED;
    }
    DecisionOutcome outcome;
    try {
      TransactionState state =
          transaction(
              session,
              s.engine(),
              reversePath(sender),
              s.engineChecksSpf(),
              s.messageHook(),
              s.mode());
      outcome = state.rcpt("<" + rcpt.asString() + ">");
    } catch (RuntimeException e) {
      boolean observe = s.mode() == EnforcementMode.OBSERVE;
      log.warn(
          "SMTPCR could not decide a recipient ({}); answering {} (session {})",
          e.getClass().getName(),
          observe ? "DECLINED, mode observe" : "451",
          sessionId(session).orElse("-"));
      return observe ? HookResult.DECLINED : Replies.localProblem();
    }
    if (s.mode().refusal(outcome.decision()).isEmpty()) {
      return HookResult.DECLINED;
    }
    return Replies.hookResult(outcome.decision(), Optional.of(session));
  }

  /**
   * Decides one recipient without RCPT parameters; the same as the four-argument overload.
   *
   * @param session the SMTP session
   * @param sender the reverse-path of {@code MAIL FROM}
   * @param rcpt the forward-path of this {@code RCPT TO}
   * @return {@code DECLINED} to let James go on, or a refusal
   */
  @Override
  public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
    return doRcpt(session, sender, rcpt, Map.of());
  }

  /** Names the engine's rules and challenge base; no keys, no store URL. */
  @Override
  public String toString() {
    HookConfig.Setup s = setup;
    return "SmtpcrRcptHook[" + (s == null ? "not initialized" : s.engine()) + "]";
  }

  /** The engine's state for the session's current transaction, begun at its first recipient. */
  private static TransactionState transaction(
      SMTPSession session,
      DecisionEngine engine,
      String reversePath,
      boolean engineChecksSpf,
      boolean messageHook,
      EnforcementMode mode) {
    Optional<OpenTransaction> open = session.getAttachment(OpenTransaction.KEY, State.Transaction);
    if (open.isPresent() && open.get().matches(engine, reversePath)) {
      return open.get().state();
    }
    InetSocketAddress remote = session.getRemoteAddress();
    InetAddress client = remote == null ? null : remote.getAddress();
    if (client == null) {
      throw new IllegalStateException("the session has no client address");
    }
    Transaction.Builder tx =
        Transaction.builder()
            .stage(Stage.MAIL)
            .clientAddress(client)
            .reversePath(reversePath)
            .tls(session.isTLSStarted());
    sessionId(session).ifPresent(tx::sessionId);
    session.getAttachment(SMTPSession.CURRENT_HELO_NAME, State.Connection).ifPresent(tx::helo);
    Username user = session.getUsername();
    if (user != null) {
      tx.authenticatedUser(user.asString());
    }
    JamesSpf.result(session, engineChecksSpf).ifPresent(tx::authentication);
    // only with SmtpcrMessageHook in the chain may a recipient wait for the end of DATA
    TransactionState state = engine.begin(tx.build(), messageHook);
    session.setAttachment(
        OpenTransaction.KEY,
        new OpenTransaction(engine, reversePath, state, mode),
        State.Transaction);
    return state;
  }

  static String reversePath(MaybeSender sender) {
    return sender.isNullSender() ? "<>" : "<" + sender.get().asString() + ">";
  }

  /** James's session id, kept to what {@link Transaction} accepts ({@link SessionIds}). */
  static Optional<String> sessionId(SMTPSession session) {
    return SessionIds.sanitize(session.getSessionID());
  }
}
