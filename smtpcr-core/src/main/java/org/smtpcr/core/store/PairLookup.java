package org.smtpcr.core.store;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What {@link WhitelistStore#lookUp} found for the candidate keys of one (sender, recipient) pair:
 * the answers of {@link WhitelistStore#findDenial} and {@link WhitelistStore#findAny} together.
 *
 * @param denial the denied key that matched, or empty
 * @param entry the entry of the most specific candidate with an unexpired entry, or empty
 * @since 0.3.0
 */
public record PairLookup(Optional<WhitelistKey> denial, Optional<WhitelistEntry> entry) {
  /** Checks that no component is null. */
  public PairLookup {
    requireNonNull(denial, "denial");
    requireNonNull(entry, "entry");
  }
}
