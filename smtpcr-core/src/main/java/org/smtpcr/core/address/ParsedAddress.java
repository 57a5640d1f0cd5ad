package org.smtpcr.core.address;

import static java.util.Objects.requireNonNull;

import java.util.Objects;
import java.util.Optional;

/**
 * The result of {@link AddressCanonicalizer#parse(String)}: the path as received, its canonical
 * address and the sub-address that canonicalization removed. Only the canonicalizer makes one.
 *
 * <p>Immutable; two results are equal when all three parts are.
 *
 * @since 0.1.0
 */
public final class ParsedAddress {
  private final String original;
  private final CanonicalAddress canonical;
  private final Optional<String> subaddress;

  /** {@code subaddress} is null or empty when there was none. */
  ParsedAddress(String original, CanonicalAddress canonical, String subaddress) {
    this.original = requireNonNull(original, "original");
    this.canonical = requireNonNull(canonical, "canonical");
    this.subaddress =
        subaddress == null || subaddress.isEmpty() ? Optional.empty() : Optional.of(subaddress);
  }

  /**
   * The path as received, without surrounding whitespace (angle brackets and source route kept).
   *
   * @return the path, free of control characters and at most {@link
   *     AddressCanonicalizer#MAX_PATH_LENGTH} characters long
   */
  public String original() {
    return original;
  }

  /**
   * The canonical address.
   *
   * @return the canonical address
   */
  public CanonicalAddress canonical() {
    return canonical;
  }

  /**
   * The extension removed from the local part: for {@code bob+K3X9-ABCD@example.com} it is {@code
   * K3X9-ABCD}, in its original case, without the separator.
   *
   * @return the extension, or empty when there was none or it was empty
   */
  public Optional<String> subaddress() {
    return subaddress;
  }

  /**
   * Returns whether canonicalization removed a non-empty sub-address.
   *
   * @return true if {@link #subaddress()} is present
   */
  public boolean hasSubaddress() {
    return subaddress.isPresent();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParsedAddress p
        && original.equals(p.original)
        && canonical.equals(p.canonical)
        && subaddress.equals(p.subaddress);
  }

  @Override
  public int hashCode() {
    return Objects.hash(original, canonical, subaddress);
  }

  @Override
  public String toString() {
    return "ParsedAddress[original="
        + original
        + ", canonical="
        + canonical
        + ", subaddress="
        + subaddress
        + "]";
  }
}
