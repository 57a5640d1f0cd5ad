package org.smtpcr.core.store;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One window of a persistent counter: events counted under {@code key} until {@code windowEnd},
 * refused beyond {@code limit}. Windows are identified by their key and end: a per-day limit uses
 * the start of the next UTC day as its end, so every front end that shares the store counts into
 * the same window. A store deletes windows whose end has passed in {@link
 * WhitelistStore#removeExpired()}.
 *
 * @param key what is counted, such as {@code confirm-rcpt:bob@example.com} or {@code
 *     confirm-net:192.0.2.0/24}; 1 to {@value #MAX_KEY_LENGTH} characters without control
 *     characters
 * @param windowEnd when the window closes (exclusive)
 * @param limit the most events the window holds, at least 1
 * @since 0.3.0
 */
public record RateBucket(String key, Instant windowEnd, long limit) {
  /** Longest key, in characters. */
  public static final int MAX_KEY_LENGTH = 300;

  /** Checks the key's shape and the limit. */
  public RateBucket {
    requireNonNull(key, "key");
    requireNonNull(windowEnd, "windowEnd");
    checkArgument(
        !key.isEmpty() && key.length() <= MAX_KEY_LENGTH,
        "bucket key must have 1..%s characters",
        MAX_KEY_LENGTH);
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      checkArgument(
          !Character.isISOControl(c) && c != '\u2028' && c != '\u2029',
          "bucket key contains a control character at index %s",
          i);
    }
    checkArgument(limit >= 1, "limit must be at least 1, got %s", limit);
  }
}
