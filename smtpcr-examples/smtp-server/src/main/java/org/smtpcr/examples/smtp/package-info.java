/**
 * An embedded SMTP server on SubEthaSMTP that runs SMTPCR inside the SMTP transaction: {@link
 * org.smtpcr.examples.smtp.SmtpcrSmtpServer} asks the {@link org.smtpcr.core.engine.DecisionEngine}
 * at MAIL, at each RCPT and at the end of DATA (for pass codes in the Subject), answers a challenge
 * with the engine's multi-line reply, and delivers accepted mail into a Maildir.
 *
 * <p><b>What lands in the Maildir.</b> Exactly the message as the client sent it after SMTP
 * dot-unstuffing, CRLF line ends included: no {@code Received}, {@code Return-Path} or {@code
 * Delivered-To} header is added, so a file compares byte for byte with what was sent (and the
 * envelope is not recorded). Files are written to {@code tmp/}, forced to disk, then renamed into
 * {@code new/}.
 *
 * <p>The server never relays: every accepted message goes into the one Maildir. With local domains
 * configured, recipients in other domains are refused with {@code 550 5.7.1}.
 *
 * <p>No method accepts or returns {@code null}. Builders are mutable and for one thread; the server
 * is thread-safe.
 *
 * @since 0.1.0
 */
package org.smtpcr.examples.smtp;
