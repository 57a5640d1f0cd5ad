package org.smtpcr.examples.james;

import static java.util.Objects.requireNonNull;

import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.engine.TransactionState;
import org.smtpcr.examples.runtime.EnforcementMode;

/**
 * The engine's state for the mail transaction in progress, kept in the session's transaction
 * attachments from the first {@code RCPT TO} to the end of DATA; James drops it on {@code RSET},
 * {@code HELO}/{@code EHLO} and after DATA.
 *
 * @param engine the engine that began it
 * @param reversePath the reverse-path it was begun with
 * @param state the engine's state
 */
record OpenTransaction(
    DecisionEngine engine, String reversePath, TransactionState state, EnforcementMode mode) {
  static final AttachmentKey<OpenTransaction> KEY =
      AttachmentKey.of("org.smtpcr.examples.james.transaction", OpenTransaction.class);

  OpenTransaction {
    requireNonNull(engine, "engine");
    requireNonNull(reversePath, "reversePath");
    requireNonNull(state, "state");
    requireNonNull(mode, "mode");
  }

  /** Whether this is the state to go on with for {@code engine} and {@code reversePath}. */
  boolean matches(DecisionEngine other, String otherReversePath) {
    return engine == other && reversePath.equals(otherReversePath) && !state.isFinished();
  }

  /** No reverse-path: it is an address. */
  @Override
  public String toString() {
    return "OpenTransaction[" + state + "]";
  }
}
