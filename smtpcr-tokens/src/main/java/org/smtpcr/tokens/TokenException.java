package org.smtpcr.tokens;

import static java.util.Objects.requireNonNull;

/**
 * A challenge token or pass code did not verify. Callers catch this one type and switch on {@link
 * #reason()}. The message says what was expected and what was seen; it never contains a key, a MAC,
 * or the token itself.
 *
 * @since 0.1.0
 */
public final class TokenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Why verification failed, in the order of the checks of the token format (the same for v1 and
   * v2).
   *
   * @since 0.1.0
   */
  public enum Reason {
    /**
     * Wrong length, a character outside the base32 alphabet, bad trailing bits, flags the version
     * does not allow, or a bad field.
     */
    MALFORMED,
    /** The version nibble is neither 1 nor 2. */
    UNSUPPORTED_VERSION,
    /** The key id is not in the key ring. */
    UNKNOWN_KEY,
    /** The tag does not match: the token was altered or made with another key. */
    BAD_SIGNATURE,
    /** Issued further in the future than the allowed clock skew. */
    NOT_YET_VALID,
    /** Past its lifetime plus the allowed clock skew. */
    EXPIRED
  }

  private final Reason reason;

  /**
   * Creates an exception for {@code reason}.
   *
   * @param reason why verification failed
   * @param message what was expected and what was seen, free of secrets
   */
  public TokenException(Reason reason, String message) {
    super(requireNonNull(message, "message"));
    this.reason = requireNonNull(reason, "reason");
  }

  /** Why verification failed. */
  public Reason reason() {
    return reason;
  }
}
