package org.smtpcr.core.address;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * A domain in the one canonical form SMTPCR compares and stores: lowercase ASCII, internationalized
 * labels as A-labels, no trailing dot; or an address literal such as {@code [192.0.2.1]} in its
 * normal form. Made by {@link AddressCanonicalizer#canonicalizeDomain(String)} from a domain as
 * configured or received, or taken from {@link CanonicalAddress#canonicalDomain()}.
 *
 * <p>Immutable; equal when the values are equal.
 *
 * @since 0.1.0
 */
public final class CanonicalDomain {
  private final String value;

  private CanonicalDomain(String value) {
    this.value = value;
  }

  /** For this package: a domain the canonicalizer has just normalized. */
  static CanonicalDomain trusted(String value) {
    return new CanonicalDomain(value);
  }

  /**
   * Checks that {@code value} is already canonical (as {@link #value()} returns it).
   *
   * @param value a canonical domain, such as {@code xn--bcher-kva.example}
   * @return the domain
   * @throws IllegalArgumentException if the text is not a canonical domain
   */
  public static CanonicalDomain parseCanonical(String value) {
    requireNonNull(value, "value");
    checkArgument(
        value.length() <= AddressSyntax.MAX_DOMAIN_LENGTH + 2 && !value.endsWith("."),
        "not a canonical domain");
    String normal;
    try {
      normal = AddressSyntax.normalizeDomain(value);
    } catch (InvalidAddressException e) {
      throw new IllegalArgumentException("not a canonical domain: " + e.getMessage(), e);
    }
    checkArgument(normal.equals(value), "not a canonical domain (not in lowercase A-label form)");
    return new CanonicalDomain(value);
  }

  /**
   * The canonical text.
   *
   * @return such as {@code example.com} or {@code [192.0.2.1]}
   */
  public String value() {
    return value;
  }

  /**
   * Whether this is an address literal rather than a domain name.
   *
   * @return true for {@code [192.0.2.1]} and {@code [ipv6:...]}
   */
  public boolean isAddressLiteral() {
    return value.startsWith("[");
  }

  /**
   * The domains this one is a subdomain of, nearest first, down to a single label: {@code
   * a.b.example.com} has {@code b.example.com}, {@code example.com}, {@code com}. An address
   * literal has none.
   *
   * @return the parent domains, nearest first
   */
  public List<CanonicalDomain> parents() {
    List<CanonicalDomain> parents = new ArrayList<>();
    if (isAddressLiteral()) {
      return parents;
    }
    for (int dot = value.indexOf('.'); dot >= 0; dot = value.indexOf('.', dot + 1)) {
      parents.add(new CanonicalDomain(value.substring(dot + 1)));
    }
    return parents;
  }

  /**
   * Whether this domain is {@code other} or one of its subdomains.
   *
   * @param other a domain
   * @return true for {@code mail.example.com} within {@code example.com}, and for equal domains
   */
  public boolean isWithin(CanonicalDomain other) {
    requireNonNull(other, "other");
    return value.equals(other.value) || (!isAddressLiteral() && value.endsWith("." + other.value));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CanonicalDomain d && value.equals(d.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** The canonical text, as {@link #value()}. */
  @Override
  public String toString() {
    return value;
  }
}
