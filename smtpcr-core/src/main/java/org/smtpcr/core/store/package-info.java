/**
 * Whitelist stores: the only state SMTPCR keeps. A {@link org.smtpcr.core.store.WhitelistStore}
 * remembers confirmed (sender, recipient) pairs and whitelisted sender domains, each optionally
 * until an expiry instant. {@link org.smtpcr.core.store.InMemoryWhitelistStore} is bounded and
 * meant for tests and callers who persist elsewhere; {@link
 * org.smtpcr.core.store.JdbcWhitelistStore} keeps the whitelist in H2 (embedded) or PostgreSQL
 * (shared by several MX hosts) and manages its own schema.
 *
 * <p>Keys are canonical address strings (see {@link org.smtpcr.core.address.CanonicalAddress}).
 * Which keys let a sender write to a recipient (the pair, the sender for anyone, the sender's
 * domain and its parent domains) is computed once, by {@link
 * org.smtpcr.core.store.WhitelistCandidates}; a store only looks keys up. A store of your own is
 * checked by the public contract fixture {@code
 * org.smtpcr.core.store.testing.WhitelistStoreContract} in this module's test jar (see {@code
 * docs/stores.md}). Stores are thread-safe; their failures are reported as {@link
 * org.smtpcr.core.store.StoreException}, never as checked exceptions. No method accepts or returns
 * {@code null}.
 *
 * @since 0.1.0
 */
package org.smtpcr.core.store;
