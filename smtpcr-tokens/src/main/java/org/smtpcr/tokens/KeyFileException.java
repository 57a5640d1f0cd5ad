package org.smtpcr.tokens;

/**
 * A key file could not be understood. The message names the line and what was wrong with it; it
 * never repeats the line, since a key line holds a secret.
 *
 * @since 0.1.0
 */
public final class KeyFileException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message free of secrets. */
  public KeyFileException(String message) {
    super(message);
  }
}
