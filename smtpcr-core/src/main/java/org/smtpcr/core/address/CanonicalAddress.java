package org.smtpcr.core.address;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * An address in the one canonical form that whitelist keys and tokens use (README.md, "Canonical
 * addresses"): the domain in lowercase A-labels without a trailing dot (or a normalized address
 * literal such as {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]}), the local part NFC-normalized
 * with ASCII letters lowercased, unquoted when it is a dot-atom and otherwise a quoted string in
 * which only {@code "} and {@code \} are escaped. Tags and sub-addresses are not part of it; they
 * are removed by {@link AddressCanonicalizer}, which is how instances are normally obtained.
 *
 * <p>The constructor only accepts values that are already canonical (so a stored key read back is
 * checked, not silently changed); use {@link AddressCanonicalizer#canonicalize(String)} to
 * normalize input.
 *
 * <p>Immutable; two addresses are equal when their local parts and domains are. {@link #value()} is
 * computed once.
 *
 * @since 0.1.0
 */
public final class CanonicalAddress {
  private final String localPart;
  private final String domain;
  private final String value;

  /**
   * Checks that both parts are canonical and that {@code local@domain} has at most 254 UTF-8
   * octets.
   *
   * @param localPart the canonical local part
   * @param domain the canonical domain
   * @throws IllegalArgumentException if a part is not in canonical form or the address is too long
   */
  public CanonicalAddress(String localPart, String domain) {
    requireNonNull(localPart, "localPart");
    requireNonNull(domain, "domain");
    checkArgument(isCanonicalLocal(localPart), "local part is not in canonical form");
    checkArgument(isCanonicalDomain(domain), "domain is not in canonical form");
    int bytes = AddressSyntax.utf8Length(localPart) + 1 + AddressSyntax.utf8Length(domain);
    checkArgument(
        bytes <= AddressSyntax.MAX_ADDRESS_BYTES,
        "canonical address has %s UTF-8 octets, limit %s",
        bytes,
        AddressSyntax.MAX_ADDRESS_BYTES);
    this.localPart = localPart;
    this.domain = domain;
    this.value = localPart + '@' + domain;
  }

  /** Parts the canonicalizer has just produced, canonical by construction: not checked again. */
  private CanonicalAddress(String localPart, String domain, String value) {
    this.localPart = localPart;
    this.domain = domain;
    this.value = value;
  }

  /**
   * For {@link AddressCanonicalizer}: parts that are canonical by construction (its property tests
   * check that the public constructor accepts every address it makes).
   */
  static CanonicalAddress trusted(String localPart, String domain) {
    // with assertions on (every test run), each address the canonicalizer makes is held to the
    // constructor's checks
    assert isCanonicalLocal(localPart) && isCanonicalDomain(domain)
        : "the canonicalizer made a non-canonical address";
    return new CanonicalAddress(localPart, domain, localPart + '@' + domain);
  }

  /**
   * The canonical local part, e.g. {@code bob} or {@code "john doe"}.
   *
   * @return the local part
   */
  public String localPart() {
    return localPart;
  }

  /**
   * The canonical domain, e.g. {@code xn--bcher-kva.example} or {@code [192.0.2.1]}.
   *
   * @return the domain
   */
  public String domain() {
    return domain;
  }

  /**
   * The domain as a {@link CanonicalDomain}.
   *
   * @return the canonical domain
   */
  public CanonicalDomain canonicalDomain() {
    return CanonicalDomain.trusted(domain);
  }

  /**
   * Parses a string produced by {@link #value()} back into an address, checking that it is
   * canonical.
   *
   * @param value {@code local@domain} in canonical form
   * @return the address
   * @throws InvalidAddressException if {@code value} is not a canonical address
   */
  public static CanonicalAddress parseCanonical(String value) {
    requireNonNull(value, "value");
    if (value.length() > AddressCanonicalizer.MAX_PATH_LENGTH) {
      throw new InvalidAddressException(
          "canonical address is "
              + value.length()
              + " characters long, limit "
              + AddressCanonicalizer.MAX_PATH_LENGTH);
    }
    int at = value.lastIndexOf('@');
    if (at <= 0 || at == value.length() - 1) {
      throw new InvalidAddressException("canonical address needs a local part, '@' and a domain");
    }
    try {
      return new CanonicalAddress(value.substring(0, at), value.substring(at + 1));
    } catch (IllegalArgumentException e) {
      throw new InvalidAddressException(e.getMessage());
    }
  }

  /**
   * Returns {@code localPart@domain}.
   *
   * @return the address as text, without angle brackets
   */
  public String value() {
    return value;
  }

  /** Equal when the other is a {@code CanonicalAddress} with the same local part and domain. */
  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof CanonicalAddress other
            && value.equals(other.value)
            && domain.length() == other.domain.length());
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /**
   * Returns {@link #value()}.
   *
   * @return the address as text
   */
  @Override
  public String toString() {
    return value();
  }

  private static boolean isCanonicalLocal(String local) {
    try {
      return local.equals(AddressSyntax.canonicalLocalSyntax(local));
    } catch (InvalidAddressException e) {
      return false;
    }
  }

  private static boolean isCanonicalDomain(String domain) {
    if (domain.isEmpty() || domain.endsWith(".")) {
      return false;
    }
    try {
      return domain.equals(AddressSyntax.normalizeDomain(domain));
    } catch (InvalidAddressException e) {
      return false;
    }
  }
}
