package org.smtpcr.core;

/**
 * The SMTP stage a {@link Transaction} is in, in protocol order (RFC 5321 §3.3).
 *
 * @since 0.1.0
 */
public enum Stage {
  /** The client connected; only its address is known. */
  CONNECT,
  /** The client said HELO or EHLO. */
  HELO,
  /** {@code MAIL FROM}: the reverse-path is known. */
  MAIL,
  /** {@code RCPT TO}: one forward-path is known. Challenges are decided here, per recipient. */
  RCPT,
  /** The end of DATA: the message headers are known. */
  DATA
}
