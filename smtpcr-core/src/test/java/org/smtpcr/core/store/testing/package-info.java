/**
 * The public test fixture for {@link org.smtpcr.core.store.WhitelistStore} implementations: {@link
 * org.smtpcr.core.store.testing.WhitelistStoreContract}, an abstract JUnit 5 class that a store's
 * test extends. Shipped in the {@code smtpcr-core} test jar; {@code docs/stores.md} shows how to
 * use it. The in-memory, H2 and PostgreSQL stores of SMTPCR run it.
 *
 * <p>The fixture's tests are not thread-safe (JUnit runs one at a time per instance); the stores
 * under test must be. No method accepts or returns {@code null}.
 *
 * @since 0.1.0
 */
package org.smtpcr.core.store.testing;
