package org.smtpcr.tokens;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * What a verified challenge token says: the (canonical) sender who may confirm, for which
 * (canonical) recipient, when the token was issued, for how long it is valid, and how the sender
 * was authenticated when it was challenged.
 *
 * <p>Only {@link ChallengeTokens#verify} returns these for a token; nothing from a token that did
 * not verify ever reaches a caller.
 *
 * @param keyId the id of the key that signed the token
 * @param issuedAt when the token was minted, to the second
 * @param lifetime how long the token is valid after {@code issuedAt}, in whole minutes
 * @param sender the canonical sender address
 * @param recipient the canonical recipient address
 * @param authentication how the sender was authenticated when the token was minted: what a format
 *     v2 token carries; {@link SenderAuthentication#UNCHECKED} for a format v1 token
 * @since 0.1.0
 */
public record ChallengeClaims(
    int keyId,
    Instant issuedAt,
    Duration lifetime,
    String sender,
    String recipient,
    SenderAuthentication authentication) {
  /** Checks the fields. */
  public ChallengeClaims {
    checkArgument(keyId >= 0 && keyId <= KeyRing.MAX_KEY_ID, "key id must be 0..15, got %s", keyId);
    requireNonNull(issuedAt, "issuedAt");
    requireNonNull(lifetime, "lifetime");
    requireNonNull(sender, "sender");
    requireNonNull(recipient, "recipient");
    requireNonNull(authentication, "authentication");
  }

  /**
   * Claims that say nothing about the sender's authentication ({@link
   * SenderAuthentication#UNCHECKED}), as a format v1 token does.
   *
   * @param keyId the id of the key that signed the token
   * @param issuedAt when the token was minted, to the second
   * @param lifetime how long the token is valid after {@code issuedAt}, in whole minutes
   * @param sender the canonical sender address
   * @param recipient the canonical recipient address
   */
  public ChallengeClaims(
      int keyId, Instant issuedAt, Duration lifetime, String sender, String recipient) {
    this(keyId, issuedAt, lifetime, sender, recipient, SenderAuthentication.UNCHECKED);
  }

  /** When the token stops being valid, not counting the clock skew a verifier allows. */
  public Instant expiresAt() {
    return issuedAt.plus(lifetime);
  }
}
