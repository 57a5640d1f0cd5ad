package org.smtpcr.core.engine;

import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.smtpcr.core.Decision;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.Header;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.spi.DecisionRule;

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
 * accepted is answered {@code 452 4.5.3}, so the sending MTA retries it in a new transaction. At
 * the end of DATA, the pending recipients are decided again with the headers: if any is deferred,
 * the message is deferred; else if any is challenged or rejected, the message gets the reply of the
 * first such; else it is accepted. Recipients accepted outright are not decided again.
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

  private final DecisionEngine engine;
  private final Transaction mail;
  private final List<String> accepted = new ArrayList<>();
  private final List<String> pending = new ArrayList<>();
  private boolean finished;

  TransactionState(DecisionEngine engine, Transaction mail) {
    this.engine = engine;
    this.mail = mail;
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
    if (accepted.size() + pending.size() >= MAX_RECIPIENTS) {
      o = engine.chain().pendingMix(tx, DecisionOutcome.RECIPIENT_LIMIT);
    } else {
      o = engine.chain().evaluate(tx);
      if (o.decision() instanceof Decision.Challenge && engine.decidesAtData()) {
        if (!accepted.isEmpty()) {
          o = engine.chain().pendingMix(tx, DecisionOutcome.PENDING_MIX);
        } else {
          pending.add(forwardPath);
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
    engine.notify(tx.sessionId(), Stage.RCPT, o, t0);
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
    return endOfData(headers);
  }

  /**
   * Decides the message at the end of DATA and ends the transaction.
   *
   * @param headers the message headers in order
   * @return the answer to the final dot
   * @throws IllegalStateException if called twice
   */
  public synchronized DecisionOutcome endOfData(List<Header> headers) {
    List<Header> copy = List.copyOf(headers);
    checkState(!finished, "endOfData was already called; begin a new transaction");
    finished = true;
    long t0 = System.nanoTime();
    DecisionOutcome result;
    if (pending.isEmpty()) {
      result = new DecisionOutcome(Decision.accept(), DecisionOutcome.RCPT, false);
    } else {
      DecisionOutcome first = null;
      DecisionOutcome negative = null;
      DecisionOutcome deferred = null;
      for (String forwardPath : pending) {
        DecisionOutcome o =
            engine.chain().evaluate(mail.withForwardPath(forwardPath).withHeaders(copy));
        if (first == null) {
          first = o;
        }
        if (o.decision() instanceof Decision.Defer) {
          deferred = o;
          break;
        }
        if (negative == null && !(o.decision() instanceof Decision.Accept)) {
          negative = o;
        }
      }
      result = deferred != null ? deferred : negative != null ? negative : first;
    }
    engine.notify(mail.sessionId(), Stage.DATA, result, t0);
    return result;
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
