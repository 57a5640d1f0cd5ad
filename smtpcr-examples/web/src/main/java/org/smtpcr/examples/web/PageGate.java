package org.smtpcr.examples.web;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.examples.runtime.Setting;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.web.Pages.View;

/**
 * What every host of a {@link ChallengePage} puts in front of it, whatever its HTTP stack: the
 * client's address behind trusted reverse proxies, token buckets per client, per client network and
 * per challenge link (429), only GET, HEAD and POST (405), a bound on the request target (414) and
 * on the body (413), and the pages for the answers a host gives on its own (408, 500, 503). {@link
 * ChallengeWebServer} and the Jakarta Servlet adapter ({@code smtpcr-examples-servlet}) are thin
 * layers over one instance, so they cannot drift apart.
 *
 * <p>A host calls, per request: {@link #client} for the address the limits count; {@link #admit}
 * with the method, the raw path and query and the declared body length, and sends the answer it
 * returns, if any; else, for a POST, reads at most {@link #maxBodyBytes()} + 1 bytes of the body
 * (more is {@link #bodyTooLarge()}) and calls {@link #post}, and for a GET or HEAD calls {@link
 * #get}. Every response, these included, carries the page's security headers. Thread-safe.
 *
 * <pre>{@code
 * PageGate gate = PageGate.builder().page(page).settings(settings).build();
 * }</pre>
 *
 * @since 0.4.0
 */
public final class PageGate {
  /** Default body limit: 8 KiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 8 * 1024;

  /** Default requests per minute per client: 60. */
  public static final int DEFAULT_REQUESTS_PER_MINUTE = 60;

  /** Longest request target (path and query) served; longer ones get 414. */
  public static final int MAX_TARGET_LENGTH = ChallengePage.MAX_PATH_LENGTH;

  /** Buckets of each kind (client, network, link) tracked by the rate limiter at most. */
  static final int MAX_TRACKED_CLIENTS = 10_000;

  /** Seconds a client is asked to wait when the host is busy. */
  static final int BUSY_RETRY_AFTER_SECONDS = 5;

  private static final Logger log = LoggerFactory.getLogger(PageGate.class);
  private static final String TOKEN_PREFIX = "/c/";

  private final ChallengePage page;
  private final int maxBodyBytes;
  private final ClientAddresses clients;
  private final RateLimiter limiter;

  private PageGate(Builder b) {
    Settings s = b.settings == null ? Settings.defaults() : b.settings;
    this.page = b.page;
    this.maxBodyBytes = b.maxBodyBytes == null ? DEFAULT_MAX_BODY_BYTES : b.maxBodyBytes;
    this.clients =
        ClientAddresses.trusting(
            or(b.trustedProxies, s, Settings.WEB_TRUSTED_PROXIES),
            s.get(Settings.WEB_FORWARDED_HEADER).equals("forwarded"));
    int perMinute = b.requestsPerMinute == null ? DEFAULT_REQUESTS_PER_MINUTE : b.requestsPerMinute;
    this.limiter =
        new RateLimiter(
            b.clock == null ? Clock.systemUTC() : b.clock,
            perMinute,
            or(b.requestsPerMinutePerNetwork, s, Settings.WEB_REQUESTS_PER_MINUTE_PER_NETWORK),
            or(b.postsPerTokenPerHour, s, Settings.WEB_POSTS_PER_TOKEN_PER_HOUR),
            MAX_TRACKED_CLIENTS);
  }

  private static <T> T or(T given, Settings s, Setting<T> setting) {
    return given != null ? given : s.get(setting);
  }

  /**
   * Starts a builder; the page is required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The page behind this gate.
   *
   * @return the page
   */
  public ChallengePage page() {
    return page;
  }

  /**
   * The largest request body read; a host reads at most one byte more to tell that a body is over.
   *
   * @return the limit in bytes
   */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * Whether {@code peer} is a trusted reverse proxy (exempt from per-client connection caps).
   *
   * @param peer the address of a connection's peer
   * @return true if it is in a trusted proxy network
   */
  public boolean isTrustedProxy(InetAddress peer) {
    return clients.isTrustedProxy(requireNonNull(peer, "peer"));
  }

  /**
   * The client's address: the peer, unless the peer is a trusted proxy and the configured header
   * ({@link Settings#WEB_FORWARDED_HEADER}) names the client.
   *
   * @param peer the address of the connection's peer
   * @param forwarded the values of the request's {@code Forwarded} header lines, in order
   * @param xForwardedFor the values of its {@code X-Forwarded-For} header lines, in order
   * @return the address the limits count and the page sees
   */
  public InetAddress client(InetAddress peer, List<String> forwarded, List<String> xForwardedFor) {
    requireNonNull(peer, "peer");
    if (clients.isEmpty()) {
      return peer;
    }
    return clients.resolve(
        peer,
        requireNonNull(forwarded, "forwarded"),
        requireNonNull(xForwardedFor, "xForwardedFor"));
  }

  /**
   * Checks a request before its body is read and before the page runs: the client's rate limits,
   * the length of the target, the method, the declared body length and the limit of POSTs per
   * challenge link (counted only for links this site minted).
   *
   * @param method the request method, such as {@code GET}
   * @param rawPath the request path as sent (not decoded), relative to where the page is mounted:
   *     {@code /c/<token>}; may be empty when the host could not read one
   * @param rawQuery the query string without {@code ?}, empty for none
   * @param declaredLength the {@code Content-Length}, or -1 when not declared
   * @param client the client's address, from {@link #client}
   * @return the answer to send at once, or empty to go on (read the body of a POST, then {@link
   *     #post}; {@link #get} for GET and HEAD). An answer to a request with a body (a POST, or a
   *     declared length above 0) says {@code Connection: close}: the body is not read, so the
   *     connection cannot carry another request.
   */
  public Optional<PageResponse> admit(
      String method, String rawPath, String rawQuery, long declaredLength, InetAddress client) {
    return admit(method, rawPath, rawQuery, declaredLength, client, "");
  }

  /**
   * {@link #admit(String, String, String, long, InetAddress)}, answering in the language the
   * request prefers.
   *
   * @param method the request method, such as {@code GET}
   * @param rawPath the request path as sent, relative to where the page is mounted
   * @param rawQuery the query string without {@code ?}, empty for none
   * @param declaredLength the {@code Content-Length}, or -1 when not declared
   * @param client the client's address, from {@link #client}
   * @param acceptLanguage the request's {@code Accept-Language}, empty when absent
   * @return the answer to send at once, or empty to go on
   * @since 0.4.0
   */
  public Optional<PageResponse> admit(
      String method,
      String rawPath,
      String rawQuery,
      long declaredLength,
      InetAddress client,
      String acceptLanguage) {
    requireNonNull(acceptLanguage, "acceptLanguage");
    requireNonNull(method, "method");
    requireNonNull(rawPath, "rawPath");
    requireNonNull(rawQuery, "rawQuery");
    requireNonNull(client, "client");
    Optional<PageResponse> early =
        check(method, rawPath, rawQuery, declaredLength, client, acceptLanguage);
    // an answer sent before the body is read: the host leaves the body unread, so the connection
    // cannot carry another request (the container would close it without saying so, and a client
    // that sent its next request on it would get no answer)
    boolean unreadBody = declaredLength > 0 || (declaredLength < 0 && method.equals("POST"));
    return unreadBody ? early.map(PageGate::closing) : early;
  }

  private static PageResponse closing(PageResponse r) {
    Map<String, String> headers = new LinkedHashMap<>(r.headers());
    headers.put("Connection", "close");
    return new PageResponse(r.status(), headers, r.body());
  }

  private Optional<PageResponse> check(
      String method,
      String rawPath,
      String rawQuery,
      long declaredLength,
      InetAddress client,
      String acceptLanguage) {
    OptionalLong wait = limiter.acquire(client);
    View v = page.view("/", acceptLanguage);
    if (wait.isPresent()) {
      return Optional.of(tooMany(v, wait.getAsLong()));
    }
    int targetLength = rawPath.length() + (rawQuery.isEmpty() ? 0 : rawQuery.length() + 1);
    if (targetLength > MAX_TARGET_LENGTH) {
      return Optional.of(v.error(414, "error.too-long"));
    }
    if (!rawPath.startsWith("/")) {
      return Optional.of(v.error(400, "error.bad-request"));
    }
    switch (method) {
      case "GET", "HEAD" -> {
        return Optional.empty();
      }
      case "POST" -> {
        if (declaredLength > maxBodyBytes) {
          return Optional.of(bodyTooLarge(v));
        }
        String token = tokenOf(rawPath);
        // only links we minted are counted: a made-up token gets the page's refusal anyway, and
        // counting it would let a flood of them push real links out of the limiter's memory
        if (token != null && page.isAuthentic(token)) {
          OptionalLong postWait = limiter.acquirePost(token);
          if (postWait.isPresent()) {
            return Optional.of(tooMany(v, postWait.getAsLong()));
          }
        }
        return Optional.empty();
      }
      default -> {
        return Optional.of(v.error(405, "error.method", Map.of("Allow", "GET, HEAD, POST")));
      }
    }
  }

  /**
   * The page's answer to a GET or HEAD that {@link #admit} let through; a failure of the page is a
   * 500 page, logged.
   *
   * @param rawPath the raw path, relative to where the page is mounted
   * @return the response (for a HEAD, send its headers without the body)
   */
  public PageResponse get(String rawPath) {
    return get(rawPath, "");
  }

  /**
   * {@link #get(String)} in the language the request prefers.
   *
   * @param rawPath the raw path, relative to where the page is mounted
   * @param acceptLanguage the request's {@code Accept-Language}, empty when absent
   * @return the response (for a HEAD, send its headers without the body)
   * @since 0.4.0
   */
  public PageResponse get(String rawPath, String acceptLanguage) {
    requireNonNull(rawPath, "rawPath");
    requireNonNull(acceptLanguage, "acceptLanguage");
    try {
      return page.get(rawPath, acceptLanguage);
    } catch (RuntimeException e) {
      log.warn("challenge page failed: {}", e.getClass().getName(), e);
      return serverError(acceptLanguage);
    }
  }

  /**
   * The page's answer to a POST that {@link #admit} let through, with a body of at most {@link
   * #maxBodyBytes()}; a failure of the page is a 500 page, logged.
   *
   * @param rawPath the raw path, relative to where the page is mounted
   * @param contentType the request's {@code Content-Type}, empty when absent
   * @param body the body
   * @param client the client's address, from {@link #client}
   * @return the response
   */
  public PageResponse post(String rawPath, String contentType, byte[] body, InetAddress client) {
    return post(rawPath, contentType, body, client, "");
  }

  /**
   * {@link #post(String, String, byte[], InetAddress)} in the language the request prefers.
   *
   * @param rawPath the raw path, relative to where the page is mounted
   * @param contentType the request's {@code Content-Type}, empty when absent
   * @param body the body
   * @param client the client's address, from {@link #client}
   * @param acceptLanguage the request's {@code Accept-Language}, empty when absent
   * @return the response
   * @since 0.4.0
   */
  public PageResponse post(
      String rawPath, String contentType, byte[] body, InetAddress client, String acceptLanguage) {
    requireNonNull(rawPath, "rawPath");
    requireNonNull(contentType, "contentType");
    requireNonNull(body, "body");
    requireNonNull(client, "client");
    requireNonNull(acceptLanguage, "acceptLanguage");
    if (body.length > maxBodyBytes) {
      return bodyTooLarge(acceptLanguage);
    }
    try {
      return page.post(rawPath, contentType, body, client, acceptLanguage);
    } catch (RuntimeException e) {
      log.warn("challenge page failed: {}", e.getClass().getName(), e);
      return serverError(acceptLanguage);
    }
  }

  /**
   * 413 with {@code Connection: close}: the body is over {@link #maxBodyBytes()}.
   *
   * @return the response
   */
  public static PageResponse bodyTooLarge() {
    return bodyTooLarge(english());
  }

  /**
   * {@link #bodyTooLarge()} in the language the request prefers, with the page's branding.
   *
   * @param acceptLanguage the request's {@code Accept-Language}, empty when absent
   * @return the response
   * @since 0.4.0
   */
  public PageResponse bodyTooLarge(String acceptLanguage) {
    return bodyTooLarge(page.view("/", requireNonNull(acceptLanguage, "acceptLanguage")));
  }

  private static PageResponse bodyTooLarge(View v) {
    return v.error(413, "error.too-large", Map.of("Connection", "close"));
  }

  /**
   * 408 with {@code Connection: close}: the body did not arrive in time.
   *
   * @return the response
   */
  public static PageResponse requestTimeout() {
    return english().error(408, "error.timeout", Map.of("Connection", "close"));
  }

  /**
   * {@link #requestTimeout()} in the language the request prefers, with the page's branding.
   *
   * @param acceptLanguage the request's {@code Accept-Language}, empty when absent
   * @return the response
   * @since 0.4.0
   */
  public PageResponse requestTimeout(String acceptLanguage) {
    return page.view("/", requireNonNull(acceptLanguage, "acceptLanguage"))
        .error(408, "error.timeout", Map.of("Connection", "close"));
  }

  /**
   * 503 with {@code Retry-After}: no thread is free for the page.
   *
   * @return the response
   */
  public static PageResponse busy() {
    return busy(english());
  }

  /**
   * {@link #busy()} in the language the request prefers, with the page's branding.
   *
   * @param acceptLanguage the request's {@code Accept-Language}, empty when absent
   * @return the response
   * @since 0.4.0
   */
  public PageResponse busy(String acceptLanguage) {
    return busy(page.view("/", requireNonNull(acceptLanguage, "acceptLanguage")));
  }

  private static PageResponse busy(View v) {
    return v.error(
        503, "error.busy", Map.of("Retry-After", Integer.toString(BUSY_RETRY_AFTER_SECONDS)));
  }

  /**
   * 500: the page failed.
   *
   * @return the response
   */
  public static PageResponse serverError() {
    return english().error(500, "error.server");
  }

  /**
   * {@link #serverError()} in the language the request prefers, with the page's branding.
   *
   * @param acceptLanguage the request's {@code Accept-Language}, empty when absent
   * @return the response
   * @since 0.4.0
   */
  public PageResponse serverError(String acceptLanguage) {
    return page.view("/", requireNonNull(acceptLanguage, "acceptLanguage"))
        .error(500, "error.server");
  }

  /**
   * An error the HTTP server answers before the page runs (bad request head, head too large), as a
   * page with the security headers.
   *
   * @param status the status, 400 to 599 (anything else becomes 500)
   * @return the response
   */
  public static PageResponse notServed(int status) {
    int s = status >= 400 && status <= 599 ? status : 500;
    return english().error(s, "error.not-served");
  }

  /**
   * {@link #notServed(int)} in the language the request prefers, with the page's branding.
   *
   * @param status the status, 400 to 599 (anything else becomes 500)
   * @param acceptLanguage the request's {@code Accept-Language}, empty when absent
   * @return the response
   * @since 0.4.0
   */
  public PageResponse notServed(int status, String acceptLanguage) {
    int s = status >= 400 && status <= 599 ? status : 500;
    return page.view("/", requireNonNull(acceptLanguage, "acceptLanguage"))
        .error(s, "error.not-served");
  }

  /** The built-in English shell, for the answers that know no page. */
  private static View english() {
    return new View("/", PageText.english(), PageShell.standard());
  }

  /** The token of {@code /c/<token>}, or null for any other path. */
  private static String tokenOf(String rawPath) {
    if (!rawPath.startsWith(TOKEN_PREFIX)) {
      return null;
    }
    String token = rawPath.substring(TOKEN_PREFIX.length());
    return token.isEmpty() || token.indexOf('/') >= 0 ? null : token;
  }

  private static PageResponse tooMany(View v, long seconds) {
    return v.error(429, "error.too-many", Map.of("Retry-After", Long.toString(seconds)));
  }

  @Override
  public String toString() {
    return "PageGate[maxBodyBytes=" + maxBodyBytes + ", " + clients + "]";
  }

  /**
   * Builds a {@link PageGate}. Each option may be set once; an option not set takes its value from
   * {@link #settings(Settings)}, else its default. Not thread-safe.
   *
   * @since 0.4.0
   */
  public static final class Builder {
    private ChallengePage page;
    private Integer maxBodyBytes;
    private Integer requestsPerMinute;
    private Integer requestsPerMinutePerNetwork;
    private Integer postsPerTokenPerHour;
    private List<String> trustedProxies;
    private Settings settings;
    private Clock clock;

    private Builder() {}

    /**
     * The page to serve (required).
     *
     * @param page the challenge page
     * @return this builder
     */
    public Builder page(ChallengePage page) {
      checkState(this.page == null, "page was already set");
      this.page = requireNonNull(page, "page");
      return this;
    }

    /**
     * The largest request body read (default 8 KiB; 1 KiB to {@value ChallengePage#MAX_FORM_BYTES}
     * bytes); a larger one gets 413.
     *
     * @param bytes the limit
     * @return this builder
     */
    public Builder maxBodyBytes(int bytes) {
      checkState(this.maxBodyBytes == null, "maxBodyBytes was already set");
      checkArgument(
          bytes >= 1024 && bytes <= ChallengePage.MAX_FORM_BYTES,
          "maxBodyBytes must be 1024..%s, got %s",
          ChallengePage.MAX_FORM_BYTES,
          bytes);
      this.maxBodyBytes = bytes;
      return this;
    }

    /**
     * Requests allowed per client (IPv4 address or IPv6 /64) and minute, in bursts of up to this
     * many (default 60; 1 to 100,000); more get 429. Loading the challenge page takes about five.
     *
     * @param perMinute the limit
     * @return this builder
     */
    public Builder requestsPerMinutePerClient(int perMinute) {
      checkState(this.requestsPerMinute == null, "requestsPerMinutePerClient was already set");
      checkArgument(
          perMinute >= 1 && perMinute <= 100_000,
          "requestsPerMinutePerClient must be 1..100000, got %s",
          perMinute);
      this.requestsPerMinute = perMinute;
      return this;
    }

    /**
     * Requests allowed per client network (IPv4 /24, IPv6 /48) and minute; 0 is no limit (default
     * {@link Settings#WEB_REQUESTS_PER_MINUTE_PER_NETWORK}).
     *
     * @param perMinute the limit
     * @return this builder
     */
    public Builder requestsPerMinutePerNetwork(int perMinute) {
      checkState(this.requestsPerMinutePerNetwork == null, "requestsPerMinutePerNetwork was set");
      checkArgument(perMinute >= 0, "requestsPerMinutePerNetwork must be >= 0, got %s", perMinute);
      this.requestsPerMinutePerNetwork = perMinute;
      return this;
    }

    /**
     * POSTs allowed per challenge link and hour; 0 is no limit (default {@link
     * Settings#WEB_POSTS_PER_TOKEN_PER_HOUR}).
     *
     * @param perHour the limit
     * @return this builder
     */
    public Builder postsPerTokenPerHour(int perHour) {
      checkState(this.postsPerTokenPerHour == null, "postsPerTokenPerHour was already set");
      checkArgument(perHour >= 0, "postsPerTokenPerHour must be >= 0, got %s", perHour);
      this.postsPerTokenPerHour = perHour;
      return this;
    }

    /**
     * Reverse proxies whose {@code Forwarded} or {@code X-Forwarded-For} header names the client
     * (default {@link Settings#WEB_TRUSTED_PROXIES}: none, the peer is the client).
     *
     * @param networks CIDR networks such as {@code 10.0.0.0/8} or {@code ::1}
     * @return this builder
     * @throws IllegalArgumentException if one is not a network
     */
    public Builder trustedProxies(List<String> networks) {
      checkState(this.trustedProxies == null, "trustedProxies was already set");
      List<String> copy = List.copyOf(networks);
      ClientAddresses.trusting(copy);
      this.trustedProxies = copy;
      return this;
    }

    /**
     * The settings that options not set here take their values from: {@link
     * Settings#WEB_TRUSTED_PROXIES}, {@link Settings#WEB_FORWARDED_HEADER}, {@link
     * Settings#WEB_REQUESTS_PER_MINUTE_PER_NETWORK} and {@link
     * Settings#WEB_POSTS_PER_TOKEN_PER_HOUR} (default: {@link Settings#defaults()}).
     *
     * @param settings the settings
     * @return this builder
     */
    public Builder settings(Settings settings) {
      checkState(this.settings == null, "settings was already set");
      this.settings = requireNonNull(settings, "settings");
      return this;
    }

    /**
     * The clock of the rate limiter (default: system UTC).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      checkState(this.clock == null, "clock was already set");
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The gate.
     *
     * @return the gate
     * @throws IllegalStateException if no page was set
     */
    public PageGate build() {
      checkState(page != null, "page is required");
      return new PageGate(this);
    }
  }
}
