package org.smtpcr.benchmarks;

import static java.util.Objects.requireNonNull;

/**
 * The sender and recipient a verified JWT names: what a caller takes out of it.
 *
 * @param sender the sender claim
 * @param recipient the recipient claim
 */
public record Addresses(String sender, String recipient) {
  /** Checks that both are present. */
  public Addresses {
    requireNonNull(sender, "sender");
    requireNonNull(recipient, "recipient");
  }
}
