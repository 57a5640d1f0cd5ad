package org.smtpcr.examples.web;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link ChallengePage} on the JDK's built-in HTTP server ({@code
 * com.sun.net.httpserver}), adding what a host must: only GET, HEAD and POST (405 otherwise), a
 * bound on the request target (414), on the body (413), and on requests per client and minute (429,
 * a token bucket per IPv4 address or IPv6 /64 in bounded memory).
 *
 * <pre>{@code
 * try (ChallengeWebServer web = ChallengeWebServer.builder()
 *     .page(page)
 *     .bind(new InetSocketAddress("127.0.0.1", 0))
 *     .build()
 *     .start()) {
 *   URI challengeBase = web.baseUri();   // http://127.0.0.1:<port>/
 * }
 * }</pre>
 *
 * <p>Plain HTTP only: off loopback, put it behind a TLS reverse proxy (the page's check uses Web
 * Crypto, which browsers offer only on https and on {@code localhost}/{@code 127.0.0.1}). Behind a
 * proxy every request comes from the proxy's address, so rate-limit there instead. Thread-safe;
 * {@link #close()} stops the server and its threads.
 *
 * @since 0.1.0
 */
public final class ChallengeWebServer implements AutoCloseable {
  /** Default body limit: 8 KiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 8 * 1024;

  /** Default requests per minute per client: 60. */
  public static final int DEFAULT_REQUESTS_PER_MINUTE = 60;

  /** Longest request target (path and query) served; longer ones get 414. */
  public static final int MAX_TARGET_LENGTH = ChallengePage.MAX_PATH_LENGTH;

  /** Clients tracked by the rate limiter at most. */
  static final int MAX_TRACKED_CLIENTS = 10_000;

  private static final Logger log = LoggerFactory.getLogger(ChallengeWebServer.class);
  private static final int THREADS = 4;
  private static final int QUEUE = 256;
  private static final AtomicInteger SERVERS = new AtomicInteger();

  private final ChallengePage page;
  private final InetSocketAddress bind;
  private final int maxBodyBytes;
  private final RateLimiter limiter;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile HttpServer server;
  private volatile ThreadPoolExecutor executor;

  private ChallengeWebServer(Builder b) {
    this.page = b.page;
    this.bind =
        b.bind == null ? new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080) : b.bind;
    this.maxBodyBytes = b.maxBodyBytes == null ? DEFAULT_MAX_BODY_BYTES : b.maxBodyBytes;
    int perMinute = b.requestsPerMinute == null ? DEFAULT_REQUESTS_PER_MINUTE : b.requestsPerMinute;
    this.limiter =
        new RateLimiter(
            b.clock == null ? Clock.systemUTC() : b.clock, perMinute, MAX_TRACKED_CLIENTS);
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
   * Binds and starts serving. May be called once.
   *
   * @return this server
   * @throws IOException if the address cannot be bound
   * @throws IllegalStateException if already started or closed
   */
  public ChallengeWebServer start() throws IOException {
    checkState(!closed.get(), "server is closed");
    checkState(started.compareAndSet(false, true), "server was already started");
    HttpServer s = HttpServer.create(bind, 64);
    int id = SERVERS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads =
        r -> {
          Thread t = new Thread(r, "smtpcr-web-" + id + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    // a full queue makes the accepting thread handle the request itself: back-pressure, not failure
    ThreadPoolExecutor ex =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            threads,
            new ThreadPoolExecutor.CallerRunsPolicy());
    s.setExecutor(ex);
    s.createContext("/", this::handle);
    s.start();
    this.executor = ex;
    this.server = s;
    log.info("challenge page serving on {}", baseUri());
    return this;
  }

  /**
   * The port bound (useful when the builder asked for port 0).
   *
   * @return the port
   * @throws IllegalStateException if not started
   */
  public int port() {
    HttpServer s = server;
    checkState(s != null, "server is not started");
    return s.getAddress().getPort();
  }

  /**
   * The server's base address, {@code http://<host>:<port>/}: what the decision engine's challenge
   * base is set to when browsers reach this server directly. A wildcard bind address is reported as
   * the loopback address.
   *
   * @return the base URI, ending in {@code /}
   * @throws IllegalStateException if not started
   */
  public URI baseUri() {
    HttpServer s = server;
    checkState(s != null, "server is not started");
    InetAddress a = s.getAddress().getAddress();
    if (a.isAnyLocalAddress()) {
      a = InetAddress.getLoopbackAddress();
    }
    String host =
        a instanceof Inet6Address ? "[" + stripScope(a.getHostAddress()) + "]" : a.getHostAddress();
    return URI.create("http://" + host + ":" + s.getAddress().getPort() + "/");
  }

  /** Stops serving, closes open connections and ends the server's threads. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    HttpServer s = server;
    if (s != null) {
      s.stop(0);
    }
    ThreadPoolExecutor ex = executor;
    if (ex != null) {
      ex.shutdownNow();
      try {
        if (!ex.awaitTermination(10, TimeUnit.SECONDS)) {
          log.warn("challenge page threads did not stop within 10 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    HttpServer s = server;
    return "ChallengeWebServer["
        + (s == null ? "not started, bind=" + bind : "port=" + s.getAddress().getPort())
        + ", closed="
        + closed.get()
        + "]";
  }

  private void handle(HttpExchange exchange) {
    try {
      send(exchange, respond(exchange));
    } catch (IOException e) {
      log.debug("challenge page connection failed: {}", e.getClass().getSimpleName());
    } catch (RuntimeException e) {
      log.warn("challenge page failed: {}", e.getClass().getName(), e);
    } finally {
      exchange.close();
    }
  }

  private PageResponse respond(HttpExchange exchange) throws IOException {
    OptionalLong wait = limiter.acquire(exchange.getRemoteAddress().getAddress());
    if (wait.isPresent()) {
      return Pages.simple(
          429,
          "/",
          "Too many requests",
          Map.of("Retry-After", Long.toString(wait.getAsLong())),
          "Too many requests from your address. Wait a minute, then try again.");
    }
    String method = exchange.getRequestMethod();
    URI uri = exchange.getRequestURI();
    String rawPath = uri.getRawPath();
    String rawQuery = uri.getRawQuery();
    int targetLength =
        (rawPath == null ? 0 : rawPath.length()) + (rawQuery == null ? 0 : rawQuery.length() + 1);
    if (targetLength > MAX_TARGET_LENGTH) {
      return Pages.simple(
          414, "/", "Address too long", "This address is too long to be a confirmation link.");
    }
    if (rawPath == null || !rawPath.startsWith("/")) {
      return Pages.simple(400, "/", "Bad request", "This request is not understood.");
    }
    return switch (method) {
      case "GET", "HEAD" -> page.get(rawPath);
      case "POST" -> post(exchange, rawPath);
      default ->
          Pages.simple(
              405,
              "/",
              "Method not allowed",
              Map.of("Allow", "GET, HEAD, POST"),
              "This site only answers GET, HEAD and POST.");
    };
  }

  private PageResponse post(HttpExchange exchange, String rawPath) throws IOException {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        return Pages.simple(400, "/", "Bad request", "This request is not understood.");
      }
      if (declared > maxBodyBytes) {
        return tooLarge();
      }
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(maxBodyBytes + 1);
    }
    if (body.length > maxBodyBytes) {
      return tooLarge();
    }
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    return page.post(
        rawPath,
        contentType == null ? "" : contentType,
        body,
        exchange.getRemoteAddress().getAddress());
  }

  private static PageResponse tooLarge() {
    return Pages.simple(
        413,
        "/",
        "Request too large",
        Map.of("Connection", "close"),
        "The form sent was too large.");
  }

  private static void send(HttpExchange exchange, PageResponse response) throws IOException {
    response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    byte[] body = response.body();
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    if (head || body.length == 0) {
      exchange.sendResponseHeaders(response.status(), -1);
      return;
    }
    exchange.sendResponseHeaders(response.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static String stripScope(String ipv6) {
    int pct = ipv6.indexOf('%');
    return pct < 0 ? ipv6 : ipv6.substring(0, pct);
  }

  /**
   * Builds a {@link ChallengeWebServer}. Each option may be set once. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private ChallengePage page;
    private InetSocketAddress bind;
    private Integer maxBodyBytes;
    private Integer requestsPerMinute;
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
     * The address to listen on (default {@code 127.0.0.1:8080}; port 0 picks a free port).
     *
     * @param address the socket address
     * @return this builder
     */
    public Builder bind(InetSocketAddress address) {
      checkState(this.bind == null, "bind was already set");
      requireNonNull(address, "address");
      checkArgument(
          !address.isUnresolved(), "bind address %s is not resolved", address.getHostString());
      this.bind = address;
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
     * The server, not yet started.
     *
     * @return the server
     * @throws IllegalStateException if no page was set
     */
    public ChallengeWebServer build() {
      checkState(page != null, "page is required");
      return new ChallengeWebServer(this);
    }
  }
}
