/**
 * The rule SPI: implement {@link org.smtpcr.core.spi.DecisionRule} to add a check of your own; it
 * sees a transaction through a {@link org.smtpcr.core.spi.RuleContext}. A {@link
 * org.smtpcr.core.spi.RuleChain} is the immutable, ordered chain of rules an engine runs, together
 * with what its contexts need (canonicalizer, reply texts, clock, challenge tokens).
 *
 * <p>Rules and chains are thread-safe; a {@code RuleContext} serves one decision on one thread. No
 * method accepts or returns {@code null}. Keys and tokens never appear in {@code toString()},
 * exceptions or logs; addresses appear only in DEBUG logs.
 *
 * @since 0.1.0
 */
package org.smtpcr.core.spi;
