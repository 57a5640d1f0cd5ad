package org.smtpcr.examples.james;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.internal.LogSafe;
import org.smtpcr.core.store.StoreException;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.runtime.SharedStores;
import org.smtpcr.examples.runtime.StoreSpec;

/**
 * Matches the recipients for whom the mail's sender is whitelisted in the SMTPCR store: a confirmed
 * pair, the sender for everyone, or the sender's domain (see {@link
 * org.smtpcr.core.store.WhitelistCandidates}). For processing in the mailet pipeline, such as
 * filing mail from unconfirmed senders apart instead of challenging them in SMTP.
 *
 * <pre>{@code
 * <mailet match="org.smtpcr.examples.james.SenderIsWhitelisted=jdbc:h2:/var/lib/smtpcr/whitelist"
 *         class="ToProcessor">
 *   <processor>transport</processor>
 * </mailet>
 * }</pre>
 *
 * The condition is the store's JDBC URL (H2 or PostgreSQL); credentials go into the URL ({@code
 * ;USER=...;PASSWORD=...} for H2, {@code ?user=...&password=...} for PostgreSQL). A site whose
 * sub-address separators are not {@code +} names them first, as it does for the hook, so that the
 * matcher reads addresses with the engine's canonicalizer: {@code
 * SenderIsWhitelisted=subaddressSeparators=- jdbc:h2:/var/lib/smtpcr/whitelist}. Mail from the null
 * sender matches no recipient.
 *
 * <p>When the store fails, the matcher matches no recipient and logs a WARN; it never throws. The
 * mail was accepted already: an exception would send it to James's error processor (by default, the
 * error repository), where nobody reads it. Give the mailet {@code onMatchException="noMatch"} too,
 * so that anything else that goes wrong in matching has the same outcome.
 *
 * <p>Thread-safe after {@link #init()}.
 *
 * @since 0.1.0
 */
public final class SenderIsWhitelisted extends GenericMatcher {
  private static final Logger log = LoggerFactory.getLogger(SenderIsWhitelisted.class);
  private static final String SEPARATORS = Settings.SUBADDRESS_SEPARATORS.key() + "=";

  private volatile SharedStores.Lease lease;
  private volatile AddressCanonicalizer canonicalizer = Settings.defaults().canonicalizer();

  /** The constructor James calls. */
  public SenderIsWhitelisted() {}

  /**
   * Opens (or shares) the store named by the condition.
   *
   * @throws MessagingException if the condition is missing or not a usable JDBC URL; the message
   *     never contains the URL
   */
  @Override
  public void init() throws MessagingException {
    String condition = getCondition();
    if (condition != null && condition.strip().startsWith(SEPARATORS)) {
      String[] parts = condition.strip().split("\\s+", 2);
      try {
        canonicalizer =
            Settings.builder()
                .set(
                    Settings.SUBADDRESS_SEPARATORS,
                    Settings.SUBADDRESS_SEPARATORS.parse(parts[0].substring(SEPARATORS.length())))
                .build()
                .canonicalizer();
      } catch (IllegalArgumentException e) {
        throw new MessagingException("SenderIsWhitelisted: " + e.getMessage());
      }
      condition = parts.length > 1 ? parts[1] : "";
    }
    String url = condition;
    if (url == null || url.isBlank()) {
      throw new MessagingException(
          "SenderIsWhitelisted needs the whitelist store's JDBC URL as its condition:"
              + " SenderIsWhitelisted=jdbc:...");
    }
    SharedStores.Lease next =
        MailetStores.open(
            name -> name.equals(StoreSpec.URL) ? Optional.of(url) : Optional.empty(),
            "SenderIsWhitelisted");
    SharedStores.Lease previous = lease;
    lease = next;
    if (previous != null) {
      previous.close();
    }
  }

  /**
   * The recipients for whom the sender is whitelisted, in the mail's order.
   *
   * @param mail the mail
   * @return the matching recipients; empty for the null sender, and when the store fails (logged at
   *     WARN)
   * @throws MessagingException if the matcher was not initialized
   */
  @Override
  public Collection<MailAddress> match(Mail mail) throws MessagingException {
    SharedStores.Lease l = lease;
    if (l == null) {
      throw new MessagingException("SenderIsWhitelisted was not initialized");
    }
    return match(mail, l.store());
  }

  /** {@link #match(Mail)} against {@code store}. */
  Collection<MailAddress> match(Mail mail, WhitelistStore store) {
    MaybeSender maybeSender = mail.getMaybeSender();
    if (maybeSender.isNullSender()) {
      return List.of();
    }
    Optional<CanonicalAddress> sender =
        MailetStores.canonical(canonicalizer, maybeSender.get().asString());
    if (sender.isEmpty()) {
      return List.of();
    }
    List<MailAddress> matched = new ArrayList<>();
    for (MailAddress recipient : mail.getRecipients()) {
      Optional<CanonicalAddress> r =
          MailetStores.canonical(canonicalizer.forRecipients(), recipient.asString());
      if (r.isEmpty()) {
        continue;
      }
      try {
        if (store.containsAny(WhitelistCandidates.of(sender.get(), r.get()))) {
          matched.add(recipient);
        }
      } catch (RuntimeException e) {
        // the mail is accepted already: no match (it goes on as from an unknown sender), never the
        // error processor. A StoreException names the operation and SQLState only; anything else,
        // its class. No address in the line.
        log.warn(
            "SenderIsWhitelisted: the whitelist store failed ({}); mail {} matches no recipient",
            e instanceof StoreException
                ? LogSafe.of(String.valueOf(e.getMessage()))
                : e.getClass().getName(),
            LogSafe.of(String.valueOf(mail.getName())));
        return List.of();
      }
    }
    return matched;
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
   * Describes the matcher.
   *
   * @return a short description
   */
  @Override
  public String getMatcherInfo() {
    return "SMTPCR: recipients for whom the sender is whitelisted";
  }
}
