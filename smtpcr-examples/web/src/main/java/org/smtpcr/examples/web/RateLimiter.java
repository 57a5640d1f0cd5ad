package org.smtpcr.examples.web;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Token buckets in bounded memory: one per client (IPv4 address or IPv6 /64, since one host usually
 * holds a whole /64), one per client network (IPv4 /24 or IPv6 /48, so that a spread over a
 * network's addresses still meets a limit), and one per challenge token for POSTs (so that one link
 * cannot be answered without end). Each kind keeps at most {@code maxTracked} buckets, the least
 * recently used dropped first (a dropped bucket starts again full). A limit of 0 is off.
 * Thread-safe.
 */
final class RateLimiter {
  private static final long MINUTE = 60_000;
  private static final long HOUR = 3_600_000;
  private static final int TOKEN_KEY_BYTES = 16;

  private final Clock clock;
  private final Buckets clients;
  private final Buckets networks;
  private final Buckets tokens;

  /** Only the per-client limit. */
  RateLimiter(Clock clock, int perMinute, int maxTracked) {
    this(clock, perMinute, 0, 0, maxTracked);
  }

  /**
   * @param perMinute requests per client and minute (also the burst)
   * @param perMinutePerNetwork requests per client network and minute, 0 for no limit
   * @param postsPerTokenPerHour POSTs per token and hour, 0 for no limit
   * @param maxTracked buckets kept per kind at most
   */
  RateLimiter(
      Clock clock,
      int perMinute,
      int perMinutePerNetwork,
      int postsPerTokenPerHour,
      int maxTracked) {
    this.clock = requireNonNull(clock, "clock");
    checkArgument(perMinute > 0, "perMinute must be positive, got %s", perMinute);
    checkArgument(perMinutePerNetwork >= 0, "perMinutePerNetwork must be >= 0");
    checkArgument(postsPerTokenPerHour >= 0, "postsPerTokenPerHour must be >= 0");
    checkArgument(maxTracked > 0, "maxTracked must be positive, got %s", maxTracked);
    this.clients = new Buckets(perMinute, MINUTE, maxTracked);
    this.networks =
        perMinutePerNetwork == 0 ? null : new Buckets(perMinutePerNetwork, MINUTE, maxTracked);
    this.tokens =
        postsPerTokenPerHour == 0 ? null : new Buckets(postsPerTokenPerHour, HOUR, maxTracked);
  }

  /**
   * Takes one request from {@code client}'s bucket and its network's, or from neither when either
   * is empty.
   *
   * @return empty when allowed, else the seconds until the next request would be allowed
   */
  synchronized OptionalLong acquire(InetAddress client) {
    long now = clock.millis();
    Bucket c = clients.bucket(new Key(prefix(client, 4, 8)), now);
    Bucket n = networks == null ? null : networks.bucket(new Key(prefix(client, 3, 6)), now);
    long wait = Math.max(clients.waitMillis(c), n == null ? 0 : networks.waitMillis(n));
    if (wait > 0) {
      return OptionalLong.of(seconds(wait));
    }
    c.tokens -= 1;
    if (n != null) {
      n.tokens -= 1;
    }
    return OptionalLong.empty();
  }

  /**
   * Takes one POST from the bucket of {@code token} (compared without case, as the page does).
   *
   * @return empty when allowed, else the seconds until the next POST would be allowed
   */
  synchronized OptionalLong acquirePost(String token) {
    if (tokens == null) {
      return OptionalLong.empty();
    }
    Bucket b = tokens.bucket(new Key(digest(token)), clock.millis());
    long wait = tokens.waitMillis(b);
    if (wait > 0) {
      return OptionalLong.of(seconds(wait));
    }
    b.tokens -= 1;
    return OptionalLong.empty();
  }

  synchronized int trackedClients() {
    return clients.map.size();
  }

  synchronized int trackedNetworks() {
    return networks == null ? 0 : networks.map.size();
  }

  synchronized int trackedTokens() {
    return tokens == null ? 0 : tokens.map.size();
  }

  private static long seconds(long millis) {
    return Math.max(1, (millis + 999) / 1000);
  }

  private static byte[] prefix(InetAddress a, int v4Bytes, int v6Bytes) {
    byte[] b = a.getAddress();
    return Arrays.copyOf(b, a instanceof Inet6Address ? v6Bytes : v4Bytes);
  }

  /** A token is up to 1 KiB: keep 16 bytes of its SHA-256, not the token. */
  private static byte[] digest(String token) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(token.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
      return Arrays.copyOf(d, TOKEN_KEY_BYTES);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  /** The buckets of one kind: a capacity refilled over a period, an LRU map of bounded size. */
  private static final class Buckets {
    final double capacity;
    final double perMilli;
    final Map<Key, Bucket> map;

    Buckets(int capacity, long periodMillis, int maxTracked) {
      this.capacity = capacity;
      this.perMilli = capacity / (double) periodMillis;
      this.map =
          new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Bucket> eldest) {
              return size() > maxTracked;
            }
          };
    }

    /** The refilled bucket of {@code key}, created full. */
    Bucket bucket(Key key, long now) {
      Bucket b = map.get(key);
      if (b == null) {
        b = new Bucket(capacity, now);
        map.put(key, b);
      }
      long elapsed = Math.max(0, now - b.at);
      b.tokens = Math.min(capacity, b.tokens + elapsed * perMilli);
      b.at = now;
      return b;
    }

    /** 0 when the bucket holds a request, else the milliseconds until it does. */
    long waitMillis(Bucket b) {
      return b.tokens >= 1 ? 0 : Math.max(1, (long) Math.ceil((1 - b.tokens) / perMilli));
    }
  }

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  @SuppressWarnings("ArrayRecordComponent") // equals, hashCode and toString are overridden below
  private record Key(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Key[" + bytes.length + " bytes]";
    }
  }
}
