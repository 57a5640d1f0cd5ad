package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.smtpcr.tokens.MutableClock;

final class RateLimiterTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));

  @Test
  void acquire_burstUsed_refillsAtTheConfiguredRate() throws Exception {
    RateLimiter limiter = new RateLimiter(clock, 60, 100);
    InetAddress a = InetAddress.getByName("192.0.2.1");
    for (int i = 0; i < 60; i++) {
      assertEquals(OptionalLong.empty(), limiter.acquire(a), "request " + i);
    }
    assertEquals(OptionalLong.of(1), limiter.acquire(a));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(OptionalLong.empty(), limiter.acquire(a));
    assertTrue(limiter.acquire(a).isPresent());
  }

  @Test
  void acquire_otherClient_hasItsOwnBucket() throws Exception {
    RateLimiter limiter = new RateLimiter(clock, 1, 100);
    assertEquals(OptionalLong.empty(), limiter.acquire(InetAddress.getByName("192.0.2.1")));
    assertEquals(OptionalLong.of(60), limiter.acquire(InetAddress.getByName("192.0.2.1")));
    assertEquals(OptionalLong.empty(), limiter.acquire(InetAddress.getByName("192.0.2.2")));
  }

  @Test
  void acquire_ipv6SameSlash64_sharesOneBucket() throws Exception {
    RateLimiter limiter = new RateLimiter(clock, 1, 100);
    assertEquals(OptionalLong.empty(), limiter.acquire(InetAddress.getByName("2001:db8:1:2::1")));
    assertTrue(limiter.acquire(InetAddress.getByName("2001:db8:1:2:ffff::9")).isPresent());
    assertEquals(OptionalLong.empty(), limiter.acquire(InetAddress.getByName("2001:db8:1:3::1")));
  }

  @Test
  void acquire_manyClients_memoryStaysBounded() throws UnknownHostException {
    RateLimiter limiter = new RateLimiter(clock, 10, 50);
    for (int i = 0; i < 1000; i++) {
      limiter.acquire(InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i}));
    }
    assertEquals(50, limiter.trackedClients());
  }

  @Test
  void acquire_spreadOverASlash24_meetsTheNetworkLimit() throws Exception {
    RateLimiter limiter = new RateLimiter(clock, 60, 5, 0, 100);
    for (int i = 1; i <= 5; i++) {
      assertEquals(OptionalLong.empty(), limiter.acquire(InetAddress.getByName("192.0.2." + i)));
    }
    assertEquals(OptionalLong.of(12), limiter.acquire(InetAddress.getByName("192.0.2.77")));
    // another /24 has its own network bucket
    assertEquals(OptionalLong.empty(), limiter.acquire(InetAddress.getByName("192.0.3.1")));
    clock.advance(Duration.ofSeconds(12));
    assertEquals(OptionalLong.empty(), limiter.acquire(InetAddress.getByName("192.0.2.77")));
  }

  @Test
  void acquire_spreadOverAnIpv6Slash48_meetsTheNetworkLimit() throws Exception {
    RateLimiter limiter = new RateLimiter(clock, 60, 2, 0, 100);
    assertEquals(OptionalLong.empty(), limiter.acquire(InetAddress.getByName("2001:db8:1:1::1")));
    assertEquals(OptionalLong.empty(), limiter.acquire(InetAddress.getByName("2001:db8:1:2::1")));
    assertTrue(limiter.acquire(InetAddress.getByName("2001:db8:1:ffff::1")).isPresent());
    assertEquals(OptionalLong.empty(), limiter.acquire(InetAddress.getByName("2001:db8:2::1")));
  }

  @Test
  void acquire_refusedByTheClientBucket_takesNothingFromTheNetwork() throws Exception {
    RateLimiter limiter = new RateLimiter(clock, 1, 3, 0, 100);
    InetAddress a = InetAddress.getByName("192.0.2.1");
    assertEquals(OptionalLong.empty(), limiter.acquire(a));
    assertTrue(limiter.acquire(a).isPresent());
    assertTrue(limiter.acquire(a).isPresent());
    assertEquals(OptionalLong.empty(), limiter.acquire(InetAddress.getByName("192.0.2.2")));
    assertEquals(OptionalLong.empty(), limiter.acquire(InetAddress.getByName("192.0.2.3")));
    assertTrue(limiter.acquire(InetAddress.getByName("192.0.2.4")).isPresent());
  }

  @Test
  void acquirePost_tenPerTokenAndHour_caseInsensitive() {
    RateLimiter limiter = new RateLimiter(clock, 60, 0, 10, 100);
    for (int i = 0; i < 10; i++) {
      assertEquals(OptionalLong.empty(), limiter.acquirePost(i % 2 == 0 ? "abcDEF" : "ABCdef"));
    }
    assertEquals(OptionalLong.of(360), limiter.acquirePost("abcdef"));
    assertEquals(OptionalLong.empty(), limiter.acquirePost("other"));
    clock.advance(Duration.ofMinutes(6));
    assertEquals(OptionalLong.empty(), limiter.acquirePost("abcdef"));
    assertTrue(limiter.acquirePost("abcdef").isPresent());
  }

  @Test
  void acquirePost_off_neverLimits() {
    RateLimiter limiter = new RateLimiter(clock, 60, 0, 0, 100);
    for (int i = 0; i < 1000; i++) {
      assertEquals(OptionalLong.empty(), limiter.acquirePost("abc"));
    }
    assertEquals(0, limiter.trackedTokens());
  }

  @Test
  void everyKind_memoryStaysBounded() throws UnknownHostException {
    RateLimiter limiter = new RateLimiter(clock, 10, 10, 10, 50);
    for (int i = 0; i < 1000; i++) {
      limiter.acquire(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 8), (byte) i, 1}));
      limiter.acquirePost("token-" + i);
    }
    assertEquals(50, limiter.trackedClients());
    assertEquals(50, limiter.trackedNetworks());
    assertEquals(50, limiter.trackedTokens());
  }
}
