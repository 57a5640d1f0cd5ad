package org.smtpcr.examples.james;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.address.CanonicalDomain;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.core.internal.LogSafe;
import org.smtpcr.examples.runtime.OutboundLearning;
import org.smtpcr.examples.runtime.SettingGrammar;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.runtime.SharedStores;
import org.smtpcr.examples.runtime.StoreSpec;

/**
 * Learns from outbound mail: when a local user writes to someone elsewhere, that correspondent is
 * whitelisted for the user, so that replies pass without a challenge. For mail from a sender in a
 * local domain ({@link MailetContext#isLocalServer}, and, when the {@code localDomains} parameter
 * is given, one of those domains or a subdomain), and by default only when the sender authenticated
 * over SMTP as that sender (the mail carries {@link Mail#SMTP_AUTH_USER}, and it names the sender's
 * address or, without virtual hosting, its local part), each recipient outside the local domains is
 * stored as the pair (sender = that recipient, recipient = our user), both in canonical form. Local
 * recipients are not learned.
 *
 * <p>A mailet runs in James's mailet container, which takes mail from the spool queue: James's
 * {@code SendMailHandler} puts the mail there at the end of DATA, once every hook accepted it. So
 * nothing is learned at RCPT, or from a transaction that ends in RSET or a refused DATA.
 *
 * <p>The mail itself is never changed or stopped: a store that fails is logged at WARN and the mail
 * goes on.
 *
 * <pre>{@code
 * <mailet match="All" class="org.smtpcr.examples.james.SmtpcrLearnRecipients">
 *   <storeUrl>jdbc:h2:/var/lib/smtpcr/whitelist</storeUrl>
 * </mailet>
 * }</pre>
 *
 * Parameters: {@code storeUrl} (required), {@code storeUser}, {@code storePassword}, {@code
 * storeDriverClass}, {@code storePoolSize}, {@code storeConnectionTimeout}, {@code
 * storeTablePrefix} (as for {@link SmtpcrRcptHook}'s {@code store}; equal settings share one pool);
 * {@code authenticatedOnly} (default true); {@code localDomains} (default: James's domains only);
 * {@code entryLifetime} (also spelt {@code learnLifetime}; a duration such as {@code 30d} or {@code
 * P30D}, or {@code forever}; default 365 days); {@code subaddressSeparators} (default {@code +}).
 * The lifetime rule is the runtime's {@link OutboundLearning}: an administrator's entry is never
 * changed, a learned one never shortened.
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

  private final Clock clock;
  private volatile SharedStores.Lease lease;
  private volatile boolean authenticatedOnly = true;
  private volatile OutboundLearning learning;
  private volatile List<CanonicalDomain> localDomains = List.of();
  private volatile AddressCanonicalizer canonicalizer = Settings.defaults().canonicalizer();

  /** The constructor James calls. */
  public SmtpcrLearnRecipients() {
    this(Clock.systemUTC());
  }

  SmtpcrLearnRecipients(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * Reads the parameters and opens (or shares) the whitelist store.
   *
   * @throws MessagingException if a parameter is unknown, missing or wrong; the message never
   *     contains the store URL or password
   */
  @Override
  public void init() throws MessagingException {
    checkInitParameters(
        Set.of(
            AUTHENTICATED_ONLY,
            ENTRY_LIFETIME,
            Settings.LEARN_LIFETIME.key(),
            Settings.LOCAL_DOMAINS.key(),
            Settings.SUBADDRESS_SEPARATORS.key(),
            storeParameter(StoreSpec.URL),
            storeParameter(StoreSpec.USER),
            storeParameter(StoreSpec.PASSWORD),
            storeParameter(StoreSpec.DRIVER_CLASS),
            storeParameter(StoreSpec.POOL_SIZE),
            storeParameter(StoreSpec.CONNECTION_TIMEOUT),
            storeParameter(StoreSpec.TABLE_PREFIX)));
    Settings settings;
    boolean authOnly;
    List<CanonicalDomain> domains;
    try {
      // the mailet's parameters are read as every route reads settings (entryLifetime is
      // learnLifetime)
      settings = Settings.read(name -> getInitParameterAsOptional(name).stream().toList());
      authOnly =
          getInitParameterAsOptional(AUTHENTICATED_ONLY)
              .filter(v -> !v.isBlank())
              .map(v -> SettingGrammar.bool(AUTHENTICATED_ONLY, v))
              .orElse(true);
      domains = canonicalDomains(settings);
    } catch (IllegalArgumentException e) {
      throw new MessagingException("SmtpcrLearnRecipients: " + e.getMessage());
    }
    SharedStores.Lease next =
        MailetStores.open(
            name -> getInitParameterAsOptional(storeParameter(name)), "SmtpcrLearnRecipients");
    authenticatedOnly = authOnly;
    localDomains = domains;
    canonicalizer = settings.canonicalizer();
    learning = OutboundLearning.of(settings, next.store(), clock);
    SharedStores.Lease previous = lease;
    lease = next;
    if (previous != null) {
      previous.close();
    }
  }

  private static List<CanonicalDomain> canonicalDomains(Settings settings) {
    List<CanonicalDomain> out = new ArrayList<>();
    for (String d : settings.get(Settings.LOCAL_DOMAINS)) {
      try {
        out.add(settings.canonicalizer().canonicalizeDomain(d));
      } catch (InvalidAddressException e) {
        throw new IllegalArgumentException(
            Settings.LOCAL_DOMAINS.key() + ": not a domain name: " + e.getMessage(), e);
      }
    }
    return List.copyOf(out);
  }

  /** {@code storeUrl} for {@code url}, and so on. */
  static String storeParameter(String name) {
    return STORE_PREFIX + Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  /**
   * Whitelists the remote recipients of a local user's mail for that user; leaves the mail as it
   * is.
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
    MaybeSender maybeSender = mail.getMaybeSender();
    if (maybeSender.isNullSender()) {
      return;
    }
    MailAddress sender = maybeSender.get();
    Optional<CanonicalAddress> ours =
        MailetStores.canonical(canonicalizer.forRecipients(), sender.asString());
    if (ours.isEmpty()) {
      return;
    }
    Optional<String> user =
        mail.getAttribute(Mail.SMTP_AUTH_USER)
            .flatMap(a -> a.getValue().valueAs(String.class))
            .filter(u -> !u.isBlank());
    if (user.isPresent() ? !isUser(user.get(), ours.get()) : authenticatedOnly) {
      log.debug(
          "SmtpcrLearnRecipients: mail {} is not from an authenticated user sending as themselves;"
              + " nothing learned",
          LogSafe.of(String.valueOf(mail.getName())));
      return;
    }
    MailetContext context = getMailetContext();
    if (!context.isLocalServer(sender.getDomain()) || !inLocalDomains(ours.get())) {
      return;
    }
    OutboundLearning learn = learning;
    int learned = 0;
    for (MailAddress recipient : mail.getRecipients()) {
      if (context.isLocalServer(recipient.getDomain())) {
        continue;
      }
      try {
        if (learn.learn(sender.asString(), recipient.asString())) {
          learned++;
        }
      } catch (RuntimeException e) {
        log.warn(
            "SmtpcrLearnRecipients could not write to the whitelist store ({}); mail {} goes on unlearned",
            e.getClass().getName(),
            mail.getName());
        return;
      }
    }
    log.debug(
        "SmtpcrLearnRecipients learned {} correspondents from mail {}", learned, mail.getName());
  }

  /**
   * Whether the authenticated {@code user} is the sender: James names a user by the whole address
   * with virtual hosting, else by the local part. Compared in canonical form (case, sub-address).
   * Aliases do not count: mail sent from an alias is not learned.
   */
  private boolean isUser(String user, CanonicalAddress sender) {
    if (user.indexOf('@') >= 0) {
      return MailetStores.canonical(canonicalizer.forRecipients(), user)
          .map(sender::equals)
          .orElse(false);
    }
    return MailetStores.canonical(canonicalizer.forRecipients(), user + "@" + sender.domain())
        .map(sender::equals)
        .orElse(false);
  }

  private boolean inLocalDomains(CanonicalAddress sender) {
    List<CanonicalDomain> domains = localDomains;
    if (domains.isEmpty()) {
      return true;
    }
    CanonicalDomain d;
    try {
      d = canonicalizer.canonicalizeDomain(sender.domain());
    } catch (InvalidAddressException e) {
      return false;
    }
    for (CanonicalDomain local : domains) {
      if (d.isWithin(local)) {
        return true;
      }
    }
    return false;
  }

  /** Gives back the whitelist store; the last user closes its connection pool. */
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
