/**
 * Challenge tokens and pass codes of SMTPCR format v1: HMAC-SHA256 signed, stateless, short enough
 * for an SMTP reply, with key rotation through a {@link org.smtpcr.tokens.KeyRing}.
 *
 * <p>All types are immutable and thread-safe unless they are builders. No method accepts or returns
 * {@code null}. Keys never appear in {@code toString()}, exceptions or logs.
 *
 * @since 0.1.0
 */
package org.smtpcr.tokens;
