package org.smtpcr.core.rules;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.spi.AuthPolicy;
import org.smtpcr.core.spi.DecisionRule;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.tokens.PassCodes;

/**
 * The standard rule chain (README.md, "Concepts"), configured by knobs: change one setting without
 * listing the chain again. In order:
 *
 * <ol>
 *   <li>{@value #EXEMPT_RECIPIENTS}: {@code postmaster} and {@code abuse}, plus {@linkplain
 *       Builder#exemptLocalPart configured local parts} and {@linkplain Builder#exemptRecipient
 *       addresses};
 *   <li>{@value #TRUSTED_CLIENTS}: {@linkplain Builder#trustAuthenticated authenticated sessions}
 *       and {@linkplain Builder#trustedNetwork trusted networks};
 *   <li>{@value #NULL_SENDER}: the null sender {@code <>}, by {@linkplain Builder#nullSender
 *       policy}: by default accepted where it looks like a real bounce (one recipient per
 *       transaction, a report where the message is seen, a recipient who sent mail recently where
 *       it is not; see {@link NullSenderRule});
 *   <li>{@value #DENY_LIST}: senders on the store's deny list are refused without a link (only when
 *       a {@linkplain Builder#whitelistStore store} is configured);
 *   <li>{@value #SENDER_AUTHENTICATION}: SPF {@code fail} is refused, DNS trouble deferred;
 *   <li>{@value #STATIC_WHITELIST}: {@linkplain Builder#whitelistSender senders} and {@linkplain
 *       Builder#whitelistSenderDomain sender domains}, global or per recipient (only when some are
 *       configured);
 *   <li>{@value #WHITELIST_STORE}: the pairs confirmed earlier (only when a {@linkplain
 *       Builder#whitelistStore store} is configured);
 *   <li>{@value #PASS_CODE}: pass codes in the recipient's sub-address (on by default) and in the
 *       Subject ({@linkplain Builder#subjectPassCodes off by default});
 *   <li>{@value #RECIPIENT_PASSWORD}: recipients' own passwords (only when some are configured).
 * </ol>
 *
 * Rules of your own go {@linkplain Builder#add after} the built-ins or {@linkplain
 * Builder#addBefore before one of them}. A decision engine turns this specification into rules with
 * its own key ring and canonicalizer, so both are configured once, on the engine.
 *
 * <pre>{@code
 * DecisionEngine engine = DecisionEngine.builder()
 *     .keyRing(keys)
 *     .challengeBase(URI.create("https://cr.example.com/"))
 *     .rules(StandardRules.builder()
 *         .whitelistStore(store)
 *         .trustedNetwork("192.0.2.0/24")
 *         .subjectPassCodes(true)
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class StandardRules {
  /** Id of the exempt-recipients rule. */
  public static final String EXEMPT_RECIPIENTS = "exempt-recipients";

  /** Id of the trusted-clients rule. */
  public static final String TRUSTED_CLIENTS = "trusted-clients";

  /** Id of the null-sender rule. */
  public static final String NULL_SENDER = "null-sender";

  /**
   * Id of the deny-list rule: a sender on the store's deny list is refused without a link ({@code
   * 550 5.7.1}), before any rule that admits.
   *
   * @since 0.3.0
   */
  public static final String DENY_LIST = "deny-list";

  /** Id of the static whitelist rule. */
  public static final String STATIC_WHITELIST = "static-whitelist";

  /** Id of the whitelist-store rule. */
  public static final String WHITELIST_STORE = "whitelist-store";

  /** Id of the pass-code rule. */
  public static final String PASS_CODE = "pass-code";

  /** Id of the recipients' password rule. */
  public static final String RECIPIENT_PASSWORD = "recipient-password";

  /**
   * Id of the sender-authentication rule: SPF {@code fail} rejects without a link ({@code 550
   * 5.7.23}), DNS trouble defers ({@code 451 4.4.3}).
   *
   * @since 0.2.0
   */
  public static final String SENDER_AUTHENTICATION = "sender-authentication";

  private static final List<String> BUILT_IN =
      List.of(
          EXEMPT_RECIPIENTS,
          TRUSTED_CLIENTS,
          NULL_SENDER,
          DENY_LIST,
          SENDER_AUTHENTICATION,
          STATIC_WHITELIST,
          WHITELIST_STORE,
          PASS_CODE,
          RECIPIENT_PASSWORD);
  private static final StandardRules DEFAULTS = builder().build();

  /** A rule of the caller's, and where it goes. */
  private record Extra(String before, String id, DecisionRule rule) {}

  private final List<String> exemptLocalParts;
  private final List<String> exemptRecipients;
  private final boolean trustAuthenticated;
  private final List<IpNetwork> trustedNetworks;
  private final NullSenderPolicy nullSender;
  private final boolean nullSenderNeedsOutbound;
  private final List<String> localDomains;
  private final List<Consumer<StaticWhitelistRule.Builder>> staticEntries;
  private final WhitelistStore store;
  private final boolean subaddressPassCodes;
  private final boolean subjectPassCodes;
  private final Map<String, String> recipientPasswords;
  private final int recipientPasswordAttempts;
  private final List<Extra> extras;
  private final boolean rejectSpfFail;
  private final List<IpNetwork> trustedForwarders;
  private final AuthPolicy authPolicy;

  private StandardRules(Builder b) {
    this.exemptLocalParts = List.copyOf(b.exemptLocalParts);
    this.exemptRecipients = List.copyOf(b.exemptRecipients);
    this.trustAuthenticated = b.trustAuthenticated;
    this.trustedNetworks = List.copyOf(b.trustedNetworks);
    this.nullSender = b.nullSender;
    this.nullSenderNeedsOutbound = b.nullSenderNeedsOutbound;
    this.localDomains = List.copyOf(b.localDomains);
    this.staticEntries = List.copyOf(b.staticEntries);
    this.store = b.store;
    this.subaddressPassCodes = b.subaddressPassCodes;
    this.subjectPassCodes = b.subjectPassCodes;
    this.recipientPasswords = Map.copyOf(b.recipientPasswords);
    this.recipientPasswordAttempts = b.recipientPasswordAttempts;
    this.extras = List.copyOf(b.extras);
    this.rejectSpfFail = b.rejectSpfFail;
    this.trustedForwarders = List.copyOf(b.trustedForwarders);
    this.authPolicy =
        new AuthPolicy(
            b.admitUnauthenticated,
            b.honourUnverifiedConfirmations,
            b.authenticationOptionalDomains);
  }

  /**
   * When the admitting rules count for a sender that is not authenticated; the engine gives it to
   * the chain.
   *
   * @since 0.2.0
   */
  public AuthPolicy authPolicy() {
    return authPolicy;
  }

  /**
   * The trusted forwarders: their deliveries are not judged by SPF, and only their SRS addresses
   * are unwrapped to the original sender; the engine gives them to the chain.
   *
   * @return the networks, in the order given
   * @since 0.3.0
   */
  public List<IpNetwork> trustedForwarders() {
    return trustedForwarders;
  }

  /**
   * The local domains, as configured: links are minted only for recipients in them; empty for every
   * recipient. The engine gives them to the chain.
   *
   * @return the domains
   * @since 0.3.0
   */
  public List<String> localDomains() {
    return localDomains;
  }

  /**
   * The standard chain with every knob at its default: no whitelist store, no trusted network, pass
   * codes in the sub-address only.
   *
   * @return the defaults
   */
  public static StandardRules defaults() {
    return DEFAULTS;
  }

  /**
   * Starts a builder with every knob at its default.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether a rule of this chain looks at message headers (Subject pass codes or passwords).
   *
   * @return true when some rule will decide at the end of DATA
   */
  public boolean usesHeaders() {
    return subjectPassCodes || extras.stream().anyMatch(e -> e.rule().usesHeaders());
  }

  /**
   * Makes the rules, in chain order, for an engine with these pass codes and this canonicalizer.
   *
   * @param passCodes the pass codes of the engine's key ring
   * @param canonicalizer the engine's canonicalizer; configured addresses and domains are
   *     canonicalized with it
   * @return the rules with their ids, in order
   * @throws IllegalArgumentException if a configured address, domain or password is not valid
   */
  public Map<String, DecisionRule> create(PassCodes passCodes, AddressCanonicalizer canonicalizer) {
    requireNonNull(passCodes, "passCodes");
    requireNonNull(canonicalizer, "canonicalizer");
    Map<String, DecisionRule> builtIn = new LinkedHashMap<>();
    ExemptRecipientsRule.Builder exempt =
        ExemptRecipientsRule.builder().canonicalizer(canonicalizer);
    exemptLocalParts.forEach(exempt::localPart);
    exemptRecipients.forEach(exempt::address);
    builtIn.put(EXEMPT_RECIPIENTS, exempt.build());
    TrustedClientsRule.Builder trusted =
        TrustedClientsRule.builder().authenticatedSessions(trustAuthenticated);
    trustedNetworks.forEach(trusted::network);
    builtIn.put(TRUSTED_CLIENTS, trusted.build());
    builtIn.put(
        NULL_SENDER,
        switch (nullSender) {
          case ANY -> NullSenderRule.accept();
          case REJECT -> NullSenderRule.reject();
          case BOUNCES ->
              store != null && nullSenderNeedsOutbound
                  ? NullSenderRule.bounces(store)
                  : NullSenderRule.bounces();
        });
    if (store != null) {
      builtIn.put(DENY_LIST, DenyListRule.of(store));
    }
    SenderAuthenticationRule.Builder auth =
        SenderAuthenticationRule.builder().rejectForged(rejectSpfFail);
    trustedForwarders.forEach(auth::trustedForwarder);
    builtIn.put(SENDER_AUTHENTICATION, auth.build());
    if (!staticEntries.isEmpty()) {
      StaticWhitelistRule.Builder statics =
          StaticWhitelistRule.builder().canonicalizer(canonicalizer);
      staticEntries.forEach(e -> e.accept(statics));
      builtIn.put(STATIC_WHITELIST, statics.build());
    }
    if (store != null) {
      builtIn.put(WHITELIST_STORE, WhitelistStoreRule.of(store));
    }
    if (subaddressPassCodes || subjectPassCodes) {
      builtIn.put(
          PASS_CODE,
          PassCodeRule.builder()
              .passCodes(passCodes)
              .subaddress(subaddressPassCodes)
              .subject(subjectPassCodes)
              .build());
    }
    if (!recipientPasswords.isEmpty()) {
      RecipientPasswordRule.Builder passwords =
          RecipientPasswordRule.builder()
              .canonicalizer(canonicalizer)
              .subject(subjectPassCodes)
              .attemptsPerHour(recipientPasswordAttempts);
      recipientPasswords.forEach(passwords::password);
      builtIn.put(RECIPIENT_PASSWORD, passwords.build());
    }
    Map<String, DecisionRule> chain = new LinkedHashMap<>();
    for (Map.Entry<String, DecisionRule> e : builtIn.entrySet()) {
      extras.stream()
          .filter(x -> e.getKey().equals(x.before()))
          .forEach(x -> chain.put(x.id(), x.rule()));
      chain.put(e.getKey(), e.getValue());
    }
    for (Extra x : extras) {
      if (x.before() == null || !builtIn.containsKey(x.before())) {
        chain.put(x.id(), x.rule());
      }
    }
    return chain;
  }

  @Override
  public String toString() {
    return "StandardRules[trustedNetworks="
        + trustedNetworks
        + ", nullSender="
        + nullSender
        + (nullSenderNeedsOutbound ? "" : " (no outbound check)")
        + ", localDomains="
        + localDomains
        + ", store="
        + (store != null)
        + ", subjectPassCodes="
        + subjectPassCodes
        + ", extras="
        + extras.stream().map(Extra::id).toList()
        + ", rejectSpfFail="
        + rejectSpfFail
        + ", trustedForwarders="
        + trustedForwarders
        + ", "
        + authPolicy
        + "]";
  }

  /**
   * Builds {@link StandardRules}. Mutable, one thread.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final List<String> exemptLocalParts = new ArrayList<>();
    private final List<String> exemptRecipients = new ArrayList<>();
    private boolean trustAuthenticated = true;
    private final List<IpNetwork> trustedNetworks = new ArrayList<>();
    private NullSenderPolicy nullSender = NullSenderPolicy.BOUNCES;
    private boolean nullSenderNeedsOutbound = true;
    private final List<String> localDomains = new ArrayList<>();
    private final List<Consumer<StaticWhitelistRule.Builder>> staticEntries = new ArrayList<>();
    private WhitelistStore store;
    private boolean subaddressPassCodes = true;
    private boolean subjectPassCodes;
    private final Map<String, String> recipientPasswords = new LinkedHashMap<>();
    private int recipientPasswordAttempts = RecipientPasswordRule.DEFAULT_ATTEMPTS_PER_HOUR;
    private final List<Extra> extras = new ArrayList<>();
    private boolean rejectSpfFail = true;
    private boolean admitUnauthenticated;
    private boolean honourUnverifiedConfirmations = true;
    private final List<String> authenticationOptionalDomains = new ArrayList<>();
    private final List<IpNetwork> trustedForwarders = new ArrayList<>();

    private Builder() {}

    /**
     * Whether SPF {@code fail} (or HELO {@code fail} without a MAIL FROM record) rejects with
     * {@code 550 5.7.23} and no link; default true. When false such a sender is challenged like an
     * unverified one, and its whitelist hits still do not count.
     *
     * @since 0.2.0
     */
    public Builder rejectSpfFail(boolean reject) {
      this.rejectSpfFail = reject;
      return this;
    }

    /**
     * Whether whitelist hits, pass codes and recipient passwords count for a sender that is not
     * authenticated; default false: they count only for an authenticated sender, or one whose
     * domain publishes nothing that could tell (see {@code docs/security.md}). True restores the
     * behaviour before 0.2.0, which lets anyone who forges a confirmed sender through.
     *
     * @since 0.2.0
     */
    public Builder admitUnauthenticated(boolean admit) {
      this.admitUnauthenticated = admit;
      return this;
    }

    /**
     * Whether a stored confirmation made from a challenge to an unverified delivery (for example
     * SPF {@code softfail} through a forwarder) is honoured for a later delivery that arrives the
     * same way; default true, so a person who confirmed is never sent back to the page for the same
     * pair.
     *
     * @since 0.2.0
     */
    public Builder honourUnverifiedConfirmations(boolean honour) {
      this.honourUnverifiedConfirmations = honour;
      return this;
    }

    /**
     * A sender domain (and its subdomains) whose whitelist hits count without authentication: the
     * operator's answer for a domain whose mail always arrives unauthenticated here.
     *
     * @since 0.2.0
     */
    public Builder authenticationOptionalDomain(String domain) {
      requireNonNull(domain, "domain");
      this.authenticationOptionalDomains.add(domain);
      return this;
    }

    /**
     * A network of forwarders (CIDR) whose deliveries are not judged by SPF: a forwarder that does
     * not rewrite the envelope sender fails the original domain's SPF through no fault of the
     * sender. DKIM still counts at the end of DATA.
     *
     * @since 0.2.0
     */
    public Builder trustedForwarder(String cidr) {
      requireNonNull(cidr, "cidr");
      this.trustedForwarders.add(IpNetwork.parse(cidr));
      return this;
    }

    /**
     * A network of forwarders whose deliveries are not judged by SPF.
     *
     * @since 0.2.0
     */
    public Builder trustedForwarder(IpNetwork network) {
      this.trustedForwarders.add(requireNonNull(network, "network"));
      return this;
    }

    /**
     * Exempts a local part at every domain, besides {@code postmaster} and {@code abuse}.
     *
     * @param localPart such as {@code hostmaster}
     * @return this builder
     */
    public Builder exemptLocalPart(String localPart) {
      exemptLocalParts.add(requireNonNull(localPart, "localPart"));
      return this;
    }

    /**
     * Exempts one recipient address.
     *
     * @param recipient the address
     * @return this builder
     */
    public Builder exemptRecipient(String recipient) {
      exemptRecipients.add(requireNonNull(recipient, "recipient"));
      return this;
    }

    /**
     * Whether authenticated sessions are trusted (accepted without a challenge); default true.
     *
     * @param trust whether to trust them
     * @return this builder
     */
    public Builder trustAuthenticated(boolean trust) {
      this.trustAuthenticated = trust;
      return this;
    }

    /**
     * Trusts clients in a network, such as the site's own hosts.
     *
     * @param cidr an IPv4 or IPv6 network in CIDR form, such as {@code 192.0.2.0/24}
     * @return this builder
     * @throws IllegalArgumentException if the text is not a network
     */
    public Builder trustedNetwork(String cidr) {
      return trustedNetwork(IpNetwork.parse(requireNonNull(cidr, "cidr")));
    }

    /**
     * Trusts clients in a network.
     *
     * @param network the network
     * @return this builder
     */
    public Builder trustedNetwork(IpNetwork network) {
      trustedNetworks.add(requireNonNull(network, "network"));
      return this;
    }

    /**
     * What happens to mail from the null sender {@code <>}; default {@link
     * NullSenderPolicy#BOUNCES}: one recipient per transaction, and only what looks like a real
     * bounce (see {@link NullSenderRule}). {@link NullSenderPolicy#ANY} is the behaviour before
     * 0.3.0, an explicit opt-in.
     *
     * @param policy the policy
     * @return this builder
     * @since 0.3.0
     */
    public Builder nullSender(NullSenderPolicy policy) {
      this.nullSender = requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Whether, under {@link NullSenderPolicy#BOUNCES} on a route that does not see the message (a
     * Postfix policy server), a bounce is accepted only for a recipient who sent mail recently (an
     * outbound mark in the {@linkplain #whitelistStore store}); default true. No effect without a
     * store.
     *
     * @param needed whether the recipient must have sent mail recently
     * @return this builder
     * @since 0.3.0
     */
    public Builder nullSenderNeedsOutbound(boolean needed) {
      this.nullSenderNeedsOutbound = needed;
      return this;
    }

    /**
     * Whether the null sender is accepted or refused.
     *
     * @param accept true for {@link NullSenderPolicy#ANY}, false for {@link
     *     NullSenderPolicy#REJECT}
     * @return this builder
     * @deprecated since 0.3.0: use {@link #nullSender(NullSenderPolicy)}; {@code true} accepts
     *     every null-sender message, which the default {@link NullSenderPolicy#BOUNCES} does not
     */
    @Deprecated
    public Builder acceptNullSender(boolean accept) {
      this.nullSender = accept ? NullSenderPolicy.ANY : NullSenderPolicy.REJECT;
      return this;
    }

    /**
     * A domain this site receives mail for (repeatable): challenge links are minted only for
     * recipients in the local domains and their subdomains; any other recipient that would be
     * challenged gets {@code 550 5.7.1} without a link. Whether mail for other domains is accepted
     * or relayed at all stays the MTA's decision. None (the default): every recipient counts as
     * local, as before 0.3.0.
     *
     * @param domain the domain, such as {@code example.com}
     * @return this builder
     * @since 0.3.0
     */
    public Builder localDomain(String domain) {
      localDomains.add(requireNonNull(domain, "domain"));
      return this;
    }

    /**
     * Whitelists a sender for every recipient.
     *
     * @param sender the sender address
     * @return this builder
     */
    public Builder whitelistSender(String sender) {
      requireNonNull(sender, "sender");
      staticEntries.add(b -> b.sender(sender));
      return this;
    }

    /**
     * Whitelists a sender domain and its subdomains for every recipient.
     *
     * @param domain the domain, with or without a leading {@code @}
     * @return this builder
     */
    public Builder whitelistSenderDomain(String domain) {
      requireNonNull(domain, "domain");
      staticEntries.add(b -> b.senderDomain(domain));
      return this;
    }

    /**
     * Whitelists a sender for one recipient.
     *
     * @param recipient the recipient address
     * @param sender the sender address
     * @return this builder
     */
    public Builder whitelistSenderFor(String recipient, String sender) {
      requireNonNull(recipient, "recipient");
      requireNonNull(sender, "sender");
      staticEntries.add(b -> b.senderFor(recipient, sender));
      return this;
    }

    /**
     * Whitelists a sender domain and its subdomains for one recipient.
     *
     * @param recipient the recipient address
     * @param domain the domain, with or without a leading {@code @}
     * @return this builder
     */
    public Builder whitelistSenderDomainFor(String recipient, String domain) {
      requireNonNull(recipient, "recipient");
      requireNonNull(domain, "domain");
      staticEntries.add(b -> b.senderDomainFor(recipient, domain));
      return this;
    }

    /**
     * The store of confirmed pairs; without one, no pair is ever whitelisted by confirmation.
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
     * Whether a pass code in the recipient's sub-address ({@code bob+CODE@…}) admits; default true.
     *
     * @param enabled whether to look there
     * @return this builder
     */
    public Builder subaddressPassCodes(boolean enabled) {
      this.subaddressPassCodes = enabled;
      return this;
    }

    /**
     * Whether a pass code (or a recipient's password) in the Subject admits; default false. When
     * on, would-be challenges are decided at the end of DATA.
     *
     * @param enabled whether to look in the Subject
     * @return this builder
     */
    public Builder subjectPassCodes(boolean enabled) {
      this.subjectPassCodes = enabled;
      return this;
    }

    /**
     * A recipient's own published password ("put xyzzy in the Subject to reach me"), found in the
     * sub-address, and in the Subject when {@link #subjectPassCodes(boolean)} is on.
     *
     * @param recipient the recipient address
     * @param password 8 to 64 ASCII letters, digits, {@code -} or {@code _}
     * @return this builder
     * @throws IllegalArgumentException if the password is too short or has other characters (the
     *     message never shows it), or the recipient has one already
     */
    public Builder recipientPassword(String recipient, String password) {
      requireNonNull(recipient, "recipient");
      requireNonNull(password, "password");
      RecipientPasswordRule.checkPassword(password);
      checkArgument(
          recipientPasswords.putIfAbsent(recipient, password) == null,
          "a password for that recipient was already set");
      return this;
    }

    /**
     * How many failed recipient-password attempts one client (an IPv4 address or an IPv6 /64) may
     * make per hour (default {@value RecipientPasswordRule#DEFAULT_ATTEMPTS_PER_HOUR}); past them
     * its passwords are not checked until the hour ends, and the sender is challenged as usual.
     *
     * @param perHour 1 to {@value RecipientPasswordRule#MAX_ATTEMPTS_PER_HOUR}
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @since 0.3.0
     */
    public Builder recipientPasswordAttempts(int perHour) {
      this.recipientPasswordAttempts = RecipientPasswordRule.checkAttemptsPerHour(perHour);
      return this;
    }

    /**
     * Adds a rule of your own after the built-in rules, under its own id.
     *
     * @param rule the rule
     * @return this builder
     */
    public Builder add(DecisionRule rule) {
      requireNonNull(rule, "rule");
      return add(rule.id(), rule);
    }

    /**
     * Adds a rule of your own after the built-in rules.
     *
     * @param id the rule's id in the chain
     * @param rule the rule
     * @return this builder
     */
    public Builder add(String id, DecisionRule rule) {
      return extra(null, id, rule);
    }

    /**
     * Adds a rule of your own just before a built-in rule (or, when that built-in is not in the
     * chain, after the built-ins).
     *
     * @param builtInId one of this class's ids, such as {@link #WHITELIST_STORE}
     * @param id the rule's id in the chain
     * @param rule the rule
     * @return this builder
     * @throws IllegalArgumentException if {@code builtInId} names no built-in rule
     */
    public Builder addBefore(String builtInId, String id, DecisionRule rule) {
      requireNonNull(builtInId, "builtInId");
      checkArgument(
          BUILT_IN.contains(builtInId), "no built-in rule \"%s\"; one of %s", builtInId, BUILT_IN);
      return extra(builtInId, id, rule);
    }

    private Builder extra(String before, String id, DecisionRule rule) {
      requireNonNull(id, "id");
      requireNonNull(rule, "rule");
      checkArgument(
          !BUILT_IN.contains(id) && extras.stream().noneMatch(x -> x.id().equals(id)),
          "rule id \"%s\" is already in the chain",
          id);
      extras.add(new Extra(before, id, rule));
      return this;
    }

    /**
     * Builds the specification.
     *
     * @return the standard rules with these knobs
     */
    public StandardRules build() {
      return new StandardRules(this);
    }
  }
}
