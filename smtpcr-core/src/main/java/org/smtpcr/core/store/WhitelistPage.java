package org.smtpcr.core.store;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One page of {@link WhitelistStore#list(int)} or {@link WhitelistStore#listAfter(WhitelistKey,
 * int)}.
 *
 * @param entries the entries of this page, in the store's key order
 * @param next the key to pass to {@link WhitelistStore#listAfter} for the following page; empty on
 *     the last page
 * @since 0.1.0
 */
public record WhitelistPage(List<WhitelistEntry> entries, Optional<WhitelistKey> next) {
  /** Copies the entries and checks that nothing is null. */
  public WhitelistPage {
    entries = List.copyOf(entries);
    requireNonNull(next, "next");
  }
}
