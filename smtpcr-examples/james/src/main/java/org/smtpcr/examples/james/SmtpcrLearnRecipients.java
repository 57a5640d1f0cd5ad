package org.smtpcr.examples.james;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistStore;

/**
 * Learns from outbound mail: when a local user writes to someone elsewhere, that correspondent is
 * whitelisted for the user, so that replies pass without a challenge. For mail from a sender in a
 * local domain ({@link MailetContext#isLocalServer}), and by default only when the sender
 * authenticated over SMTP (the mail carries {@link Mail#SMTP_AUTH_USER}), each recipient outside the
 * local domains is stored as the pair (sender = that recipient, recipient = our user), both in
 * canonical form. Local recipients are not learned.
 *
 * <p>The mail itself is never changed or stopped: a store that fails is logged at WARN and the mail
 * goes on.
 *
 * <pre>{@code
 * <mailet match="All" class="org.smtpcr.examples.james.SmtpcrLearnRecipients">
 *   <storeUrl>jdbc:h2:/var/lib/smtpcr/whitelist</storeUrl>
 * </mailet>
 * }</pre>
 * Parameters: {@code storeUrl} (required), {@code storeUser}, {@code storePassword},
 * {@code storeDriverClass}, {@code storePoolSize}, {@code storeConnectionTimeout},
 * {@code storeTablePrefix} (as for {@link SmtpcrRcptHook}'s {@code store}; equal settings share one
 * pool); {@code authenticatedOnly} (default true); {@code entryLifetime} (ISO-8601, such as
 * {@code P365D}; default: learned entries never expire; an entry that never expires is not made
 * to expire).
 *
 * <p>Thread-safe after {@link #init()}.
 *
 * @since 0.1.0
 */
public final class SmtpcrLearnRecipients extends GenericMailet {
  static final String AUTHENTICATED_ONLY = "authenticatedOnly";
  static final String ENTRY_LIFETIME = "entryLifetime";
  static final String STORE_PREFIX = "store";

  private static final Logger log = LoggerFactory.getLogger(SmtpcrLearnRecipients.class);
  private static final Duration MAX_LIFETIME = Duration.ofDays(100 * 365);

  private final Clock clock;
  private volatile SharedStores.Lease lease;
  private volatile boolean authenticatedOnly = true;
  private volatile Optional<Duration> entryLifetime = Optional.empty();

  /**
   * The constructor James calls.
   */
  public SmtpcrLearnRecipients() {
    this(Clock.systemUTC());
  }

  SmtpcrLearnRecipients(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * Reads the parameters and opens (or shares) the whitelist store.
   *
   * @throws MessagingException if a parameter is unknown, missing or wrong; the message never contains
   *     the store URL or password
   */
  @Override
  public void init() throws MessagingException {
    checkInitParameters(Set.of(AUTHENTICATED_ONLY, ENTRY_LIFETIME, storeParameter(StoreSettings.URL),
        storeParameter(StoreSettings.USER), storeParameter(StoreSettings.PASSWORD),
        storeParameter(StoreSettings.DRIVER_CLASS), storeParameter(StoreSettings.POOL_SIZE),
        storeParameter(StoreSettings.CONNECTION_TIMEOUT), storeParameter(StoreSettings.TABLE_PREFIX)));
    Optional<String> auth = getInitParameterAsOptional(AUTHENTICATED_ONLY).map(String::strip);
    boolean authOnly = true;
    if (auth.isPresent()) {
      switch (auth.get().toLowerCase(Locale.ROOT)) {
        case "true":
          break;
        case "false":
          authOnly = false;
          break;
        default:
          throw new MessagingException("SmtpcrLearnRecipients: " + AUTHENTICATED_ONLY + " must be true or false");
      }
    }
    Optional<Duration> lifetime = Optional.empty();
    Optional<String> l = getInitParameterAsOptional(ENTRY_LIFETIME).map(String::strip).filter(s -> !s.isEmpty());
    if (l.isPresent()) {
      Duration d;
      try {
        d = StoreSettings.parseDuration(l.get(), ENTRY_LIFETIME);
      } catch (IllegalArgumentException e) {
        throw new MessagingException("SmtpcrLearnRecipients: " + e.getMessage());
      }
      if (d.isNegative() || d.isZero() || d.compareTo(MAX_LIFETIME) > 0) {
        throw new MessagingException("SmtpcrLearnRecipients: " + ENTRY_LIFETIME + " must be positive and at most "
            + MAX_LIFETIME.toDays() + " days");
      }
      lifetime = Optional.of(d);
    }
    SharedStores.Lease next = MailetStores.open(
        name -> getInitParameterAsOptional(storeParameter(name)), "SmtpcrLearnRecipients");
    authenticatedOnly = authOnly;
    entryLifetime = lifetime;
    SharedStores.Lease previous = lease;
    lease = next;
    if (previous != null) {
      previous.close();
    }
  }

  /** {@code storeUrl} for {@code url}, and so on. */
  static String storeParameter(String name) {
    return STORE_PREFIX + Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  /**
   * Whitelists the remote recipients of a local user's mail for that user; leaves the mail as it is.
   *
   * @param mail the mail
   */
  @Override
  public void service(Mail mail) {
    SharedStores.Lease l = lease;
    if (l == null) {
      log.error("SmtpcrLearnRecipients was not initialized; nothing learned");
      return;
    }
    if (authenticatedOnly && mail.getAttribute(Mail.SMTP_AUTH_USER).isEmpty()) {
      return;
    }
    MaybeSender maybeSender = mail.getMaybeSender();
    if (maybeSender.isNullSender()) {
      return;
    }
    MailAddress sender = maybeSender.get();
    MailetContext context = getMailetContext();
    if (!context.isLocalServer(sender.getDomain())) {
      return;
    }
    Optional<CanonicalAddress> ours = MailetStores.canonical(MailetStores.RECIPIENTS, sender.asString());
    if (ours.isEmpty()) {
      return;
    }
    WhitelistStore store = l.store();
    int learned = 0;
    for (MailAddress recipient : mail.getRecipients()) {
      if (context.isLocalServer(recipient.getDomain())) {
        continue;
      }
      Optional<CanonicalAddress> theirs = MailetStores.canonical(MailetStores.SENDERS, recipient.asString());
      if (theirs.isEmpty()) {
        continue;
      }
      try {
        learn(store, WhitelistKey.pair(theirs.get(), ours.get()));
        learned++;
      } catch (RuntimeException e) {
        log.warn("SmtpcrLearnRecipients could not write to the whitelist store ({}); mail {} goes on unlearned",
            e.getClass().getName(), mail.getName());
        return;
      }
    }
    log.debug("SmtpcrLearnRecipients learned {} correspondents from mail {}", learned, mail.getName());
  }

  private void learn(WhitelistStore store, WhitelistKey key) {
    if (entryLifetime.isEmpty()) {
      store.add(key);
      return;
    }
    Optional<WhitelistEntry> existing = store.find(key);
    if (existing.isPresent() && existing.get().expiresAt().isEmpty()) {
      return; // confirmed for good (a challenge, an earlier setting): keep it that way
    }
    store.add(key, clock.instant().plus(entryLifetime.get()));
  }

  /**
   * Gives back the whitelist store; the last user closes its connection pool.
   */
  @Override
  public void destroy() {
    SharedStores.Lease l = lease;
    if (l != null) {
      l.close();
    }
  }

  /**
   * Describes the mailet.
   *
   * @return a short description
   */
  @Override
  public String getMailetInfo() {
    return "SMTPCR: whitelists the remote correspondents of local users";
  }
}
