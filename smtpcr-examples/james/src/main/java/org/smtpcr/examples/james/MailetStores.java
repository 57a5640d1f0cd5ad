package org.smtpcr.examples.james;

import java.util.Optional;
import java.util.function.Function;
import javax.mail.MessagingException;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.examples.runtime.SharedStores;
import org.smtpcr.examples.runtime.StoreSpec;

/** What the mailet and the matcher share: opening the store, canonical addresses. */
final class MailetStores {
  private MailetStores() {}

  /**
   * Parses the store settings and takes a lease on the store.
   *
   * @param setting maps a {@link StoreSpec} name to its value
   * @param what the mailet or matcher, for the message
   * @throws MessagingException naming the setting that is wrong, never the URL or password
   */
  static SharedStores.Lease open(Function<String, Optional<String>> setting, String what)
      throws MessagingException {
    try {
      return SharedStores.acquire(StoreSpec.parse(setting));
    } catch (IllegalArgumentException e) {
      throw new MessagingException(what + ": " + e.getMessage());
    }
  }

  /** The canonical form of {@code address}, or empty when it has none. */
  static Optional<CanonicalAddress> canonical(AddressCanonicalizer canonicalizer, String address) {
    try {
      return Optional.of(canonicalizer.canonicalize(address));
    } catch (InvalidAddressException e) {
      return Optional.empty();
    }
  }
}
