package org.smtpcr.core;

/**
 * Root of the unchecked exceptions thrown by {@code smtpcr-core}. A rejection is never an
 * exception: it is a {@code Decision}. Messages never contain keys, tokens or message bodies.
 *
 * @since 0.1.0
 */
public class SmtpcrException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message. */
  public SmtpcrException(String message) {
    super(message);
  }

  /** Creates an exception with a message and a cause. */
  public SmtpcrException(String message, Throwable cause) {
    super(message, cause);
  }
}
