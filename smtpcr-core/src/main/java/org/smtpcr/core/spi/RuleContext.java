package org.smtpcr.core.spi;

import static com.google.common.base.Preconditions.checkState;

import com.google.common.net.InetAddresses;
import java.time.Instant;
import java.util.Optional;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.core.address.ParsedAddress;
import org.smtpcr.core.internal.EncodedWords;
import org.smtpcr.core.reply.ReplyValues;

/**
 * What a {@link DecisionRule} sees: the {@link Transaction}, its addresses parsed and canonicalized
 * with the chain's {@link AddressCanonicalizer} (once, on first use), the decoded Subject at the
 * end of DATA, the engine's clock, and helpers that build decisions with the engine's reply
 * formatter and challenge links.
 *
 * <p>An address is parsed when a rule first asks for it. When it is not a valid address, the
 * accessor throws {@link InvalidAddressException}; a rule should let that propagate: the engine
 * then answers {@code 553 5.1.7} (sender) or {@code 553 5.1.3} (recipient), a permanent refusal of
 * bad syntax, not a failure of ours. So a rule that needs no address (trusted clients) can still
 * accept a transaction whose addresses the canonicalizer refuses.
 *
 * <p>One context serves one decision on one thread; it is not thread-safe.
 *
 * @since 0.1.0
 */
public final class RuleContext {
  private final RuleChain chain;
  private final Transaction transaction;
  private Optional<ParsedAddress> sender; // null until parsed
  private Optional<ParsedAddress> recipient;
  private Optional<String> subject;
  private InvalidAddressException senderError;
  private InvalidAddressException recipientError;

  RuleContext(RuleChain chain, Transaction transaction) {
    this.chain = chain;
    this.transaction = transaction;
  }

  /**
   * The transaction being decided.
   *
   * @return the transaction
   */
  public Transaction transaction() {
    return transaction;
  }

  /**
   * The stage being decided; shorthand for {@code transaction().stage()}.
   *
   * @return the stage
   */
  public Stage stage() {
    return transaction.stage();
  }

  /**
   * Whether the reverse-path is the null sender ({@code <>}): bounces, DSNs, sender-verification
   * probes.
   *
   * @return true for the null sender; false before MAIL
   */
  public boolean isNullSender() {
    Optional<String> path = transaction.reversePath();
    return path.isPresent() && AddressCanonicalizer.isNullPath(path.get());
  }

  /**
   * The parsed reverse-path.
   *
   * @return the sender, or empty before MAIL and for the null sender
   * @throws InvalidAddressException if the reverse-path is not a valid address
   */
  public Optional<ParsedAddress> sender() {
    if (senderError != null) {
      throw senderError;
    }
    if (sender == null) {
      if (transaction.reversePath().isEmpty() || isNullSender()) {
        sender = Optional.empty();
      } else {
        try {
          sender = Optional.of(chain.canonicalizer().parse(transaction.reversePath().get()));
        } catch (InvalidAddressException e) {
          senderError = e;
          throw e;
        }
      }
    }
    return sender;
  }

  /**
   * The parsed forward-path being decided.
   *
   * @return the recipient, or empty before RCPT
   * @throws InvalidAddressException if the forward-path is not a valid address
   */
  public Optional<ParsedAddress> recipient() {
    if (recipientError != null) {
      throw recipientError;
    }
    if (recipient == null) {
      if (transaction.forwardPath().isEmpty()) {
        recipient = Optional.empty();
      } else {
        try {
          recipient =
              Optional.of(chain.recipientCanonicalizer().parse(transaction.forwardPath().get()));
        } catch (InvalidAddressException e) {
          recipientError = e;
          throw e;
        }
      }
    }
    return recipient;
  }

  /**
   * The Subject of the message, unfolded and with RFC 2047 encoded words decoded (only its first
   * 4,096 characters are read).
   *
   * @return the Subject, or empty before DATA or when the message has none
   */
  public Optional<String> subject() {
    if (subject == null) {
      subject = transaction.header("Subject").map(EncodedWords::decode);
    }
    return subject;
  }

  /**
   * The engine clock's current instant.
   *
   * @return now
   */
  public Instant now() {
    return chain.clock().instant();
  }

  /**
   * The accept decision.
   *
   * @return {@link Decision#accept()}
   */
  public Decision accept() {
    return Decision.accept();
  }

  /**
   * A challenge for this sender and recipient: the engine's challenge reply with a freshly minted
   * link. When no link can be made (the null sender, a pair too long for a token, a link too long
   * for a reply line) this is a {@link Decision.Reject} with the reject reply instead.
   *
   * @return a challenge, or a reject without link
   * @throws IllegalStateException before RCPT, when there is no recipient
   * @throws InvalidAddressException if an address is not valid
   */
  public Decision challenge() {
    checkState(
        transaction.forwardPath().isPresent(),
        "a challenge needs a recipient (stage RCPT or DATA)");
    return chain.challenge(this);
  }

  /**
   * A refusal without a link, with the engine's reject reply ({@code 550 5.7.1} by default).
   *
   * @return the reject decision
   */
  public Decision reject() {
    return new Decision.Reject(chain.formatter().reject(replyValues()));
  }

  /**
   * A temporary refusal with the engine's defer reply ({@code 451 4.3.0} by default).
   *
   * @return the defer decision
   */
  public Decision defer() {
    return new Decision.Defer(chain.formatter().defer(replyValues()));
  }

  /** Whether {@code e} is this context's own report of an invalid sender or recipient. */
  boolean isAddressError(RuntimeException e) {
    return e == senderError || e == recipientError;
  }

  /** Whether {@code e} is the invalid-sender report (else the invalid-recipient one). */
  boolean isSenderError(RuntimeException e) {
    return e == senderError;
  }

  /**
   * The placeholder values of the reply templates: canonical addresses where they parse, the raw
   * paths otherwise (the formatter sanitizes them). Never throws.
   */
  ReplyValues replyValues() {
    return ReplyValues.builder()
        .recipient(replyRecipient())
        .sender(replySender())
        .client(InetAddresses.toAddrString(transaction.clientAddress()))
        .helo(transaction.helo().orElse(""))
        .build();
  }

  private String replyRecipient() {
    try {
      return recipient().map(p -> p.canonical().value()).orElse("");
    } catch (RuntimeException e) {
      return transaction.forwardPath().orElse("");
    }
  }

  private String replySender() {
    try {
      return sender().map(p -> p.canonical().value()).orElse("");
    } catch (RuntimeException e) {
      return transaction.reversePath().orElse("");
    }
  }

  /** Describes the transaction, not its addresses. */
  @Override
  public String toString() {
    return "RuleContext[" + transaction + "]";
  }
}
