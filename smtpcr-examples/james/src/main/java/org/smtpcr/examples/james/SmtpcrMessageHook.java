package org.smtpcr.examples.james;

import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MessageHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.Header;
import org.smtpcr.core.engine.TransactionState;
import org.smtpcr.examples.runtime.EnforcementMode;
import org.smtpcr.examples.runtime.SettingGrammar;

/**
 * Finishes the engine's decision at the end of DATA: with {@code subjectPassCodes} on, the {@link
 * SmtpcrRcptHook} accepts would-be challenges provisionally, and this hook decides them with the
 * message headers (a pass code in the Subject lets the message in; otherwise it is challenged). It
 * uses the engine and the transaction state the RCPT hook left in the session, so it has no engine
 * settings of its own.
 *
 * <p><b>Sender authentication.</b> A recipient whose sender was not authenticated by SPF at RCPT
 * waits for the message: the engine verifies its DKIM signatures and DMARC alignment (settings
 * {@code dkim}, {@code dnsServer}, {@code authDeadline} of {@link SmtpcrRcptHook}) on {@link
 * MailEnvelope#getMessageInputStream()}: in James server, the bytes the client sent after dot
 * removal, with the {@code Received} header James adds in front (an added header does not break a
 * signature). Trusted {@code Authentication-Results} headers ({@code trustedAuthservIds}) count
 * too. The message is read only when a recipient is pending.
 *
 * <p>Accept is {@code DECLINED}: inside James, the core handlers queue the message afterwards. A
 * refusal at the end of DATA is one line (James 3.8 sends it without result handlers), with the
 * challenge link kept whole at its end.
 *
 * <pre>{@code
 * <handler class="org.smtpcr.examples.james.SmtpcrMessageHook"/>
 * }</pre>
 *
 * Setting: {@code maxHeaderBytes}, how much of the message is read for its headers (default {@value
 * #DEFAULT_MAX_HEADER_BYTES}, {@value #MIN_MAX_HEADER_BYTES} to {@value #MAX_MAX_HEADER_BYTES}).
 * The headers are read only when a recipient is pending.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class SmtpcrMessageHook implements MessageHook {
  /** Bytes of the message read for its headers by default: 64 KiB. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 64 * 1024;

  /** Smallest {@code maxHeaderBytes} accepted. */
  public static final int MIN_MAX_HEADER_BYTES = 1024;

  /** Largest {@code maxHeaderBytes} accepted. */
  public static final int MAX_MAX_HEADER_BYTES = 1024 * 1024;

  static final String MAX_HEADER_BYTES = "maxHeaderBytes";

  private static final Logger log = LoggerFactory.getLogger(SmtpcrMessageHook.class);

  private volatile int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;

  /** The constructor James calls. */
  public SmtpcrMessageHook() {}

  /**
   * Reads {@code maxHeaderBytes} from the {@code <handler>} element.
   *
   * @param config the {@code <handler>} element
   * @throws ConfigurationException if the value is not a number in range, or another setting is
   *     given
   */
  @Override
  public void init(Configuration config) throws ConfigurationException {
    if (config == null) {
      return;
    }
    for (Iterator<String> keys = config.getKeys(); keys.hasNext(); ) {
      String key = keys.next();
      if (!key.startsWith("[@") && !key.equals(MAX_HEADER_BYTES)) {
        throw new ConfigurationException(
            "unknown setting for SmtpcrMessageHook; known: " + MAX_HEADER_BYTES);
      }
    }
    Optional<String> value = HookConfig.optional(config, MAX_HEADER_BYTES);
    if (value.isEmpty()) {
      return;
    }
    long n;
    try {
      n = SettingGrammar.size(MAX_HEADER_BYTES, value.get()); // 65536, 64k
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage());
    }
    if (n < MIN_MAX_HEADER_BYTES || n > MAX_MAX_HEADER_BYTES) {
      throw new ConfigurationException(
          MAX_HEADER_BYTES
              + " must be "
              + MIN_MAX_HEADER_BYTES
              + " to "
              + MAX_MAX_HEADER_BYTES
              + ", got "
              + n);
    }
    maxHeaderBytes = (int) n;
  }

  /**
   * Decides the message for the recipients the RCPT hook accepted provisionally.
   *
   * @param session the SMTP session
   * @param mail the message
   * @return {@code DECLINED} to let James go on (and queue the message), or a refusal
   */
  @Override
  public HookResult onMessage(SMTPSession session, MailEnvelope mail) {
    Optional<OpenTransaction> open =
        session.removeAttachment(OpenTransaction.KEY, State.Transaction);
    if (open.isEmpty() || open.get().state().isFinished()) {
      return HookResult.DECLINED; // no recipient went through SmtpcrRcptHook
    }
    TransactionState state = open.get().state();
    EnforcementMode mode = open.get().mode();
    boolean observe = mode == EnforcementMode.OBSERVE;
    String sessionId = SmtpcrRcptHook.sessionId(session).orElse("-");
    List<Header> headers = List.of();
    if (!state.pendingRecipients().isEmpty()) {
      try (InputStream in = mail.getMessageInputStream()) {
        headers = HeaderReader.read(in, maxHeaderBytes);
      } catch (IOException | RuntimeException e) {
        log.warn(
            "SMTPCR could not read the message headers ({}); answering {} (session {})",
            e.getClass().getName(),
            observe ? "DECLINED, mode observe" : "451",
            sessionId);
        return observe ? HookResult.DECLINED : Replies.localProblem();
      }
    }
    DecisionOutcome outcome;
    try (InputStream message = mail.getMessageInputStream()) {
      // read by the engine only when a pending recipient needs DKIM/DMARC
      outcome = state.endOfData(headers, message);
    } catch (IOException | RuntimeException e) {
      log.warn(
          "SMTPCR could not decide the message ({}); answering {} (session {})",
          e.getClass().getName(),
          observe ? "DECLINED, mode observe" : "451",
          sessionId);
      return observe ? HookResult.DECLINED : Replies.localProblem();
    }
    if (mode.refusal(outcome.decision()).isEmpty()) {
      return HookResult.DECLINED;
    }
    return Replies.hookResult(outcome.decision(), Optional.empty());
  }

  /** Shows the setting. */
  @Override
  public String toString() {
    return "SmtpcrMessageHook[maxHeaderBytes=" + maxHeaderBytes + "]";
  }
}
