package org.smtpcr.benchmarks;

/** A JWT did not verify: bad signature, wrong key id, expired, not yet valid or a claim missing. */
public final class JwtRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message. */
  public JwtRejectedException(String message) {
    super(message);
  }

  /** With a message and cause. */
  public JwtRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
