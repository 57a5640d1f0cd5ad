package org.smtpcr.core.store;

import org.smtpcr.core.SmtpcrException;

/**
 * A whitelist store could not do what was asked: the database is down, a query failed, the schema
 * is newer than this library, or a bounded store is full. The message names the operation and, for
 * SQL failures, the SQLState; it never contains credentials or connection URLs.
 *
 * <p>The decision engine turns a store failure into a temporary reply ({@code 451 4.3.0}), so no
 * mail is lost while the store is unavailable.
 *
 * @since 0.1.0
 */
public final class StoreException extends SmtpcrException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what failed, free of secrets
   */
  public StoreException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and its cause.
   *
   * @param message what failed, free of secrets
   * @param cause the underlying failure
   */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
