/**
 * Canonical addresses: {@link org.smtpcr.core.address.AddressCanonicalizer} turns the paths MTAs
 * hand over (with angle brackets, source routes, IDN domains, quoted local parts, BATV and SRS
 * wrappers and sub-addresses) into the single {@link org.smtpcr.core.address.CanonicalAddress} form
 * used for whitelist keys and tokens.
 *
 * <p>Thread-safety: every type is immutable and safe to share, except the builder, which is meant
 * for one thread. Nullness: no method accepts or returns null; absent values are {@link
 * java.util.Optional}. Malformed input raises {@link
 * org.smtpcr.core.address.InvalidAddressException}, whose messages never echo the input.
 *
 * @since 0.1.0
 */
package org.smtpcr.core.address;
