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
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalAddress;
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
 * sender matches no recipient. When the store fails, {@link #match} throws, and James handles the
 * mail as its {@code onMatchException} setting says (by default, the error processor).
 *
 * <p>Thread-safe after {@link #init()}.
 *
 * @since 0.1.0
 */
public final class SenderIsWhitelisted extends GenericMatcher {
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
   * @return the matching recipients; empty for the null sender
   * @throws MessagingException if the store fails or the matcher was not initialized
   */
  @Override
  public Collection<MailAddress> match(Mail mail) throws MessagingException {
    SharedStores.Lease l = lease;
    if (l == null) {
      throw new MessagingException("SenderIsWhitelisted was not initialized");
    }
    MaybeSender maybeSender = mail.getMaybeSender();
    if (maybeSender.isNullSender()) {
      return List.of();
    }
    Optional<CanonicalAddress> sender =
        MailetStores.canonical(canonicalizer, maybeSender.get().asString());
    if (sender.isEmpty()) {
      return List.of();
    }
    WhitelistStore store = l.store();
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
        // a StoreException names the operation and SQLState only; anything else, its class
        throw new MessagingException(
            "SenderIsWhitelisted: the whitelist store failed: "
                + (e instanceof StoreException ? e.getMessage() : e.getClass().getName()));
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
