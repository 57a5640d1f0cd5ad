package org.smtpcr.core.store;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.smtpcr.core.address.CanonicalAddress;

/**
 * The keys under which an entry lets a sender write to a recipient: what a {@link WhitelistStore}
 * is asked about. Core computes them once, here, so that every store agrees on what an entry
 * covers; a store only looks keys up.
 *
 * <p>For {@code alice@mail.example.org} writing to {@code bob@example.com} the candidates are, most
 * specific first: the pair, the sender for anyone, then the sender's domain and each parent domain
 * ({@code @mail.example.org}, {@code @example.org}, {@code @org}), each for this recipient and for
 * anyone. A sender at an address literal ({@code alice@[192.0.2.1]}) has no parent domains.
 *
 * <p>The candidates are the cross product of {@link #senderKeys()} and {@link #recipientKeys()}; a
 * store may query by those two lists (one SQL {@code IN} per column) or walk {@link #keys()}.
 * Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class WhitelistCandidates {
  private final List<String> senderKeys;
  private final List<String> recipientKeys;

  private WhitelistCandidates(List<String> senderKeys, String recipient) {
    this.senderKeys = senderKeys;
    this.recipientKeys = List.of(recipient, WhitelistKey.ANY_RECIPIENT);
  }

  /**
   * The candidates for {@code sender} writing to {@code recipient}.
   *
   * @param sender the canonical sender
   * @param recipient the canonical recipient
   * @return the candidate keys
   */
  public static WhitelistCandidates of(CanonicalAddress sender, CanonicalAddress recipient) {
    requireNonNull(sender, "sender");
    requireNonNull(recipient, "recipient");
    List<String> senders = new ArrayList<>(4);
    senders.add(sender.value());
    String d = sender.domain();
    senders.add("@" + d);
    if (d.charAt(0) != '[') {
      for (int dot = d.indexOf('.'); dot >= 0; dot = d.indexOf('.', dot + 1)) {
        senders.add("@" + d.substring(dot + 1));
      }
    }
    return new WhitelistCandidates(List.copyOf(senders), recipient.value());
  }

  /**
   * The sender parts of the candidates, most specific first: the address, then {@code @domain} for
   * its domain and each parent domain.
   *
   * @return two or more sender keys, never empty
   */
  public List<String> senderKeys() {
    return senderKeys;
  }

  /**
   * The recipient parts of the candidates: the recipient address, then {@value
   * WhitelistKey#ANY_RECIPIENT}.
   *
   * @return the two recipient keys
   */
  public List<String> recipientKeys() {
    return recipientKeys;
  }

  /**
   * The candidate keys, most specific first: for each {@linkplain #senderKeys() sender key} in
   * turn, with the recipient and then with {@value WhitelistKey#ANY_RECIPIENT}.
   *
   * @return the keys, built on each call
   */
  public List<WhitelistKey> keys() {
    List<WhitelistKey> keys = new ArrayList<>(senderKeys.size() * recipientKeys.size());
    for (String s : senderKeys) {
      for (String r : recipientKeys) {
        keys.add(new WhitelistKey(s, r));
      }
    }
    return List.copyOf(keys);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WhitelistCandidates c
        && senderKeys.equals(c.senderKeys)
        && recipientKeys.equals(c.recipientKeys);
  }

  @Override
  public int hashCode() {
    return 31 * senderKeys.hashCode() + recipientKeys.hashCode();
  }

  @Override
  public String toString() {
    return "WhitelistCandidates[senders=" + senderKeys + ", recipients=" + recipientKeys + "]";
  }
}
