package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.auth.SmtpcrAuthenticator;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.core.auth.SenderAuthenticator;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.reply.ReplyKind;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.tokens.KeyRing;

/**
 * The standard chain, built from {@link Settings}: the one place every route gets its engine from.
 * In the standard order ({@link StandardRules}): postmaster, abuse and the {@linkplain
 * Settings#EXEMPT_RECIPIENTS exempt recipients}; trusted clients (authenticated sessions and the
 * {@linkplain Settings#TRUSTED_NETWORKS trusted networks}); the null sender ({@link
 * Settings#NULL_SENDER}, {@link Settings#NULL_SENDER_NEEDS_OUTBOUND}); the store's deny list; the
 * whitelist store; pass codes (in the sub-address unless {@linkplain Settings#SUBADDRESS_PASS_CODES
 * turned off}, and in the Subject when {@linkplain Settings#SUBJECT_PASS_CODES asked}); the
 * recipients' own passwords from the {@linkplain Settings#RECIPIENT_PASSWORDS_FILE passwords file};
 * and the rules of the {@linkplain ListFiles list files}. The engine canonicalizes with {@link
 * Settings#canonicalizer()}, and authenticates senders with the {@linkplain
 * #authenticator(Settings) authenticator the settings ask for}: SPF at RCPT, DKIM and DMARC at the
 * end of DATA where the route sees the message, with the policy knobs ({@link
 * Settings#REJECT_SPF_FAIL}, {@link Settings#ADMIT_UNAUTHENTICATED}, {@link
 * Settings#HONOUR_UNVERIFIED_CONFIRMATIONS}, {@link Settings#TRUSTED_FORWARDERS}, {@link
 * Settings#AUTHENTICATION_OPTIONAL_DOMAINS}) and the {@linkplain Settings#TRUSTED_AUTHSERV_IDS
 * trusted authserv-ids}. Challenge links are minted only for recipients in the {@linkplain
 * Settings#LOCAL_DOMAINS local domains}; when none are set, every recipient counts as local and
 * building the engine logs one WARN.
 *
 * @since 0.1.0
 */
public final class StandardEngine {
  private static final Logger log = LoggerFactory.getLogger(StandardEngine.class);

  private StandardEngine() {}

  /**
   * A builder for the standard engine; the caller may add a listener (a route's is {@link
   * DecisionLog#from(Settings, KeyRing)}, with others after it) or a reply formatter, then builds
   * it. The builder has no reply formatter yet: pass the one you set through {@link
   * #replies(Settings, ReplyFormatter)}, so that {@link Settings#CHALLENGE_CODE} applies.
   *
   * @param settings the settings ({@link Settings#CHALLENGE_BASE} is required)
   * @param ring the key ring
   * @param store the whitelist store
   * @return the builder, with key ring, challenge base and lifetime, canonicalizer, failure reply
   *     (when set) and the rules set
   * @throws IllegalArgumentException naming the setting that the engine refuses
   * @since 0.1.0
   */
  public static DecisionEngine.Builder builder(
      Settings settings, KeyRing ring, WhitelistStore store) {
    return builder(settings, ring, store, UnaryOperator.identity());
  }

  /**
   * {@link #builder(Settings, KeyRing, WhitelistStore)}, with the {@linkplain
   * #authenticator(Settings) authenticator the settings ask for} passed through {@code
   * authenticators} first: to count its results, for instance ({@code
   * MicrometerAuthenticator.wrapping(registry)}).
   *
   * @param settings the settings ({@link Settings#CHALLENGE_BASE} is required)
   * @param ring the key ring
   * @param store the whitelist store
   * @param authenticators wraps the authenticator; not called when the settings ask for none
   * @return the builder
   * @throws IllegalArgumentException naming the setting that the engine refuses
   * @since 0.3.0
   */
  public static DecisionEngine.Builder builder(
      Settings settings,
      KeyRing ring,
      WhitelistStore store,
      UnaryOperator<SenderAuthenticator> authenticators) {
    requireNonNull(settings, "settings");
    return builder(settings, ring, store, authenticators, ListFiles.load(settings));
  }

  /**
   * {@link #builder(Settings, KeyRing, WhitelistStore, UnaryOperator)}, with the {@linkplain
   * ListFiles list files} read already: a server that keeps {@code lists} can {@linkplain
   * ListFiles#reload() reload} them (on {@code SIGHUP}) while the engine keeps running. The other
   * builders read the files the settings name once.
   *
   * @param settings the settings ({@link Settings#CHALLENGE_BASE} is required)
   * @param ring the key ring
   * @param store the whitelist store
   * @param authenticators wraps the authenticator; not called when the settings ask for none
   * @param lists the list files, {@linkplain ListFiles#load(Settings) read from the same settings}
   * @return the builder
   * @throws IllegalArgumentException naming the setting that the engine refuses
   * @since 0.3.0
   */
  public static DecisionEngine.Builder builder(
      Settings settings,
      KeyRing ring,
      WhitelistStore store,
      UnaryOperator<SenderAuthenticator> authenticators,
      ListFiles lists) {
    requireNonNull(settings, "settings");
    requireNonNull(lists, "lists");
    ReplyTemplates.from(settings); // a bad reply text stops the start, whichever route builds
    requireNonNull(ring, "ring");
    requireNonNull(store, "store");
    requireNonNull(authenticators, "authenticators");
    DecisionEngine.Builder b =
        DecisionEngine.builder().keyRing(ring).canonicalizer(settings.canonicalizer());
    try {
      b.challengeBase(settings.get(Settings.CHALLENGE_BASE));
    } catch (IllegalArgumentException e) {
      throw named(Settings.CHALLENGE_BASE, e);
    }
    try {
      b.challengeLifetime(settings.get(Settings.CHALLENGE_LIFETIME));
    } catch (IllegalArgumentException e) {
      throw named(Settings.CHALLENGE_LIFETIME, e);
    }
    if (settings.isSet(Settings.FAILURE_REPLY)) {
      try {
        b.failureReply(settings.get(Settings.FAILURE_REPLY));
      } catch (IllegalArgumentException e) {
        throw named(Settings.FAILURE_REPLY, e);
      }
    }
    authenticator(settings).map(authenticators).ifPresent(b::authenticator);
    StandardRules.Builder rules =
        StandardRules.builder()
            .whitelistStore(store)
            .subjectPassCodes(settings.get(Settings.SUBJECT_PASS_CODES))
            .subaddressPassCodes(settings.get(Settings.SUBADDRESS_PASS_CODES));
    if (settings.isSet(Settings.RECIPIENT_PASSWORDS_FILE)) {
      Path file = settings.get(Settings.RECIPIENT_PASSWORDS_FILE);
      try {
        RecipientPasswords.read(file).addTo(rules, settings.canonicalizer(), file.toString());
      } catch (IllegalArgumentException e) {
        throw named(Settings.RECIPIENT_PASSWORDS_FILE, e);
      }
    }
    for (String r : settings.get(Settings.EXEMPT_RECIPIENTS)) {
      try {
        if (r.indexOf('@') >= 0) {
          settings
              .canonicalizer()
              .forRecipients()
              .canonicalize(r); // refused here, with the setting's name
          rules.exemptRecipient(r);
        } else {
          rules.exemptLocalPart(r);
        }
      } catch (InvalidAddressException e) {
        throw named(Settings.EXEMPT_RECIPIENTS, new IllegalArgumentException(e.getMessage(), e));
      } catch (IllegalArgumentException e) {
        throw named(Settings.EXEMPT_RECIPIENTS, e);
      }
    }
    for (String n : settings.get(Settings.TRUSTED_NETWORKS)) {
      try {
        rules.trustedNetwork(n);
      } catch (IllegalArgumentException e) {
        throw named(Settings.TRUSTED_NETWORKS, e);
      }
    }
    rules
        .nullSender(settings.get(Settings.NULL_SENDER))
        // marks are written only by outbound learning: with learning off, nobody would ever have
        // one and every bounce on a route that does not see the message would be refused
        .nullSenderNeedsOutbound(
            settings.get(Settings.NULL_SENDER_NEEDS_OUTBOUND)
                && settings.get(Settings.LEARN_OUTBOUND));
    List<String> localDomains = settings.get(Settings.LOCAL_DOMAINS);
    for (String d : localDomains) {
      try {
        settings.canonicalizer().canonicalizeDomain(d); // refused here, with the setting's name
        rules.localDomain(d);
      } catch (InvalidAddressException e) {
        throw named(Settings.LOCAL_DOMAINS, new IllegalArgumentException(e.getMessage(), e));
      }
    }
    if (localDomains.isEmpty()) {
      log.warn(
          "no local domains configured ({}): challenge links are minted for every recipient the"
              + " MTA hands over; set them so that links go only to this site's own addresses",
          Settings.LOCAL_DOMAINS.key());
    }
    rules
        .rejectSpfFail(settings.get(Settings.REJECT_SPF_FAIL))
        .admitUnauthenticated(settings.get(Settings.ADMIT_UNAUTHENTICATED))
        .honourUnverifiedConfirmations(settings.get(Settings.HONOUR_UNVERIFIED_CONFIRMATIONS))
        .recipientPasswordAttempts(settings.get(Settings.RECIPIENT_PASSWORD_ATTEMPTS));
    for (String n : settings.get(Settings.TRUSTED_FORWARDERS)) {
      try {
        rules.trustedForwarder(n);
      } catch (IllegalArgumentException e) {
        throw named(Settings.TRUSTED_FORWARDERS, e);
      }
    }
    for (String d : settings.get(Settings.AUTHENTICATION_OPTIONAL_DOMAINS)) {
      try {
        rules.authenticationOptionalDomain(d);
      } catch (IllegalArgumentException e) {
        throw named(Settings.AUTHENTICATION_OPTIONAL_DOMAINS, e);
      }
    }
    for (String id : settings.get(Settings.TRUSTED_AUTHSERV_IDS)) {
      try {
        b.trustAuthenticationResults(id);
      } catch (IllegalArgumentException e) {
        throw named(Settings.TRUSTED_AUTHSERV_IDS, e);
      }
    }
    return b.rules(lists.addTo(rules).build());
  }

  /**
   * The reply texts a route uses, with what the settings change in them: the texts and statuses of
   * the {@linkplain Settings#REPLY_TEMPLATES_FILE reply-templates file}, then the {@linkplain
   * Settings#CHALLENGE_CODE challenge's code} ({@code 450 4.7.1} instead of {@code 550 5.7.1}) when
   * it is set. Every route passes its formatter through here, so that a setting means the same on
   * each: {@link ReplyFormatter#english()}, {@link
   * org.smtpcr.core.reply.PostfixReplies#formatter()} for Postfix, or a user's own.
   *
   * @param settings the settings
   * @param formatter the route's reply texts
   * @return {@code formatter}, or a copy with what the settings change
   * @throws IllegalArgumentException naming {@link Settings#REPLY_TEMPLATES_FILE}, the file and the
   *     line, when a line of that file is wrong
   * @since 0.3.0
   */
  public static ReplyFormatter replies(Settings settings, ReplyFormatter formatter) {
    requireNonNull(settings, "settings");
    requireNonNull(formatter, "formatter");
    ReplyFormatter f = ReplyTemplates.from(settings).apply(formatter);
    if (!settings.isSet(Settings.CHALLENGE_CODE)) {
      return f; // a formatter of the user's own keeps its challenge status
    }
    int code = settings.get(Settings.CHALLENGE_CODE);
    return f.withStatus(ReplyKind.CHALLENGE, code, Settings.challengeEnhancedStatus(code));
  }

  /**
   * The sender authenticator the settings ask for: SMTPCR's own ({@link SmtpcrAuthenticator}) on
   * the {@linkplain Settings#DNS_SERVER configured DNS server} (else the system's resolver), with
   * the {@linkplain Settings#DNS_TIMEOUT query time-out} and the {@linkplain Settings#AUTH_DEADLINE
   * deadline}; limited to SPF or to DKIM when the other is off; none when both {@link Settings#SPF}
   * and {@link Settings#DKIM} are off.
   *
   * @param settings the settings
   * @return the authenticator, or empty
   * @throws IllegalArgumentException naming the setting that the authenticator refuses, or when the
   *     SPF/DKIM libraries on the class path are too old for it
   * @since 0.2.0
   */
  public static Optional<SenderAuthenticator> authenticator(Settings settings) {
    requireNonNull(settings, "settings");
    boolean spf = settings.get(Settings.SPF);
    boolean dkim = settings.get(Settings.DKIM);
    if (!spf && !dkim) {
      return Optional.empty();
    }
    SmtpcrAuthenticator.Builder a = SmtpcrAuthenticator.builder();
    settings.find(Settings.DNS_SERVER).ifPresent(a::dnsServer);
    try {
      a.queryTimeout(settings.get(Settings.DNS_TIMEOUT));
    } catch (IllegalArgumentException e) {
      throw named(Settings.DNS_TIMEOUT, e);
    }
    try {
      a.deadline(settings.get(Settings.AUTH_DEADLINE));
    } catch (IllegalArgumentException e) {
      throw named(Settings.AUTH_DEADLINE, e);
    }
    SenderAuthenticator built;
    try {
      built = a.build();
    } catch (LinkageError e) {
      // an SPF/DKIM library loaded first (an MTA's own copy) that does not fit
      throw new IllegalArgumentException(
          Settings.SPF.key()
              + ": smtpcr-auth cannot run on the SPF/DKIM libraries on the class path ("
              + e.getClass().getSimpleName()
              + "); it needs Apache jSPF 1.0.3 or later, dnsjava 3.5 or later and jDKIM 0.3 or"
              + " later. Put"
              + " those first on the class path, or set spf and dkim off",
          e);
    }
    return Optional.of(spf && dkim ? built : new SelectedChecks(built, spf, dkim));
  }

  /**
   * The standard engine, with the {@linkplain DecisionLog decision log} as its listener and the
   * English reply texts ({@linkplain #replies(Settings, ReplyFormatter) as the settings change
   * them}).
   *
   * @param settings the settings
   * @param ring the key ring
   * @param store the whitelist store
   * @return the engine
   * @throws IllegalArgumentException naming the setting that the engine refuses
   * @since 0.1.0
   */
  public static DecisionEngine build(Settings settings, KeyRing ring, WhitelistStore store) {
    return builder(settings, ring, store)
        .listener(DecisionLog.from(settings, ring))
        .replyFormatter(replies(settings, ReplyFormatter.english()))
        .build();
  }

  private static IllegalArgumentException named(Setting<?> setting, IllegalArgumentException e) {
    return new IllegalArgumentException(setting.key() + ": " + e.getMessage(), e);
  }
}
