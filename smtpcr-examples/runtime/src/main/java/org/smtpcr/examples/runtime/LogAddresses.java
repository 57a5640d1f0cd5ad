package org.smtpcr.examples.runtime;

/**
 * What the decision log and the page's log lines write for an address: the sender, the recipient
 * and the client's IP address ({@link Settings#LOG_ADDRESSES}).
 *
 * @since 0.3.0
 */
public enum LogAddresses {
  /** The address itself. */
  FULL,
  /**
   * A keyed hash of the address ({@code h<key id>:<16 hex digits>}): the same address gives the
   * same value on every host of the site while its active key stays the same, and the address
   * cannot be read back from it without the site's key ring.
   */
  HASH,
  /** Nothing: the field is left out of the line. */
  NONE
}
