package org.smtpcr.core.reply;

/**
 * The replies {@link ReplyFormatter} builds, each with its own template and status.
 *
 * @since 0.1.0
 */
public enum ReplyKind {
  /** An unknown sender is asked to confirm; {@code 550 5.7.1} with the link on the last line. */
  CHALLENGE,
  /** A permanent refusal without a link; {@code 550 5.7.1}. */
  REJECT,
  /** A temporary failure, the engine's fallback when a rule or store fails; {@code 451 4.3.0}. */
  DEFER,
  /**
   * A recipient that must not share the transaction with recipients already accepted differently;
   * {@code 452 4.5.3}, so the sending MTA retries it in a new transaction.
   */
  PENDING_MIX,
  /**
   * The sender's domain says this client may not send its mail (SPF {@code fail}); {@code 550
   * 5.7.23} (RFC 7372), never with a link.
   *
   * @since 0.2.0
   */
  SPF_FAIL,
  /**
   * The sender's authentication could not be checked (DNS trouble); {@code 451 4.4.3}.
   *
   * @since 0.2.0
   */
  AUTH_TEMPORARY,
  /**
   * The sender would need to be authenticated by its domain (SPF or DKIM) and is not; {@code 550
   * 5.7.26} (RFC 7372), never with a link.
   *
   * @since 0.2.0
   */
  UNAUTHENTICATED,
  /**
   * A second or later recipient of mail from the null sender in one transaction (a real bounce has
   * one recipient); {@code 452 4.5.3}, so the sending MTA retries it in a transaction of its own.
   *
   * @since 0.3.0
   */
  NULL_SENDER_RECIPIENTS,
  /**
   * Mail from the null sender that is not a delivery or disposition notification (its top-level
   * Content-Type is not {@code multipart/report}); {@code 550 5.7.1}, never with a link.
   *
   * @since 0.3.0
   */
  NULL_SENDER_NOT_REPORT,
  /**
   * Mail from the null sender to a recipient who sent no mail recently, on a route that does not
   * see the message; {@code 550 5.7.1}, never with a link.
   *
   * @since 0.3.0
   */
  NULL_SENDER_UNEXPECTED,
  /**
   * A sender on the deny list; {@code 550 5.7.1}, never with a link. The default text says no more
   * than that the mail is not accepted.
   *
   * @since 0.3.0
   */
  DENIED,
  /**
   * A reverse-path the MTA accepted and the canonicalizer cannot read; {@code 451 4.1.7}: our
   * limitation, so never permanent.
   *
   * @since 0.3.0
   */
  SENDER_UNREADABLE,
  /**
   * A forward-path the MTA accepted and the canonicalizer cannot read; {@code 451 4.1.3}: our
   * limitation, so never permanent.
   *
   * @since 0.3.0
   */
  RECIPIENT_UNREADABLE,
  /**
   * A recipient outside the configured local domains, for whom no challenge link is minted; {@code
   * 550 5.7.1}, never with a link.
   *
   * @since 0.3.0
   */
  NOT_LOCAL,
  /**
   * No challenge link fits (the pair is too long for a token, or the link for a reply line); {@code
   * 550 5.7.1} whose text offers a person to write to ({@code postmaster} of the recipient's
   * domain, exempt by default) instead of the link.
   *
   * @since 0.3.0
   */
  NO_LINK
}
