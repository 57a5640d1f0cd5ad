package org.smtpcr.examples.policy;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.Decision;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.internal.LogSafe;
import org.smtpcr.core.reply.PostfixReplies;
import org.smtpcr.core.reply.SmtpReply;
import org.smtpcr.examples.runtime.EnforcementMode;
import org.smtpcr.examples.runtime.OutboundLearning;
import org.smtpcr.examples.runtime.Replies;
import org.smtpcr.examples.runtime.SessionIds;

/**
 * Turns a {@link PolicyRequest} into the value of the {@code action=} reply: the decision engine at
 * {@code RCPT}, {@code DUNNO} at every other state; at {@code END-OF-MESSAGE} it learns from
 * outbound mail. The recipients accepted in each transaction are kept by {@code instance}. Never
 * throws for a request's content; a failure of its own answers {@value #FAILURE_ACTION}.
 * Thread-safe; the per-connection {@link Session} is not, and is used by one request at a time.
 */
final class PolicyDecider {
  /** Continue with the rest of Postfix's restrictions; never {@code OK}, which would skip them. */
  static final String DUNNO = "DUNNO";

  /** The answer when deciding itself fails: temporary, the sending MTA retries. */
  static final String FAILURE_ACTION = Replies.FAILURE_LINE;

  private static final Logger log = LoggerFactory.getLogger(PolicyDecider.class);

  private final DecisionEngine engine;
  private final Optional<OutboundLearning> learning;
  private final Optional<String> prependHeader;
  private final AtomicBoolean warnedLongLink = new AtomicBoolean();
  private final AtomicBoolean warnedClientAddress = new AtomicBoolean();
  private final WarnLimit unreadable = new WarnLimit(log, System::nanoTime);
  private final TransactionRecipients transactions;
  private final EnforcementMode mode;

  /** What one connection (one smtpd process, one SMTP session at a time) remembers. */
  static final class Session {
    private String lastPrependInstance = "";
    private String lastPrepend = "";
  }

  PolicyDecider(
      DecisionEngine engine, Optional<OutboundLearning> learning, Optional<String> prependHeader) {
    this(engine, learning, prependHeader, new TransactionRecipients(Clock.systemUTC()));
  }

  PolicyDecider(
      DecisionEngine engine,
      Optional<OutboundLearning> learning,
      Optional<String> prependHeader,
      TransactionRecipients transactions) {
    this(engine, learning, prependHeader, transactions, EnforcementMode.ENFORCE);
  }

  PolicyDecider(
      DecisionEngine engine,
      Optional<OutboundLearning> learning,
      Optional<String> prependHeader,
      TransactionRecipients transactions,
      EnforcementMode mode) {
    this.mode = requireNonNull(mode, "mode");
    this.transactions = requireNonNull(transactions, "transactions");
    this.engine = requireNonNull(engine, "engine");
    this.learning = requireNonNull(learning, "learning");
    this.prependHeader = requireNonNull(prependHeader, "prependHeader");
  }

  /**
   * The action for {@code request}: one line of printable US-ASCII without line end.
   *
   * @param request the request
   * @param session the connection's memory
   * @return the action
   */
  String decide(PolicyRequest request, Session session) {
    try {
      if (!request.requestType().equals("smtpd_access_policy")) {
        return DUNNO;
      }
      if (request.protocolState().equals("END-OF-MESSAGE")) {
        endOfMessage(request);
        return DUNNO;
      }
      if (!request.protocolState().equals("RCPT") || request.value("recipient").isEmpty()) {
        return DUNNO;
      }
      // Postfix sends its internal form, local parts unquoted: quote them again before parsing
      String sender = PostfixAddresses.external(request.value("sender"));
      String recipient = PostfixAddresses.external(request.value("recipient"));
      Optional<InetAddress> client = clientAddress(request.value("client_address"));
      if (client.isEmpty()) {
        if (warnedClientAddress.compareAndSet(false, true)) {
          log.warn(
              "policy request without a usable client_address (session {}); answering 451 4.3.0 (logged once)",
              sessionId(request).orElse("?"));
        } else {
          log.debug(
              "policy request without a usable client_address (session {}); answering 451 4.3.0",
              sessionId(request).orElse("?"));
        }
        return failure();
      }
      String instance = request.value("instance");
      Transaction.Builder tx =
          Transaction.builder()
              .stage(Stage.RCPT)
              .clientAddress(client.get())
              .reversePath(sender.isEmpty() ? "<>" : sender)
              .forwardPath(recipient)
              .tls(!request.value("encryption_protocol").isEmpty());
      String helo = request.value("helo_name");
      if (!helo.isEmpty()) {
        tx.helo(helo);
      }
      // for the decision log only: Postfix's verified name ("unknown" when none) and queue id
      // (empty before Postfix opened the queue file)
      tx.clientName(request.value("client_name"));
      tx.queueId(request.value("queue_id"));
      String sasl = request.value("sasl_username");
      if (!sasl.isEmpty()) {
        tx.authenticatedUser(sasl);
      }
      sessionId(request).ifPresent(tx::sessionId);
      // what this server accepted earlier in the same transaction: the engine counts recipients
      // per transaction (the null sender gets one)
      // (without this recipient: Postfix asks again for the same one when check_policy_service is
      // in two restriction lists, and a bounce's only recipient must not count against itself)
      tx.acceptedRecipients(
          transactions.accepted(instance).stream()
              .filter(r -> !r.equalsIgnoreCase(recipient))
              .toList());
      DecisionOutcome outcome = engine.decide(tx.build());
      if (outcome.ruleId().equals(DecisionOutcome.INVALID_ADDRESS)) {
        // Postfix accepted the address and we cannot read it: never a permanent refusal for our
        // own parser's sake (a 553 would lose the mail), and never DUNNO either, which would let
        // any address we cannot read past the challenge: the engine's temporary 451 4.1.7 (sender)
        // or 4.1.3 (recipient), and a WARN for the administrator
        unreadable(outcome, request);
      }
      String action = action(outcome.decision(), outcome.ruleId(), request, session);
      if (action.equals(DUNNO) || action.startsWith("PREPEND ")) {
        transactions.add(instance, recipient);
      }
      return action;
    } catch (RuntimeException e) {
      log.warn(
          "deciding a policy request failed with {}; answering {}",
          e.getClass().getName(),
          mode == EnforcementMode.OBSERVE ? DUNNO : "451 4.3.0");
      return failure();
    }
  }

  /**
   * The message was accepted ({@code smtpd_end_of_data_restrictions}): the transaction ends, and
   * when one of our users sent it, its recipients are learned. Never at RCPT: a client could
   * whitelist any pair with RCPT and RSET.
   */
  private void endOfMessage(PolicyRequest request) {
    List<String> recipients = transactions.end(request.value("instance"));
    if (learning.isEmpty() || request.value("sasl_username").isEmpty()) {
      return;
    }
    if (recipients.isEmpty() && !request.value("recipient").isEmpty()) {
      // Postfix names the recipient here when there is one (and we may have forgotten it)
      recipients = List.of(PostfixAddresses.external(request.value("recipient")));
    }
    String sender = PostfixAddresses.external(request.value("sender"));
    for (String recipient : recipients) {
      learn(learning.get(), sender, recipient, request);
    }
  }

  /** Our own failure: 451 when enforcing; observing never delays mail. */
  private String failure() {
    return mode == EnforcementMode.OBSERVE ? DUNNO : FAILURE_ACTION;
  }

  private String action(Decision decision, String ruleId, PolicyRequest request, Session session) {
    Optional<SmtpReply> refusal = mode.refusal(decision);
    if (refusal.isEmpty()) {
      if (prependHeader.isEmpty()) {
        return DUNNO;
      }
      // observing: what enforcing would have done, e.g. "X-SMTPCR: would-challenge (default)"
      String header =
          prependHeader.get()
              + ": "
              + EnforcementMode.wouldBe(decision).orElse("pass")
              + " ("
              + ruleId
              + ")";
      String instance = request.value("instance");
      if (!instance.isEmpty()
          && instance.equals(session.lastPrependInstance)
          && header.equals(session.lastPrepend)) {
        // the same header for another recipient of the same message: once is enough
        return DUNNO;
      }
      session.lastPrependInstance = instance;
      session.lastPrepend = header;
      return "PREPEND " + header;
    }
    SmtpReply reply = refusal.get();
    String named = postfixNamed(request);
    try {
      return PostfixReplies.action(reply, named);
    } catch (IllegalArgumentException e) {
      // the link alone is longer than Postfix's reply line leaves room for: refuse without it
      if (warnedLongLink.compareAndSet(false, true)) {
        log.warn(
            "a challenge link does not fit a Postfix policy reply after the {}-character name Postfix prints"
                + " in front (if most do not fit, shorten the challenge base URL); refusing without the link (logged"
                + " once, then at DEBUG)",
            named.length());
      } else {
        log.debug(
            "a challenge link does not fit a Postfix policy reply after a {}-character name; refusing"
                + " without the link",
            named.length());
      }
      if (reply.link().isEmpty()) {
        throw e; // not the link: a reply the formatter should not have made; answered 451
      }
      // the prose alone; for a template with no text, the code alone, still a refusal
      return PostfixReplies.actionWithoutLink(reply, named);
    }
  }

  /**
   * What Postfix will name in front of the reply text, the longest candidate when it cannot be
   * told: the recipient under {@code smtpd_recipient_restrictions}; with {@code smtpd_delay_reject}
   * a policy service under the client, HELO or sender restrictions is asked at RCPT too, and
   * Postfix then names {@code client_name[client_address]}, the HELO name or the sender.
   */
  private static String postfixNamed(PolicyRequest request) {
    String named = request.value("recipient");
    int bytes = named.getBytes(StandardCharsets.UTF_8).length;
    for (String candidate :
        List.of(
            request.value("sender"),
            request.value("helo_name"),
            request.value("client_name") + "[" + request.value("client_address") + "]")) {
      int candidateBytes = candidate.getBytes(StandardCharsets.UTF_8).length;
      if (candidateBytes > bytes) {
        named = candidate;
        bytes = candidateBytes;
      }
    }
    return named;
  }

  private void unreadable(DecisionOutcome outcome, PolicyRequest request) {
    String which =
        outcome
                .decision()
                .negativeReply()
                .map(SmtpReply::enhancedStatus)
                .orElse("")
                .endsWith(".1.7")
            ? "sender"
            : "recipient";
    unreadable.warn(
        "an address Postfix accepted could not be read ({} address, session {}); deferring it",
        which,
        sessionId(request).orElse("?"));
    log.debug(
        "unreadable {} address \"{}\" (session {})",
        which,
        LogSafe.of(request.value(which)),
        sessionId(request).orElse("?"));
  }

  /** Records (remote recipient → our sender) so the people our users write to can answer. */
  private void learn(
      OutboundLearning learning, String sender, String recipient, PolicyRequest request) {
    try {
      if (learning.learn(sender, recipient)) {
        log.debug("learned a pair from outbound mail (session {})", sessionId(request).orElse("?"));
      }
    } catch (RuntimeException e) {
      // the outbound message goes on: learning is a convenience, not a condition
      log.warn(
          "whitelist store failed while learning from outbound mail: {}", e.getClass().getName());
    }
  }

  /** Postfix's {@code instance}, as the runtime keeps session ids ({@link SessionIds}). */
  private static Optional<String> sessionId(PolicyRequest request) {
    return SessionIds.sanitize(request.value("instance"));
  }

  private static Optional<InetAddress> clientAddress(String text) {
    if (text.isEmpty() || text.length() > 64) {
      return Optional.empty();
    }
    try {
      // one parse; a literal never goes to DNS
      return Optional.of(InetAddresses.forString(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
