package org.smtpcr.examples.runtime.metrics;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.internal.LogSafe;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.runtime.CoarseClock;

/**
 * A small HTTP server for monitoring, on the JDK's own HTTP server:
 *
 * <ul>
 *   <li>{@code GET /metrics}: the registry in the Prometheus text format, with the JVM's basics
 *       (memory, garbage collection, threads, class loading, processor, uptime) bound to it;
 *   <li>{@code GET /healthz}: {@code 200 ok} when the whitelist store answers a cheap query (one
 *       counter look-up) within the {@linkplain Builder#healthTimeout time-out}, else {@code 503}
 *       and one line that says why.
 * </ul>
 *
 * <p>It binds where it is told: keep it on loopback or a management network, since it answers
 * anyone who connects.
 *
 * @since 0.3.0
 */
public final class MetricsServer implements AutoCloseable {
  /** How long {@code /healthz} waits for the store by default. */
  public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(2);

  /** The counter key the health check reads: no rate limit uses it, so it is always 0. */
  static final String HEALTH_KEY = "smtpcr-healthz";

  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final InetSocketAddress bind;
  private final WhitelistStore store;
  private final Duration healthTimeout;
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final ThreadPoolExecutor checks;
  private final ExecutorService handlers;
  private HttpServer server;

  private MetricsServer(Builder b) {
    this.bind = b.bind;
    this.store = b.store;
    this.healthTimeout = b.healthTimeout == null ? DEFAULT_HEALTH_TIMEOUT : b.healthTimeout;
    this.registry = b.registry == null ? newRegistry() : b.registry;
    // at most two checks wait for a slow store at once; a third is refused (503) at once
    this.checks =
        new ThreadPoolExecutor(
            0, 2, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), daemon("smtpcr-healthz-"));
    this.handlers =
        new ThreadPoolExecutor(
            2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(64), daemon("smtpcr-metrics-"));
  }

  /**
   * A Prometheus registry as the servers make theirs: Micrometer's defaults, but with the time its
   * timers rotate their maximum and histogram by read from {@link CoarseClock} (up to {@value
   * CoarseClock#TICK_MILLIS} ms behind), not from the system clock twice for each time a timer
   * records, which is two or more times a decision.
   *
   * @return a new registry
   */
  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(
        PrometheusConfig.DEFAULT, new PrometheusRegistry(), COARSE_WALL_TIME);
  }

  /** Micrometer's clock: the wall time from {@link CoarseClock}, durations from nanoTime. */
  private static final Clock COARSE_WALL_TIME =
      new Clock() {
        @Override
        public long wallTime() {
          return CoarseClock.currentTimeMillis();
        }

        @Override
        public long monotonicTime() {
          return System.nanoTime();
        }
      };

  /**
   * Starts a builder; {@link Builder#bind} and {@link Builder#store} are required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the JVM metrics and starts serving.
   *
   * @return this server
   * @throws IOException if the address cannot be bound
   * @throws IllegalStateException if it was started already
   */
  public synchronized MetricsServer start() throws IOException {
    checkState(server == null, "already started");
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    HttpServer s = HttpServer.create(bind, 16);
    s.createContext("/", this::handle);
    s.setExecutor(handlers);
    s.start();
    server = s;
    log.info("metrics on {}", address());
    return this;
  }

  /**
   * The registry served; add meters to it, such as {@link MicrometerDecisionListener}'s.
   *
   * @return the registry
   */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * The bound address (the actual port when the builder asked for port 0).
   *
   * @return the address
   * @throws IllegalStateException if not started
   */
  public synchronized InetSocketAddress address() {
    checkState(server != null, "not started");
    return server.getAddress();
  }

  /**
   * The store's health as {@code /healthz} reports it.
   *
   * @return empty when healthy, else one printable line that says why not
   */
  public Optional<String> problem() {
    Future<Long> f;
    try {
      f = checks.submit(() -> store.countOf(HEALTH_KEY));
    } catch (RejectedExecutionException e) {
      return Optional.of("store: earlier checks are still waiting for it");
    }
    try {
      f.get(healthTimeout.toMillis(), TimeUnit.MILLISECONDS);
      return Optional.empty();
    } catch (TimeoutException e) {
      f.cancel(true);
      return Optional.of("store: no answer within " + healthTimeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      return Optional.of(
          "store: "
              + c.getClass().getSimpleName()
              + ": "
              + LogSafe.of(String.valueOf(c.getMessage())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("store: check interrupted");
    }
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String method = x.getRequestMethod();
      String path = x.getRequestURI().getPath();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        x.getResponseHeaders().set("Allow", "GET, HEAD");
        send(x, 405, "text/plain; charset=utf-8", "method not allowed\n");
      } else if (path.equals("/metrics")) {
        send(x, 200, PROMETHEUS_TEXT, registry.scrape());
      } else if (path.equals("/healthz")) {
        Optional<String> problem = problem();
        send(
            x,
            problem.isEmpty() ? 200 : 503,
            "text/plain; charset=utf-8",
            problem.orElse("ok") + "\n");
      } else {
        send(x, 404, "text/plain; charset=utf-8", "not found: try /metrics or /healthz\n");
      }
    }
  }

  private static void send(HttpExchange x, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type);
    x.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = x.getRequestMethod().equals("HEAD");
    x.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** Stops serving (cutting off requests under way) and its threads. */
  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
    }
    gc.close();
    handlers.shutdownNow();
    checks.shutdownNow();
  }

  @Override
  public synchronized String toString() {
    return "MetricsServer[" + (server == null ? "not started" : server.getAddress()) + "]";
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Builds a {@link MetricsServer}. Not thread-safe. */
  public static final class Builder {
    private InetSocketAddress bind;
    private WhitelistStore store;
    private Duration healthTimeout;
    private PrometheusMeterRegistry registry;

    private Builder() {}

    /**
     * Where to listen; port 0 picks a free port.
     *
     * @param address the address
     * @return this builder
     */
    public Builder bind(InetSocketAddress address) {
      checkState(bind == null, "bind was already set");
      this.bind = requireNonNull(address, "address");
      return this;
    }

    /**
     * The store {@code /healthz} asks (the undecorated one, so that checks are not timed).
     *
     * @param store the store
     * @return this builder
     */
    public Builder store(WhitelistStore store) {
      checkState(this.store == null, "store was already set");
      this.store = requireNonNull(store, "store");
      return this;
    }

    /**
     * How long {@code /healthz} waits for the store (default {@link #DEFAULT_HEALTH_TIMEOUT}).
     *
     * @param timeout 10 ms to 1 minute
     * @return this builder
     */
    public Builder healthTimeout(Duration timeout) {
      checkState(healthTimeout == null, "healthTimeout was already set");
      requireNonNull(timeout, "timeout");
      checkArgument(
          timeout.compareTo(Duration.ofMillis(10)) >= 0
              && timeout.compareTo(Duration.ofMinutes(1)) <= 0,
          "healthTimeout must be 10 ms..1 min, got %s",
          timeout);
      this.healthTimeout = timeout;
      return this;
    }

    /**
     * The registry to serve (default: a new Prometheus registry).
     *
     * @param registry the registry
     * @return this builder
     */
    public Builder registry(PrometheusMeterRegistry registry) {
      checkState(this.registry == null, "registry was already set");
      this.registry = requireNonNull(registry, "registry");
      return this;
    }

    /**
     * The server, not started yet.
     *
     * @return the server
     * @throws IllegalStateException if bind or store was not set
     */
    public MetricsServer build() {
      checkState(bind != null, "bind is required");
      checkState(store != null, "store is required");
      return new MetricsServer(this);
    }
  }
}
