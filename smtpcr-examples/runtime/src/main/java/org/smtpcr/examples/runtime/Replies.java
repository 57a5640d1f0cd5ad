package org.smtpcr.examples.runtime;

import org.smtpcr.core.reply.SmtpReply;

/**
 * The reply texts every route shares.
 *
 * @since 0.1.0
 */
public final class Replies {
  /**
   * The text of a temporary failure of our own.
   *
   * @since 0.1.0
   */
  public static final String FAILURE_TEXT = "Temporary local problem, please try again.";

  /**
   * A temporary failure of our own, {@code 451 4.3.0}: the sending MTA retries.
   *
   * @since 0.1.0
   */
  public static final SmtpReply FAILURE = SmtpReply.of(451, "4.3.0", FAILURE_TEXT);

  /**
   * {@link #FAILURE} as one line: code, enhanced status and text.
   *
   * @since 0.1.0
   */
  public static final String FAILURE_LINE = "451 4.3.0 " + FAILURE_TEXT;

  private Replies() {}
}
