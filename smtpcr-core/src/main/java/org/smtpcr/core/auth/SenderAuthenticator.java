package org.smtpcr.core.auth;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;

/**
 * Computes {@link AuthenticationResults}: the SPI a route or the engine calls when the MTA has not
 * already handed them in. The {@code smtpcr-auth} module implements it on Apache jSPF, jDKIM and
 * dnsjava, with bounded DNS.
 *
 * <p>Implementations are thread-safe, block the calling thread for DNS (call them from a worker,
 * never from an event loop), and never throw for DNS trouble: a time-out or a server failure is a
 * {@code temperror} in the results.
 *
 * @since 0.2.0
 */
public interface SenderAuthenticator {
  /**
   * SPF for MAIL FROM and HELO (RFC 7208 §2.3, §2.4) for this client, and the DMARC policy of the
   * MAIL FROM domain.
   *
   * @param client the SMTP client's address
   * @param helo the HELO/EHLO argument as sent, or empty
   * @param mailFrom the reverse-path without angle brackets ({@code alice@example.org}); empty for
   *     the null sender, which is then checked as {@code postmaster@<helo>}
   * @return the results; never null
   */
  AuthenticationResults checkSender(InetAddress client, String helo, String mailFrom);

  /**
   * DKIM signatures of the message and DMARC for its From: domain, using {@code atRcpt} for SPF
   * alignment. The returned results are {@code atRcpt} merged with what the message showed, with
   * {@link AuthenticationResults#messageChecked()} true.
   *
   * @param atRcpt what {@link #checkSender} returned (or the MTA handed in)
   * @param mailFrom the reverse-path without angle brackets; empty for the null sender
   * @param message the whole message as received (header and body, CRLF line ends); read to its end
   *     or to the implementation's size bound, not closed
   * @throws IOException if reading the message fails (not for DNS trouble)
   */
  AuthenticationResults checkMessage(
      AuthenticationResults atRcpt, String mailFrom, InputStream message) throws IOException;
}
