package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.MutableClock;
import org.smtpcr.tokens.PassCodes;

/** The Jetty host over real HTTP on 127.0.0.1. */
final class ChallengeWebServerTest {
  private static final String SENDER = "alice@example.org";
  private static final String RECIPIENT = "bob@example.com";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final KeyRing keyRing = KeyRing.generate();
  private final ChallengeTokens tokens =
      ChallengeTokens.builder().keyRing(keyRing).clock(clock).build();
  private final CountingStore store = new CountingStore();
  private final ChallengePage page =
      ChallengePage.builder()
          .tokens(tokens)
          .passCodes(PassCodes.of(keyRing))
          .store(store)
          .clock(clock)
          .powDifficultyBits(8)
          .build();
  private final ExecutorService clientThreads = Executors.newSingleThreadExecutor();
  private final HttpClient http = HttpClient.newBuilder().executor(clientThreads).build();

  @AfterEach
  void stopClient() throws InterruptedException {
    clientThreads.shutdownNow();
    assertTrue(clientThreads.awaitTermination(10, TimeUnit.SECONDS));
  }

  @Test
  void get_tokenPage_overHttpCarriesSecurityHeadersAndNoCookie() throws Exception {
    try (ChallengeWebServer web = start(ChallengeWebServer.builder())) {
      HttpResponse<String> r =
          http.send(get(web, "c/" + tokens.mint(SENDER, RECIPIENT)), BodyHandlers.ofString());

      assertEquals(200, r.statusCode());
      assertEquals(Optional.of(Pages.CSP), r.headers().firstValue("content-security-policy"));
      assertEquals(Optional.of("no-referrer"), r.headers().firstValue("referrer-policy"));
      assertEquals(Optional.of("nosniff"), r.headers().firstValue("x-content-type-options"));
      assertEquals(Optional.of("no-store"), r.headers().firstValue("cache-control"));
      assertEquals(Optional.of("text/html; charset=utf-8"), r.headers().firstValue("content-type"));
      assertEquals(Optional.empty(), r.headers().firstValue("set-cookie"));
      assertTrue(r.body().contains("pow-form"));
      assertEquals(List.of(), store.adds());
    }
  }

  @Test
  void post_validProofOverHttp_whitelistsThePair() throws Exception {
    try (ChallengeWebServer web = start(ChallengeWebServer.builder())) {
      String token = tokens.mint(SENDER, RECIPIENT);
      String html = http.send(get(web, "c/" + token), BodyHandlers.ofString()).body();
      long issued = ChallengePageTest.issued(html);
      String stamp = ChallengePageTest.stamp(html);
      long nonce = ProofOfWork.solve(ProofOfWork.challenge(stamp), 8);
      HttpResponse<String> r =
          http.send(
              post(
                  web,
                  "c/" + token,
                  BodyPublishers.ofByteArray(ChallengePageTest.form(issued, 8, stamp, nonce))),
              BodyHandlers.ofString());

      assertEquals(200, r.statusCode(), r.body());
      assertTrue(r.body().contains("Send every message that bounced again"));
      assertEquals(
          List.of(
              WhitelistKey.pair(
                  CanonicalAddress.parseCanonical(SENDER),
                  CanonicalAddress.parseCanonical(RECIPIENT))),
          store.adds());
    }
  }

  @Test
  void head_staticAsset_sendsHeadersWithoutBody() throws Exception {
    try (ChallengeWebServer web = start(ChallengeWebServer.builder())) {
      HttpRequest head =
          HttpRequest.newBuilder(web.baseUri().resolve("static/pow.js"))
              .method("HEAD", BodyPublishers.noBody())
              .build();
      HttpResponse<byte[]> r = http.send(head, BodyHandlers.ofByteArray());

      assertEquals(200, r.statusCode());
      assertEquals(
          Optional.of("text/javascript; charset=utf-8"), r.headers().firstValue("content-type"));
      assertEquals(0, r.body().length);
    }
  }

  @Test
  void post_declaredBodyOverLimit_413() throws Exception {
    try (ChallengeWebServer web = start(ChallengeWebServer.builder().maxBodyBytes(1024))) {
      HttpResponse<String> r =
          http.send(
              post(
                  web,
                  "c/" + tokens.mint(SENDER, RECIPIENT),
                  BodyPublishers.ofByteArray(new byte[1025])),
              BodyHandlers.ofString());
      assertEquals(413, r.statusCode());
      assertEquals(List.of(), store.adds());
    }
  }

  @Test
  void post_chunkedBodyOverLimit_413() throws Exception {
    try (ChallengeWebServer web = start(ChallengeWebServer.builder().maxBodyBytes(1024))) {
      // an input-stream publisher has no length, so the body goes chunked without Content-Length
      HttpResponse<String> r =
          http.send(
              post(
                  web,
                  "c/" + tokens.mint(SENDER, RECIPIENT),
                  BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[4000]))),
              BodyHandlers.ofString());
      assertEquals(413, r.statusCode());
      assertEquals(List.of(), store.adds());
    }
  }

  @Test
  void get_moreRequestsThanTheLimit_429UntilTheBucketRefills() throws Exception {
    try (ChallengeWebServer web =
        start(ChallengeWebServer.builder().requestsPerMinutePerClient(3))) {
      for (int i = 0; i < 3; i++) {
        assertEquals(200, http.send(get(web, ""), BodyHandlers.discarding()).statusCode());
      }
      HttpResponse<String> limited = http.send(get(web, ""), BodyHandlers.ofString());
      assertEquals(429, limited.statusCode());
      assertEquals(Optional.of("20"), limited.headers().firstValue("retry-after"));
      assertEquals(Optional.of(Pages.CSP), limited.headers().firstValue("content-security-policy"));

      clock.advance(Duration.ofSeconds(20));
      assertEquals(200, http.send(get(web, ""), BodyHandlers.discarding()).statusCode());
      assertEquals(429, http.send(get(web, ""), BodyHandlers.discarding()).statusCode());
    }
  }

  @Test
  void trustedProxy_limitsCountTheForwardedClient() throws Exception {
    try (ChallengeWebServer web =
        start(
            ChallengeWebServer.builder()
                .requestsPerMinutePerClient(1)
                .trustedProxies(List.of("127.0.0.0/8")))) {
      assertEquals(
          200,
          http.send(forwardedFor(web, "198.51.100.1"), BodyHandlers.discarding()).statusCode());
      assertEquals(
          200,
          http.send(forwardedFor(web, "198.51.100.2"), BodyHandlers.discarding()).statusCode());
      assertEquals(
          429,
          http.send(forwardedFor(web, "198.51.100.1"), BodyHandlers.discarding()).statusCode());
      // a client cannot pick its bucket: the proxy's entry is the rightmost one
      assertEquals(
          429,
          http.send(forwardedFor(web, "203.0.113.9, 198.51.100.2"), BodyHandlers.discarding())
              .statusCode());
    }
  }

  @Test
  void settings_applyWhereTheBuilderSetsNothing() throws Exception {
    Settings settings =
        Settings.builder()
            .text(Settings.WEB_TRUSTED_PROXIES, "127.0.0.1")
            .text(Settings.WEB_POSTS_PER_TOKEN_PER_HOUR, "1")
            .build();
    try (ChallengeWebServer web =
        start(ChallengeWebServer.builder().requestsPerMinutePerClient(1).settings(settings))) {
      assertEquals(
          200,
          http.send(forwardedFor(web, "198.51.100.1"), BodyHandlers.discarding()).statusCode());
      assertEquals(
          200,
          http.send(forwardedFor(web, "198.51.100.2"), BodyHandlers.discarding()).statusCode());
    }
  }

  @Test
  void untrustedPeer_forwardedForIgnored() throws Exception {
    try (ChallengeWebServer web =
        start(
            ChallengeWebServer.builder()
                .requestsPerMinutePerClient(1)
                .trustedProxies(List.of("192.0.2.0/24")))) {
      assertEquals(
          200,
          http.send(forwardedFor(web, "198.51.100.1"), BodyHandlers.discarding()).statusCode());
      assertEquals(
          429,
          http.send(forwardedFor(web, "198.51.100.2"), BodyHandlers.discarding()).statusCode());
    }
  }

  @Test
  void post_moreThanTheCapPerToken_429AndNothingWritten() throws Exception {
    try (ChallengeWebServer web = start(ChallengeWebServer.builder().postsPerTokenPerHour(2))) {
      String token = tokens.mint(SENDER, RECIPIENT);
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> r =
            http.send(
                post(web, "c/" + token, BodyPublishers.ofString("issued=1&nonce=1")),
                BodyHandlers.ofString());
        assertEquals(400, r.statusCode() / 100 * 100, r::toString);
        assertTrue(r.statusCode() != 429, r::toString);
      }
      HttpResponse<String> r =
          http.send(
              post(
                  web,
                  "c/" + token.toUpperCase(java.util.Locale.ROOT),
                  BodyPublishers.ofString("issued=1&nonce=1")),
              BodyHandlers.ofString());
      assertEquals(429, r.statusCode());
      assertTrue(r.headers().firstValue("retry-after").isPresent());
      assertEquals(Optional.of(Pages.CSP), r.headers().firstValue("content-security-policy"));
      assertEquals(List.of(), store.adds());
      // another link is not affected
      assertTrue(
          http.send(
                      post(
                          web,
                          "c/" + tokens.mint(SENDER, "carol@example.com"),
                          BodyPublishers.ofString("issued=1&nonce=1")),
                      BodyHandlers.discarding())
                  .statusCode()
              != 429);
    }
  }

  @Test
  void post_madeUpTokens_areNotCountedAgainstThePerLinkCap() throws Exception {
    try (ChallengeWebServer web = start(ChallengeWebServer.builder().postsPerTokenPerHour(1))) {
      String forged = "a".repeat(40);
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r =
            http.send(
                post(web, "c/" + forged, BodyPublishers.ofString("issued=1&nonce=1")),
                BodyHandlers.ofString());
        // the page's own refusal of a link it did not mint, never the cap's 429
        assertTrue(r.statusCode() != 429 && r.statusCode() / 100 == 4, r::toString);
      }
      assertEquals(List.of(), store.adds());
    }
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

  @ParameterizedTest
  @ValueSource(strings = {"PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"})
  void otherMethod_405WithAllow(String method) throws Exception {
    try (ChallengeWebServer web = start(ChallengeWebServer.builder())) {
      HttpRequest req =
          HttpRequest.newBuilder(web.baseUri().resolve("c/" + tokens.mint(SENDER, RECIPIENT)))
              .method(method, BodyPublishers.ofString("issued=1&nonce=1"))
              .build();
      HttpResponse<String> r = http.send(req, BodyHandlers.ofString());
      assertEquals(405, r.statusCode());
      assertEquals(Optional.of("GET, HEAD, POST"), r.headers().firstValue("allow"));
      assertEquals(List.of(), store.adds());
    }
  }

  @Test
  void get_unknownPath_404() throws Exception {
    try (ChallengeWebServer web = start(ChallengeWebServer.builder())) {
      HttpResponse<String> r = http.send(get(web, "wp-admin/index.php"), BodyHandlers.ofString());
      assertEquals(404, r.statusCode());
      assertEquals(Optional.of(Pages.CSP), r.headers().firstValue("content-security-policy"));
    }
  }

  @Test
  void get_overlongTarget_414() throws Exception {
    try (ChallengeWebServer web = start(ChallengeWebServer.builder())) {
      HttpResponse<String> r =
          http.send(
              get(web, "c/" + "a".repeat(ChallengeWebServer.MAX_TARGET_LENGTH)),
              BodyHandlers.ofString());
      assertEquals(414, r.statusCode());
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
            .page(page)
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
    return b.page(page)
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .clock(clock)
        .build()
        .start();
  }

  private static HttpRequest forwardedFor(ChallengeWebServer web, String xff) {
    return HttpRequest.newBuilder(web.baseUri()).header("X-Forwarded-For", xff).build();
  }

  private static HttpRequest get(ChallengeWebServer web, String path) {
    return HttpRequest.newBuilder(web.baseUri().resolve(path)).build();
  }

  private static HttpRequest post(
      ChallengeWebServer web, String path, HttpRequest.BodyPublisher body) {
    return HttpRequest.newBuilder(web.baseUri().resolve(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(body)
        .build();
  }
}
