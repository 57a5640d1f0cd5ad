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
  PENDING_MIX
}
