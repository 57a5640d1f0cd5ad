package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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

/**
 * The page tests every host of a {@link ChallengePage} passes over real HTTP on 127.0.0.1: the
 * bundled {@link ChallengeWebServer} and the Servlet adapter ({@code smtpcr-examples-servlet}) each
 * extend this class and say how to start themselves with a page and {@link Options}. The page is
 * reached at {@link Host#baseUri()}, which ends in {@code /} (the mount point of the page).
 */
public abstract class ChallengePageHostContract {
  /** A started host; closing it stops it. */
  public interface Host extends AutoCloseable {
    /**
     * Where the page is mounted, ending in {@code /}: {@code c/<token>} resolves against it.
     *
     * @return the base URI
     */
    URI baseUri();

    /** Stops the host. */
    @Override
    void close();
  }

  /**
   * The host options the tests set; null is "not set" (the host's default or the settings).
   *
   * @param maxBodyBytes the body limit
   * @param requestsPerMinutePerClient requests per client and minute
   * @param trustedProxies trusted proxy networks
   * @param postsPerTokenPerHour POSTs per link and hour
   * @param settings the runtime settings
   */
  public record Options(
      Integer maxBodyBytes,
      Integer requestsPerMinutePerClient,
      List<String> trustedProxies,
      Integer postsPerTokenPerHour,
      Settings settings) {
    static Options none() {
      return new Options(null, null, null, null, null);
    }

    Options maxBodyBytes(int bytes) {
      return new Options(
          bytes, requestsPerMinutePerClient, trustedProxies, postsPerTokenPerHour, settings);
    }

    Options requestsPerMinutePerClient(int n) {
      return new Options(maxBodyBytes, n, trustedProxies, postsPerTokenPerHour, settings);
    }

    Options trustedProxies(List<String> networks) {
      return new Options(
          maxBodyBytes, requestsPerMinutePerClient, networks, postsPerTokenPerHour, settings);
    }

    Options postsPerTokenPerHour(int n) {
      return new Options(maxBodyBytes, requestsPerMinutePerClient, trustedProxies, n, settings);
    }

    Options settings(Settings s) {
      return new Options(
          maxBodyBytes, requestsPerMinutePerClient, trustedProxies, postsPerTokenPerHour, s);
    }
  }

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

  /** The test's HTTP client (no redirects followed). */
  protected final HttpClient http = HttpClient.newBuilder().executor(clientThreads).build();

  /**
   * Starts the host on 127.0.0.1 and a free port.
   *
   * @param page the page to serve
   * @param clock the clock of the host's rate limits
   * @param options what to set beyond the defaults
   * @return the started host
   * @throws Exception if it cannot start
   */
  protected abstract Host start(ChallengePage page, Clock clock, Options options) throws Exception;

  /**
   * The page the tests serve (8-bit proof of work, the test's clock and store).
   *
   * @return the page
   */
  protected final ChallengePage page() {
    return page;
  }

  /**
   * The clock of the page, its tokens and the hosts' limits.
   *
   * @return the clock
   */
  protected final Clock clock() {
    return clock;
  }

  /**
   * A fresh challenge link's token, alice@example.org to bob@example.com.
   *
   * @return the token
   */
  protected final String mint() {
    return tokens.mint(SENDER, RECIPIENT);
  }

  /**
   * The pairs the store was asked to whitelist so far.
   *
   * @return the pairs, in order
   */
  protected final List<WhitelistKey> whitelisted() {
    return store.adds();
  }

  /**
   * The pair {@link #mint()} asks for.
   *
   * @return alice@example.org to bob@example.com
   */
  protected static WhitelistKey pair() {
    return WhitelistKey.pair(
        CanonicalAddress.parseCanonical(SENDER), CanonicalAddress.parseCanonical(RECIPIENT));
  }

  @AfterEach
  void stopClient() throws InterruptedException {
    clientThreads.shutdownNow();
    assertTrue(clientThreads.awaitTermination(10, TimeUnit.SECONDS));
  }

  private Host start(Options options) throws Exception {
    return start(page, clock, options);
  }

  @Test
  public void get_tokenPage_overHttpCarriesSecurityHeadersAndNoCookie() throws Exception {
    try (Host web = start(Options.none())) {
      HttpResponse<String> r = http.send(get(web, "c/" + mint()), BodyHandlers.ofString());

      assertEquals(200, r.statusCode());
      assertEquals(Optional.of(Pages.CSP), r.headers().firstValue("content-security-policy"));
      assertEquals(Optional.of("no-referrer"), r.headers().firstValue("referrer-policy"));
      assertEquals(Optional.of("nosniff"), r.headers().firstValue("x-content-type-options"));
      assertEquals(Optional.of("DENY"), r.headers().firstValue("x-frame-options"));
      assertEquals(Optional.of("no-store"), r.headers().firstValue("cache-control"));
      assertEquals(Optional.of("text/html;charset=utf-8"), mediaType(r));
      assertEquals(Optional.empty(), r.headers().firstValue("set-cookie"));
      assertTrue(r.body().contains("pow-form"));
      assertEquals(List.of(), store.adds());
    }
  }

  @Test
  public void post_validProofOverHttp_whitelistsThePair() throws Exception {
    try (Host web = start(Options.none())) {
      String token = mint();
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
      assertEquals(List.of(pair()), store.adds());
    }
  }

  @Test
  public void post_noScriptWaitFormOverHttp_whitelistsOnlyAfterTheWait() throws Exception {
    try (Host web = start(Options.none())) {
      String token = mint();
      String html = http.send(get(web, "c/" + token), BodyHandlers.ofString()).body();
      assertTrue(html.contains("<noscript>"), html);
      String form = ChallengePageChecksTest.waitForm(html);

      HttpResponse<String> early =
          http.send(
              post(web, "c/" + token, BodyPublishers.ofString(form)), BodyHandlers.ofString());
      assertEquals(400, early.statusCode(), early.body());
      assertEquals(List.of(), store.adds());

      clock.advance(Duration.ofSeconds(5));
      HttpResponse<String> r =
          http.send(
              post(web, "c/" + token, BodyPublishers.ofString(form)), BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(r.body().contains("Send every message that bounced again"));
      assertEquals(List.of(pair()), store.adds());
    }
  }

  @Test
  public void get_tamperedToken_403AndNothingWritten() throws Exception {
    try (Host web = start(Options.none())) {
      HttpResponse<String> r =
          http.send(get(web, "c/" + ChallengePageTest.tamper(mint())), BodyHandlers.ofString());

      assertEquals(403, r.statusCode(), r.body());
      assertEquals(Optional.of(Pages.CSP), r.headers().firstValue("content-security-policy"));
      assertEquals(List.of(), store.adds());
    }
  }

  @Test
  public void getAndPost_expiredToken_410AndNothingWritten() throws Exception {
    try (Host web = start(Options.none())) {
      String token = tokens.mint(SENDER, RECIPIENT, Duration.ofHours(1));
      clock.advance(Duration.ofHours(2));

      HttpResponse<String> r = http.send(get(web, "c/" + token), BodyHandlers.ofString());
      assertEquals(410, r.statusCode(), r.body());
      assertTrue(r.body().contains("expired"), r.body());
      HttpResponse<String> p =
          http.send(
              post(web, "c/" + token, BodyPublishers.ofString("issued=1&nonce=1")),
              BodyHandlers.ofString());
      assertEquals(410, p.statusCode(), p.body());
      assertEquals(List.of(), store.adds());
    }
  }

  @Test
  public void head_staticAsset_sendsHeadersWithoutBody() throws Exception {
    try (Host web = start(Options.none())) {
      HttpRequest head =
          HttpRequest.newBuilder(web.baseUri().resolve("static/pow.js"))
              .method("HEAD", BodyPublishers.noBody())
              .build();
      HttpResponse<byte[]> r = http.send(head, BodyHandlers.ofByteArray());

      assertEquals(200, r.statusCode());
      assertEquals(Optional.of("text/javascript;charset=utf-8"), mediaType(r));
      assertEquals(0, r.body().length);
    }
  }

  @Test
  public void get_acceptLanguageGerman_germanPageThatVariesByLanguage() throws Exception {
    try (Host web = start(Options.none())) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(web.baseUri().resolve("c/" + mint()))
                  .header("Accept-Language", "de-CH, de;q=0.9, en;q=0.5")
                  .build(),
              BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals(Optional.of("de"), r.headers().firstValue("content-language"));
      assertEquals(Optional.of("Accept-Language"), r.headers().firstValue("vary"));
      assertTrue(r.body().contains("<html lang=\"de\" dir=\"ltr\">"), r.body());
      assertTrue(r.body().contains("Warum bin ich hier?"), r.body());
    }
  }

  @Test
  public void post_declaredBodyOverLimit_answersInTheRequestsLanguage() throws Exception {
    try (Host web = start(Options.none().maxBodyBytes(1024))) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(web.baseUri().resolve("c/" + mint()))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .header("Accept-Language", "ar")
                  .POST(BodyPublishers.ofByteArray(new byte[1025]))
                  .build(),
              BodyHandlers.ofString());
      assertEquals(413, r.statusCode());
      assertEquals(Optional.of("ar"), r.headers().firstValue("content-language"));
      assertTrue(r.body().contains("<html lang=\"ar\" dir=\"rtl\">"), r.body());
      assertEquals(List.of(), store.adds());
    }
  }

  @Test
  public void post_declaredBodyOverLimit_413() throws Exception {
    try (Host web = start(Options.none().maxBodyBytes(1024))) {
      HttpResponse<String> r =
          http.send(
              post(web, "c/" + mint(), BodyPublishers.ofByteArray(new byte[1025])),
              BodyHandlers.ofString());
      assertEquals(413, r.statusCode());
      assertEquals(Optional.of(Pages.CSP), r.headers().firstValue("content-security-policy"));
      assertEquals(List.of(), store.adds());
    }
  }

  @Test
  public void post_chunkedBodyOverLimit_413() throws Exception {
    try (Host web = start(Options.none().maxBodyBytes(1024))) {
      // an input-stream publisher has no length, so the body goes chunked without Content-Length
      HttpResponse<String> r =
          http.send(
              post(
                  web,
                  "c/" + mint(),
                  BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[4000]))),
              BodyHandlers.ofString());
      assertEquals(413, r.statusCode());
      assertEquals(List.of(), store.adds());
    }
  }

  @Test
  public void get_moreRequestsThanTheLimit_429UntilTheBucketRefills() throws Exception {
    try (Host web = start(Options.none().requestsPerMinutePerClient(3))) {
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
  public void trustedProxy_limitsCountTheForwardedClient() throws Exception {
    try (Host web =
        start(
            Options.none().requestsPerMinutePerClient(1).trustedProxies(List.of("127.0.0.0/8")))) {
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
  public void settings_applyWhereTheBuilderSetsNothing() throws Exception {
    Settings settings =
        Settings.builder()
            .text(Settings.WEB_TRUSTED_PROXIES, "127.0.0.1")
            .text(Settings.WEB_POSTS_PER_TOKEN_PER_HOUR, "1")
            .build();
    try (Host web = start(Options.none().requestsPerMinutePerClient(1).settings(settings))) {
      assertEquals(
          200,
          http.send(forwardedFor(web, "198.51.100.1"), BodyHandlers.discarding()).statusCode());
      assertEquals(
          200,
          http.send(forwardedFor(web, "198.51.100.2"), BodyHandlers.discarding()).statusCode());
    }
  }

  @Test
  public void untrustedPeer_forwardedForIgnored() throws Exception {
    try (Host web =
        start(
            Options.none().requestsPerMinutePerClient(1).trustedProxies(List.of("192.0.2.0/24")))) {
      assertEquals(
          200,
          http.send(forwardedFor(web, "198.51.100.1"), BodyHandlers.discarding()).statusCode());
      assertEquals(
          429,
          http.send(forwardedFor(web, "198.51.100.2"), BodyHandlers.discarding()).statusCode());
    }
  }

  @Test
  public void post_moreThanTheCapPerToken_429AndNothingWritten() throws Exception {
    try (Host web = start(Options.none().postsPerTokenPerHour(2))) {
      String token = mint();
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
                  "c/" + token.toUpperCase(Locale.ROOT),
                  BodyPublishers.ofString("issued=1&nonce=1")),
              BodyHandlers.ofString());
      assertEquals(429, r.statusCode());
      assertTrue(r.headers().firstValue("retry-after").isPresent());
      assertEquals(Optional.of(Pages.CSP), r.headers().firstValue("content-security-policy"));
      // its body was not read: the connection is not used again
      assertEquals(Optional.of("close"), r.headers().firstValue("connection"), r::toString);
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
  public void post_madeUpTokens_areNotCountedAgainstThePerLinkCap() throws Exception {
    try (Host web = start(Options.none().postsPerTokenPerHour(1))) {
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

  @ParameterizedTest
  @ValueSource(strings = {"PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"})
  public void otherMethod_405WithAllow(String method) throws Exception {
    try (Host web = start(Options.none())) {
      HttpRequest req =
          HttpRequest.newBuilder(web.baseUri().resolve("c/" + mint()))
              .method(method, BodyPublishers.ofString("issued=1&nonce=1"))
              .build();
      HttpResponse<String> r = http.send(req, BodyHandlers.ofString());
      assertEquals(405, r.statusCode());
      assertEquals(Optional.of("GET, HEAD, POST"), r.headers().firstValue("allow"));
      assertEquals(Optional.of(Pages.CSP), r.headers().firstValue("content-security-policy"));
      assertEquals(List.of(), store.adds());
    }
  }

  @Test
  public void get_unknownPath_404() throws Exception {
    try (Host web = start(Options.none())) {
      HttpResponse<String> r = http.send(get(web, "wp-admin/index.php"), BodyHandlers.ofString());
      assertEquals(404, r.statusCode());
      assertEquals(Optional.of(Pages.CSP), r.headers().firstValue("content-security-policy"));
    }
  }

  @Test
  public void get_overlongTarget_414() throws Exception {
    try (Host web = start(Options.none())) {
      HttpResponse<String> r =
          http.send(
              get(web, "c/" + "a".repeat(PageGate.MAX_TARGET_LENGTH)), BodyHandlers.ofString());
      assertEquals(414, r.statusCode());
      assertEquals(Optional.of(Pages.CSP), r.headers().firstValue("content-security-policy"));
    }
  }

  /** The media type without the spaces a server may or may not write after {@code ;}. */
  private static Optional<String> mediaType(HttpResponse<?> r) {
    return r.headers()
        .firstValue("content-type")
        .map(t -> t.replace(" ", "").toLowerCase(Locale.ROOT));
  }

  private static HttpRequest forwardedFor(Host web, String xff) {
    return HttpRequest.newBuilder(web.baseUri()).header("X-Forwarded-For", xff).build();
  }

  /**
   * A GET of {@code path} relative to the page's mount point.
   *
   * @param web the host
   * @param path such as {@code c/<token>}
   * @return the request
   */
  protected static HttpRequest get(Host web, String path) {
    return HttpRequest.newBuilder(web.baseUri().resolve(path)).build();
  }

  private static HttpRequest post(Host web, String path, HttpRequest.BodyPublisher body) {
    return HttpRequest.newBuilder(web.baseUri().resolve(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(body)
        .build();
  }
}
