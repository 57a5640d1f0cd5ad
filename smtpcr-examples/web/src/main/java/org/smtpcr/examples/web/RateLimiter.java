package org.smtpcr.examples.web;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A token bucket per client, in bounded memory: at most {@code maxClients} buckets, the least
 * recently used dropped first (a dropped client starts again with a full bucket). IPv6 clients are
 * counted per /64, since one host usually holds a whole /64. Thread-safe.
 */
final class RateLimiter {
  private final Clock clock;
  private final double capacity;
  private final double perMilli;
  private final Map<Key, Bucket> buckets;

  RateLimiter(Clock clock, int perMinute, int maxClients) {
    this.clock = clock;
    this.capacity = perMinute;
    this.perMilli = perMinute / 60_000.0;
    this.buckets =
        new LinkedHashMap<>(64, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, Bucket> eldest) {
            return size() > maxClients;
          }
        };
  }

  /**
   * Takes one request from {@code client}'s bucket.
   *
   * @return empty when allowed, else the seconds until the next request would be allowed
   */
  synchronized OptionalLong acquire(InetAddress client) {
    long now = clock.millis();
    Key key = Key.of(client);
    Bucket b = buckets.get(key);
    if (b == null) {
      b = new Bucket(capacity, now);
      buckets.put(key, b);
    }
    long elapsed = Math.max(0, now - b.at);
    b.tokens = Math.min(capacity, b.tokens + elapsed * perMilli);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.max(1, (long) Math.ceil((1 - b.tokens) / perMilli / 1000)));
  }

  synchronized int trackedClients() {
    return buckets.size();
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
    static Key of(InetAddress a) {
      byte[] b = a.getAddress();
      return new Key(a instanceof Inet6Address ? Arrays.copyOf(b, 8) : b);
    }

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
