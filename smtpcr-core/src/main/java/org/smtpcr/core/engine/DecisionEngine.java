package org.smtpcr.core.engine;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.auth.SenderAuthenticator;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.reply.SmtpReply;
import org.smtpcr.core.rules.IpNetwork;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.spi.DecisionRule;
import org.smtpcr.core.spi.RuleChain;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.PassCodes;

/**
 * Decides, at each SMTP stage, whether a transaction goes on, is challenged, rejected or deferred
 * (README.md, "Concepts"). It runs an ordered chain of {@link DecisionRule}s; the first rule with
 * an opinion wins. When every rule abstains, a recipient is challenged: the reply carries a link
 * {@code <challengeBase>c/<token>} to the challenge page, the token minted for the canonical
 * (sender, recipient) pair. Before RCPT there is nothing to challenge, and the default is to
 * accept.
 *
 * <pre>{@code
 * DecisionEngine engine = DecisionEngine.builder()
 *     .keyRing(KeyRingFile.read(Path.of("keys")))
 *     .challengeBase(URI.create("https://cr.example.com/"))
 *     .rules(StandardRules.builder().whitelistStore(store).build())
 *     .build();
 * DecisionOutcome o = engine.decide(transaction);       // stateless, per stage
 * TransactionState t = engine.begin(mailTransaction);    // or per transaction, RCPT to end of DATA
 * }</pre>
 *
 * <p><b>The chain</b> is the {@link StandardRules standard rules} (their defaults unless
 * {@linkplain Builder#rules(StandardRules) configured}), made with this engine's key ring and
 * canonicalizer; or, for a chain entirely of your own, the rules given to {@link
 * Builder#rule(String, DecisionRule)}.
 *
 * <p><b>Outcomes and failures.</b> Every answer is a {@link DecisionOutcome}: the decision, the id
 * of the rule that decided it, and whether it is the fallback for a failure. A rule or store that
 * throws makes the engine answer the failure reply ({@code 451 4.3.0} by default; always 4yz). The
 * engine never answers 5yz because of its own failure. Every answer also goes to the {@link
 * DecisionListener} (default: one DEBUG line), with the {@linkplain DecisionContext client and
 * envelope} it was about. The engine itself writes no address to any log line above DEBUG.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class DecisionEngine {
  /** Lifetime of challenge links when none is configured: 7 days. */
  public static final Duration DEFAULT_CHALLENGE_LIFETIME = ChallengeTokens.DEFAULT_LIFETIME;

  private static final Logger log = LoggerFactory.getLogger(DecisionEngine.class);

  private final RuleChain chain;
  private final DecisionListener listener;

  private DecisionEngine(RuleChain chain, DecisionListener listener) {
    this.chain = chain;
    this.listener = listener;
  }

  /**
   * Starts a builder; the key ring and the challenge base URL are required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Decides one stage of a transaction, statelessly. At {@link Stage#RCPT} the recipient is
   * challenged at once, even when a rule would look at the Subject: integrations that see the end
   * of DATA use {@link #begin(Transaction)} instead.
   *
   * @param transaction the transaction at the stage to decide
   * @return the decision and the rule that decided it; never throws for a rule's or store's failure
   */
  public DecisionOutcome decide(Transaction transaction) {
    requireNonNull(transaction, "transaction");
    long t0 = System.nanoTime();
    DecisionOutcome o = chain.evaluate(transaction);
    notify(transaction, transaction.stage(), o, t0);
    return o;
  }

  /**
   * Starts the per-transaction state for the RCPT commands and the end of DATA of one mail
   * transaction.
   *
   * @param transaction the transaction after MAIL (its reverse-path set; a forward-path, if any, is
   *     ignored)
   * @return fresh state for this transaction
   * @throws IllegalArgumentException if the transaction has no reverse-path
   */
  public TransactionState begin(Transaction transaction) {
    return begin(transaction, true);
  }

  /**
   * Starts the per-transaction state, saying whether the integration will call {@link
   * TransactionState#endOfData}. Only then may a recipient wait for the end of DATA (accepted
   * provisionally at RCPT): an integration that never reaches DATA, or a James RCPT hook without
   * its message hook, passes false and gets every answer at RCPT.
   *
   * @param transaction the transaction after MAIL
   * @param seesData whether {@code endOfData} will be called for this transaction
   * @return fresh state for this transaction
   * @since 0.2.0
   */
  public TransactionState begin(Transaction transaction, boolean seesData) {
    requireNonNull(transaction, "transaction");
    checkArgument(
        transaction.reversePath().isPresent(),
        "begin needs a transaction after MAIL (a reverse-path)");
    return new TransactionState(this, transaction, seesData);
  }

  /**
   * The ids of the rules in chain order.
   *
   * @return the rule ids
   */
  public List<String> ruleIds() {
    return chain.ruleIds();
  }

  /**
   * Whether a rule of the chain looks at the message headers, so that {@link TransactionState}
   * decides would-be challenges at the end of DATA.
   *
   * @return true when some rule {@linkplain DecisionRule#usesHeaders() uses headers}
   */
  public boolean decidesAtData() {
    return chain.usesHeaders();
  }

  /**
   * Whether this engine has a {@link SenderAuthenticator}, whose checks block on DNS: an
   * integration with an event loop then decides on worker threads.
   *
   * @return true when an authenticator was configured
   * @since 0.2.0
   */
  public boolean authenticates() {
    return chain.authenticator().isPresent();
  }

  /**
   * The canonicalizer this engine reads addresses with. Integrations that compare or store
   * addresses (the challenge page, a local-domain check, whitelist commands) use this one, so that
   * every part of a site agrees on one canonical form.
   *
   * @return the configured canonicalizer
   */
  public AddressCanonicalizer canonicalizer() {
    return chain.canonicalizer();
  }

  /** Describes the chain and the challenge base; no keys. */
  @Override
  public String toString() {
    return "DecisionEngine[" + chain + "]";
  }

  // ---------------------------------------------------------------------------------------------
  // package-private: TransactionState

  RuleChain chain() {
    return chain;
  }

  void notify(Transaction tx, Stage stage, DecisionOutcome o, long startNanos) {
    try {
      listener.onDecision(
          new DecisionEvent(
              tx.sessionId(),
              stage,
              o.ruleId(),
              o.decision(),
              Math.max(0, System.nanoTime() - startNanos),
              o.failed(),
              DecisionContext.from(tx)));
    } catch (RuntimeException e) {
      log.warn(
          "decision listener failed with {} (session {})", e.getClass().getName(), tx.sessionId());
    }
  }

  /**
   * Builds a {@link DecisionEngine}. Each option may be set once ({@code IllegalStateException}
   * otherwise). Mutable, one thread.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final RuleChain.Builder chain = RuleChain.builder();
    private KeyRing keyRing;
    private Duration lifetime;
    private Clock clock;
    private AddressCanonicalizer canonicalizer;
    private StandardRules standardRules;
    private final List<Map.Entry<String, DecisionRule>> ownRules = new ArrayList<>();
    private DecisionListener listener;

    private Builder() {}

    /**
     * Computes SPF at RCPT and DKIM/DMARC at the end of DATA when the route handed in no results.
     * Called lazily, only when a rule needs the sender's standing (trusted clients and exempt
     * recipients cost no DNS), once per transaction. Without one, a transaction the route handed
     * nothing for is {@link org.smtpcr.core.auth.AuthStanding#UNCHECKED}.
     *
     * @since 0.2.0
     */
    public Builder authenticator(SenderAuthenticator authenticator) {
      chain.authenticator(authenticator);
      return this;
    }

    /**
     * Trusts {@code Authentication-Results} headers (RFC 8601) with this authserv-id at the end of
     * DATA: the results of an OpenDKIM, OpenDMARC or rspamd running before SMTPCR. Headers with any
     * other authserv-id are ignored, since anyone can write one. Repeatable.
     *
     * @since 0.2.0
     */
    public Builder trustAuthenticationResults(String authservId) {
      chain.trustAuthenticationResults(authservId);
      return this;
    }

    /**
     * The keys that sign challenge links (required); the standard pass-code rule checks pass codes
     * with them too.
     *
     * @param keyRing the key ring
     * @return this builder
     */
    public Builder keyRing(KeyRing keyRing) {
      checkState(this.keyRing == null, "keyRing was already set");
      this.keyRing = requireNonNull(keyRing, "keyRing");
      return this;
    }

    /**
     * Where the challenge page is served (required); a link is {@code <base>c/<token>}.
     *
     * @param challengeBase an absolute https URL (http only for {@code localhost}, 127.0.0.0/8 and
     *     {@code [::1]}), at most 200 characters, without user info, query or fragment
     * @return this builder
     * @throws IllegalArgumentException if the URL does not qualify
     */
    public Builder challengeBase(URI challengeBase) {
      chain.challengeBase(challengeBase);
      return this;
    }

    /**
     * How long a challenge link stays valid; default {@link #DEFAULT_CHALLENGE_LIFETIME}.
     *
     * @param lifetime 1 to 65535 minutes
     * @return this builder
     */
    public Builder challengeLifetime(Duration lifetime) {
      checkState(this.lifetime == null, "challengeLifetime was already set");
      chain.challengeLifetime(lifetime);
      this.lifetime = lifetime;
      return this;
    }

    /**
     * The clock for tokens and rules; default the system UTC clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      checkState(this.clock == null, "clock was already set");
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The canonicalizer for every address the engine reads, and for the addresses configured in the
     * standard rules; default {@link AddressCanonicalizer#standard()}.
     *
     * @param canonicalizer the canonicalizer
     * @return this builder
     */
    public Builder canonicalizer(AddressCanonicalizer canonicalizer) {
      checkState(this.canonicalizer == null, "canonicalizer was already set");
      this.canonicalizer = requireNonNull(canonicalizer, "canonicalizer");
      return this;
    }

    /**
     * The reply texts; default {@link ReplyFormatter#english()}.
     *
     * @param formatter the formatter
     * @return this builder
     */
    public Builder replyFormatter(ReplyFormatter formatter) {
      chain.replyFormatter(formatter);
      return this;
    }

    /**
     * The standard rules with their knobs set; default {@link StandardRules#defaults()}.
     *
     * @param rules the standard rules
     * @return this builder
     * @throws IllegalStateException if rules of your own were given with {@link #rule(String,
     *     DecisionRule)}
     */
    public Builder rules(StandardRules rules) {
      checkState(this.standardRules == null, "rules was already set");
      checkState(
          ownRules.isEmpty(),
          "the chain is made of your own rules already; add rules of your own to "
              + "StandardRules with add or addBefore instead");
      this.standardRules = requireNonNull(rules, "rules");
      return this;
    }

    /**
     * Appends a rule to a chain entirely of your own, under the rule's {@link DecisionRule#id()
     * id}. To add a rule to the standard chain, use {@link
     * StandardRules.Builder#add(DecisionRule)}.
     *
     * @param rule the rule
     * @return this builder
     * @throws IllegalStateException if {@link #rules(StandardRules)} was set
     */
    public Builder rule(DecisionRule rule) {
      requireNonNull(rule, "rule");
      return rule(rule.id(), rule);
    }

    /**
     * Appends a rule to a chain entirely of your own.
     *
     * @param id the id logs and outcomes name it by (1..64 characters of {@code [A-Za-z0-9._:-]})
     * @param rule the rule
     * @return this builder
     * @throws IllegalStateException if {@link #rules(StandardRules)} was set
     */
    public Builder rule(String id, DecisionRule rule) {
      requireNonNull(id, "id");
      requireNonNull(rule, "rule");
      checkState(
          standardRules == null,
          "rules(StandardRules) was set; add rules of your own to StandardRules "
              + "with add or addBefore instead");
      chain.rule(id, rule); // checks the id now
      ownRules.add(Map.entry(id, rule));
      return this;
    }

    /**
     * Who hears of every decision; default one DEBUG log line per decision ({@link
     * DecisionListener#logging()}).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(DecisionListener listener) {
      checkState(this.listener == null, "listener was already set");
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The answer when a rule or store fails; default the formatter's defer reply ({@code 451
     * 4.3.0}).
     *
     * @param reply a 4yz reply
     * @return this builder
     * @throws IllegalArgumentException if the reply is not temporary
     */
    public Builder failureReply(SmtpReply reply) {
      chain.failureReply(reply);
      return this;
    }

    /**
     * Builds the engine.
     *
     * @return the engine
     * @throws IllegalStateException if the key ring or challenge base is missing
     * @throws IllegalArgumentException if an address or domain in the standard rules is not valid
     */
    public DecisionEngine build() {
      checkState(keyRing != null, "keyRing is required");
      Clock c = clock != null ? clock : Clock.systemUTC();
      AddressCanonicalizer canon =
          canonicalizer != null ? canonicalizer : AddressCanonicalizer.standard();
      Duration life = lifetime != null ? lifetime : DEFAULT_CHALLENGE_LIFETIME;
      chain
          .clock(c)
          .canonicalizer(canon)
          .challengeTokens(
              ChallengeTokens.builder().keyRing(keyRing).clock(c).lifetime(life).build());
      if (ownRules.isEmpty()) {
        StandardRules standard = standardRules != null ? standardRules : StandardRules.defaults();
        standard.create(PassCodes.of(keyRing), canon).forEach(chain::rule);
        chain.authPolicy(standard.authPolicy());
        List<IpNetwork> forwarders = standard.trustedForwarders();
        if (!forwarders.isEmpty()) {
          chain.srsForwarders(client -> forwarders.stream().anyMatch(n -> n.contains(client)));
        }
        standard.localDomains().forEach(chain::localDomain);
      }
      DecisionEngine engine =
          new DecisionEngine(
              chain.build(), listener != null ? listener : DecisionListener.logging());
      log.info(
          "decision engine ready: rules={}, decidesAtData={}, lifetime={}",
          engine.ruleIds(),
          engine.decidesAtData(),
          life);
      return engine;
    }
  }
}
