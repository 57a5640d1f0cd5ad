package org.smtpcr.core.rules;

import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.address.InvalidAddressException;

/** Canonicalizes addresses and domains given to rule builders. */
final class Config {
  private Config() {}

  static CanonicalAddress address(AddressCanonicalizer c, String address, String what) {
    try {
      return c.canonicalize(address);
    } catch (InvalidAddressException e) {
      throw new IllegalArgumentException(what + " is not a valid address: " + e.getMessage(), e);
    }
  }

  static String domain(AddressCanonicalizer c, String domain) {
    try {
      return c.canonicalizeDomain(domain).value();
    } catch (InvalidAddressException e) {
      throw new IllegalArgumentException("not a valid domain: " + e.getMessage(), e);
    }
  }

  static String localPart(AddressCanonicalizer c, String localPart) {
    try {
      return c.canonicalize(localPart + "@example.invalid").localPart();
    } catch (InvalidAddressException e) {
      throw new IllegalArgumentException("not a valid local part: " + e.getMessage(), e);
    }
  }
}
