/**
 * Sender authentication in the transaction model: SPF (RFC 7208) for MAIL FROM and HELO, DKIM
 * signatures (RFC 6376) and DMARC (RFC 7489), and the {@link org.smtpcr.core.auth.AuthStanding} the
 * engine derives from them. A route either lets a {@link org.smtpcr.core.auth.SenderAuthenticator}
 * compute the results (the {@code smtpcr-auth} module has one on Apache jSPF, jDKIM and dnsjava) or
 * hands in what its MTA already knows.
 *
 * @since 0.2.0
 */
package org.smtpcr.core.auth;
