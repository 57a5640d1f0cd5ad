package org.smtpcr.core.engine;

import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.Decision;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.Header;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.auth.AuthenticationResults;
import org.smtpcr.core.auth.AuthenticationResultsHeader;
import org.smtpcr.core.auth.DkimSignature;
import org.smtpcr.core.auth.Domains;
import org.smtpcr.core.auth.SenderAuthenticator;
import org.smtpcr.core.internal.EnvelopePaths;
import org.smtpcr.core.spi.DecisionRule;
import org.smtpcr.core.spi.SenderAuthState;

/**
 * The engine's state for one mail transaction, from the first RCPT to the end of DATA: what an MTA
 * keeps per transaction (and drops on RSET). Get one from {@link DecisionEngine#begin(Transaction)}
 * after MAIL, call {@link #rcpt(String)} for each recipient and {@link #endOfData(List)} once the
 * headers are in; answer the MTA with each returned {@link Decision}.
 *
 * <pre>{@code
 * TransactionState t = engine.begin(mailTransaction);
 * Decision r1 = t.rcpt("<bob@example.com>");    // Accept, Challenge, Reject or Defer
 * Decision r2 = t.rcpt("<carol@example.com>");
 * Decision end = t.endOfData(headers);          // the answer to the final dot
 * }</pre>
 *
 * <p><b>Pending recipients.</b> When a rule of the chain {@linkplain DecisionRule#usesHeaders()
 * uses the headers} (a pass code in the Subject), a recipient that would be challenged at RCPT is
 * accepted provisionally ("pending") and decided at the end of DATA. One transaction never mixes
 * recipients accepted outright with pending ones: a recipient of the other kind than those already
 * accepted is answered {@code 452 4.5.3}, so the sending MTA retries it in a new transaction. Since
 * a pass code admits one (sender, recipient) pair, a recipient waiting for the Subject is the only
 * recipient of its transaction: any other (accepted, or waiting as well) gets {@code 452 4.5.3}, so
 * one recipient's challenge never refuses a message that others were admitted for. A rule may also
 * {@linkplain org.smtpcr.core.spi.RuleContext#awaitMessage wait for the message} (the null sender's
 * report check). Each RCPT is decided knowing the recipients accepted before it ({@link
 * Transaction#acceptedRecipients()}, what the route handed in plus this state's). At the end of
 * DATA, the pending recipients are decided again with the headers: if any is deferred, the message
 * is deferred; else if any is challenged or rejected, the message gets the reply of the first such;
 * else it is accepted. Recipients accepted outright are not decided again.
 *
 * <p>At most {@value #MAX_RECIPIENTS} recipients are kept; more are answered {@code 452 4.5.3}.
 * Thread-safe (its methods are synchronized), though one transaction is normally driven by one
 * thread.
 *
 * @since 0.1.0
 */
public final class TransactionState {
  /** Recipients one transaction may hold (RFC 5321 §4.5.3.1.8 asks for at least 100). */
  public static final int MAX_RECIPIENTS = 1000;

  private static final Logger log = LoggerFactory.getLogger(TransactionState.class);

  /** At most this many Authentication-Results headers are read. */
  private static final int MAX_AR_HEADERS = 20;

  private final DecisionEngine engine;
  private final Transaction mail;
  private final List<String> accepted = new ArrayList<>();
  private final List<String> pending = new ArrayList<>();
  private boolean finished;
  private final SenderAuthState auth;

  private final boolean seesData;
  private Boolean pendingMayAccept; // what the pending recipients wait for; null: none pending
  private boolean subjectWaiting; // the one pending recipient waits for a pass code in the Subject

  TransactionState(DecisionEngine engine, Transaction mail, boolean seesData) {
    this.engine = engine;
    this.mail = mail;
    this.seesData = seesData;
    this.auth = SenderAuthState.create(seesData);
  }

  /**
   * Decides one {@code RCPT TO}.
   *
   * @param forwardPath the forward-path as received
   * @return the answer: {@link Decision.Accept} (outright or pending), a challenge, a reject, or a
   *     defer (among them {@code 452 4.5.3} when the recipient cannot join this transaction)
   * @throws IllegalStateException after {@link #endOfData(List)}
   */
  public synchronized DecisionOutcome rcpt(String forwardPath) {
    requireNonNull(forwardPath, "forwardPath");
    checkState(!finished, "the transaction ended with DATA; begin a new one");
    long t0 = System.nanoTime();
    Transaction tx = mail.withForwardPath(forwardPath);
    DecisionOutcome o;
    if (accepted.size() + pending.size() + mail.acceptedRecipients().size() >= MAX_RECIPIENTS) {
      o = engine.chain().pendingMix(tx, DecisionOutcome.RECIPIENT_LIMIT);
    } else {
      List<String> before = new ArrayList<>(mail.acceptedRecipients());
      before.addAll(accepted);
      before.addAll(pending);
      o = engine.chain().evaluate(tx.withAcceptedRecipients(before), auth);
      boolean negative =
          o.decision() instanceof Decision.Challenge || o.decision() instanceof Decision.Reject;
      boolean waitsForSubject =
          o.decision() instanceof Decision.Challenge && engine.decidesAtData();
      if (seesData && (waitsForSubject || (negative && auth.provisional()))) {
        // a held hit may still be accepted at the end of DATA; anything else stays negative at
        // best, and one message gets one answer: the two kinds never share a transaction
        boolean mayAccept =
            (o.decision() instanceof Decision.Reject && !DecisionOutcome.DEFAULT.equals(o.ruleId()))
                || waitsForSubject;
        // a pass code in the Subject admits one (sender, recipient) pair: a recipient waiting for
        // it shares the message with no other, so that its challenge never turns into a
        // permanent refusal of recipients that were admitted
        if (!accepted.isEmpty()
            || (pendingMayAccept != null && pendingMayAccept != mayAccept)
            || subjectWaiting
            || (waitsForSubject && !pending.isEmpty())) {
          o = engine.chain().pendingMix(tx, DecisionOutcome.PENDING_MIX);
        } else {
          pending.add(forwardPath);
          pendingMayAccept = mayAccept;
          subjectWaiting = waitsForSubject;
          o = new DecisionOutcome(Decision.accept(), DecisionOutcome.PENDING, false);
        }
      } else if (o.decision() instanceof Decision.Accept) {
        if (!pending.isEmpty()) {
          o = engine.chain().pendingMix(tx, DecisionOutcome.PENDING_MIX);
        } else {
          accepted.add(forwardPath);
        }
      }
    }
    engine.notify(tx, Stage.RCPT, o, t0);
    return o;
  }

  /**
   * Decides the pending recipients at the end of DATA, with the message itself: the engine's {@link
   * org.smtpcr.core.auth.SenderAuthenticator} verifies its DKIM signatures and DMARC when some
   * recipient is pending and the sender is not yet authenticated.
   *
   * @param headers the message's header fields, in order
   * @param message the whole message as received (header and body); read only if needed, not closed
   * @return the decision for the message
   * @since 0.2.0
   */
  public synchronized DecisionOutcome endOfData(List<Header> headers, InputStream message) {
    requireNonNull(message, "message");
    return finish(headers, message);
  }

  /**
   * Decides the message at the end of DATA and ends the transaction.
   *
   * @param headers the message headers in order
   * @return the answer to the final dot
   * @throws IllegalStateException if called twice
   */
  public synchronized DecisionOutcome endOfData(List<Header> headers) {
    return finish(headers, null);
  }

  private DecisionOutcome finish(List<Header> headers, InputStream message) {
    List<Header> copy = List.copyOf(headers);
    checkState(!finished, "endOfData was already called; begin a new transaction");
    finished = true;
    long t0 = System.nanoTime();
    DecisionOutcome result;
    // the transaction the listener hears of: the recipient whose answer the message gets
    Transaction decided = mail;
    if (pending.isEmpty()) {
      result = new DecisionOutcome(Decision.accept(), DecisionOutcome.RCPT, false);
    } else {
      DecisionOutcome first = null;
      DecisionOutcome negative = null;
      DecisionOutcome deferred = null;
      Transaction firstTx = null;
      Transaction negativeTx = null;
      Transaction atData = authenticateMessage(copy, message);
      for (String forwardPath : pending) {
        Transaction tx = atData.withForwardPath(forwardPath).withHeaders(copy);
        DecisionOutcome o = engine.chain().evaluate(tx, auth);
        if (first == null) {
          first = o;
          firstTx = tx;
        }
        if (o.decision() instanceof Decision.Defer) {
          deferred = o;
          negativeTx = tx;
          break;
        }
        if (negative == null && !(o.decision() instanceof Decision.Accept)) {
          negative = o;
          negativeTx = tx;
        }
      }
      result = deferred != null ? deferred : negative != null ? negative : first;
      decided = negativeTx != null ? negativeTx : firstTx;
    }
    engine.notify(decided, Stage.DATA, result, t0);
    return result;
  }

  /**
   * The transaction with what the message adds to the sender's authentication: trusted {@code
   * Authentication-Results} headers (only those above the first {@code Received} field, or the
   * second when the first comes first and is the receiving MTA's own), then the authenticator's
   * DKIM and DMARC check of the message. A failure of the check counts as DNS trouble for DKIM, so
   * it can only make the answer temporary, never permanent.
   */
  private Transaction authenticateMessage(List<Header> headers, InputStream message) {
    AuthenticationResults known = mail.authentication().merge(auth.computed());
    AuthenticationResults fromHeaders = trustedHeaderResults(headers);
    known = known.merge(fromHeaders);
    Optional<SenderAuthenticator> authenticator = engine.chain().authenticator();
    if (message != null && authenticator.isPresent() && !known.messageChecked()) {
      String mailFrom = mail.reversePath().map(EnvelopePaths::address).orElse("");
      try {
        AuthenticationResults r = authenticator.get().checkMessage(known, mailFrom, message);
        known = requireNonNull(r, "checkMessage returned null");
      } catch (IOException | RuntimeException e) {
        log.warn(
            "message authentication failed with {}; counting DKIM as temperror (session {})",
            e.getClass().getName(),
            mail.sessionId());
        AuthenticationResults.Builder b = known.toBuilder().messageChecked(true);
        // a temperror for the envelope's domain and for the canonical sender's (they differ for
        // an SRS-wrapped sender), so the standing is temporary whichever is judged
        for (String d : senderDomains()) {
          b.dkim(new DkimSignature(d, DkimSignature.Result.TEMPERROR));
        }
        known = b.build();
      }
    }
    // what the route handed in stays in the transaction; everything known goes into the state
    auth.record(known);
    return mail.withAuthentication(known);
  }

  private AuthenticationResults trustedHeaderResults(List<Header> headers) {
    if (engine.chain().trustedAuthservIds().isEmpty()) {
      return AuthenticationResults.notChecked();
    }
    AuthenticationResults r = AuthenticationResults.notChecked();
    int seen = 0;
    boolean first = true;
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase("Received")) {
        if (first) {
          first = false;
          continue; // the receiving MTA's own (James adds one before its hooks run)
        }
        // below the next Received field, anyone on the way could have written one
        break;
      }
      first = false;
      if (h.name().equalsIgnoreCase("Authentication-Results") && seen++ < MAX_AR_HEADERS) {
        Optional<AuthenticationResults> parsed =
            AuthenticationResultsHeader.parse(h.value(), engine.chain().trustedAuthservIds());
        if (parsed.isPresent()) {
          r = r.merge(parsed.get());
        }
      }
    }
    return r;
  }

  private List<String> senderDomains() {
    List<String> domains = new ArrayList<>();
    mail.reversePath().flatMap(EnvelopePaths::domain).ifPresent(domains::add);
    try {
      mail.reversePath()
          .map(p -> engine.canonicalizer().parse(p).canonical().domain())
          .flatMap(Domains::tryNormalize)
          .filter(d -> !domains.contains(d))
          .ifPresent(domains::add);
    } catch (RuntimeException e) {
      // not an address the canonicalizer reads: the envelope's domain is all there is
    }
    if (domains.isEmpty()) {
      domains.add("invalid");
    }
    return domains;
  }

  /**
   * The forward-paths accepted outright at RCPT, in order.
   *
   * @return a copy of the list
   */
  public synchronized List<String> acceptedRecipients() {
    return List.copyOf(accepted);
  }

  /**
   * The forward-paths accepted provisionally, to be decided at the end of DATA, in order.
   *
   * @return a copy of the list
   */
  public synchronized List<String> pendingRecipients() {
    return List.copyOf(pending);
  }

  /**
   * Whether {@link #endOfData(List)} was called.
   *
   * @return true once the transaction ended
   */
  public synchronized boolean isFinished() {
    return finished;
  }

  /** Counts recipients; no addresses. */
  @Override
  public synchronized String toString() {
    return "TransactionState[session="
        + mail.sessionId()
        + ", accepted="
        + accepted.size()
        + ", pending="
        + pending.size()
        + (finished ? ", finished" : "")
        + "]";
  }
}
