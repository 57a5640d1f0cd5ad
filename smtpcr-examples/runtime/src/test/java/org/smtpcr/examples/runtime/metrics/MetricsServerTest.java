package org.smtpcr.examples.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.core.store.testing.UnavailableWhitelistStore;
import org.smtpcr.examples.runtime.CoarseClock;

/** {@code /metrics} and {@code /healthz} over a real socket, with a plain HTTP client. */
final class MetricsServerTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static MetricsServer start(WhitelistStore store) throws Exception {
    return MetricsServer.builder()
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .store(store)
        .build()
        .start();
  }

  static HttpResponse<String> get(MetricsServer server, String path) throws Exception {
    return send(server, HttpRequest.newBuilder(uri(server, path)).GET());
  }

  private static HttpResponse<String> send(MetricsServer server, HttpRequest.Builder request)
      throws Exception {
    return HTTP.send(
        request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(MetricsServer server, String path) {
    InetSocketAddress a = server.address();
    return URI.create("http://127.0.0.1:" + a.getPort() + path);
  }

  @Test
  void metrics_prometheusTextWithJvmBasicsAndOwnMeters() throws Exception {
    try (MetricsServer server = start(InMemoryWhitelistStore.builder().build())) {
      server.registry().counter("smtpcr.test.things").increment(3);
      HttpResponse<String> r = get(server, "/metrics");
      assertEquals(200, r.statusCode());
      assertTrue(
          r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
          r.headers()::toString);
      assertTrue(r.body().contains("smtpcr_test_things_total 3.0"), r.body());
      assertTrue(r.body().contains("jvm_memory_used_bytes"), r.body());
      assertTrue(r.body().contains("jvm_threads_live_threads"), r.body());
      assertTrue(r.body().contains("process_uptime_seconds"), r.body());
    }
  }

  @Test
  void newRegistry_rotatesByTheCoarseClock_andTimesByNanoTime() {
    io.micrometer.core.instrument.Clock clock = MetricsServer.newRegistry().config().clock();
    // the wall time is the coarse clock's, not the system clock's: looked at while the coarse
    // clock is at least 2 ms behind the system's (most of each tick), where the two differ
    int seen = 0;
    for (int i = 0; i < 10_000_000 && seen < 3; i++) {
      long coarse = CoarseClock.currentTimeMillis();
      long wall = clock.wallTime();
      long system = System.currentTimeMillis();
      if (CoarseClock.currentTimeMillis() == coarse && system - coarse >= 2) {
        assertEquals(coarse, wall, "the coarse clock's time, " + (system - coarse) + " ms behind");
        seen++;
      }
    }
    assertEquals(3, seen, "the coarse clock was never 2 ms behind the system's");
    long nanos = System.nanoTime();
    long monotonic = clock.monotonicTime();
    assertTrue(monotonic >= nanos && monotonic - nanos < 60_000_000_000L, () -> "" + monotonic);
    // a timer made by it records and reports as Micrometer's own do
    io.micrometer.core.instrument.Timer t =
        io.micrometer.core.instrument.Timer.builder("t")
            .publishPercentileHistogram()
            .register(MetricsServer.newRegistry());
    t.record(Duration.ofMillis(3));
    assertEquals(1, t.count());
    assertEquals(3.0, t.max(java.util.concurrent.TimeUnit.MILLISECONDS));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException x) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void healthz_storeAnswers_200() throws Exception {
    try (MetricsServer server = start(InMemoryWhitelistStore.builder().build())) {
      HttpResponse<String> r = get(server, "/healthz");
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("ok\n", r.body());
    }
  }

  @Test
  void healthz_storeDown_503WithOneSafeLine() throws Exception {
    try (MetricsServer server =
        start(new UnavailableWhitelistStore("connection refused\r\nX-Injected: 1"))) {
      HttpResponse<String> r = get(server, "/healthz");
      assertEquals(503, r.statusCode(), r.body());
      assertTrue(r.body().startsWith("store: StoreException: connection refused"), r.body());
      assertEquals(1, r.body().lines().count(), r.body());
      assertFalse(r.headers().firstValue("X-Injected").isPresent());
    }
  }

  @Test
  void healthz_storeHangs_503AfterTheTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    // every call waits until the test ends, as a database that accepts and never answers
    WhitelistStore hanging =
        (WhitelistStore)
            Proxy.newProxyInstance(
                WhitelistStore.class.getClassLoader(),
                new Class<?>[] {WhitelistStore.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("countOf")) {
                    release.await();
                    return 0L;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    try (MetricsServer server =
        MetricsServer.builder()
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .store(hanging)
            .healthTimeout(Duration.ofMillis(50))
            .build()
            .start()) {
      HttpResponse<String> r = get(server, "/healthz");
      assertEquals(503, r.statusCode(), r.body());
      assertEquals("store: no answer within 50 ms\n", r.body());
    } finally {
      release.countDown();
    }
  }

  @Test
  void otherPathsAndMethods_404And405() throws Exception {
    try (MetricsServer server = start(InMemoryWhitelistStore.builder().build())) {
      assertEquals(404, get(server, "/").statusCode());
      HttpResponse<String> post =
          send(
              server,
              HttpRequest.newBuilder(uri(server, "/metrics"))
                  .POST(HttpRequest.BodyPublishers.ofString("x")));
      assertEquals(405, post.statusCode());
      assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
    }
  }
}
