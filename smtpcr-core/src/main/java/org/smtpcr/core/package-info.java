/**
 * The decision engine: a {@link org.smtpcr.core.Transaction} at a {@link org.smtpcr.core.Stage}
 * goes through an ordered chain of {@link org.smtpcr.core.DecisionRule}s and comes out as a
 * {@link org.smtpcr.core.Decision} (accept, challenge with a signed link, reject, defer);
 * {@link org.smtpcr.core.TransactionState} carries one mail transaction from RCPT to the end of
 * DATA, and {@link org.smtpcr.core.DecisionListener}s hear of every answer. Built-in rules are in
 * {@code org.smtpcr.core.rules}, whitelist stores in {@code org.smtpcr.core.store}, canonical
 * addresses in {@code org.smtpcr.core.address}, reply texts in {@code org.smtpcr.core.reply}.
 *
 * <p>Everything here is immutable and thread-safe except builders (mutable, one thread),
 * {@link org.smtpcr.core.RuleContext} (one decision, one thread) and
 * {@link org.smtpcr.core.TransactionState} (synchronized, one transaction). No method accepts or
 * returns {@code null}: absent values are {@link java.util.Optional} or empty collections. Keys and
 * tokens never appear in {@code toString()}, exceptions or logs; addresses appear only in DEBUG logs.
 * Exceptions are unchecked, rooted at {@link org.smtpcr.core.SmtpcrException}; a refusal is a
 * {@code Decision}, never an exception.
 *
 * @since 0.1.0
 */
package org.smtpcr.core;
