package org.smtpcr.examples.policy;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.runtime.CachingWhitelistStore;
import org.smtpcr.examples.runtime.EnforcementMode;
import org.smtpcr.examples.runtime.OutboundLearning;

/**
 * A Postfix SMTPD policy delegation server that asks the SMTPCR {@link DecisionEngine} whether to
 * challenge each recipient. Postfix connects with {@code check_policy_service}; see {@code
 * docs/postfix.md} for the {@code main.cf} lines.
 *
 * <pre>{@code
 * try (PolicyServer server = PolicyServer.builder()
 *     .engine(engine)
 *     .store(store)
 *     .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 10040))
 *     .build()
 *     .start()) {
 *   ...   // check_policy_service inet:127.0.0.1:10040
 * }
 * }</pre>
 *
 * <p><b>Protocol</b> (Postfix SMTPD_POLICY_README). A request is {@code name=value} lines ending
 * with an empty line; the reply is {@code action=...} and an empty line; lines end with LF. Every
 * attribute is accepted, unknown ones are ignored. Connections are persistent (Postfix keeps one
 * per {@code smtpd} process) and carry one request at a time.
 *
 * <p><b>Answers.</b> At {@code protocol_state=RCPT} the engine decides a {@code Transaction} built
 * from {@code client_address}, {@code helo_name}, {@code sender} (empty: the null sender), {@code
 * recipient}, {@code sasl_username} (the authenticated user), {@code encryption_protocol}
 * (non-empty: TLS) and {@code instance} (the session id). A challenge, reject or defer is answered
 * with its reply as {@link
 * org.smtpcr.core.reply.PostfixReplies#action(org.smtpcr.core.reply.SmtpReply, String) one line}
 * that fits after the name Postfix prints in front of it ({@code action=550 5.7.1 ...
 * https://...}); an accept with {@code DUNNO} (never {@code OK}, which would skip the rest of
 * Postfix's restrictions), or with {@code PREPEND} of a header saying why, when {@link
 * Builder#prependHeader(String) configured}. Every other state is answered {@code DUNNO}. A failure
 * of ours is answered {@code 451 4.3.0}: the sending MTA retries. {@linkplain
 * Builder#mode(EnforcementMode) Observing}, every recipient is answered {@code DUNNO} (or {@code
 * PREPEND NAME: would-challenge (rule)} and the like), failures included.
 *
 * <p><b>Sender authentication.</b> An engine with a {@link
 * org.smtpcr.core.auth.SenderAuthenticator} (the standard engine's, on by default) checks SPF from
 * {@code client_address}, {@code sender} and {@code helo_name}: SPF {@code fail} is answered {@code
 * 550 5.7.23} without a link, DNS trouble {@code 451 4.4.3}. The policy server never sees the
 * message, so DKIM and DMARC alignment cannot count here: a whitelist hit of a sender that is not
 * SPF-authenticated (and whose domain publishes something) is answered {@code 550 5.7.26} without a
 * link. {@code docs/postfix.md} says what to run beside it.
 *
 * <p><b>Learning from outbound mail.</b> When {@code sasl_username} is set, one of our users is
 * sending: once the message is accepted ({@code protocol_state=END-OF-MESSAGE}, which Postfix asks
 * only when the server is also in {@code smtpd_end_of_data_restrictions}), each pair (a recipient
 * accepted in that transaction as sender, our user's address as recipient) is confirmed in the
 * store, and our user is marked as having sent mail; never at RCPT, where RCPT and RSET would
 * whitelist any pair. Only senders in the {@linkplain Builder#localDomains local domains} are
 * learned from. On by default.
 *
 * <p><b>Transactions.</b> The recipients accepted ({@code DUNNO}) in each transaction are kept by
 * Postfix's {@code instance} attribute, bounded and forgotten after an hour without a request.
 *
 * <p><b>Addresses.</b> Postfix sends {@code sender} and {@code recipient} in its internal form;
 * local parts that need quotes get them again before parsing. An address Postfix accepted that the
 * engine cannot read is answered {@code DUNNO}, with a WARN line (at most 20 a minute), never a
 * permanent refusal.
 *
 * <p><b>Bounds.</b> A line of at most {@value #MAX_LINE_BYTES} bytes, at most {@value
 * #MAX_ATTRIBUTES} attributes and {@value #MAX_REQUEST_BYTES} bytes per request. A request that
 * breaks a bound or the syntax closes its connection without a reply (Postfix then applies the
 * {@code default_action} of its {@code check_policy_service}), logged once at WARN with at most a
 * short, sanitized excerpt. Connections beyond {@link Builder#maxConnections(int)} are closed at
 * once; idle ones after {@link Builder#idleTimeout(Duration)}.
 *
 * <p><b>Threads.</b> Non-blocking I/O on Netty with one event-loop thread, however many connections
 * are open; decisions (which may block on the store, and on DNS for SPF) run on a fixed pool of
 * {@link Builder#workerThreads(int)} threads, or on the event loop itself with {@code
 * workerThreads(0)} when nothing in them blocks: never with an engine that authenticates senders.
 * {@link #close()} stops all of them.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class PolicyServer implements AutoCloseable {
  /** Longest request line, in bytes, line feed excluded. */
  public static final int MAX_LINE_BYTES = 4096;

  /** Most attributes in one request (Postfix 3.7 sends about 30). */
  public static final int MAX_ATTRIBUTES = 100;

  /** Largest request, in bytes, line feeds included. */
  public static final int MAX_REQUEST_BYTES = 32 * 1024;

  /** Default limit of open connections. */
  public static final int DEFAULT_MAX_CONNECTIONS = 1000;

  /**
   * Default idle timeout: 10 minutes, longer than Postfix keeps an idle policy connection ({@code
   * smtpd_policy_service_max_idle}, 300 s).
   */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

  /** Default number of decision threads. */
  public static final int DEFAULT_WORKER_THREADS = 8;

  /** Default name of the header {@link Builder#prependHeader(String)} adds. */
  public static final String DEFAULT_HEADER = "X-SMTPCR";

  /**
   * Event-loop threads: one is plenty for hundreds of loopback connections and leaves the cores to
   * decisions.
   */
  static final int IO_THREADS = 1;

  /** The system property that, set to {@code true}, keeps the server on Java's NIO selector. */
  static final String NIO_PROPERTY = "smtpcr.policy.nio";

  private static final Logger log = LoggerFactory.getLogger(PolicyServer.class);
  private static final Pattern HEADER_NAME = Pattern.compile("[!-9;-~]{1,64}");
  private static final int MAX_WORKER_THREADS = 1024;
  private static final Duration MAX_BUSY_POLL = Duration.ofMillis(10);
  private static final int MAX_CONNECTIONS_LIMIT = 100_000;
  private static final AtomicInteger SERVERS = new AtomicInteger();

  private final DecisionEngine engine;
  private final Optional<WhitelistStore> store;
  private final InetSocketAddress bind;
  private final int maxConnections;
  private final Duration idleTimeout;
  private final int workerThreads;
  private final Duration busyPoll;
  private final boolean memoryFirst;
  private final boolean learnOutbound;
  private final Duration learnLifetime;
  private final List<String> localDomains;
  private final Clock clock;
  private final Optional<String> prependHeader;
  private final EnforcementMode mode;
  private final AddressCanonicalizer canonicalizer;
  private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
  private final AtomicInteger open = new AtomicInteger();
  private final int serial = SERVERS.incrementAndGet();
  private final ProtocolWarnings warnings = new ProtocolWarnings(System::nanoTime);

  private EventLoopGroup group;
  private volatile boolean epoll;
  private ExecutorService workers;
  private Channel serverChannel;
  private InetSocketAddress bound;
  private boolean started;
  private volatile boolean closed;

  private PolicyServer(Builder b) {
    this.engine = b.engine;
    this.store = Optional.ofNullable(b.store);
    this.bind =
        b.bind == null ? new InetSocketAddress(InetAddress.getLoopbackAddress(), 0) : b.bind;
    this.maxConnections = b.maxConnections == null ? DEFAULT_MAX_CONNECTIONS : b.maxConnections;
    this.idleTimeout = b.idleTimeout == null ? DEFAULT_IDLE_TIMEOUT : b.idleTimeout;
    this.workerThreads = b.workerThreads == null ? DEFAULT_WORKER_THREADS : b.workerThreads;
    this.busyPoll = b.busyPoll == null ? Duration.ZERO : b.busyPoll;
    this.memoryFirst = Boolean.TRUE.equals(b.memoryFirst);
    this.learnOutbound = b.learnOutbound == null || b.learnOutbound;
    this.learnLifetime =
        b.learnLifetime == null ? OutboundLearning.DEFAULT_LIFETIME : b.learnLifetime;
    this.localDomains = b.localDomains == null ? List.of() : b.localDomains;
    this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
    this.prependHeader = b.prependHeader;
    this.mode = b.mode != null ? b.mode : EnforcementMode.ENFORCE;
    this.canonicalizer = b.engine.canonicalizer(); // one canonical form: the engine's
  }

  /**
   * Starts a builder; the engine is required, and the store unless learning from outbound mail is
   * off.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the listening socket and starts serving.
   *
   * @return this server
   * @throws IOException if the address cannot be bound
   * @throws IllegalStateException if already started or closed
   */
  public synchronized PolicyServer start() throws IOException {
    checkState(!started, "the policy server was already started");
    checkState(!closed, "the policy server was closed");
    started = true;
    Optional<OutboundLearning> learning =
        learnOutbound
            ? store.map(
                st ->
                    OutboundLearning.of(st, canonicalizer, clock)
                        .withLifetime(learnLifetime)
                        .withLocalDomains(localDomains))
            : Optional.empty();
    learning.ifPresent(OutboundLearning::warnIfEveryDomain);
    PolicyDecider decider =
        new PolicyDecider(engine, learning, prependHeader, new TransactionRecipients(clock), mode);
    if (workerThreads > 0) {
      // a ForkJoinPool, not a ThreadPoolExecutor: it wakes the worker that went idle last, whose
      // thread is still warm, where the executor's queue wakes the one idle longest; on virtual
      // machines that halves the tail latency at moderate load. At most one task per connection
      // is queued, so the queue never holds more than maxConnections. Never more than
      // workerThreads threads, even for tasks that block in ForkJoinPool.managedBlock; idle ones
      // end after a minute. The threads get the context class loader of the thread that starts
      // the server, as threads it created would.
      String prefix = "smtpcr-policy-" + serial + "-worker-";
      AtomicInteger threadNumber = new AtomicInteger();
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      workers =
          new ForkJoinPool(
              workerThreads,
              pool -> {
                ForkJoinWorkerThread t =
                    ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                t.setName(prefix + threadNumber.incrementAndGet());
                t.setContextClassLoader(loader);
                return t;
              },
              null,
              false,
              workerThreads,
              workerThreads,
              1,
              p -> true,
              60,
              TimeUnit.SECONDS);
    }
    DefaultThreadFactory ioThreads =
        new DefaultThreadFactory("smtpcr-policy-" + serial + "-io", true);
    SelectStrategyFactory waiting =
        busyPoll.isZero()
            ? DefaultSelectStrategyFactory.INSTANCE
            : BusyPollStrategy.factory(busyPoll.toNanos());
    // Linux's epoll where Netty's native transport loads (fewer system calls and no selector
    // bookkeeping per request); Java's NIO selector elsewhere, or with -Dsmtpcr.policy.nio=true
    epoll = !Boolean.getBoolean(NIO_PROPERTY) && Epoll.isAvailable();
    group =
        epoll
            ? new EpollEventLoopGroup(IO_THREADS, ioThreads, waiting)
            : new NioEventLoopGroup(IO_THREADS, ioThreads, SelectorProvider.provider(), waiting);
    long idleMillis = idleTimeout.toMillis();
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, Math.min(maxConnections, 4096))
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            // answers a client has not read: past the high mark the connection is closed (the
            // handler)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(MAX_REQUEST_BYTES / 4, MAX_REQUEST_BYTES))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    int n = open.incrementAndGet();
                    channels.add(ch);
                    ch.closeFuture()
                        .addListener(
                            f -> {
                              open.decrementAndGet();
                              channels.remove(ch);
                            });
                    if (n > maxConnections || closed) {
                      String peer =
                          ch.remoteAddress() == null
                              ? "?"
                              : ch.remoteAddress().getAddress().getHostAddress()
                                  + ":"
                                  + ch.remoteAddress().getPort();
                      warnings.closing(
                          peer, "more than " + maxConnections + " connections open", "");
                      closeWithoutWaiting(ch);
                      return;
                    }
                    pipeline(
                        ch.pipeline(),
                        idleMillis,
                        new PolicyChannelHandler(decider, workers, warnings, memoryFirst));
                  }
                });
    ChannelFuture f = bootstrap.bind(bind).awaitUninterruptibly();
    if (!f.isSuccess()) {
      Throwable cause = f.cause();
      close();
      throw new IOException(
          "cannot listen on " + bind.getAddress().getHostAddress() + ":" + bind.getPort(), cause);
    }
    serverChannel = f.channel();
    bound = (InetSocketAddress) serverChannel.localAddress();
    log.info(
        "policy server listening on {}:{} ({}, workers {}, memoryFirst={}, busy poll {}, max connections {}, idle timeout {},"
            + " learn outbound {}, prepend header {}, mode {})",
        bound.getAddress().getHostAddress(),
        bound.getPort(),
        epoll ? "epoll" : "nio",
        workerThreads,
        memoryFirst,
        busyPoll,
        maxConnections,
        idleTimeout,
        learnOutbound,
        prependHeader.isPresent(),
        mode.name().toLowerCase(java.util.Locale.ROOT));
    return this;
  }

  /** {@code epoll} or {@code nio}: how the running server waits for I/O. */
  String transport() {
    return epoll ? "epoll" : "nio";
  }

  /** The handlers of one connection: idle timeout, bounded line decoder, the protocol. */
  static void pipeline(ChannelPipeline pipeline, long idleMillis, PolicyChannelHandler handler) {
    pipeline
        .addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS))
        .addLast("lines", new LineBasedFrameDecoder(MAX_LINE_BYTES, true, true))
        .addLast("policy", handler);
  }

  /**
   * The port listened on; useful after binding port 0.
   *
   * @return the port
   * @throws IllegalStateException if not started
   */
  public synchronized int port() {
    return address().getPort();
  }

  /**
   * The address listened on.
   *
   * @return the bound address
   * @throws IllegalStateException if not started
   */
  public synchronized InetSocketAddress address() {
    checkState(bound != null, "the policy server is not started");
    return bound;
  }

  /**
   * The connections open now.
   *
   * @return the count
   */
  public int openConnections() {
    return open.get();
  }

  /**
   * Stops listening, closes every connection, and stops the event loop and the worker threads,
   * waiting for them (a decision in progress gets a few seconds). Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (serverChannel != null) {
      serverChannel.close().awaitUninterruptibly();
    }
    for (Channel c : channels) {
      closeWithoutWaiting(c);
    }
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
    if (workers != null) {
      workers.shutdownNow();
      try {
        if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
          log.warn("policy server worker threads did not stop within 5 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (bound != null) {
      log.info(
          "policy server on {}:{} stopped", bound.getAddress().getHostAddress(), bound.getPort());
    }
  }

  /**
   * Closes a connection without waiting: the event loop shutdown that follows waits for it, and
   * Netty logs a failed close itself.
   */
  @SuppressWarnings("FutureReturnValueIgnored") // fire-and-forget on purpose, see above
  private static void closeWithoutWaiting(Channel c) {
    c.close();
  }

  /** Describes the address and the settings; no addresses of mail. */
  @Override
  public synchronized String toString() {
    String where =
        bound == null ? "not started" : bound.getAddress().getHostAddress() + ":" + bound.getPort();
    return "PolicyServer["
        + where
        + (closed ? ", closed" : "")
        + ", workers="
        + workerThreads
        + ", busyPoll="
        + busyPoll
        + ", memoryFirst="
        + memoryFirst
        + ", maxConnections="
        + maxConnections
        + ", idleTimeout="
        + idleTimeout
        + ", learnOutbound="
        + learnOutbound
        + ", mode="
        + mode
        + ", prependHeader="
        + prependHeader.orElse("off")
        + "]";
  }

  /**
   * Builds a {@link PolicyServer}. Each option may be set once. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private DecisionEngine engine;
    private WhitelistStore store;
    private InetSocketAddress bind;
    private Integer maxConnections;
    private Duration idleTimeout;
    private Integer workerThreads;
    private Duration busyPoll;
    private Boolean memoryFirst;
    private Boolean learnOutbound;
    private Duration learnLifetime;
    private List<String> localDomains;
    private Clock clock;
    private Optional<String> prependHeader = Optional.empty();
    private boolean prependHeaderSet;
    private EnforcementMode mode;

    private Builder() {}

    /**
     * The decision engine (required).
     *
     * @param engine the engine
     * @return this builder
     */
    public Builder engine(DecisionEngine engine) {
      checkState(this.engine == null, "engine was already set");
      this.engine = requireNonNull(engine, "engine");
      return this;
    }

    /**
     * The whitelist store that learning from outbound mail writes to; normally the engine's.
     * Required unless {@link #learnOutbound(boolean) learnOutbound(false)}.
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
     * The address to listen on (default: the loopback address, a free port). Postfix and the policy
     * server normally share a host: keep it on loopback.
     *
     * @param address the address; port 0 picks a free port
     * @return this builder
     */
    public Builder bind(InetSocketAddress address) {
      checkState(this.bind == null, "bind was already set");
      requireNonNull(address, "address");
      checkArgument(!address.isUnresolved(), "bind address must be resolved");
      this.bind = address;
      return this;
    }

    /**
     * The most connections open at once (default {@value PolicyServer#DEFAULT_MAX_CONNECTIONS});
     * Postfix opens one per {@code smtpd} process, so at least {@code default_process_limit}. More
     * are closed at once, and Postfix applies its {@code default_action}.
     *
     * @param max 1 to 100,000
     * @return this builder
     */
    public Builder maxConnections(int max) {
      checkState(this.maxConnections == null, "maxConnections was already set");
      checkArgument(
          max >= 1 && max <= MAX_CONNECTIONS_LIMIT,
          "maxConnections must be 1..%s, got %s",
          MAX_CONNECTIONS_LIMIT,
          max);
      this.maxConnections = max;
      return this;
    }

    /**
     * How long a connection may stay without traffic before it is closed (default 10 minutes).
     *
     * @param timeout 1 ms to 1 day
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      checkState(this.idleTimeout == null, "idleTimeout was already set");
      requireNonNull(timeout, "timeout");
      checkArgument(
          timeout.toMillis() >= 1 && timeout.compareTo(Duration.ofDays(1)) <= 0,
          "idleTimeout must be 1 ms to 1 day, got %s",
          timeout);
      this.idleTimeout = timeout;
      return this;
    }

    /**
     * Threads that run decisions (default {@value PolicyServer#DEFAULT_WORKER_THREADS}). Store
     * lookups block, so this bounds how many run at once; size it to the store's connection pool.
     *
     * <p>{@code 0} decides on the event-loop thread itself, with no pool: each request then saves
     * two hand-offs between threads, which at one connection is most of its time. Only for an
     * engine whose rules and store never block, such as the default chain over an {@link
     * org.smtpcr.core.store.InMemoryWhitelistStore} without a sender authenticator: a decision that
     * waits (a JDBC store, SPF's DNS look-ups) would stall every connection. {@link #build()}
     * refuses {@code 0} for an engine that {@linkplain DecisionEngine#authenticates() authenticates
     * senders}. Learning from outbound mail then also writes on the event loop: each learnt pair
     * takes the in-memory store's write lock, and a full store looks for expired entries.
     *
     * @param threads 0 to 1024
     * @return this builder
     */
    public Builder workerThreads(int threads) {
      checkState(this.workerThreads == null, "workerThreads was already set");
      checkArgument(
          threads >= 0 && threads <= MAX_WORKER_THREADS,
          "workerThreads must be 0..%s, got %s",
          MAX_WORKER_THREADS,
          threads);
      this.workerThreads = threads;
      return this;
    }

    /**
     * How long the event loop keeps polling for the next request after each one before it sleeps
     * (default zero: it sleeps at once). While it polls, a request is read as soon as it arrives
     * instead of after the thread is woken, which on virtual machines takes tens of microseconds:
     * at one connection that is most of a request's time. The price is CPU: up to this long of a
     * core's time after every burst of requests, nothing while the server is idle; timers such as
     * the idle timeout may fire up to this much late. It pays together with {@link
     * #workerThreads(int) workerThreads(0)} (with a pool the workers still have to be woken),
     * mostly at few connections; at many, the loop rarely sleeps anyway.
     *
     * @param spin zero (off) to 10 ms; e.g. 100 µs
     * @return this builder
     */
    public Builder busyPoll(Duration spin) {
      checkState(this.busyPoll == null, "busyPoll was already set");
      requireNonNull(spin, "spin");
      checkArgument(
          !spin.isNegative() && spin.compareTo(MAX_BUSY_POLL) <= 0,
          "busyPoll must be 0 to 10 ms, got %s",
          spin);
      this.busyPoll = spin;
      return this;
    }

    /**
     * Whether each {@code RCPT} decision is first tried on the event loop, with every {@link
     * CachingWhitelistStore near cache} answering from memory only ({@link
     * CachingWhitelistStore#withoutWaiting}); a decision that would have to ask the store goes to
     * the worker threads, as without this (default false). A sender who writes again is then
     * answered without waking a worker, and without the two thread hand-offs that cost most of a
     * cached decision's time and its tail latency. Needs worker threads, and an engine in which
     * nothing else waits: its whitelist store a {@link CachingWhitelistStore} (possibly wrapped) or
     * an in-memory store, and no sender authentication (DNS). A store of another kind would be
     * asked on the event loop, which then waits for it. The decisions it takes run on the one
     * event-loop thread, so a busy server uses one core for them instead of all. With the near
     * cache's key filter, which answers for senders the store does not hold, almost every decision
     * stays there; measured on two cores (docs/benchmarks.md) that served more requests per second
     * than the worker pool at 16 and 256 connections (without the filter it had lost 27 % at 256).
     * {@code smtpcr policy-server} turns it on when its store has the near cache and it checks no
     * sender authentication.
     *
     * @param first true to try the event loop first
     * @return this builder
     * @since 0.3.0
     */
    public Builder memoryFirst(boolean first) {
      checkState(this.memoryFirst == null, "memoryFirst was already set");
      this.memoryFirst = first;
      return this;
    }

    /**
     * Whether mail from authenticated users ({@code sasl_username} set) whitelists its recipients
     * as senders to the user (default true).
     *
     * @param learn true to learn
     * @return this builder
     */
    public Builder learnOutbound(boolean learn) {
      checkState(this.learnOutbound == null, "learnOutbound was already set");
      this.learnOutbound = learn;
      return this;
    }

    /**
     * How long a pair learned from outbound mail lasts (default {@link
     * OutboundLearning#DEFAULT_LIFETIME}, 365 days; for good before 0.3.0). The rule is the
     * runtime's {@link OutboundLearning}: an entry an administrator made is never changed, a
     * learned one never shortened.
     *
     * @param lifetime positive, at most {@link OutboundLearning#MAX_LIFETIME}, or {@link
     *     OutboundLearning#FOR_GOOD}
     * @return this builder
     * @since 0.1.0
     */
    public Builder learnLifetime(Duration lifetime) {
      checkState(this.learnLifetime == null, "learnLifetime was already set");
      requireNonNull(lifetime, "lifetime");
      this.learnLifetime = OutboundLearning.checkLifetime("learnLifetime", lifetime);
      return this;
    }

    /**
     * The domains this site's users send from ({@link
     * org.smtpcr.examples.runtime.Settings#LOCAL_DOMAINS}): only senders in them (and their
     * subdomains) are learned from. Default: none, and every sender an authenticated user may use
     * is learned from, with a WARN at start.
     *
     * @param domains domain names
     * @return this builder
     * @throws IllegalArgumentException if one is not a domain name
     * @since 0.3.0
     */
    public Builder localDomains(Collection<String> domains) {
      checkState(this.localDomains == null, "localDomains was already set");
      List<String> copy = List.copyOf(domains);
      for (String d : copy) {
        try {
          AddressCanonicalizer.standard().canonicalizeDomain(d);
        } catch (InvalidAddressException e) {
          throw new IllegalArgumentException(
              "localDomains: not a domain name: " + e.getMessage(), e);
        }
      }
      this.localDomains = copy;
      return this;
    }

    /** The clock for learned entries' expiry and for forgetting transactions; for tests. */
    Builder clock(Clock clock) {
      checkState(this.clock == null, "clock was already set");
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Answers an accepted recipient with {@code PREPEND <name>: pass (<rule id>)} instead of {@code
     * DUNNO}, once per message (default: off). Postfix then continues as for {@code DUNNO}.
     *
     * @param name the header field name, such as {@value PolicyServer#DEFAULT_HEADER}: 1 to 64
     *     printable US-ASCII characters, no colon or space
     * @return this builder
     */
    public Builder prependHeader(String name) {
      checkState(!prependHeaderSet, "prependHeader was already set");
      requireNonNull(name, "name");
      checkArgument(
          HEADER_NAME.matcher(name).matches(),
          "a header name is 1..64 printable US-ASCII characters without colon or space");
      this.prependHeaderSet = true;
      this.prependHeader = Optional.of(name);
      return this;
    }

    /**
     * Enforce (the default) or observe: observing, every recipient is answered {@code DUNNO} (or,
     * with {@link #prependHeader(String)}, {@code PREPEND NAME: would-challenge (rule)} and the
     * like), also when deciding fails, and what would have been answered is logged at INFO.
     *
     * @param mode the mode
     * @return this builder
     * @since 0.3.0
     */
    public Builder mode(EnforcementMode mode) {
      checkState(this.mode == null, "mode was already set");
      this.mode = requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Builds the server; {@link PolicyServer#start()} starts it.
     *
     * @return the server, not yet listening
     * @throws IllegalStateException if the engine is missing, or the store while learning is on, or
     *     {@code workerThreads(0)} with an engine that authenticates senders (its DNS look-ups
     *     would stall the event loop)
     */
    public PolicyServer build() {
      checkState(engine != null, "engine is required");
      checkState(
          !(Integer.valueOf(0).equals(workerThreads) && engine.authenticates()),
          "workerThreads(0) decides on the event loop, and this engine authenticates senders,"
              + " which waits for DNS: use worker threads");
      checkState(
          !(Boolean.TRUE.equals(memoryFirst) && engine.authenticates()),
          "memoryFirst tries decisions on the event loop, and this engine authenticates senders,"
              + " which waits for DNS");
      checkState(
          !(Boolean.TRUE.equals(memoryFirst) && Integer.valueOf(0).equals(workerThreads)),
          "memoryFirst needs worker threads for what the cache cannot answer; workerThreads(0)"
              + " decides everything on the event loop already");
      checkState(
          store != null || Boolean.FALSE.equals(learnOutbound),
          "learning from outbound mail needs the store: set store(..) or learnOutbound(false)");
      return new PolicyServer(this);
    }
  }
}
