package org.smtpcr.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.ParsedAddress;
import org.smtpcr.core.internal.IpLiterals;
import org.smtpcr.core.internal.LogSafe;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.reply.SmtpReply;
import org.smtpcr.core.rules.ExemptRecipientsRule;
import org.smtpcr.core.rules.NullSenderRule;
import org.smtpcr.core.rules.PassCodeRule;
import org.smtpcr.core.rules.TrustedClientsRule;
import org.smtpcr.core.rules.WhitelistStoreRule;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.PassCodes;

/**
 * Decides, at each SMTP stage, whether a transaction goes on, is challenged, rejected or deferred
 * (README.md, "Concepts"). It runs an ordered chain of {@link DecisionRule}s; the first rule with an
 * opinion wins. When every rule abstains, a recipient is challenged: the reply carries a link
 * {@code <challengeBase>c/<token>} to the challenge page, the token minted for the canonical
 * (sender, recipient) pair. Before RCPT there is nothing to challenge, and the default is to accept.
 *
 * <pre>{@code
 * DecisionEngine engine = DecisionEngine.builder()
 *     .keyRing(KeyRingFile.read(Path.of("keys")))
 *     .challengeBase(URI.create("https://cr.example.com/"))
 *     .whitelistStore(store)
 *     .build();
 * Decision d = engine.decide(transaction);               // stateless, per stage
 * TransactionState t = engine.begin(mailTransaction);    // or per transaction, RCPT to end of DATA
 * }</pre>
 *
 * <p><b>Default chain</b> (when no {@link Builder#rule rule} is configured), in README.md's order:
 * {@link ExemptRecipientsRule#standard() postmaster and abuse},
 * {@link TrustedClientsRule#authenticated() authenticated sessions},
 * {@link NullSenderRule#accept() the null sender}, the {@link WhitelistStoreRule whitelist store}
 * (when one is configured), and {@link PassCodeRule pass codes} in the recipient's sub-address.
 * Configure the rules yourself to change any of it (static whitelists, trusted networks, Subject
 * pass codes, recipients' own passwords).
 *
 * <p><b>Failures.</b> A rule or store that throws makes the engine answer the failure reply
 * ({@code 451 4.3.0} by default; always 4yz), logged at WARN with the rule's id and the exception
 * class. The engine never answers 5yz because of its own failure. An address the canonicalizer
 * refuses is answered {@code 553 5.1.7} (sender) or {@code 553 5.1.3} (recipient): that is the
 * peer's syntax, not our failure. When no link can be made (the null sender, addresses too long for
 * a token, a link too long for a reply line), the challenge becomes the reject reply, logged at
 * DEBUG.
 *
 * <p><b>Observability.</b> Every answer goes to the {@link DecisionListener} (default: one DEBUG
 * line). Addresses appear in no log line above DEBUG.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class DecisionEngine {
  /**
   * Lifetime of challenge links when none is configured: 7 days.
   */
  public static final Duration DEFAULT_CHALLENGE_LIFETIME = ChallengeTokens.DEFAULT_LIFETIME;

  private static final Logger log = LoggerFactory.getLogger(DecisionEngine.class);
  private static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Set<String> RESERVED_IDS = Set.of(DecisionEvent.DEFAULT, DecisionEvent.INVALID_ADDRESS,
      DecisionEvent.PENDING, DecisionEvent.PENDING_MIX, DecisionEvent.RECIPIENT_LIMIT, DecisionEvent.RCPT);
  private static final int MAX_BASE_LENGTH = 200;
  private static final int MAX_CAUSES_LOGGED = 5;

  /** The answer when even building the failure reply fails. */
  static final SmtpReply LAST_RESORT = SmtpReply.of(451, "4.3.0", "Temporary local problem, please try again.");
  static final SmtpReply INVALID_SENDER = SmtpReply.of(553, "5.1.7", "The sender address is not valid.");
  static final SmtpReply INVALID_RECIPIENT = SmtpReply.of(553, "5.1.3", "The recipient address is not valid.");

  /** A rule and the id it is known by. */
  private record Entry(String id, DecisionRule rule) {}

  /** What one run of the chain produced. */
  record Outcome(Decision decision, String ruleId, boolean failed) {}

  private final List<Entry> rules;
  private final ChallengeTokens tokens;
  private final Duration lifetime;
  private final String base;
  private final Clock clock;
  private final AddressCanonicalizer canonicalizer;
  private final AddressCanonicalizer recipientCanonicalizer;
  private final ReplyFormatter formatter;
  private final Optional<SmtpReply> failureReply;
  private final DecisionListener listener;
  private final boolean usesHeaders;

  private DecisionEngine(Builder b, List<Entry> rules, String base) {
    this.rules = List.copyOf(rules);
    this.lifetime = b.lifetime;
    this.base = base;
    this.clock = b.clock;
    this.canonicalizer = b.canonicalizer;
    this.recipientCanonicalizer = b.canonicalizer.forRecipients();
    this.formatter = b.formatter;
    this.failureReply = Optional.ofNullable(b.failureReply);
    this.listener = b.listener;
    this.tokens = ChallengeTokens.builder().keyRing(b.keyRing).clock(b.clock).lifetime(b.lifetime).build();
    this.usesHeaders = rules.stream().anyMatch(e -> e.rule().usesHeaders());
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
   * challenged at once, even when a rule would look at the Subject: integrations that see the end of
   * DATA use {@link #begin(Transaction)} instead.
   *
   * @param transaction the transaction at the stage to decide
   * @return the decision; never throws for a rule's or store's failure
   */
  public Decision decide(Transaction transaction) {
    requireNonNull(transaction, "transaction");
    long t0 = System.nanoTime();
    Outcome o = evaluate(transaction);
    notify(transaction.sessionId(), transaction.stage(), o, t0);
    return o.decision();
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
    requireNonNull(transaction, "transaction");
    checkArgument(transaction.reversePath().isPresent(), "begin needs a transaction after MAIL (a reverse-path)");
    return new TransactionState(this, transaction);
  }

  /**
   * The ids of the rules in chain order.
   *
   * @return the rule ids
   */
  public List<String> ruleIds() {
    return rules.stream().map(Entry::id).toList();
  }

  /**
   * Whether a rule of the chain looks at the message headers, so that {@link TransactionState}
   * decides would-be challenges at the end of DATA.
   *
   * @return true when some rule {@linkplain DecisionRule#usesHeaders() uses headers}
   */
  public boolean decidesAtData() {
    return usesHeaders;
  }

  /**
   * Describes the chain and the challenge base; no keys.
   */
  @Override
  public String toString() {
    return "DecisionEngine[rules=" + ruleIds() + ", challengeBase=" + base + ", lifetime=" + lifetime + "]";
  }

  // ---------------------------------------------------------------------------------------------
  // package-private: RuleContext and TransactionState

  AddressCanonicalizer canonicalizer() {
    return canonicalizer;
  }

  AddressCanonicalizer recipientCanonicalizer() {
    return recipientCanonicalizer;
  }

  ReplyFormatter formatter() {
    return formatter;
  }

  Clock clock() {
    return clock;
  }

  /** Runs the chain; never throws a RuntimeException. */
  Outcome evaluate(Transaction tx) {
    RuleContext ctx = new RuleContext(this, tx);
    try {
      for (Entry e : rules) {
        Optional<Decision> d;
        try {
          d = e.rule().decide(ctx);
        } catch (RuntimeException ex) {
          return ctx.isAddressError(ex) ? invalidAddress(ctx, ex) : failure(ctx, e.id(), ex);
        }
        if (d == null) {
          return failure(ctx, e.id(), new NullPointerException("rule returned null instead of Optional.empty()"));
        }
        if (d.isPresent()) {
          return new Outcome(d.get(), e.id(), false);
        }
      }
      if (tx.stage().compareTo(Stage.RCPT) < 0) {
        return new Outcome(Decision.accept(), DecisionEvent.DEFAULT, false);
      }
      try {
        return new Outcome(challenge(ctx), DecisionEvent.DEFAULT, false);
      } catch (RuntimeException ex) {
        return ctx.isAddressError(ex) ? invalidAddress(ctx, ex) : failure(ctx, DecisionEvent.DEFAULT, ex);
      }
    } catch (RuntimeException ex) {
      // a failure while handling a failure: answer the constant
      log.warn("decision engine failed with {}; answering 451 4.3.0 (session {})", ex.getClass().getName(),
          tx.sessionId());
      return new Outcome(new Decision.Defer(LAST_RESORT), DecisionEvent.DEFAULT, true);
    }
  }

  /** The challenge for the context's pair, or a reject when no link can be made. */
  Decision challenge(RuleContext ctx) {
    Optional<ParsedAddress> sender = ctx.sender();
    ParsedAddress recipient = ctx.recipient()
        .orElseThrow(() -> new IllegalStateException("a challenge needs a recipient"));
    String session = ctx.transaction().sessionId();
    if (sender.isEmpty()) {
      log.debug("no challenge link for the null sender; rejecting without link (session {})", session);
      return ctx.reject();
    }
    String token;
    try {
      token = tokens.mint(sender.get().canonical().value(), recipient.canonical().value(), lifetime);
    } catch (IllegalArgumentException e) {
      log.debug("no challenge token for this pair ({}); rejecting without link (session {})",
          LogSafe.of(String.valueOf(e.getMessage())), session);
      return ctx.reject();
    }
    // the base is an absolute http(s) URL checked at build time and the token is base32, so the
    // link is an absolute URI as it stands: no need to parse it
    String link = base + "c/" + token;
    SmtpReply reply;
    try {
      reply = formatter.challenge(ctx.replyValues(), link);
    } catch (IllegalArgumentException e) {
      log.debug("challenge link of {} characters does not fit a reply line; rejecting without link (session {})",
          link.length(), session);
      return ctx.reject();
    }
    return new Decision.Challenge(reply, link);
  }

  /** The 452 4.5.3 answer for a recipient that cannot join this transaction. */
  Outcome pendingMix(Transaction tx, String ruleId) {
    RuleContext ctx = new RuleContext(this, tx);
    try {
      return new Outcome(new Decision.Defer(formatter.pendingMix(ctx.replyValues())), ruleId, false);
    } catch (RuntimeException ex) {
      return failure(ctx, ruleId, ex);
    }
  }

  void notify(String sessionId, Stage stage, Outcome o, long startNanos) {
    try {
      listener.onDecision(new DecisionEvent(sessionId, stage, o.ruleId(), o.decision(),
          Math.max(0, System.nanoTime() - startNanos), o.failed()));
    } catch (RuntimeException e) {
      log.warn("decision listener failed with {} (session {})", e.getClass().getName(), sessionId);
    }
  }

  private Outcome invalidAddress(RuleContext ctx, RuntimeException e) {
    boolean isSender = ctx.isSenderError(e);
    log.debug("{} address is not valid: {} (session {})", isSender ? "sender" : "recipient",
        LogSafe.of(String.valueOf(e.getMessage())), ctx.transaction().sessionId());
    return new Outcome(new Decision.Reject(isSender ? INVALID_SENDER : INVALID_RECIPIENT),
        DecisionEvent.INVALID_ADDRESS, false);
  }

  private Outcome failure(RuleContext ctx, String ruleId, RuntimeException e) {
    SmtpReply reply;
    try {
      reply = failureReply.isPresent() ? failureReply.get() : formatter.defer(ctx.replyValues());
      if (!reply.isTransient()) {
        reply = LAST_RESORT;
      }
    } catch (RuntimeException again) {
      reply = LAST_RESORT;
    }
    String session = ctx.transaction().sessionId();
    log.warn("rule {} failed with {}; answering {} {} (session {})", ruleId, e.getClass().getName(),
        reply.code(), reply.enhancedStatus(), session);
    if (log.isDebugEnabled()) {
      log.debug("rule {} failure: {} (session {})", ruleId, describe(e), session);
    }
    return new Outcome(new Decision.Defer(reply), ruleId, true);
  }

  /** The exception and its causes, class names and messages, on one safe line. */
  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    Throwable t = e;
    for (int i = 0; t != null && i < MAX_CAUSES_LOGGED; i++, t = t.getCause()) {
      if (i > 0) {
        sb.append(" <- ");
      }
      sb.append(t.getClass().getName()).append(": ").append(LogSafe.of(String.valueOf(t.getMessage())));
    }
    return sb.toString();
  }

  private static String checkBase(URI base) {
    checkArgument(base.isAbsolute() && !base.isOpaque(), "challengeBase must be an absolute http(s) URL");
    String scheme = base.getScheme().toLowerCase(Locale.ROOT);
    String host = base.getHost();
    checkArgument(host != null && !host.isEmpty(), "challengeBase needs a host name");
    checkArgument(base.getRawUserInfo() == null, "challengeBase must not contain user info");
    checkArgument(base.getRawQuery() == null && base.getRawFragment() == null,
        "challengeBase must not have a query or a fragment");
    if (scheme.equals("http")) {
      checkArgument(IpLiterals.isLoopbackHost(host),
          "challengeBase must use https; plain http is allowed only for localhost, 127.0.0.0/8 and [::1]");
    } else {
      checkArgument(scheme.equals("https"), "challengeBase must use https, got scheme %s", LogSafe.of(scheme));
    }
    String s = base.toASCIIString();
    if (!s.endsWith("/")) {
      s = s + "/";
    }
    checkArgument(s.length() <= MAX_BASE_LENGTH, "challengeBase must be at most %s characters, got %s",
        MAX_BASE_LENGTH, s.length());
    return s;
  }

  /**
   * Builds a {@link DecisionEngine}. Each option may be set once, except {@link #rule}, which adds
   * one rule to the chain per call. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private KeyRing keyRing;
    private URI challengeBase;
    private Duration lifetime;
    private Clock clock;
    private AddressCanonicalizer canonicalizer;
    private ReplyFormatter formatter;
    private WhitelistStore store;
    private final List<Entry> rules = new ArrayList<>();
    private DecisionListener listener;
    private SmtpReply failureReply;

    private Builder() {}

    /**
     * The keys that sign challenge links (required); the default chain also checks pass codes with
     * them.
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
     * Where the challenge page is served (required): links are {@code <challengeBase>c/<token>}. It
     * must be https, except for loopback hosts ({@code localhost}, 127.0.0.0/8, {@code [::1]}),
     * where http is allowed for development; no user info, query or fragment; at most 200
     * characters. A missing trailing {@code /} is added.
     *
     * @param challengeBase the base URL, such as {@code https://cr.example.com/}
     * @return this builder
     * @throws IllegalArgumentException if the URL breaks a rule above
     */
    public Builder challengeBase(URI challengeBase) {
      checkState(this.challengeBase == null, "challengeBase was already set");
      requireNonNull(challengeBase, "challengeBase");
      checkBase(challengeBase);
      this.challengeBase = challengeBase;
      return this;
    }

    /**
     * How long a challenge link stays valid (default 7 days; whole minutes, 1 minute to 65,535
     * minutes).
     *
     * @param lifetime the lifetime
     * @return this builder
     */
    public Builder challengeLifetime(Duration lifetime) {
      checkState(this.lifetime == null, "challengeLifetime was already set");
      requireNonNull(lifetime, "lifetime");
      checkArgument(lifetime.toMinutes() >= 1 && lifetime.toMinutes() <= 0xffff,
          "challengeLifetime must be 1..65535 minutes, got %s", lifetime);
      this.lifetime = lifetime;
      return this;
    }

    /**
     * The clock for minting tokens and for rules (default: the system UTC clock).
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
     * How paths become canonical addresses (default {@link AddressCanonicalizer#standard()}).
     * Rules configured with addresses should use the same one.
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
     * The texts and statuses of replies (default {@link ReplyFormatter#english()}).
     *
     * @param formatter the formatter
     * @return this builder
     */
    public Builder replyFormatter(ReplyFormatter formatter) {
      checkState(this.formatter == null, "replyFormatter was already set");
      this.formatter = requireNonNull(formatter, "formatter");
      return this;
    }

    /**
     * The whitelist store for the default chain. With rules of your own, add a
     * {@link WhitelistStoreRule} to the chain instead.
     *
     * @param store the store
     * @return this builder
     */
    public Builder whitelistStore(WhitelistStore store) {
      checkState(this.store == null, "whitelistStore was already set");
      this.store = requireNonNull(store, "store");
      return this;
    }

    /**
     * Appends a rule to the chain under its own {@link DecisionRule#id() id}. The first call replaces
     * the default chain.
     *
     * @param rule the rule
     * @return this builder
     * @throws IllegalArgumentException if the rule's id is not valid (lambdas: use
     *     {@link #rule(String, DecisionRule)}) or already in the chain
     */
    public Builder rule(DecisionRule rule) {
      requireNonNull(rule, "rule");
      return rule(rule.id(), rule);
    }

    /**
     * Appends a rule to the chain under {@code id}. The first call replaces the default chain.
     *
     * @param id 1 to 64 letters, digits, {@code .}, {@code _}, {@code :} or {@code -}; unique in the
     *     chain and not one of the engine's own ids ({@link DecisionEvent})
     * @param rule the rule
     * @return this builder
     */
    public Builder rule(String id, DecisionRule rule) {
      requireNonNull(id, "id");
      requireNonNull(rule, "rule");
      checkArgument(RULE_ID.matcher(id).matches(),
          "rule id must be 1..64 characters of [A-Za-z0-9._:-], got \"%s\"; give lambdas an id with rule(id, rule)",
          LogSafe.of(id));
      checkArgument(!RESERVED_IDS.contains(id), "rule id \"%s\" is reserved for the engine", id);
      checkArgument(rules.stream().noneMatch(e -> e.id().equals(id)), "rule id \"%s\" is already in the chain", id);
      rules.add(new Entry(id, rule));
      return this;
    }

    /**
     * Who hears of every decision (default {@link DecisionListener#logging()}).
     *
     * @param listener the listener; combine several with {@link DecisionListener#andThen}
     * @return this builder
     */
    public Builder listener(DecisionListener listener) {
      checkState(this.listener == null, "listener was already set");
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The answer when a rule or store fails (default: the formatter's defer reply,
     * {@code 451 4.3.0}).
     *
     * @param reply a transient (4yz) reply
     * @return this builder
     * @throws IllegalArgumentException if the reply is not 4yz: a failure of ours must never refuse
     *     mail for good
     */
    public Builder failureReply(SmtpReply reply) {
      checkState(this.failureReply == null, "failureReply was already set");
      requireNonNull(reply, "reply");
      checkArgument(reply.isTransient(), "failureReply must be a 4yz reply, got %s", reply.code());
      this.failureReply = reply;
      return this;
    }

    /**
     * Builds the engine.
     *
     * @return the engine
     * @throws IllegalStateException if the key ring or challenge base is missing, or a whitelist store
     *     was given together with rules of your own
     */
    public DecisionEngine build() {
      checkState(keyRing != null, "keyRing is required");
      checkState(challengeBase != null, "challengeBase is required");
      checkState(store == null || rules.isEmpty(),
          "whitelistStore configures the default chain; with rules of your own, add WhitelistStoreRule.of(store)");
      if (lifetime == null) {
        lifetime = DEFAULT_CHALLENGE_LIFETIME;
      }
      if (clock == null) {
        clock = Clock.systemUTC();
      }
      if (canonicalizer == null) {
        canonicalizer = AddressCanonicalizer.standard();
      }
      if (formatter == null) {
        formatter = ReplyFormatter.english();
      }
      if (listener == null) {
        listener = DecisionListener.logging();
      }
      List<Entry> chain = rules.isEmpty() ? defaultChain() : rules;
      DecisionEngine engine = new DecisionEngine(this, chain, checkBase(challengeBase));
      log.info("decision engine ready: rules={}, decidesAtData={}, lifetime={}", engine.ruleIds(),
          engine.usesHeaders, lifetime);
      return engine;
    }

    private List<Entry> defaultChain() {
      List<DecisionRule> chain = new ArrayList<>();
      chain.add(ExemptRecipientsRule.standard());
      chain.add(TrustedClientsRule.authenticated());
      chain.add(NullSenderRule.accept());
      if (store != null) {
        chain.add(WhitelistStoreRule.of(store));
      }
      chain.add(PassCodeRule.builder().passCodes(PassCodes.of(keyRing)).build());
      return chain.stream().map(r -> new Entry(r.id(), r)).toList();
    }
  }
}
