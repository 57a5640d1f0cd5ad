/**
 * The decision engine: {@link org.smtpcr.core.engine.DecisionEngine} runs the standard rules (or a
 * chain of your own) on a transaction and answers a {@link org.smtpcr.core.DecisionOutcome}; {@link
 * org.smtpcr.core.engine.TransactionState} carries one mail transaction from RCPT to the end of
 * DATA, and {@link org.smtpcr.core.engine.DecisionListener}s hear of every answer.
 *
 * <p>The engine is immutable and thread-safe; builders are mutable (one thread); {@code
 * TransactionState} is synchronized and serves one transaction. No method accepts or returns {@code
 * null}.
 *
 * @since 0.1.0
 */
package org.smtpcr.core.engine;
