package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.address.CanonicalDomain;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.core.store.Confirmation;
import org.smtpcr.core.store.EntryOrigin;
import org.smtpcr.core.store.OutboundMarks;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.tokens.SenderAuthentication;

/**
 * Learning from outbound mail, for every route: when one of our users writes to someone, that
 * correspondent is whitelisted as a sender to the user, so that replies pass without a challenge.
 * The pair is (sender = their address as the engine canonicalizes a sender, recipient = our user's
 * address as it canonicalizes a recipient). A route calls {@link #learn} only once the message is
 * accepted (Postfix: at {@code END-OF-MESSAGE}; James: after the message is queued), never at
 * {@code RCPT}, where a client could whitelist a pair with {@code RCPT} and {@code RSET}.
 *
 * <p><b>Only local senders.</b> With {@linkplain Settings#LOCAL_DOMAINS local domains} configured,
 * only a sender in one of them (or a subdomain) is learned from; without them every sender is (the
 * behaviour before 0.3.0), and the route warns at start.
 *
 * <p><b>What is written.</b> The pair is {@linkplain WhitelistStore#confirm confirmed} with origin
 * {@link EntryOrigin#LEARNED}: an entry an administrator made is never overwritten, an automatic
 * one is renewed (it never gets shorter). A learned entry lasts the {@linkplain
 * Settings#LEARN_LIFETIME learning lifetime} ({@value #DEFAULT_LIFETIME_DAYS} days unless
 * configured; {@link #FOR_GOOD} for ever). Each learned message also {@linkplain OutboundMarks
 * marks} the local sender as having sent mail, for {@link #MARK_LIFETIME}: the null-sender rule
 * accepts a bounce only for a recipient who did.
 *
 * <p>Thread-safe when the store is.
 *
 * @since 0.1.0
 */
public final class OutboundLearning {
  /**
   * The longest learning lifetime accepted (besides {@link #FOR_GOOD}).
   *
   * @since 0.1.0
   */
  public static final Duration MAX_LIFETIME = Duration.ofDays(100 * 365);

  /**
   * The lifetime that means "for good": learned entries that never expire.
   *
   * @since 0.3.0
   */
  public static final Duration FOR_GOOD = ChronoUnit.FOREVER.getDuration();

  /** The default learning lifetime in days. */
  static final long DEFAULT_LIFETIME_DAYS = 365;

  /**
   * The default learning lifetime: {@value #DEFAULT_LIFETIME_DAYS} days.
   *
   * @since 0.3.0
   */
  public static final Duration DEFAULT_LIFETIME = Duration.ofDays(DEFAULT_LIFETIME_DAYS);

  /**
   * How long a local user counts as having sent mail recently after an accepted outbound message
   * ({@link OutboundMarks}): 30 days, longer than a message can stay queued and than most delivery
   * and read notifications take.
   *
   * @since 0.3.0
   */
  public static final Duration MARK_LIFETIME = Duration.ofDays(30);

  private static final Logger log = LoggerFactory.getLogger(OutboundLearning.class);

  private final WhitelistStore store;
  private final AddressCanonicalizer senders;
  private final AddressCanonicalizer recipients;
  private final Optional<Duration> lifetime;
  private final List<CanonicalDomain> localDomains;
  private final Clock clock;

  private OutboundLearning(
      WhitelistStore store,
      AddressCanonicalizer canonicalizer,
      Optional<Duration> lifetime,
      List<CanonicalDomain> localDomains,
      Clock clock) {
    this.store = requireNonNull(store, "store");
    this.senders = requireNonNull(canonicalizer, "canonicalizer");
    this.recipients = canonicalizer.forRecipients();
    this.lifetime = requireNonNull(lifetime, "lifetime");
    lifetime.ifPresent(d -> checkLifetime("lifetime", d));
    this.localDomains = List.copyOf(localDomains);
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * Learning into {@code store} as {@code settings} say: their canonicalizer, {@link
   * Settings#LEARN_LIFETIME} and {@link Settings#LOCAL_DOMAINS}. Warns once when no local domain is
   * configured (every sender is then learned from).
   *
   * @param settings the settings
   * @param store the whitelist store
   * @param clock the clock for expiry times
   * @return the learning
   * @throws IllegalArgumentException if a local domain is not a domain name
   * @since 0.1.0
   */
  public static OutboundLearning of(Settings settings, WhitelistStore store, Clock clock) {
    OutboundLearning l =
        new OutboundLearning(
                store, settings.canonicalizer(), Optional.of(DEFAULT_LIFETIME), List.of(), clock)
            .withLifetime(settings.find(Settings.LEARN_LIFETIME).orElse(DEFAULT_LIFETIME))
            .withLocalDomains(settings.get(Settings.LOCAL_DOMAINS));
    l.warnIfEveryDomain();
    return l;
  }

  /**
   * Learning into {@code store} with the engine's canonicalizer, the {@linkplain #DEFAULT_LIFETIME
   * default lifetime} (for good before 0.3.0) and no local domains (every sender is learned from).
   *
   * @param store the whitelist store
   * @param canonicalizer the engine's canonicalizer for senders
   * @param clock the clock for expiry times
   * @return the learning
   * @since 0.1.0
   */
  public static OutboundLearning of(
      WhitelistStore store, AddressCanonicalizer canonicalizer, Clock clock) {
    return new OutboundLearning(
        store, canonicalizer, Optional.of(DEFAULT_LIFETIME), List.of(), clock);
  }

  /**
   * This learning with a lifetime for the pairs it writes.
   *
   * @param lifetime positive and at most {@link #MAX_LIFETIME}, or {@link #FOR_GOOD}
   * @return the learning
   * @throws IllegalArgumentException if the lifetime is out of range
   * @since 0.1.0
   */
  public OutboundLearning withLifetime(Duration lifetime) {
    checkLifetime("lifetime", lifetime);
    return new OutboundLearning(
        store,
        senders,
        lifetime.equals(FOR_GOOD) ? Optional.empty() : Optional.of(lifetime),
        localDomains,
        clock);
  }

  /**
   * This learning for senders in {@code domains} (and their subdomains) only; empty: every sender.
   *
   * @param domains domain names as configured
   * @return the learning
   * @throws IllegalArgumentException if one is not a domain name
   * @since 0.3.0
   */
  public OutboundLearning withLocalDomains(Collection<String> domains) {
    requireNonNull(domains, "domains");
    List<CanonicalDomain> canonical = new ArrayList<>();
    for (String d : domains) {
      try {
        canonical.add(senders.canonicalizeDomain(requireNonNull(d, "domain")));
      } catch (InvalidAddressException e) {
        throw new IllegalArgumentException("not a domain name: " + e.getMessage(), e);
      }
    }
    return new OutboundLearning(store, senders, lifetime, canonical, clock);
  }

  /**
   * Checks a learning lifetime: positive and at most {@link #MAX_LIFETIME}, or {@link #FOR_GOOD}.
   *
   * @param key the setting's name, for the message
   * @param lifetime the lifetime
   * @return the lifetime
   * @throws IllegalArgumentException otherwise
   * @since 0.1.0
   */
  public static Duration checkLifetime(String key, Duration lifetime) {
    requireNonNull(lifetime, "lifetime");
    if (lifetime.equals(FOR_GOOD)) {
      return lifetime;
    }
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException(
          key + " must be positive and at most " + MAX_LIFETIME.toDays() + " days, or \"forever\"");
    }
    return lifetime;
  }

  /**
   * Learns that our user {@code ours} wrote to {@code theirs}, in a message that was accepted.
   *
   * @param ours our user's address (the outbound reverse-path), as received
   * @param theirs the correspondent's address (a forward-path), as received
   * @return true when a pair was created or renewed; false when an address has no canonical form
   *     (or is the null path), our user is not in a local domain, or an administrator's entry was
   *     kept as it is
   * @throws RuntimeException what the store throws; the caller logs it and lets the mail go on
   * @since 0.1.0
   */
  public boolean learn(String ours, String theirs) {
    requireNonNull(ours, "ours");
    requireNonNull(theirs, "theirs");
    if (AddressCanonicalizer.isNullPath(ours)) {
      return false;
    }
    CanonicalAddress user;
    WhitelistKey key;
    try {
      user = recipients.canonicalize(ours);
      CanonicalAddress correspondent = senders.canonicalize(theirs);
      key = WhitelistKey.pair(correspondent, user);
    } catch (InvalidAddressException | IllegalArgumentException e) {
      return false;
    }
    if (!isLocal(user)) {
      log.debug("not learning from a sender outside the local domains");
      return false;
    }
    Instant now = clock.instant();
    Confirmation done =
        store.confirm(
            key, lifetime.map(now::plus), SenderAuthentication.UNCHECKED, EntryOrigin.LEARNED);
    store.countIfUnder(List.of(OutboundMarks.mark(user, now, MARK_LIFETIME)));
    return done != Confirmation.KEPT;
  }

  /**
   * Whether {@code sender} may be learned from: in a local domain, or any address when none is
   * configured.
   *
   * @param sender our user's canonical address
   * @return whether it counts as local
   * @since 0.3.0
   */
  public boolean isLocal(CanonicalAddress sender) {
    requireNonNull(sender, "sender");
    if (localDomains.isEmpty()) {
      return true;
    }
    CanonicalDomain d = sender.canonicalDomain();
    return localDomains.stream().anyMatch(d::isWithin);
  }

  /**
   * The learning lifetime.
   *
   * @return the lifetime, or empty for good
   * @since 0.1.0
   */
  public Optional<Duration> lifetime() {
    return lifetime;
  }

  /**
   * The local domains senders must be in; empty when every sender is learned from.
   *
   * @return the canonical domains
   * @since 0.3.0
   */
  public List<CanonicalDomain> localDomains() {
    return localDomains;
  }

  /**
   * Logs a WARN line when no local domain is configured; a route calls this once, at start.
   *
   * @since 0.3.0
   */
  public void warnIfEveryDomain() {
    if (localDomains.isEmpty()) {
      log.warn(
          "learning from outbound mail without local domains (localDomains, --local-domain): every"
              + " sender an authenticated user may use is learned from; configure them, and let"
              + " users send only as themselves (Postfix: reject_sender_login_mismatch)");
    }
  }

  @Override
  public String toString() {
    return "OutboundLearning[lifetime="
        + lifetime.map(Duration::toString).orElse("for good")
        + ", local domains="
        + localDomains.size()
        + "]";
  }
}
