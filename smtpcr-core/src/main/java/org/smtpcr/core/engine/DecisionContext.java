package org.smtpcr.core.engine;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.Optional;
import org.smtpcr.core.Transaction;

/**
 * Who a decision was about, as a {@link DecisionListener} sees it: the client and the envelope of
 * the transaction decided, as the MTA handed them in (not canonicalized), for a decision log an
 * administrator can match with the MTA's own. It holds personal data (addresses): a listener that
 * writes it somewhere decides what to keep, hash or leave out.
 *
 * @param clientAddress the SMTP client's address
 * @param clientName the client's host name as the MTA verified it, or empty
 * @param helo the HELO or EHLO name, or empty
 * @param reversePath the reverse-path as received ({@code <>} for the null sender), or empty before
 *     MAIL
 * @param forwardPath the forward-path decided, or empty (before RCPT; at the end of DATA, when no
 *     recipient was left to decide)
 * @param queueId the MTA's queue id for the message, or empty
 * @since 0.3.0
 */
public record DecisionContext(
    InetAddress clientAddress,
    Optional<String> clientName,
    Optional<String> helo,
    Optional<String> reversePath,
    Optional<String> forwardPath,
    Optional<String> queueId) {
  /** Checks the components. */
  public DecisionContext {
    requireNonNull(clientAddress, "clientAddress");
    requireNonNull(clientName, "clientName");
    requireNonNull(helo, "helo");
    requireNonNull(reversePath, "reversePath");
    requireNonNull(forwardPath, "forwardPath");
    requireNonNull(queueId, "queueId");
  }

  /**
   * The context of a transaction at the stage it is in.
   *
   * @param transaction the transaction decided
   * @return its client, envelope and queue id
   */
  public static DecisionContext from(Transaction transaction) {
    requireNonNull(transaction, "transaction");
    return new DecisionContext(
        transaction.clientAddress(),
        transaction.clientName(),
        transaction.helo(),
        transaction.reversePath(),
        transaction.forwardPath(),
        transaction.queueId());
  }
}
