package org.smtpcr.examples.web;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.examples.runtime.Setting;
import org.smtpcr.examples.runtime.Settings;

/**
 * Serves a {@link ChallengePage} on Jetty, adding what a host facing the internet must: only GET,
 * HEAD and POST (405 otherwise), a bound on the request target (414), on the body (413), deadlines
 * for the request head and body (a slow client is cut off, never holds a thread), a cap on open
 * connections per client and in all, a bounded pool for the page's logic (503 with {@code
 * Retry-After} when it is full), and token buckets per client, per client network and per challenge
 * link (429), in bounded memory. Behind a reverse proxy, list the proxy's address as a {@linkplain
 * Builder#trustedProxies trusted proxy} so that the limits count the real clients.
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
 * Crypto, which browsers offer only on https and on {@code localhost}/{@code 127.0.0.1}).
 * Thread-safe; {@link #close()} stops the server and its threads.
 *
 * @since 0.1.0
 */
public final class ChallengeWebServer implements AutoCloseable {
  /** Default body limit: 8 KiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = PageGate.DEFAULT_MAX_BODY_BYTES;

  /** Default requests per minute per client: 60. */
  public static final int DEFAULT_REQUESTS_PER_MINUTE = PageGate.DEFAULT_REQUESTS_PER_MINUTE;

  /** Longest request target (path and query) served; longer ones get 414. */
  public static final int MAX_TARGET_LENGTH = PageGate.MAX_TARGET_LENGTH;

  /** Buckets of each kind (client, network, link) tracked by the rate limiter at most. */
  static final int MAX_TRACKED_CLIENTS = PageGate.MAX_TRACKED_CLIENTS;

  /** Seconds a client is asked to wait when the page's pool is full. */
  static final int BUSY_RETRY_AFTER_SECONDS = PageGate.BUSY_RETRY_AFTER_SECONDS;

  private static final Logger log = LoggerFactory.getLogger(ChallengeWebServer.class);
  // Jetty's own threads only parse, dispatch and write; they never wait for a slow client
  private static final int JETTY_THREADS = 16;
  private static final AtomicInteger SERVERS = new AtomicInteger();

  private final PageGate gate;
  private final InetSocketAddress bind;
  private final Duration headerTimeout;
  private final Duration bodyTimeout;
  private final int connectionsPerClient;
  private final int maxConnections;
  private final int threads;
  private final int queue;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Server server;
  private volatile ThreadPoolExecutor pageThreads;
  private volatile ConnectionGuard guard;
  private volatile Scheduler scheduler;
  private volatile int port = -1;

  private ChallengeWebServer(Builder b) {
    Settings s = b.settings == null ? Settings.defaults() : b.settings;
    this.bind =
        b.bind == null ? new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080) : b.bind;
    this.headerTimeout = or(b.headerTimeout, s, Settings.WEB_HEADER_TIMEOUT);
    this.bodyTimeout = or(b.bodyTimeout, s, Settings.WEB_BODY_TIMEOUT);
    this.connectionsPerClient = or(b.connectionsPerClient, s, Settings.WEB_CONNECTIONS_PER_CLIENT);
    this.maxConnections = or(b.maxConnections, s, Settings.WEB_MAX_CONNECTIONS);
    this.threads = or(b.threads, s, Settings.WEB_THREADS);
    this.queue = or(b.queue, s, Settings.WEB_QUEUE);
    // the rules every host applies (limits, client address, methods, sizes): shared with the
    // Servlet adapter, so the two cannot drift apart
    this.gate = b.gate.build();
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
   * Binds and starts serving. May be called once.
   *
   * @return this server
   * @throws IOException if the address cannot be bound
   * @throws IllegalStateException if already started or closed
   */
  public ChallengeWebServer start() throws IOException {
    checkState(!closed.get(), "server is closed");
    checkState(started.compareAndSet(false, true), "server was already started");
    int id = SERVERS.incrementAndGet();
    String name = "smtpcr-web-" + id;

    // unbounded as Jetty wants it: its tasks are short, and open connections are capped
    QueuedThreadPool jettyThreads = new QueuedThreadPool(JETTY_THREADS, 2, 60_000);
    jettyThreads.setName(name);
    jettyThreads.setDaemon(true);
    jettyThreads.setStopTimeout(5_000);
    Scheduler timers = new ScheduledExecutorScheduler(name + "-timer", true);
    Server s = new Server(jettyThreads, timers, null);
    s.setStopTimeout(5_000);

    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(8 * 1024);
    http.setIdleTimeout(Math.max(headerTimeout.toMillis(), bodyTimeout.toMillis()));

    ServerConnector c =
        new ServerConnector(s, null, timers, null, 1, 1, new HttpConnectionFactory(http));
    c.setHost(bind.getAddress().getHostAddress());
    c.setPort(bind.getPort());
    c.setAcceptQueueSize(128);
    c.setIdleTimeout(Math.max(headerTimeout.toMillis(), bodyTimeout.toMillis()));
    ConnectionGuard g =
        new ConnectionGuard(connectionsPerClient, headerTimeout, gate::isTrustedProxy, timers);
    c.addBean(g);
    s.addConnector(c);
    s.addBean(new NetworkConnectionLimit(maxConnections, c));
    s.setErrorHandler(new PageErrors(gate));

    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, name + "-page-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    // a full queue is a 503 with Retry-After: no thread ever waits for a free one
    ThreadPoolExecutor ex =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue),
            factory,
            new ThreadPoolExecutor.AbortPolicy());
    s.setHandler(new PageHandler());
    this.pageThreads = ex;
    this.guard = g;
    this.scheduler = timers;
    this.server = s;
    try {
      s.start();
      this.port = c.getLocalPort();
    } catch (Exception e) {
      close();
      throw e instanceof IOException io
          ? io
          : new IOException("challenge page could not start on " + bind, e);
    }
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
    int p = port;
    checkState(p > 0, "server is not started");
    return p;
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
    int port = port();
    InetAddress a = bind.getAddress();
    if (a.isAnyLocalAddress()) {
      a = InetAddress.getLoopbackAddress();
    }
    String host =
        a instanceof Inet6Address ? "[" + stripScope(a.getHostAddress()) + "]" : a.getHostAddress();
    return URI.create("http://" + host + ":" + port + "/");
  }

  /** Stops serving, closes open connections and ends the server's threads. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Server s = server;
    if (s != null) {
      try {
        s.stop();
      } catch (Exception e) {
        log.warn("challenge page did not stop cleanly: {}", e.getClass().getName());
      }
    }
    ThreadPoolExecutor ex = pageThreads;
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
    int p = port;
    return "ChallengeWebServer["
        + (p < 0 ? "not started, bind=" + bind : "port=" + p)
        + ", closed="
        + closed.get()
        + "]";
  }

  /** The connection guard, for tests. */
  ConnectionGuard guard() {
    ConnectionGuard g = guard;
    checkState(g != null, "server is not started");
    return g;
  }

  /** Answers every request, never blocking a Jetty thread on the client or on the page. */
  private final class PageHandler extends Handler.Abstract {
    PageHandler() {
      super(InvocationType.NON_BLOCKING);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      Connection connection = request.getConnectionMetaData().getConnection();
      guard.requestBegun(connection);
      Exchange x = new Exchange(request, response, callback, connection);
      try {
        x.serve();
      } catch (RuntimeException e) {
        log.warn("challenge page failed: {}", e.getClass().getName(), e);
        x.send(gate.serverError(x.acceptLanguage()));
      }
      return true;
    }
  }

  /** One request and its response. */
  private final class Exchange {
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final Connection connection;
    private final AtomicBoolean sent = new AtomicBoolean();

    Exchange(Request request, Response response, Callback callback, Connection connection) {
      this.request = request;
      this.response = response;
      this.callback = callback;
      this.connection = connection;
    }

    /** The request's {@code Accept-Language} lines, joined; empty when absent. */
    String acceptLanguage() {
      return String.join(", ", request.getHeaders().getValuesList(HttpHeader.ACCEPT_LANGUAGE));
    }

    void serve() {
      String language = acceptLanguage();
      InetAddress client = clientAddress();
      HttpURI uri = request.getHttpURI();
      String rawPath = uri.getPath() == null ? "" : uri.getPath();
      String rawQuery = uri.getQuery() == null ? "" : uri.getQuery();
      Optional<PageResponse> early =
          gate.admit(request.getMethod(), rawPath, rawQuery, request.getLength(), client, language);
      if (early.isPresent()) {
        send(early.get());
      } else if (request.getMethod().equals("POST")) {
        post(rawPath, client, language);
      } else {
        runPage(() -> gate.get(rawPath, language), language);
      }
    }

    /** The peer, or the client a trusted proxy names. */
    private InetAddress clientAddress() {
      InetAddress peer = peer(request.getConnectionMetaData().getRemoteSocketAddress());
      return gate.client(
          peer,
          request.getHeaders().getValuesList(HttpHeader.FORWARDED),
          request.getHeaders().getValuesList(HttpHeader.X_FORWARDED_FOR));
    }

    /** Reads the body (admitted by the gate) within its deadline, then runs the page. */
    private void post(String rawPath, InetAddress client, String language) {
      AtomicBoolean late = new AtomicBoolean();
      Scheduler.Task deadline =
          scheduler.schedule(
              () -> {
                late.set(true);
                request.fail(new TimeoutException("request body not received in time"));
              },
              bodyTimeout.toMillis(),
              TimeUnit.MILLISECONDS);
      Content.Source.asByteArrayAsync(
          request,
          gate.maxBodyBytes(),
          Promise.Invocable.from(
              InvocationType.NON_BLOCKING,
              (byte[] bytes, Throwable failure) -> {
                deadline.cancel();
                if (failure == null) {
                  String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
                  runPage(
                      () ->
                          gate.post(
                              rawPath,
                              contentType == null ? "" : contentType,
                              bytes,
                              client,
                              language),
                      language);
                } else if (late.get()) {
                  send(gate.requestTimeout(language));
                } else if (failure instanceof IOException
                    || failure.getCause() instanceof IOException) {
                  fail(failure);
                } else {
                  // asByteArrayAsync fails a body over its limit
                  send(gate.bodyTooLarge(language));
                }
              }));
    }

    /** Runs the page's logic on the page pool, or answers 503 when it is full. */
    private void runPage(Supplier<PageResponse> logic, String language) {
      try {
        pageThreads.execute(() -> send(logic.get())); // the gate turns a failure into a 500
      } catch (RejectedExecutionException e) {
        log.debug("challenge page busy: 503");
        send(gate.busy(language));
      }
    }

    void send(PageResponse r) {
      if (!sent.compareAndSet(false, true)) {
        return;
      }
      try {
        response.setStatus(r.status());
        r.headers().forEach((k, v) -> response.getHeaders().put(k, v));
        byte[] body = r.body();
        boolean head = "HEAD".equals(request.getMethod());
        if (head || body.length == 0) {
          response.write(true, null, done());
        } else {
          response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
          response.write(true, ByteBuffer.wrap(body), done());
        }
      } catch (RuntimeException e) {
        log.debug("challenge page response failed: {}", e.getClass().getSimpleName());
        fail(e);
      }
    }

    private void fail(Throwable failure) {
      sent.set(true);
      guard.requestEnded(connection);
      log.debug("challenge page connection failed: {}", failure.getClass().getSimpleName());
      callback.failed(failure);
    }

    /** The request's callback, re-arming the connection's head deadline first. */
    private Callback done() {
      return new Callback() {
        @Override
        public void succeeded() {
          guard.requestEnded(connection);
          callback.succeeded();
        }

        @Override
        public void failed(Throwable x) {
          guard.requestEnded(connection);
          callback.failed(x);
        }
      };
    }
  }

  private static InetAddress peer(SocketAddress a) {
    if (a instanceof InetSocketAddress i && i.getAddress() != null) {
      return i.getAddress();
    }
    return InetAddress.getLoopbackAddress(); // not over IP (a test's local connector)
  }

  private static String stripScope(String ipv6) {
    int pct = ipv6.indexOf('%');
    return pct < 0 ? ipv6 : ipv6.substring(0, pct);
  }

  /** Jetty's own error answers (bad request head, head too large) as pages with our headers. */
  private static final class PageErrors extends ErrorHandler {
    private final PageGate gate;

    PageErrors(PageGate gate) {
      this.gate = gate;
    }

    @Override
    protected void generateResponse(
        Request request,
        Response response,
        int code,
        String message,
        Throwable cause,
        Callback callback) {
      String language;
      try { // the head may be only partly read
        language =
            String.join(", ", request.getHeaders().getValuesList(HttpHeader.ACCEPT_LANGUAGE));
      } catch (RuntimeException e) {
        language = "";
      }
      PageResponse r = gate.notServed(code, language);
      response.setStatus(r.status());
      r.headers().forEach((k, v) -> response.getHeaders().put(k, v));
      byte[] body = r.body();
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      response.write(true, ByteBuffer.wrap(body), callback);
    }
  }

  /**
   * Builds a {@link ChallengeWebServer}. Each option may be set once; an option not set takes its
   * value from {@link #settings(Settings)}, else its default. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    /**
     * The rules in front of the page: the setters they share with {@link PageGate.Builder} go
     * there, with its checks.
     */
    private final PageGate.Builder gate = PageGate.builder();

    private InetSocketAddress bind;
    private Settings settings;
    private Duration headerTimeout;
    private Duration bodyTimeout;
    private Integer connectionsPerClient;
    private Integer maxConnections;
    private Integer threads;
    private Integer queue;

    private Builder() {}

    /**
     * The page to serve (required).
     *
     * @param page the challenge page
     * @return this builder
     */
    public Builder page(ChallengePage page) {
      gate.page(page);
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
      gate.maxBodyBytes(bytes);
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
      gate.requestsPerMinutePerClient(perMinute);
      return this;
    }

    /**
     * Requests allowed per client network (IPv4 /24, IPv6 /48) and minute; 0 is no limit (default
     * {@link Settings#WEB_REQUESTS_PER_MINUTE_PER_NETWORK}).
     *
     * @param perMinute the limit
     * @return this builder
     * @since 0.3.0
     */
    public Builder requestsPerMinutePerNetwork(int perMinute) {
      gate.requestsPerMinutePerNetwork(perMinute);
      return this;
    }

    /**
     * POSTs allowed per challenge link and hour; 0 is no limit (default {@link
     * Settings#WEB_POSTS_PER_TOKEN_PER_HOUR}).
     *
     * @param perHour the limit
     * @return this builder
     * @since 0.3.0
     */
    public Builder postsPerTokenPerHour(int perHour) {
      gate.postsPerTokenPerHour(perHour);
      return this;
    }

    /**
     * How long a client may take to send a request head, from connecting or from its previous
     * response (default {@link Settings#WEB_HEADER_TIMEOUT}); past it the connection is closed.
     *
     * @param timeout the deadline, 100 ms to 1 h
     * @return this builder
     * @since 0.3.0
     */
    public Builder headerTimeout(Duration timeout) {
      checkState(this.headerTimeout == null, "headerTimeout was already set");
      this.headerTimeout = timeout(timeout, "headerTimeout");
      return this;
    }

    /**
     * How long a client may take to send a request body (default {@link
     * Settings#WEB_BODY_TIMEOUT}); past it the answer is 408 and the connection is closed.
     *
     * @param timeout the deadline, 100 ms to 1 h
     * @return this builder
     * @since 0.3.0
     */
    public Builder bodyTimeout(Duration timeout) {
      checkState(this.bodyTimeout == null, "bodyTimeout was already set");
      this.bodyTimeout = timeout(timeout, "bodyTimeout");
      return this;
    }

    /**
     * Open connections per client (IPv4 address or IPv6 /64; trusted proxies exempt); more are
     * closed at once (default {@link Settings#WEB_CONNECTIONS_PER_CLIENT}).
     *
     * @param connections the cap, at least 1
     * @return this builder
     * @since 0.3.0
     */
    public Builder connectionsPerClient(int connections) {
      checkState(this.connectionsPerClient == null, "connectionsPerClient was already set");
      checkArgument(connections >= 1, "connectionsPerClient must be >= 1, got %s", connections);
      this.connectionsPerClient = connections;
      return this;
    }

    /**
     * Open connections in all; more wait in the listen queue (default {@link
     * Settings#WEB_MAX_CONNECTIONS}).
     *
     * @param connections the cap, at least 1
     * @return this builder
     * @since 0.3.0
     */
    public Builder maxConnections(int connections) {
      checkState(this.maxConnections == null, "maxConnections was already set");
      checkArgument(connections >= 1, "maxConnections must be >= 1, got %s", connections);
      this.maxConnections = connections;
      return this;
    }

    /**
     * Threads that run the page's logic (default {@link Settings#WEB_THREADS}).
     *
     * @param count 1 to 1024
     * @return this builder
     * @since 0.3.0
     */
    public Builder threads(int count) {
      checkState(this.threads == null, "threads was already set");
      checkArgument(count >= 1 && count <= 1024, "threads must be 1..1024, got %s", count);
      this.threads = count;
      return this;
    }

    /**
     * Requests that may wait for a page thread; more get 503 with {@code Retry-After} (default
     * {@link Settings#WEB_QUEUE}).
     *
     * @param length 0 to 100,000
     * @return this builder
     * @since 0.3.0
     */
    public Builder queue(int length) {
      checkState(this.queue == null, "queue was already set");
      checkArgument(length >= 0 && length <= 100_000, "queue must be 0..100000, got %s", length);
      this.queue = length;
      return this;
    }

    /**
     * Reverse proxies whose {@code Forwarded} or {@code X-Forwarded-For} header names the client
     * (default {@link Settings#WEB_TRUSTED_PROXIES}: none, the peer is the client).
     *
     * @param networks CIDR networks such as {@code 10.0.0.0/8} or {@code ::1}
     * @return this builder
     * @throws IllegalArgumentException if one is not a network
     * @since 0.3.0
     */
    public Builder trustedProxies(List<String> networks) {
      gate.trustedProxies(networks);
      return this;
    }

    /**
     * The settings that options not set here take their values from: {@link
     * Settings#WEB_HEADER_TIMEOUT}, {@link Settings#WEB_BODY_TIMEOUT}, {@link
     * Settings#WEB_CONNECTIONS_PER_CLIENT}, {@link Settings#WEB_MAX_CONNECTIONS}, {@link
     * Settings#WEB_THREADS}, {@link Settings#WEB_QUEUE}, {@link Settings#WEB_TRUSTED_PROXIES},
     * {@link Settings#WEB_REQUESTS_PER_MINUTE_PER_NETWORK} and {@link
     * Settings#WEB_POSTS_PER_TOKEN_PER_HOUR} (default: {@link Settings#defaults()}).
     *
     * @param settings the settings
     * @return this builder
     * @since 0.3.0
     */
    public Builder settings(Settings settings) {
      checkState(this.settings == null, "settings was already set");
      this.settings = requireNonNull(settings, "settings");
      gate.settings(settings);
      return this;
    }

    /**
     * The clock of the rate limiter (default: system UTC).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      gate.clock(clock);
      return this;
    }

    /**
     * The server, not yet started.
     *
     * @return the server
     * @throws IllegalStateException if no page was set
     */
    public ChallengeWebServer build() {
      return new ChallengeWebServer(this);
    }

    private static Duration timeout(Duration d, String name) {
      requireNonNull(d, name);
      checkArgument(
          d.compareTo(Duration.ofMillis(100)) >= 0 && d.compareTo(Duration.ofHours(1)) <= 0,
          "%s must be 100 ms..1 h, got %s",
          name,
          d);
      return d;
    }
  }
}
