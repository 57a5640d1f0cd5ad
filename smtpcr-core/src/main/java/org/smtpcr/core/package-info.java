/**
 * The transaction model every other package builds on: a {@link org.smtpcr.core.Transaction} at a
 * {@link org.smtpcr.core.Stage}, its {@link org.smtpcr.core.Header}s, the {@link
 * org.smtpcr.core.Decision} an engine answers (accept, challenge with a signed link, reject, defer)
 * and the {@link org.smtpcr.core.DecisionOutcome} that says which rule decided. The engine is in
 * {@code org.smtpcr.core.engine}, the rule SPI in {@code org.smtpcr.core.spi}, built-in rules in
 * {@code org.smtpcr.core.rules}, whitelist stores in {@code org.smtpcr.core.store}, canonical
 * addresses in {@code org.smtpcr.core.address}, reply texts in {@code org.smtpcr.core.reply}.
 *
 * <p>Packages import downward only: {@code engine} → {@code rules} → {@code spi} → {@code store} →
 * {@code address} → this package → {@code reply}.
 *
 * <p>Everything here is immutable and thread-safe except builders (mutable, one thread). No method
 * accepts or returns {@code null}: absent values are {@link java.util.Optional} or empty
 * collections. Exceptions are unchecked, rooted at {@link org.smtpcr.core.SmtpcrException}; a
 * refusal is a {@code Decision}, never an exception.
 *
 * @since 0.1.0
 */
package org.smtpcr.core;
