package org.smtpcr.core.address;

import org.smtpcr.core.SmtpcrException;

/**
 * Thrown when a path or address cannot be parsed or canonicalized. The message says what is wrong
 * (and where) but never echoes the input, which comes from the peer and may be arbitrarily long or
 * hostile.
 *
 * @since 0.1.0
 */
public final class InvalidAddressException extends SmtpcrException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message that does not contain the rejected input.
   *
   * @param message what is wrong with the input
   */
  public InvalidAddressException(String message) {
    super(message);
  }
}
