package org.smtpcr.core.spi;

import org.smtpcr.core.auth.AuthenticationResults;

/**
 * The sender's authentication across the decisions of one mail transaction: computed once (on the
 * first decision that needs it), then reused for every recipient and completed at the end of DATA.
 * {@link RuleChain#evaluate(org.smtpcr.core.Transaction, SenderAuthState)} reads and fills it;
 * integrations that keep per-transaction state (the engine's {@code TransactionState}) hold one per
 * transaction. Not thread-safe.
 *
 * @since 0.2.0
 */
public final class SenderAuthState {
  private AuthenticationResults computed; // what the chain's authenticator found; null: not asked
  private boolean provisional;
  private final boolean seesMessage;

  private SenderAuthState(boolean seesMessage) {
    this.seesMessage = seesMessage;
  }

  /** Fresh state for a new transaction whose route does not promise to show the message. */
  public static SenderAuthState create() {
    return new SenderAuthState(false);
  }

  /**
   * Fresh state for a new transaction.
   *
   * @param seesMessage whether the route decides the end of DATA of this transaction with the
   *     message, so that a recipient may wait for it
   * @return the state
   * @since 0.3.0
   */
  public static SenderAuthState create(boolean seesMessage) {
    return new SenderAuthState(seesMessage);
  }

  /**
   * Whether the route decides the end of DATA of this transaction with the message.
   *
   * @return the value given to {@link #create(boolean)}
   * @since 0.3.0
   */
  public boolean seesMessage() {
    return seesMessage;
  }

  /** What the authenticator computed so far; {@link AuthenticationResults#notChecked()} if none. */
  public AuthenticationResults computed() {
    return computed != null ? computed : AuthenticationResults.notChecked();
  }

  /** Records results computed outside the chain, e.g. at the end of DATA. */
  public void record(AuthenticationResults results) {
    this.computed = results;
  }

  /**
   * Whether the last evaluation's negative answer rests on an authentication that the message
   * itself may still improve (a DKIM signature at the end of DATA), or that a rule wants to decide
   * with the message ({@link RuleContext#awaitMessage}): an integration that sees DATA then accepts
   * the recipient provisionally and decides at the end of DATA.
   */
  public boolean provisional() {
    return provisional;
  }

  boolean asked() {
    return computed != null;
  }

  void provisional(boolean p) {
    this.provisional = p;
  }
}
