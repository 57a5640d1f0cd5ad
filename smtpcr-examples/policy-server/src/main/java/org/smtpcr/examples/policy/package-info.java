/**
 * A Postfix SMTPD policy delegation server ({@code check_policy_service}) that asks the SMTPCR
 * {@link org.smtpcr.core.engine.DecisionEngine} at {@code RCPT TO}: {@link
 * org.smtpcr.examples.policy.PolicyServer}.
 *
 * <p>No method of this package accepts or returns {@code null}; absent values are {@link
 * java.util.Optional} or empty collections. Types are immutable and thread-safe unless they say
 * otherwise (builders are not).
 *
 * @since 0.1.0
 */
package org.smtpcr.examples.policy;
