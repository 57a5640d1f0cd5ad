package org.smtpcr.core.address;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The result of {@link AddressCanonicalizer#parse(String)}: the path as received, its canonical
 * address and the sub-address that canonicalization removed.
 *
 * @param original the path as received, without surrounding whitespace (angle brackets and source
 *     route kept); free of control characters and at most {@link AddressCanonicalizer#MAX_PATH_LENGTH}
 *     characters long
 * @param canonical the canonical address
 * @param subaddress the extension removed from the local part (for {@code bob+K3X9-ABCD@example.com}
 *     it is {@code K3X9-ABCD}, in its original case, without the separator); empty when there was
 *     none or it was empty
 * @since 0.1.0
 */
public record ParsedAddress(String original, CanonicalAddress canonical, Optional<String> subaddress) {

  /**
   * Checks that no component is null.
   *
   * @param original the path as received, trimmed
   * @param canonical the canonical address
   * @param subaddress the removed extension, if any
   * @since 0.1.0
   */
  public ParsedAddress {
    requireNonNull(original, "original");
    requireNonNull(canonical, "canonical");
    requireNonNull(subaddress, "subaddress");
  }

  /**
   * Returns whether canonicalization removed a non-empty sub-address.
   *
   * @return true if {@link #subaddress()} is present
   * @since 0.1.0
   */
  public boolean hasSubaddress() {
    return subaddress.isPresent();
  }
}
