package org.smtpcr.core.store;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.smtpcr.core.address.CanonicalAddress;

/**
 * Which local users sent mail recently, kept as {@linkplain WhitelistStore#countIfUnder counters}
 * in the whitelist store so that every front end of a site sees them. Outbound learning marks the
 * local sender of every accepted outbound message; the null-sender rule, on routes that do not see
 * the message, accepts a bounce only for a recipient with a mark (a bounce answers mail that was
 * sent).
 *
 * @since 0.3.0
 */
public final class OutboundMarks {
  /** The prefix of every mark's counter key. */
  public static final String KEY_PREFIX = "outbound:";

  private OutboundMarks() {}

  /**
   * The counter key of {@code localUser}'s marks.
   *
   * @param localUser the canonical local address
   * @return {@code outbound:} followed by the address
   */
  public static String key(CanonicalAddress localUser) {
    requireNonNull(localUser, "localUser");
    return KEY_PREFIX + localUser.value();
  }

  /**
   * The bucket that marks {@code localUser} as having sent mail at {@code now}, for {@code
   * lifetime}: its window ends at the first UTC midnight at least {@code lifetime} after {@code
   * now} (so one day's messages share one window), and it has no practical limit.
   *
   * @param localUser the canonical local address
   * @param now the time of the message
   * @param lifetime how long a mark counts, at least one minute
   * @return the bucket to pass to {@link WhitelistStore#countIfUnder}
   */
  public static RateBucket mark(CanonicalAddress localUser, Instant now, Duration lifetime) {
    requireNonNull(now, "now");
    requireNonNull(lifetime, "lifetime");
    checkArgument(
        lifetime.compareTo(Duration.ofMinutes(1)) >= 0, "lifetime must be at least a minute");
    Instant end = now.plus(lifetime).truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
    return new RateBucket(key(localUser), end, Long.MAX_VALUE);
  }

  /**
   * Whether {@code localUser} has a mark that has not run out.
   *
   * @param store the store
   * @param localUser the canonical local address
   * @return whether a mark counts
   * @throws StoreException if the store cannot read
   */
  public static boolean sentRecently(WhitelistStore store, CanonicalAddress localUser) {
    requireNonNull(store, "store");
    return store.countOf(key(localUser)) > 0;
  }
}
