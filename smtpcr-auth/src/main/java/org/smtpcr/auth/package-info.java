/**
 * SMTPCR's sender authentication: {@link org.smtpcr.auth.SmtpcrAuthenticator}, an {@link
 * org.smtpcr.core.auth.SenderAuthenticator} on Apache jSPF, Apache jDKIM and dnsjava with bounded
 * DNS. No type of those libraries appears in this package's signatures.
 *
 * <p>No method accepts or returns null. Everything here is thread-safe except the builder.
 *
 * @since 0.2.0
 */
package org.smtpcr.auth;
