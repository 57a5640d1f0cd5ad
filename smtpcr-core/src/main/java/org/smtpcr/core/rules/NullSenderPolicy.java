package org.smtpcr.core.rules;

/**
 * What the standard chain does with mail from the null sender {@code <>} (bounces, delivery status
 * notifications, read receipts): it is never challenged, since no person can answer a challenge
 * sent to a bounce, so it needs a policy of its own.
 *
 * @since 0.3.0
 */
public enum NullSenderPolicy {
  /**
   * Accepted where it looks like a real bounce (the default): one recipient per transaction
   * (further ones get {@code 452 4.5.3}); where the route sees the message, only a delivery or
   * disposition notification ({@code multipart/report}); where it does not, only for a recipient
   * who sent mail recently, when a whitelist store records outbound mail. See {@link
   * NullSenderRule}.
   */
  BOUNCES,
  /**
   * Accepted for every recipient, whatever the message (the behaviour before 0.3.0). Whoever sends
   * spam from {@code <>} then reaches every recipient: an explicit opt-in for sites that filter
   * bounces elsewhere.
   */
  ANY,
  /** Refused at RCPT with the reject reply ({@code 550 5.7.1}, no link). */
  REJECT
}
