package org.smtpcr.core.store;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import org.smtpcr.core.address.CanonicalAddress;

/**
 * What a whitelist entry vouches for: a sender (one canonical address, or a whole domain with its
 * subdomains) writing to a recipient (one canonical address, or anyone).
 *
 * <p>Both parts are plain strings so every store keeps them the same way: {@code sender} is a
 * canonical address ({@code alice@example.org}) or {@code @} followed by a canonical domain
 * ({@code @example.org}); {@code recipient} is a canonical address or {@value #ANY_RECIPIENT}. Use
 * the factories, which take canonical values; the constructor checks only the shape, so that keys
 * read back from a store are never silently changed. Which keys cover a given sender and recipient
 * is {@link WhitelistCandidates}' business.
 *
 * @param sender the sender address, or {@code @domain} for a sender domain
 * @param recipient the recipient address, or {@value #ANY_RECIPIENT} for every recipient
 * @since 0.1.0
 */
public record WhitelistKey(String sender, String recipient) {
  /** The recipient of a global entry, which applies to every recipient. */
  public static final String ANY_RECIPIENT = "*";

  /** Longest sender or recipient key, in characters. */
  public static final int MAX_LENGTH = 255;

  /**
   * Checks the shape of both parts.
   *
   * @throws IllegalArgumentException if a part is empty, longer than {@value #MAX_LENGTH}
   *     characters, contains a control character, or is neither an address nor (for the sender)
   *     {@code @domain} nor (for the recipient) {@value #ANY_RECIPIENT}
   */
  public WhitelistKey {
    requireNonNull(sender, "sender");
    requireNonNull(recipient, "recipient");
    checkPart(sender, "sender");
    checkPart(recipient, "recipient");
    if (sender.charAt(0) == '@') {
      checkArgument(
          sender.length() > 1 && sender.indexOf('@', 1) < 0,
          "a sender domain key is '@' followed by a domain");
    } else {
      checkAddress(sender, "sender");
    }
    if (!recipient.equals(ANY_RECIPIENT)) {
      checkAddress(recipient, "recipient");
    }
  }

  /**
   * The key for one sender writing to one recipient: what a confirmed challenge stores.
   *
   * @param sender the canonical sender
   * @param recipient the canonical recipient
   * @return the key
   */
  public static WhitelistKey pair(CanonicalAddress sender, CanonicalAddress recipient) {
    requireNonNull(sender, "sender");
    requireNonNull(recipient, "recipient");
    return new WhitelistKey(sender.value(), recipient.value());
  }

  /**
   * The key for every sender in {@code senderDomain} and its subdomains writing to one recipient.
   *
   * @param senderDomain a canonical domain, such as {@code example.org} (lowercase A-labels, no
   *     trailing dot)
   * @param recipient the canonical recipient
   * @return the key
   * @throws IllegalArgumentException if {@code senderDomain} is not canonical
   */
  public static WhitelistKey domain(String senderDomain, CanonicalAddress recipient) {
    requireNonNull(recipient, "recipient");
    return new WhitelistKey("@" + canonicalDomain(senderDomain), recipient.value());
  }

  /**
   * The key for every sender in {@code senderDomain} and its subdomains writing to anyone.
   *
   * @param senderDomain a canonical domain
   * @return the key
   * @throws IllegalArgumentException if {@code senderDomain} is not canonical
   */
  public static WhitelistKey globalDomain(String senderDomain) {
    return new WhitelistKey("@" + canonicalDomain(senderDomain), ANY_RECIPIENT);
  }

  /**
   * The key for one sender writing to anyone.
   *
   * @param sender the canonical sender
   * @return the key
   */
  public static WhitelistKey globalSender(CanonicalAddress sender) {
    requireNonNull(sender, "sender");
    return new WhitelistKey(sender.value(), ANY_RECIPIENT);
  }

  /**
   * Whether the sender part is a domain rather than one address.
   *
   * @return true for {@code @domain} keys
   */
  public boolean isDomain() {
    return sender.charAt(0) == '@';
  }

  /**
   * Whether the entry applies to every recipient.
   *
   * @return true when the recipient is {@value #ANY_RECIPIENT}
   */
  public boolean isGlobal() {
    return recipient.equals(ANY_RECIPIENT);
  }

  private static String canonicalDomain(String domain) {
    requireNonNull(domain, "senderDomain");
    checkArgument(
        !domain.isEmpty() && domain.length() <= 253, "sender domain must have 1..253 characters");
    // CanonicalAddress accepts only a canonical domain; the local part is a placeholder
    new CanonicalAddress("x", domain);
    return domain;
  }

  private static void checkPart(String s, String what) {
    checkArgument(
        !s.isEmpty() && s.length() <= MAX_LENGTH,
        "%s key must have 1..%s characters, got %s",
        what,
        MAX_LENGTH,
        s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      checkArgument(
          !Character.isISOControl(c) && c != '\u2028' && c != '\u2029',
          "%s key contains a control character at index %s",
          what,
          i);
    }
  }

  private static void checkAddress(String s, String what) {
    int at = s.lastIndexOf('@');
    checkArgument(at > 0 && at < s.length() - 1, "%s key is not an address (local@domain)", what);
  }
}
