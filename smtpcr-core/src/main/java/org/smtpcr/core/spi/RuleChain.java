package org.smtpcr.core.spi;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.Decision;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalDomain;
import org.smtpcr.core.address.ParsedAddress;
import org.smtpcr.core.auth.AuthStanding;
import org.smtpcr.core.auth.AuthenticationResults;
import org.smtpcr.core.auth.SenderAuthenticator;
import org.smtpcr.core.auth.SpfResult;
import org.smtpcr.core.internal.EnvelopePaths;
import org.smtpcr.core.internal.IpLiterals;
import org.smtpcr.core.internal.LogSafe;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.reply.ReplyKind;
import org.smtpcr.core.reply.SmtpReply;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.SenderAuthentication;

/**
 * An ordered, immutable chain of {@link DecisionRule}s with everything a {@link RuleContext} needs
 * to run it: the canonicalizer, the reply formatter, the clock and the challenge tokens. Running it
 * on a transaction gives a {@link DecisionOutcome}: the first rule with an opinion wins; when every
 * rule abstains a recipient is challenged, and before RCPT the transaction goes on.
 *
 * <p>A decision engine holds one chain, and so does every context it hands to a rule; most callers
 * build an engine (which builds its chain) and never touch this class. It is public so that the
 * engine and the rules' context share one object instead of each other's internals.
 *
 * <p><b>Failures.</b> A rule that throws makes the chain answer the failure reply ({@code 451
 * 4.3.0} by default; always 4yz), logged at WARN with the rule's id and the exception class, and
 * the outcome says {@link DecisionOutcome#failed() failed}. An address the canonicalizer refuses
 * (the MTA accepted it, so it is ours not to read) is answered {@code 451 4.1.7} (sender) or {@code
 * 451 4.1.3} (recipient), logged at WARN. When no link can be made for the null sender a challenge
 * becomes the reject reply; for addresses too long for a token or a link too long for a reply line,
 * a {@code 550 5.7.1} that names {@code postmaster@} the recipient's domain instead (exempt by
 * default), never a bare refusal; for a recipient outside the {@linkplain Builder#localDomain local
 * domains}, a refusal without a link. Each is logged at DEBUG.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class RuleChain {
  private static final Logger log = LoggerFactory.getLogger(RuleChain.class);
  private static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final int MAX_BASE_LENGTH = 200;
  private static final int MAX_CAUSES_LOGGED = 5;

  /** The answer when even building the failure reply fails. */
  private static final SmtpReply LAST_RESORT =
      SmtpReply.of(451, "4.3.0", "Temporary local problem, please try again.");

  private static final SmtpReply UNREADABLE_SENDER =
      SmtpReply.of(451, "4.1.7", "The sender address cannot be read here; please try again later.");
  private static final SmtpReply UNREADABLE_RECIPIENT =
      SmtpReply.of(
          451, "4.1.3", "The recipient address cannot be read here; please try again later.");

  /** A rule and the id it is known by. */
  private record Entry(String id, DecisionRule rule) {}

  private final List<Entry> rules;
  private final ChallengeTokens tokens;
  private final Duration lifetime;
  private final String base;
  private final Clock clock;
  private final AddressCanonicalizer canonicalizer;
  private final AddressCanonicalizer recipientCanonicalizer;
  private final ReplyFormatter formatter;
  private final SmtpReply failureReply; // null: the formatter's defer reply
  private final boolean usesHeaders;
  private final SenderAuthenticator authenticator; // null: none
  private final AuthPolicy authPolicy;
  private final Set<String> trustedAuthservIds;
  private final Predicate<InetAddress> srsForwarders;
  private final List<CanonicalDomain> localDomains;

  private RuleChain(Builder b) {
    this.rules = List.copyOf(b.rules);
    this.tokens = b.tokens;
    this.lifetime = b.lifetime;
    this.base = b.base;
    this.clock = b.clock;
    this.canonicalizer = b.canonicalizer;
    this.recipientCanonicalizer = b.canonicalizer.forRecipients();
    this.formatter = b.formatter;
    this.failureReply = b.failureReply;
    this.usesHeaders = rules.stream().anyMatch(e -> e.rule().usesHeaders());
    this.authenticator = b.authenticator;
    this.authPolicy = b.authPolicy != null ? b.authPolicy : AuthPolicy.defaults();
    this.trustedAuthservIds = Set.copyOf(b.trustedAuthservIds);
    this.srsForwarders = b.srsForwarders != null ? b.srsForwarders : client -> false;
    List<CanonicalDomain> locals = new ArrayList<>();
    for (String d : b.localDomains) {
      locals.add(b.canonicalizer.canonicalizeDomain(d));
    }
    this.localDomains = List.copyOf(locals);
  }

  /**
   * Starts a builder; the challenge tokens and the challenge base URL are required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The ids of the rules, in the order they run.
   *
   * @return the rule ids
   */
  public List<String> ruleIds() {
    return rules.stream().map(Entry::id).toList();
  }

  /**
   * Whether some rule reads message headers, so that a challenge at RCPT should wait for the end of
   * DATA.
   *
   * @return true when a rule {@link DecisionRule#usesHeaders() uses headers}
   */
  public boolean usesHeaders() {
    return usesHeaders;
  }

  /**
   * The canonicalizer that turns reverse-paths into canonical addresses; recipients use its {@link
   * AddressCanonicalizer#forRecipients() recipient form}.
   *
   * @return the configured canonicalizer
   */
  public AddressCanonicalizer canonicalizer() {
    return canonicalizer;
  }

  /**
   * The clock rules and tokens read.
   *
   * @return the clock
   */
  public Clock clock() {
    return clock;
  }

  /**
   * Runs the chain on one transaction. Never throws for a rule's failure: that becomes a failed
   * outcome with a temporary reply.
   *
   * @param transaction the transaction at its stage
   * @return what the chain decided, and which rule decided it
   */
  public DecisionOutcome evaluate(Transaction transaction) {
    return evaluate(transaction, SenderAuthState.create());
  }

  /**
   * Evaluates the chain with the sender's authentication state of the whole transaction: the
   * authenticator is asked at most once per state, and {@link SenderAuthState#provisional()} tells
   * afterwards whether the message may still change a negative answer.
   *
   * @param transaction the transaction at the stage to decide
   * @param authState the transaction's authentication state
   * @return the outcome; never throws for a rule's failure
   * @since 0.2.0
   */
  public DecisionOutcome evaluate(Transaction transaction, SenderAuthState authState) {
    requireNonNull(transaction, "transaction");
    requireNonNull(authState, "authState");
    authState.provisional(false);
    RuleContext ctx = new RuleContext(this, transaction, authState);
    try {
      for (Entry e : rules) {
        Optional<Decision> d;
        try {
          ctx.currentRule(e.id());
          d = e.rule().decide(ctx);
        } catch (RuntimeException ex) {
          return ctx.isAddressError(ex) ? invalidAddress(ctx, ex) : failure(ctx, e.id(), ex);
        }
        if (d == null) {
          return failure(
              ctx,
              e.id(),
              new NullPointerException("rule returned null instead of Optional.empty()"));
        }
        if (d.isPresent()) {
          return new DecisionOutcome(d.get(), e.id(), false);
        }
      }
      if (transaction.stage().compareTo(Stage.RCPT) < 0) {
        return new DecisionOutcome(Decision.accept(), DecisionOutcome.DEFAULT, false);
      }
      try {
        ctx.currentRule(DecisionOutcome.DEFAULT);
        return unmatched(ctx, authState);
      } catch (RuntimeException ex) {
        return ctx.isAddressError(ex)
            ? invalidAddress(ctx, ex)
            : failure(ctx, DecisionOutcome.DEFAULT, ex);
      }
    } catch (RuntimeException ex) {
      // a failure while handling a failure: answer the constant
      log.warn(
          "decision engine failed with {}; answering 451 4.3.0 (session {})",
          ex.getClass().getName(),
          transaction.sessionId());
      return new DecisionOutcome(new Decision.Defer(LAST_RESORT), DecisionOutcome.DEFAULT, true);
    }
  }

  /**
   * The answer for a recipient that cannot join its transaction ({@code 452 4.5.3} by default: the
   * sender's MTA retries it in a transaction of its own).
   *
   * @param transaction the transaction with that recipient
   * @param ruleId the id the outcome names, such as {@link DecisionOutcome#PENDING_MIX}
   * @return a temporary refusal, or the failure reply if formatting it fails
   */
  public DecisionOutcome pendingMix(Transaction transaction, String ruleId) {
    requireNonNull(transaction, "transaction");
    requireNonNull(ruleId, "ruleId");
    RuleContext ctx = new RuleContext(this, transaction, SenderAuthState.create());
    try {
      return new DecisionOutcome(
          new Decision.Defer(formatter.pendingMix(ctx.replyValues())), ruleId, false);
    } catch (RuntimeException ex) {
      return failure(ctx, ruleId, ex);
    }
  }

  @Override
  public String toString() {
    return "RuleChain[rules="
        + ruleIds()
        + ", challengeBase="
        + base
        + ", lifetime="
        + lifetime
        + "]";
  }

  // ---------------------------------------------------------------------------------------------
  // package-private: RuleContext

  AddressCanonicalizer recipientCanonicalizer() {
    return recipientCanonicalizer;
  }

  /**
   * The canonicalizer for the reverse-path of a delivery from {@code client}: SRS addresses are
   * unwrapped only for a configured SRS forwarder. The SRS hash is the forwarder's, which SMTPCR
   * cannot verify, so from anyone else an SRS address is the sender as written: a forger cannot
   * match another domain's whitelist entries by wrapping its address.
   */
  AddressCanonicalizer senderCanonicalizer(InetAddress client) {
    return srsForwarders.test(client) ? canonicalizer : recipientCanonicalizer;
  }

  ReplyFormatter formatter() {
    return formatter;
  }

  AuthPolicy authPolicy() {
    return authPolicy;
  }

  /**
   * The chain's authenticator, if any: the engine completes the results with it at the end of DATA.
   *
   * @since 0.2.0
   */
  public Optional<SenderAuthenticator> authenticator() {
    return Optional.ofNullable(authenticator);
  }

  /**
   * The authserv-ids whose {@code Authentication-Results} headers are trusted.
   *
   * @since 0.2.0
   */
  public Set<String> trustedAuthservIds() {
    return trustedAuthservIds;
  }

  /** The results the route handed in, completed once per transaction by the authenticator. */
  AuthenticationResults authenticate(RuleContext ctx, SenderAuthState state) {
    Transaction tx = ctx.transaction();
    AuthenticationResults handed = tx.authentication();
    Optional<String> path = tx.reversePath();
    if (authenticator == null
        || state.asked()
        || handed.spfMailFrom().isPresent()
        || path.isEmpty()
        || ctx.isNullSender()) {
      return handed.merge(state.computed());
    }
    AuthenticationResults r;
    try {
      r =
          authenticator.checkSender(
              tx.clientAddress(), tx.helo().orElse(""), EnvelopePaths.address(path.get()));
      if (r == null) {
        throw new NullPointerException("authenticator returned null");
      }
    } catch (RuntimeException e) {
      log.warn(
          "sender authenticator failed with {}; counting it as temperror (session {})",
          e.getClass().getName(),
          tx.sessionId());
      r = AuthenticationResults.builder().spfMailFrom(SpfResult.TEMPERROR).build();
    }
    state.record(r);
    return handed.merge(r);
  }

  /** A v1 token when nothing was checked (links stay as before), else v2 recording it. */
  private String mint(
      ParsedAddress sender, ParsedAddress recipient, SenderAuthentication recorded) {
    String s = sender.canonical().value();
    String r = recipient.canonical().value();
    return recorded == SenderAuthentication.UNCHECKED
        ? tokens.mint(s, r, lifetime)
        : tokens.mint(s, r, lifetime, recorded);
  }

  /** No rule decided: a held admission, or a challenge where the sender's standing allows one. */
  private DecisionOutcome unmatched(RuleContext ctx, SenderAuthState state) {
    String session = ctx.transaction().sessionId();
    String held = ctx.heldRuleId();
    if (held == null && ctx.sender().isEmpty()) {
      return new DecisionOutcome(challenge(ctx), DecisionOutcome.DEFAULT, false);
    }
    AuthStanding standing = ctx.standing();
    boolean messageChecked = ctx.authentication().messageChecked();
    if (standing == AuthStanding.TEMPORARY) {
      log.info(
          "sender authentication is temporarily unknown ({}); answering 4.4.3 (session {})",
          ctx.authentication().summary(),
          session);
      return new DecisionOutcome(
          ctx.deferAuthentication(), held != null ? held : DecisionOutcome.DEFAULT, false);
    }
    if (held != null) {
      state.provisional(!messageChecked);
      log.info(
          "rule {} matched but does not count: the sender is {} ({}); answering 5.7.26 without a link{} (session {})",
          held,
          standing.name().toLowerCase(Locale.ROOT),
          ctx.authentication().summary(),
          messageChecked ? "" : " unless the message authenticates it",
          session);
      return new DecisionOutcome(ctx.rejectUnauthenticated(), held, false);
    }
    if (standing == AuthStanding.PROTECTED) {
      state.provisional(!messageChecked);
      log.info(
          "no challenge link: the sender's domain demands authentication and the sender is not authenticated ({}); answering 5.7.26 (session {})",
          ctx.authentication().summary(),
          session);
      return new DecisionOutcome(ctx.rejectUnauthenticated(), DecisionOutcome.DEFAULT, false);
    }
    if (standing == AuthStanding.UNVERIFIED || standing == AuthStanding.FORGED) {
      state.provisional(!messageChecked);
    }
    return new DecisionOutcome(challenge(ctx), DecisionOutcome.DEFAULT, false);
  }

  Decision challenge(RuleContext ctx) {
    Optional<ParsedAddress> sender = ctx.sender();
    ParsedAddress recipient =
        ctx.recipient()
            .orElseThrow(() -> new IllegalStateException("a challenge needs a recipient"));
    String session = ctx.transaction().sessionId();
    if (sender.isEmpty()) {
      log.debug(
          "no challenge link for the null sender; rejecting without link (session {})", session);
      return ctx.reject();
    }
    if (!isLocal(recipient)) {
      log.debug(
          "no challenge link for a recipient outside the local domains; rejecting without link"
              + " (session {})",
          session);
      return new Decision.Reject(ctx.reply(ReplyKind.NOT_LOCAL));
    }
    String token;
    try {
      SenderAuthentication recorded = ctx.standing().recorded();
      token = mint(sender.get(), recipient, recorded);
    } catch (IllegalArgumentException e) {
      log.debug(
          "no challenge token for this pair ({}); rejecting without link, naming postmaster"
              + " (session {})",
          LogSafe.of(String.valueOf(e.getMessage())),
          session);
      return new Decision.Reject(ctx.reply(ReplyKind.NO_LINK));
    }
    // the base is an absolute http(s) URL checked at build time and the token is base32, so the
    // link is an absolute URI as it stands: no need to parse it
    String link = base + "c/" + token;
    SmtpReply reply;
    try {
      reply = formatter.challenge(ctx.replyValues(), link);
    } catch (IllegalArgumentException e) {
      log.debug(
          "challenge link of {} characters does not fit a reply line; rejecting without link,"
              + " naming postmaster (session {})",
          link.length(),
          session);
      return new Decision.Reject(ctx.reply(ReplyKind.NO_LINK));
    }
    return new Decision.Challenge(reply, link);
  }

  /** Whether a link may be minted for {@code recipient}: no local domains, or one of them. */
  private boolean isLocal(ParsedAddress recipient) {
    if (localDomains.isEmpty()) {
      return true;
    }
    CanonicalDomain d = recipient.canonical().canonicalDomain();
    for (CanonicalDomain local : localDomains) {
      if (d.isWithin(local)) {
        return true;
      }
    }
    return false;
  }

  /**
   * An address the MTA accepted and the canonicalizer refuses: our limitation (Postfix's internal
   * form, a syntax we do not read), so a temporary answer and a WARN, never a permanent refusal.
   */
  private DecisionOutcome invalidAddress(RuleContext ctx, RuntimeException e) {
    boolean isSender = ctx.isSenderError(e);
    log.warn(
        "{} address cannot be read ({}); answering {} (session {})",
        isSender ? "sender" : "recipient",
        LogSafe.of(String.valueOf(e.getMessage())),
        isSender ? "451 4.1.7" : "451 4.1.3",
        ctx.transaction().sessionId());
    SmtpReply reply;
    try {
      reply = ctx.reply(isSender ? ReplyKind.SENDER_UNREADABLE : ReplyKind.RECIPIENT_UNREADABLE);
      if (!reply.isTransient()) {
        reply = isSender ? UNREADABLE_SENDER : UNREADABLE_RECIPIENT;
      }
    } catch (RuntimeException again) {
      reply = isSender ? UNREADABLE_SENDER : UNREADABLE_RECIPIENT;
    }
    return new DecisionOutcome(new Decision.Defer(reply), DecisionOutcome.INVALID_ADDRESS, false);
  }

  private DecisionOutcome failure(RuleContext ctx, String ruleId, RuntimeException e) {
    SmtpReply reply;
    try {
      reply = failureReply != null ? failureReply : formatter.defer(ctx.replyValues());
      if (!reply.isTransient()) {
        reply = LAST_RESORT;
      }
    } catch (RuntimeException again) {
      reply = LAST_RESORT;
    }
    String session = ctx.transaction().sessionId();
    log.warn(
        "rule {} failed with {}; answering {} {} (session {})",
        ruleId,
        e.getClass().getName(),
        reply.code(),
        reply.enhancedStatus(),
        session);
    if (log.isDebugEnabled()) {
      log.debug("rule {} failure: {} (session {})", ruleId, describe(e), session);
    }
    return new DecisionOutcome(new Decision.Defer(reply), ruleId, true);
  }

  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    Throwable t = e;
    for (int i = 0; t != null && i < MAX_CAUSES_LOGGED; i++, t = t.getCause()) {
      if (i > 0) {
        sb.append(" <- ");
      }
      sb.append(t.getClass().getName())
          .append(": ")
          .append(LogSafe.of(String.valueOf(t.getMessage())));
    }
    return sb.toString();
  }

  private static String checkBase(URI base) {
    checkArgument(
        base.isAbsolute() && !base.isOpaque(), "challengeBase must be an absolute http(s) URL");
    String scheme = base.getScheme().toLowerCase(Locale.ROOT);
    String host = base.getHost();
    checkArgument(host != null && !host.isEmpty(), "challengeBase needs a host name");
    checkArgument(base.getRawUserInfo() == null, "challengeBase must not contain user info");
    checkArgument(
        base.getRawQuery() == null && base.getRawFragment() == null,
        "challengeBase must not have a query or a fragment");
    if (scheme.equals("http")) {
      checkArgument(
          IpLiterals.isLoopbackHost(host),
          "challengeBase must use https; plain http is allowed only for localhost, 127.0.0.0/8 and [::1]");
    } else {
      checkArgument(
          scheme.equals("https"),
          "challengeBase must use https, got scheme %s",
          LogSafe.of(scheme));
    }
    String s = base.toASCIIString();
    if (!s.endsWith("/")) {
      s = s + "/";
    }
    checkArgument(
        s.length() <= MAX_BASE_LENGTH,
        "challengeBase must be at most %s characters, got %s",
        MAX_BASE_LENGTH,
        s.length());
    return s;
  }

  /**
   * Builds a {@link RuleChain}. Each option may be set once. Mutable, one thread.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final List<Entry> rules = new ArrayList<>();
    private ChallengeTokens tokens;
    private Duration lifetime;
    private String base;
    private Clock clock;
    private AddressCanonicalizer canonicalizer;
    private ReplyFormatter formatter;
    private SmtpReply failureReply;
    private SenderAuthenticator authenticator;
    private AuthPolicy authPolicy;
    private final List<String> trustedAuthservIds = new ArrayList<>();
    private Predicate<InetAddress> srsForwarders;
    private final List<String> localDomains = new ArrayList<>();

    private Builder() {}

    /**
     * The clients whose SRS addresses are unwrapped to the original sender (when the canonicalizer
     * unwraps SRS), such as the standard rules' trusted forwarders; from every other client an SRS
     * address is the sender as written. Default none.
     *
     * @param forwarders whether a client is such a forwarder; must be thread-safe and fast
     * @return this builder
     * @since 0.3.0
     */
    public Builder srsForwarders(Predicate<InetAddress> forwarders) {
      checkState(this.srsForwarders == null, "srsForwarders was already set");
      this.srsForwarders = requireNonNull(forwarders, "forwarders");
      return this;
    }

    /**
     * A domain this site receives mail for: challenge links are minted only for recipients in the
     * local domains (and their subdomains); others get a refusal without a link. Whether mail to
     * other domains is relayed at all is the MTA's decision, not this chain's. Repeatable; none
     * (the default) counts every recipient as local.
     *
     * @param domain the domain
     * @return this builder
     * @since 0.3.0
     */
    public Builder localDomain(String domain) {
      localDomains.add(requireNonNull(domain, "domain"));
      return this;
    }

    /**
     * Computes the sender's authentication when the route handed in none; called lazily, once per
     * transaction.
     *
     * @since 0.2.0
     */
    public Builder authenticator(SenderAuthenticator authenticator) {
      checkState(this.authenticator == null, "authenticator was already set");
      this.authenticator = requireNonNull(authenticator, "authenticator");
      return this;
    }

    /**
     * When admissions count for an unauthenticated sender; default {@link AuthPolicy#defaults()}.
     *
     * @since 0.2.0
     */
    public Builder authPolicy(AuthPolicy policy) {
      checkState(this.authPolicy == null, "authPolicy was already set");
      this.authPolicy = requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Trusts {@code Authentication-Results} headers with this authserv-id. Repeatable.
     *
     * @since 0.2.0
     */
    public Builder trustAuthenticationResults(String authservId) {
      requireNonNull(authservId, "authservId");
      checkArgument(
          RULE_ID.matcher(authservId).matches() || authservId.matches("[!-~]{1,255}"),
          "authserv-id must be printable US-ASCII without spaces");
      trustedAuthservIds.add(authservId);
      return this;
    }

    /**
     * Appends a rule under its own {@link DecisionRule#id() id}.
     *
     * @param rule the rule
     * @return this builder
     * @throws IllegalArgumentException if the id is malformed, reserved or already in the chain
     */
    public Builder rule(DecisionRule rule) {
      requireNonNull(rule, "rule");
      return rule(rule.id(), rule);
    }

    /**
     * Appends a rule under the given id (for lambdas, or a second instance of a rule class).
     *
     * @param id 1..64 characters of {@code [A-Za-z0-9._:-]}, unique in the chain, not one of the
     *     engine's own ids ({@link DecisionOutcome#isReservedId})
     * @param rule the rule
     * @return this builder
     * @throws IllegalArgumentException if the id is malformed, reserved or already in the chain
     */
    public Builder rule(String id, DecisionRule rule) {
      requireNonNull(id, "id");
      requireNonNull(rule, "rule");
      checkArgument(
          RULE_ID.matcher(id).matches(),
          "rule id must be 1..64 characters of [A-Za-z0-9._:-], got \"%s\"; give lambdas an id with rule(id, rule)",
          LogSafe.of(id));
      checkArgument(
          !DecisionOutcome.isReservedId(id), "rule id \"%s\" is reserved for the engine", id);
      checkArgument(
          rules.stream().noneMatch(e -> e.id().equals(id)),
          "rule id \"%s\" is already in the chain",
          id);
      rules.add(new Entry(id, rule));
      return this;
    }

    /**
     * The tokens that challenge links carry. Required.
     *
     * @param tokens minting tokens with the site's key ring
     * @return this builder
     */
    public Builder challengeTokens(ChallengeTokens tokens) {
      checkState(this.tokens == null, "challengeTokens was already set");
      this.tokens = requireNonNull(tokens, "tokens");
      return this;
    }

    /**
     * Where the challenge page is served; a link is {@code <base>c/<token>}. Required.
     *
     * @param challengeBase an absolute https URL (http only for loopback hosts), at most 200
     *     characters, without user info, query or fragment
     * @return this builder
     * @throws IllegalArgumentException if the URL does not qualify
     */
    public Builder challengeBase(URI challengeBase) {
      checkState(this.base == null, "challengeBase was already set");
      requireNonNull(challengeBase, "challengeBase");
      this.base = checkBase(challengeBase);
      return this;
    }

    /**
     * How long a challenge link stays valid; default {@link ChallengeTokens#DEFAULT_LIFETIME}.
     *
     * @param lifetime 1 to 65535 minutes
     * @return this builder
     */
    public Builder challengeLifetime(Duration lifetime) {
      checkState(this.lifetime == null, "challengeLifetime was already set");
      requireNonNull(lifetime, "lifetime");
      checkArgument(
          lifetime.toMinutes() >= 1 && lifetime.toMinutes() <= 0xffff,
          "challengeLifetime must be 1..65535 minutes, got %s",
          lifetime);
      this.lifetime = lifetime;
      return this;
    }

    /**
     * The clock rules read through {@link RuleContext#now()}; default the system UTC clock.
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
     * The canonicalizer for reverse- and forward-paths; default {@link
     * AddressCanonicalizer#standard()}.
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
      checkState(this.formatter == null, "replyFormatter was already set");
      this.formatter = requireNonNull(formatter, "formatter");
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
      checkState(this.failureReply == null, "failureReply was already set");
      requireNonNull(reply, "reply");
      checkArgument(reply.isTransient(), "failureReply must be a 4yz reply, got %s", reply.code());
      this.failureReply = reply;
      return this;
    }

    /**
     * Builds the chain.
     *
     * @return the chain
     * @throws IllegalStateException if the challenge tokens or base are missing
     */
    public RuleChain build() {
      checkState(tokens != null, "challengeTokens is required");
      checkState(base != null, "challengeBase is required");
      if (lifetime == null) {
        lifetime = ChallengeTokens.DEFAULT_LIFETIME;
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
      return new RuleChain(this);
    }
  }
}
