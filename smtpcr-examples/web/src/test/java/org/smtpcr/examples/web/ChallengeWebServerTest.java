package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Jetty host over real HTTP on 127.0.0.1: the page tests every host passes ({@link
 * ChallengePageHostContract}), then what only this server does.
 */
final class ChallengeWebServerTest extends ChallengePageHostContract {
  @Override
  protected Host start(ChallengePage page, Clock clock, Options o) throws IOException {
    ChallengeWebServer.Builder b = ChallengeWebServer.builder();
    if (o.maxBodyBytes() != null) {
      b.maxBodyBytes(o.maxBodyBytes());
    }
    if (o.requestsPerMinutePerClient() != null) {
      b.requestsPerMinutePerClient(o.requestsPerMinutePerClient());
    }
    if (o.trustedProxies() != null) {
      b.trustedProxies(o.trustedProxies());
    }
    if (o.postsPerTokenPerHour() != null) {
      b.postsPerTokenPerHour(o.postsPerTokenPerHour());
    }
    if (o.settings() != null) {
      b.settings(o.settings());
    }
    ChallengeWebServer web = start(b);
    return new Host() {
      @Override
      public URI baseUri() {
        return web.baseUri();
      }

      @Override
      public void close() {
        web.close();
      }
    };
  }

  @Test
  void jettyErrors_carryTheSecurityHeaders() throws Exception {
    try (ChallengeWebServer web = start(ChallengeWebServer.builder())) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(web.baseUri()).header("X-Big", "a".repeat(9000)).build(),
              BodyHandlers.ofString());
      assertEquals(431, r.statusCode());
      assertEquals(Optional.of(Pages.CSP), r.headers().firstValue("content-security-policy"));
    }
  }

  @Test
  void close_stopsTheServerAndLeavesNoThread() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    ChallengeWebServer web = start(ChallengeWebServer.builder());
    URI base = web.baseUri();
    assertEquals(
        200,
        http.send(HttpRequest.newBuilder(base).build(), BodyHandlers.discarding()).statusCode());
    Set<Thread> started =
        Thread.getAllStackTraces().keySet().stream()
            .filter(
                t ->
                    !before.contains(t)
                        && (t.getName().startsWith("smtpcr-web-")
                            || t.getName().startsWith("HTTP-Dispatcher")))
            .collect(Collectors.toSet());
    assertFalse(started.isEmpty(), "the server's threads were not found by name");

    web.close();
    web.close();

    for (Thread t : started) {
      t.join(10_000);
      assertFalse(t.isAlive(), "still running after close(): " + t.getName());
    }
    assertThrows(
        IOException.class,
        () -> http.send(HttpRequest.newBuilder(base).build(), BodyHandlers.discarding()));
  }

  @Test
  void lifecycle_misuse_throwsIllegalState() throws Exception {
    ChallengeWebServer web =
        ChallengeWebServer.builder()
            .page(page())
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .build();
    assertThrows(IllegalStateException.class, web::port);
    assertThrows(IllegalStateException.class, web::baseUri);
    web.start();
    try {
      assertThrows(IllegalStateException.class, web::start);
      assertEquals(URI.create("http://127.0.0.1:" + web.port() + "/"), web.baseUri());
    } finally {
      web.close();
    }
    assertThrows(IllegalStateException.class, web::start);
  }

  @Test
  void builder_badOptions_rejected() {
    Clock clock = clock();
    assertThrows(IllegalStateException.class, () -> ChallengeWebServer.builder().build());
    assertThrows(
        IllegalArgumentException.class, () -> ChallengeWebServer.builder().maxBodyBytes(100));
    assertThrows(
        IllegalArgumentException.class,
        () -> ChallengeWebServer.builder().requestsPerMinutePerClient(0));
    assertThrows(
        IllegalStateException.class, () -> ChallengeWebServer.builder().clock(clock).clock(clock));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ChallengeWebServer.builder()
                .bind(InetSocketAddress.createUnresolved("example.com", 80)));
  }

  private ChallengeWebServer start(ChallengeWebServer.Builder b) throws IOException {
    return b.page(page())
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .clock(clock())
        .build()
        .start();
  }
}
