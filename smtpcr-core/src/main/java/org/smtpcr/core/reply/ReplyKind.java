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
  UNAUTHENTICATED
}
