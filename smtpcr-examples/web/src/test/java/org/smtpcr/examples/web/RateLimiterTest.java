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
}
