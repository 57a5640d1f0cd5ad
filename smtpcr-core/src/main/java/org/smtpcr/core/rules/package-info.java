/**
 * The built-in {@link org.smtpcr.core.spi.DecisionRule}s, in the default order of README.md: {@link
 * org.smtpcr.core.rules.ExemptRecipientsRule exempt recipients}, {@link
 * org.smtpcr.core.rules.TrustedClientsRule trusted clients}, {@link
 * org.smtpcr.core.rules.NullSenderRule the null sender}, {@link
 * org.smtpcr.core.rules.StaticWhitelistRule static whitelists}, {@link
 * org.smtpcr.core.rules.WhitelistStoreRule the whitelist store}, and the "magic passwords": {@link
 * org.smtpcr.core.rules.PassCodeRule pass codes} and {@link
 * org.smtpcr.core.rules.RecipientPasswordRule recipients' own passwords}. Each rule either accepts
 * or abstains (the null-sender rule may also reject); none challenges, that is the engine's
 * default.
 *
 * <p>Rules and {@link org.smtpcr.core.rules.IpNetwork} are immutable and thread-safe; their
 * builders are not. No method accepts or returns {@code null}. Addresses given to builders are
 * canonicalized with the builder's canonicalizer (default {@link
 * org.smtpcr.core.address.AddressCanonicalizer#standard()}; use the engine's). Passwords never
 * appear in {@code toString()}, logs or exceptions.
 *
 * @since 0.1.0
 */
package org.smtpcr.core.rules;
