package org.smtpcr.examples.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.Header;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.engine.TransactionState;
import org.smtpcr.core.reply.SmtpReply;
import org.smtpcr.examples.runtime.EnforcementMode;
import org.smtpcr.examples.runtime.HeaderParser;
import org.smtpcr.examples.runtime.Replies;
import org.smtpcr.examples.runtime.SessionIds;
import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.Session;

/**
 * One mail transaction of one SubEthaSMTP session: MAIL goes to {@link DecisionEngine#decide} and
 * {@link DecisionEngine#begin}, each RCPT to {@link TransactionState#rcpt}, the end of DATA to
 * {@link TransactionState#endOfData(List, InputStream)} with the message as received (read back
 * from the Maildir file it is being written to, for DKIM); an accepted message goes into the
 * Maildir. SubEthaSMTP makes one handler per transaction and drives it from the session's thread.
 * SPF is the engine's: the transactions carry the client address, the HELO name and the
 * reverse-path.
 */
final class EngineMessageHandler implements MessageHandler {
  static final SmtpReply RELAY_DENIED =
      SmtpReply.of(
          550, "5.7.1", "Relaying denied: this server accepts mail for its own domains only.");
  static final SmtpReply LOCAL_PROBLEM = Replies.FAILURE;

  private static final Logger log = LoggerFactory.getLogger(EngineMessageHandler.class);
  private static final int BUFFER = 8192;

  private final DecisionEngine engine;
  private final Maildir maildir;
  private final int maxMessageBytes;
  private final Set<String> localDomains;
  private final MessageContext context;
  private final EnforcementMode mode;
  private TransactionState state;
  private Maildir.Delivery delivery;

  EngineMessageHandler(
      DecisionEngine engine,
      Maildir maildir,
      int maxMessageBytes,
      Set<String> localDomains,
      MessageContext context,
      EnforcementMode mode) {
    this.mode = mode;
    this.engine = engine;
    this.maildir = maildir;
    this.maxMessageBytes = maxMessageBytes;
    this.localDomains = localDomains;
    this.context = context;
  }

  @Override
  public void from(String from) throws RejectException {
    try {
      Transaction mail = transaction(Stage.MAIL).reversePath("<" + from + ">").build();
      reject(engine.decide(mail));
      state = engine.begin(mail);
    } catch (RuntimeException e) {
      throw failed("MAIL", e);
    }
  }

  @Override
  public void recipient(String recipient) throws RejectException {
    try {
      String forwardPath = "<" + recipient + ">";
      if (!localDomains.isEmpty() && !isLocal(forwardPath)) {
        log.debug("relay denied (session {})", sessionId());
        throw new ReplyRejection(RELAY_DENIED);
      }
      reject(state.rcpt(forwardPath));
    } catch (RuntimeException e) {
      if (mode == EnforcementMode.OBSERVE) {
        // observing never delays mail, not even for a failure of our own
        log.warn(
            "RCPT failed with {} (session {}); accepted (mode observe)",
            e.getClass().getName(),
            sessionId());
        return;
      }
      throw failed("RCPT", e);
    }
  }

  @Override
  public String data(InputStream data) throws RejectException, IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    boolean writeFailed = false;
    try {
      delivery = maildir.begin();
    } catch (IOException e) {
      log.warn(
          "cannot create a Maildir file: {} (session {})", e.getClass().getName(), sessionId());
      writeFailed = true;
    }
    long size = 0;
    byte[] buf = new byte[BUFFER];
    try {
      // read everything, even when refusing: the reply may only come after the final dot
      for (int n; (n = data.read(buf)) != -1; ) {
        size += n;
        if (head.size() < HeaderParser.MAX_HEADER_BYTES) {
          head.write(buf, 0, Math.min(n, HeaderParser.MAX_HEADER_BYTES - head.size()));
        }
        if (!writeFailed && size <= maxMessageBytes) {
          try {
            delivery.write(buf, 0, n);
          } catch (IOException e) {
            log.warn(
                "Maildir write failed with {} (session {})", e.getClass().getName(), sessionId());
            writeFailed = true;
          }
        }
      }
    } catch (IOException e) {
      abortDelivery();
      throw e; // the client is gone
    }
    if (size > maxMessageBytes) {
      log.debug(
          "message of {} bytes over the limit of {} (session {})",
          size,
          maxMessageBytes,
          sessionId());
      throw refuseData(
          SmtpReply.of(
              552,
              "5.3.4",
              "Message size exceeds the fixed limit of " + maxMessageBytes + " bytes."));
    }
    if (writeFailed) {
      throw refuseData(LOCAL_PROBLEM);
    }
    Optional<SmtpReply> end;
    // the engine reads the message (for DKIM) only when it needs to, from the Maildir file it
    // was just written to: never a second time from the network, never whole in memory
    try (InputStream message = delivery.read()) {
      byte[] h = head.toByteArray();
      List<Header> headers = HeaderParser.parse(h, (int) Math.min(size, Integer.MAX_VALUE));
      DecisionOutcome o = state.endOfData(headers, message);
      end = mode.refusal(o.decision());
    } catch (IOException | RuntimeException e) {
      if (mode != EnforcementMode.OBSERVE) {
        log.warn("end of DATA failed with {} (session {})", e.getClass().getName(), sessionId());
        throw refuseData(LOCAL_PROBLEM);
      }
      // observing never delays mail: the message is written, deliver it
      log.warn(
          "end of DATA failed with {} (session {}); delivered (mode observe)",
          e.getClass().getName(),
          sessionId());
      end = Optional.empty();
    }
    if (end.isPresent()) {
      throw refuseData(end.get());
    }
    Path file;
    try {
      file = delivery.commit();
    } catch (IOException e) {
      log.warn("Maildir delivery failed with {} (session {})", e.getClass().getName(), sessionId());
      throw refuseData(LOCAL_PROBLEM);
    } finally {
      delivery = null;
    }
    log.debug("delivered {} bytes to {} (session {})", size, file.getFileName(), sessionId());
    return "2.0.0 Ok: delivered";
  }

  @Override
  public void done() {
    abortDelivery();
  }

  /**
   * Drops the message and ends the transaction (SubEthaSMTP leaves it open after a DATA reject).
   */
  private ReplyRejection refuseData(SmtpReply reply) {
    abortDelivery();
    if (context instanceof Session s) {
      s.resetMailTransaction();
    }
    return new ReplyRejection(reply);
  }

  private void abortDelivery() {
    Maildir.Delivery d = delivery;
    delivery = null;
    if (d != null) {
      try {
        d.close();
      } catch (IOException e) {
        log.warn("could not remove an unfinished Maildir file: {}", e.getClass().getName());
      }
    }
  }

  private boolean isLocal(String forwardPath) {
    try {
      return localDomains.contains(
          engine.canonicalizer().forRecipients().canonicalize(forwardPath).domain());
    } catch (InvalidAddressException e) {
      return true; // not an address at all: the engine answers 553 5.1.3
    }
  }

  private void reject(DecisionOutcome o) throws ReplyRejection {
    Optional<SmtpReply> reply = mode.refusal(o.decision());
    if (reply.isPresent()) {
      throw new ReplyRejection(reply.get());
    }
  }

  private RejectException failed(String stage, RuntimeException e) {
    log.warn("{} failed with {} (session {})", stage, e.getClass().getName(), sessionId());
    return new ReplyRejection(LOCAL_PROBLEM);
  }

  private Transaction.Builder transaction(Stage stage) {
    Transaction.Builder b = Transaction.builder().stage(stage).clientAddress(clientAddress());
    SessionIds.sanitize(sessionId()).ifPresent(b::sessionId);
    context.getHelo().ifPresent(b::helo);
    context
        .getAuthenticationHandler()
        .map(AuthenticationHandler::getIdentity)
        .ifPresent(identity -> b.authenticatedUser(String.valueOf(identity)));
    b.tls(context instanceof Session s && s.isTLSStarted());
    return b;
  }

  private InetAddress clientAddress() {
    SocketAddress a = context.getRemoteAddress();
    return ((InetSocketAddress) a).getAddress();
  }

  private String sessionId() {
    try {
      return context.getSessionId();
    } catch (UnsupportedOperationException e) {
      return "-";
    }
  }
}
