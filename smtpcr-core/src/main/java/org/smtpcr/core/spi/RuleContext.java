package org.smtpcr.core.spi;

import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import java.time.Instant;
import java.util.Optional;
import org.smtpcr.core.Decision;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.core.address.ParsedAddress;
import org.smtpcr.core.auth.AuthStanding;
import org.smtpcr.core.auth.AuthenticationResults;
import org.smtpcr.core.auth.SpfResult;
import org.smtpcr.core.internal.EncodedWords;
import org.smtpcr.core.internal.EnvelopePaths;
import org.smtpcr.core.reply.ReplyKind;
import org.smtpcr.core.reply.ReplyValues;
import org.smtpcr.core.reply.SmtpReply;
import org.smtpcr.core.store.PairLookup;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.tokens.SenderAuthentication;

/**
 * What a {@link DecisionRule} sees: the {@link Transaction}, its addresses parsed and canonicalized
 * with the chain's {@link AddressCanonicalizer} (once, on first use), the decoded Subject at the
 * end of DATA, the engine's clock, and helpers that build decisions with the engine's reply
 * formatter and challenge links.
 *
 * <p>An address is parsed when a rule first asks for it. When it is not a valid address, the
 * accessor throws {@link InvalidAddressException}; a rule should let that propagate: the engine
 * then answers {@code 451 4.1.7} (sender) or {@code 451 4.1.3} (recipient) and logs a WARN: the MTA
 * accepted the address, so not reading it is our limitation, never a reason for a permanent
 * refusal. So a rule that needs no address (trusted clients) can still accept a transaction whose
 * addresses the canonicalizer refuses.
 *
 * <p>The reverse-path is unwrapped from SRS only for a delivery from a configured SRS forwarder
 * ({@link RuleChain.Builder#srsForwarders}); otherwise an SRS address is the sender as written.
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

  private final SenderAuthState authState;
  private AuthenticationResults authentication; // null until asked
  private AuthStanding standing; // null until asked
  private boolean disregardSpf;
  private String currentRuleId = DecisionOutcome.DEFAULT;
  private String heldRuleId; // a rule whose admission did not count
  private WhitelistStore lookedUpIn; // the store of lookedUp, or null
  private PairLookup lookedUp;

  RuleContext(RuleChain chain, Transaction transaction, SenderAuthState authState) {
    this.chain = chain;
    this.transaction = transaction;
    this.authState = authState;
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
          sender =
              Optional.of(
                  chain
                      .senderCanonicalizer(transaction.clientAddress())
                      .parse(transaction.reversePath().get()));
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
   * What {@code store} holds for this transaction's (sender, recipient) pair, its denial and its
   * entry, asked of the store with one {@link WhitelistStore#lookUp} per decision: the deny-list
   * and whitelist rules of a chain share one call (for a database store, one round trip). A second
   * call with the same store answers from that first call, even when a rule between them took time;
   * a call with another store asks that one. A failing store's exception propagates and nothing is
   * kept.
   *
   * @param store the store to ask
   * @return what it holds; empty before RCPT, for the null sender and without a sender
   * @throws InvalidAddressException if an address is not a valid one
   * @throws org.smtpcr.core.store.StoreException if the store fails
   * @since 0.3.0
   */
  public Optional<PairLookup> lookUp(WhitelistStore store) {
    requireNonNull(store, "store");
    Optional<ParsedAddress> r = recipient();
    if (r.isEmpty()) {
      return Optional.empty();
    }
    Optional<ParsedAddress> s = sender();
    if (s.isEmpty()) {
      return Optional.empty();
    }
    if (store != lookedUpIn) {
      lookedUp = store.lookUp(WhitelistCandidates.of(s.get().canonical(), r.get().canonical()));
      lookedUpIn = store;
    }
    return Optional.of(lookedUp);
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
   * What is known about the sender's authentication: what the route handed in, merged with what the
   * engine's {@link org.smtpcr.core.auth.SenderAuthenticator} computes. The authenticator is called
   * on the first use in a transaction (so rules before the first caller cost no DNS) and never for
   * the null sender. An authenticator that throws counts as DNS trouble ({@code temperror}).
   *
   * @since 0.2.0
   */
  public AuthenticationResults authentication() {
    if (authentication == null) {
      authentication = chain.authenticate(this, authState);
    }
    return authentication;
  }

  /**
   * The sender's {@link AuthStanding}, from {@link #authentication()} and the sender's domain;
   * {@link AuthStanding#UNCHECKED} for the null sender and when SPF is {@linkplain #disregardSpf()
   * disregarded} and the message has not been checked.
   *
   * @since 0.2.0
   */
  public AuthStanding standing() {
    if (standing == null) {
      Optional<ParsedAddress> s = sender();
      if (s.isEmpty()) {
        standing = AuthStanding.UNCHECKED;
      } else if (disregardSpf) {
        // a trusted forwarder: no DNS at RCPT; only what the message shows counts
        AuthenticationResults known = transaction.authentication().merge(authState.computed());
        AuthStanding m =
            known.messageChecked()
                ? messageOnly(known).standing(s.get().canonical().domain())
                : AuthStanding.UNCHECKED;
        // a missing signature does not count against a trusted forwarder's delivery
        standing =
            m == AuthStanding.UNVERIFIED || m == AuthStanding.NOTHING_PUBLISHED
                ? AuthStanding.UNCHECKED
                : m;
      } else if (!envelopeDomainIs(s.get().canonical().domain())) {
        // SRS unwrapped: SPF vouched for the wrapper's domain, and nothing at RCPT says what the
        // sender's own domain publishes; only an aligned DKIM pass authenticates it, and until
        // then it counts as protected: no hit counts and no link is minted for it
        AuthenticationResults known = authentication();
        if (known.isEmpty()) {
          standing = AuthStanding.UNCHECKED;
        } else if (known.spfMailFrom().orElse(null) == SpfResult.TEMPERROR) {
          standing = AuthStanding.TEMPORARY;
        } else {
          AuthStanding m = messageOnly(known).standing(s.get().canonical().domain());
          standing =
              m == AuthStanding.DKIM_PASS || m == AuthStanding.TEMPORARY
                  ? m
                  : AuthStanding.PROTECTED;
        }
      } else {
        standing = authentication().standing(s.get().canonical().domain());
      }
    }
    return standing;
  }

  private static AuthenticationResults messageOnly(AuthenticationResults known) {
    AuthenticationResults.Builder b =
        AuthenticationResults.builder().messageChecked(known.messageChecked());
    known.dkim().forEach(b::dkim);
    known.dmarc().ifPresent(b::dmarc);
    return b.build();
  }

  /**
   * Judges this delivery without SPF: the client is a trusted forwarder, which relays mail for
   * domains that never authorized it and is trusted to have checked it. The sender then counts as
   * unchecked, unless the message was checked and an aligned DKIM pass or a DMARC failure says
   * more. Call before {@link #standing()}.
   *
   * @since 0.2.0
   */
  public void disregardSpf() {
    checkState(standing == null, "disregardSpf must come before the standing is read");
    this.disregardSpf = true;
  }

  /**
   * Admits the sender if the admission counts: the sender is authenticated, its domain publishes
   * nothing, or the {@link AuthPolicy} allows it. Otherwise the hit is held: the rule abstains
   * ({@code Optional.empty()}), and when no later rule decides, the engine answers that the hit
   * cannot be honoured ({@code 550 5.7.26}, no link), or waits for the message where the route sees
   * DATA. Built-in admitting rules (static whitelists, pass codes, recipient passwords) call this
   * instead of {@link #accept()}.
   *
   * @return an accept, or empty when the admission does not count
   * @since 0.2.0
   */
  public Optional<Decision> admit() {
    return admit(SenderAuthentication.UNCHECKED);
  }

  /**
   * {@link #admit()} for a stored confirmation that recorded how the sender was authenticated when
   * challenged: one recorded as {@link SenderAuthentication#UNVERIFIED} also counts for a delivery
   * that is unverified again (it arrives the same way), so nobody is sent back to the page for the
   * same pair.
   *
   * @param recorded what the confirmation recorded
   * @return an accept, or empty when the admission does not count
   * @since 0.2.0
   */
  public Optional<Decision> admit(SenderAuthentication recorded) {
    requireNonNull(recorded, "recorded");
    AuthPolicy policy = chain.authPolicy();
    if (policy.admitUnauthenticated()) {
      return Optional.of(accept());
    }
    AuthStanding s = standing();
    boolean counts =
        switch (s) {
          case SPF_PASS, DKIM_PASS, NOTHING_PUBLISHED, UNCHECKED -> true;
          case UNVERIFIED ->
              (policy.honourUnverifiedConfirmations()
                      && recorded == SenderAuthentication.UNVERIFIED)
                  || optionalDomain(policy);
          case PROTECTED, FORGED -> optionalDomain(policy);
          case TEMPORARY -> false;
        };
    if (counts) {
      return Optional.of(accept());
    }
    if (heldRuleId == null) {
      heldRuleId = currentRuleId;
    }
    return Optional.empty();
  }

  /**
   * Whether the envelope's own domain is {@code canonicalDomain}. It is not when the canonicalizer
   * unwrapped an SRS or BATV address: SPF then vouched for the wrapper's domain, not the sender's.
   */
  private boolean envelopeDomainIs(String canonicalDomain) {
    return EnvelopePaths.domain(transaction.reversePath().orElse(""))
        .map(canonicalDomain::equals)
        .orElse(false);
  }

  private boolean optionalDomain(AuthPolicy policy) {
    Optional<ParsedAddress> s = sender();
    return s.isPresent() && policy.isOptional(s.get().canonical().domain());
  }

  /**
   * Whether the route will decide this transaction again at the end of DATA, with the message (the
   * engine's {@code TransactionState} begun with {@code seesData}); false for a stateless decision,
   * such as a Postfix policy server's.
   *
   * @return true when a recipient may wait for the message
   * @since 0.3.0
   */
  public boolean seesMessage() {
    return authState.seesMessage();
  }

  /**
   * Asks to decide this recipient again at the end of DATA, with the message: where the route
   * {@linkplain #seesMessage() sees it}, the engine accepts the recipient provisionally and runs
   * the chain again at the end of DATA, when the rule decides with {@link #transaction()}'s
   * headers. The answer given now, {@code meanwhile}, is what the recipient gets if the route
   * cannot wait (it is also answered as is at any other stage).
   *
   * @param meanwhile a negative decision (reject or challenge) for now
   * @return {@code meanwhile}
   * @since 0.3.0
   */
  public Decision awaitMessage(Decision meanwhile) {
    requireNonNull(meanwhile, "meanwhile");
    if (seesMessage() && stage() == Stage.RCPT) {
      authState.provisional(true);
    }
    return meanwhile;
  }

  /**
   * The reply of {@code kind} (any kind but a challenge) with this transaction's values, from the
   * engine's formatter.
   *
   * @param kind the kind of reply
   * @return the reply
   * @since 0.3.0
   */
  public SmtpReply reply(ReplyKind kind) {
    return chain.formatter().reply(kind, replyValues());
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

  /**
   * A permanent refusal because the sender's own domain says this client may not use it (SPF {@code
   * fail}): {@code 550 5.7.23} (RFC 7372), never with a link.
   *
   * @since 0.2.0
   */
  public Decision rejectForged() {
    return new Decision.Reject(chain.formatter().spfFail(replyValues()));
  }

  /**
   * A temporary answer because the sender's authentication could not be checked (DNS trouble):
   * {@code 451 4.4.3}.
   *
   * @since 0.2.0
   */
  public Decision deferAuthentication() {
    return new Decision.Defer(chain.formatter().authTemporary(replyValues()));
  }

  /**
   * A permanent refusal because the sender would need to be authenticated and is not: {@code 550
   * 5.7.26}, never with a link.
   *
   * @since 0.2.0
   */
  public Decision rejectUnauthenticated() {
    return new Decision.Reject(chain.formatter().unauthenticated(replyValues()));
  }

  /** Whether {@code e} is this context's own report of an invalid sender or recipient. */
  void currentRule(String id) {
    this.currentRuleId = id;
  }

  String heldRuleId() {
    return heldRuleId;
  }

  boolean standingKnown() {
    return standing != null;
  }

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
