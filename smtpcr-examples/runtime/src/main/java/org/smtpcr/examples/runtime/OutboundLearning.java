package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistStore;

/**
 * Learning from outbound mail, for every route: when one of our users writes to someone, that
 * correspondent is whitelisted as a sender to the user, so that replies pass without a challenge.
 * The pair is (sender = their address as the engine canonicalizes a sender, recipient = our user's
 * address as it canonicalizes a recipient).
 *
 * <p><b>The one lifetime rule.</b> An entry that never expires stays as it is (a challenge
 * confirmed it, or an earlier setting). Any other pair is written with the {@linkplain
 * Settings#LEARN_LIFETIME learning lifetime}: for good when none is set, else until now plus the
 * lifetime (which refreshes a learned entry each time the user writes again).
 *
 * <p>Thread-safe when the store is.
 *
 * @since 0.1.0
 */
public final class OutboundLearning {
  /**
   * The longest learning lifetime accepted.
   *
   * @since 0.1.0
   */
  public static final Duration MAX_LIFETIME = Duration.ofDays(100 * 365);

  private final WhitelistStore store;
  private final AddressCanonicalizer senders;
  private final AddressCanonicalizer recipients;
  private final Optional<Duration> lifetime;
  private final Clock clock;

  private OutboundLearning(
      WhitelistStore store,
      AddressCanonicalizer canonicalizer,
      Optional<Duration> lifetime,
      Clock clock) {
    this.store = requireNonNull(store, "store");
    this.senders = requireNonNull(canonicalizer, "canonicalizer");
    this.recipients = canonicalizer.forRecipients();
    this.lifetime = requireNonNull(lifetime, "lifetime");
    lifetime.ifPresent(d -> checkLifetime("lifetime", d));
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * Learning into {@code store} as {@code settings} say: their canonicalizer and {@link
   * Settings#LEARN_LIFETIME}.
   *
   * @param settings the settings
   * @param store the whitelist store
   * @param clock the clock for expiry times
   * @return the learning
   * @since 0.1.0
   */
  public static OutboundLearning of(Settings settings, WhitelistStore store, Clock clock) {
    return new OutboundLearning(
        store, settings.canonicalizer(), settings.find(Settings.LEARN_LIFETIME), clock);
  }

  /**
   * Learning into {@code store} with the engine's canonicalizer, for good (no lifetime).
   *
   * @param store the whitelist store
   * @param canonicalizer the engine's canonicalizer for senders
   * @param clock the clock for expiry times
   * @return the learning
   * @since 0.1.0
   */
  public static OutboundLearning of(
      WhitelistStore store, AddressCanonicalizer canonicalizer, Clock clock) {
    return new OutboundLearning(store, canonicalizer, Optional.empty(), clock);
  }

  /**
   * This learning with a lifetime for the pairs it writes.
   *
   * @param lifetime positive, at most {@link #MAX_LIFETIME}
   * @return the learning
   * @throws IllegalArgumentException if the lifetime is out of range
   * @since 0.1.0
   */
  public OutboundLearning withLifetime(Duration lifetime) {
    return new OutboundLearning(store, senders, Optional.of(lifetime), clock);
  }

  /**
   * Checks a learning lifetime: positive and at most {@link #MAX_LIFETIME}.
   *
   * @param key the setting's name, for the message
   * @param lifetime the lifetime
   * @return the lifetime
   * @throws IllegalArgumentException otherwise
   * @since 0.1.0
   */
  public static Duration checkLifetime(String key, Duration lifetime) {
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException(
          key + " must be positive and at most " + MAX_LIFETIME.toDays() + " days");
    }
    return lifetime;
  }

  /**
   * Learns that our user {@code ours} wrote to {@code theirs}.
   *
   * @param ours our user's address (the outbound reverse-path), as received
   * @param theirs the correspondent's address (a forward-path), as received
   * @return true when a pair was written; false when an address has no canonical form (or is the
   *     null path) or the pair was already whitelisted for good
   * @throws RuntimeException what the store throws; the caller logs it and lets the mail go on
   * @since 0.1.0
   */
  public boolean learn(String ours, String theirs) {
    requireNonNull(ours, "ours");
    requireNonNull(theirs, "theirs");
    if (AddressCanonicalizer.isNullPath(ours)) {
      return false;
    }
    WhitelistKey key;
    try {
      CanonicalAddress user = recipients.canonicalize(ours);
      CanonicalAddress correspondent = senders.canonicalize(theirs);
      key = WhitelistKey.pair(correspondent, user);
    } catch (InvalidAddressException | IllegalArgumentException e) {
      return false;
    }
    return learn(key);
  }

  private boolean learn(WhitelistKey key) {
    Optional<WhitelistEntry> existing = store.find(key);
    if (existing.isPresent() && existing.get().expiresAt().isEmpty()) {
      return false; // confirmed for good: keep it that way
    }
    if (lifetime.isPresent()) {
      store.add(key, clock.instant().plus(lifetime.get()));
    } else {
      store.add(key);
    }
    return true;
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

  @Override
  public String toString() {
    return "OutboundLearning[lifetime=" + lifetime.map(Duration::toString).orElse("for good") + "]";
  }
}
