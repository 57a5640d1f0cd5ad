package org.smtpcr.core.store;

/**
 * What {@link WhitelistStore#confirm} did.
 *
 * @since 0.3.0
 */
public enum Confirmation {
  /** No unexpired entry was stored under the key; one was created. */
  CREATED,
  /**
   * An automatic entry (made by the page or by learning) was present and was renewed: it now
   * expires at the later of its old and new expiry, and keeps the stronger recorded authentication.
   */
  RENEWED,
  /** An entry an administrator made or changed was present; nothing was written. */
  KEPT
}
