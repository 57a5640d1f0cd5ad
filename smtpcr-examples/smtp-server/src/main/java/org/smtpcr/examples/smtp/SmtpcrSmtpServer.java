package org.smtpcr.examples.smtp;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.examples.runtime.EnforcementMode;
import org.subethamail.smtp.server.SMTPServer;

/**
 * An SMTP server that runs SMTPCR inside the SMTP transaction and delivers accepted mail into a
 * Maildir: SubEthaSMTP speaks the protocol, the {@link DecisionEngine} decides at MAIL, at each
 * RCPT and at the end of DATA.
 *
 * <pre>{@code
 * try (SmtpcrSmtpServer smtp = SmtpcrSmtpServer.builder()
 *     .engine(engine)
 *     .maildir(Path.of("data/maildir"))
 *     .localDomains(List.of("example.com"))
 *     .build()
 *     .start()) {
 *   System.out.println("SMTP on port " + smtp.port());
 * }
 * }</pre>
 *
 * <p><b>Replies.</b> A challenge goes out as the engine's multi-line {@code 550 5.7.1} reply with
 * the link alone on its last line; a defer as its {@code 451}/{@code 452} reply. A recipient
 * outside the {@linkplain Builder#localDomains local domains} gets {@code 550 5.7.1} (the server
 * never relays). A message larger than {@linkplain Builder#maxMessageBytes the limit} is read to
 * its end and answered {@code 552 5.3.4}; the session goes on. A failure of ours (the Maildir
 * cannot be written) is answered {@code 451 4.3.0}.
 *
 * <p><b>Connections.</b> At most {@linkplain Builder#maxConnections a total} of sessions are open
 * at once, and at most {@linkplain Builder#maxConnectionsPerClient a few} from one client (an IPv4
 * address or an IPv6 /64); a client over either cap is answered {@code 421} ({@code 421 4.7.0} for
 * the per-client cap) and closed before the greeting. A silent session is closed after the
 * {@linkplain Builder#connectionTimeout connection timeout}.
 *
 * <p><b>Delivery.</b> The Maildir file holds exactly the bytes the client sent after SMTP
 * dot-unstuffing: no {@code Received}, {@code Return-Path} or {@code Delivered-To} header is added
 * (SubEthaSMTP's own {@code Received} header is turned off). It is written to {@code tmp/}, forced
 * to disk, and renamed into {@code new/}; the {@code 250} reply comes only after that.
 *
 * <p>Thread-safe; {@link #start()} once, {@link #close()} any number of times.
 *
 * @since 0.1.0
 */
public final class SmtpcrSmtpServer implements AutoCloseable {
  /** Port used when none is configured. */
  public static final int DEFAULT_PORT = 2525;

  /** Message size limit used when none is configured: 10 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

  /**
   * Sessions open at once when no cap is configured (as Postfix's {@code default_process_limit});
   * over it a client is answered {@code 421} and closed.
   *
   * @since 0.3.0
   */
  public static final int DEFAULT_MAX_CONNECTIONS = 100;

  /**
   * Sessions open at once from one client (an IPv4 address or an IPv6 /64) when no cap is
   * configured; over it a client is answered {@code 421 4.7.0} and closed.
   *
   * @since 0.3.0
   */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 10;

  /** Host name used in the greeting and in Maildir file names when none is configured. */
  public static final String DEFAULT_HOST_NAME = "localhost";

  private static final Logger log = LoggerFactory.getLogger(SmtpcrSmtpServer.class);
  private static final Pattern HOST_NAME =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");

  private final SMTPServer server;
  private final Maildir maildir;
  private final InetSocketAddress bind;
  private final Set<String> localDomains;
  private boolean started;
  private boolean closed;

  private SmtpcrSmtpServer(Builder b, Maildir maildir) {
    this.maildir = maildir;
    this.bind = b.bind;
    this.localDomains = Set.copyOf(b.localDomains);
    DecisionEngine engine = b.engine;
    int max = b.maxMessageBytes;
    Set<String> domains = this.localDomains;
    EnforcementMode mode = b.mode != null ? b.mode : EnforcementMode.ENFORCE;
    this.server =
        SMTPServer.port(b.bind.getPort())
            .bindAddress(b.bind.getAddress())
            .hostName(b.hostName)
            .softwareName("SMTPCR")
            .insertReceivedHeaders(false)
            .maxMessageSize(max)
            .connectionTimeout((int) b.connectionTimeout.toMillis(), TimeUnit.MILLISECONDS)
            .maxConnections(b.maxConnections)
            .sessionHandler(new ClientConnectionLimit(b.maxConnectionsPerClient))
            .messageHandlerFactory(
                ctx -> new EngineMessageHandler(engine, maildir, max, domains, ctx, mode))
            .build();
  }

  /**
   * Starts a builder; the engine and the Maildir are required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the port and starts accepting connections.
   *
   * @return this server
   * @throws IOException if the address cannot be bound (the port is taken, say)
   * @throws IllegalStateException if the server was started before
   */
  public synchronized SmtpcrSmtpServer start() throws IOException {
    checkState(!started, "the server was already started");
    started = true;
    try {
      server.start();
    } catch (RuntimeException e) {
      closed = true;
      if (e.getCause() instanceof IOException io) {
        throw io instanceof BindException
            ? new BindException("cannot listen on " + describe(bind) + ": " + io.getMessage())
            : io;
      }
      throw e;
    }
    log.info("SMTPCR SMTP server listening on {}, Maildir {}", describe(address()), maildir.root());
    return this;
  }

  /**
   * The port the server listens on (the one allocated when port 0 was configured).
   *
   * @return the port
   * @throws IllegalStateException before {@link #start()}
   */
  public synchronized int port() {
    checkState(started, "the server was not started");
    return server.getPortAllocated();
  }

  /**
   * The address the server listens on.
   *
   * @return the bound address and port
   * @throws IllegalStateException before {@link #start()}
   */
  public synchronized InetSocketAddress address() {
    return new InetSocketAddress(bind.getAddress(), port());
  }

  /**
   * The Maildir that accepted messages are delivered into; they appear in its {@code new/}.
   *
   * @return the absolute Maildir directory
   */
  public Path maildir() {
    return maildir.root();
  }

  /**
   * The recipient domains this server accepts mail for; empty when every domain counts as local.
   *
   * @return canonical domains (lowercase A-labels)
   */
  public Set<String> localDomains() {
    return localDomains;
  }

  /** Stops accepting connections and closes the open sessions; waits for their threads to end. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (started) {
      server.stop();
      log.info("SMTPCR SMTP server stopped");
    }
  }

  /** Describes the bind address and the Maildir. */
  @Override
  public String toString() {
    return "SmtpcrSmtpServer[" + describe(bind) + ", maildir=" + maildir.root() + "]";
  }

  private static String describe(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /**
   * Builds a {@link SmtpcrSmtpServer}. Each option may be set once. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private DecisionEngine engine;
    private Path maildir;
    private InetSocketAddress bind;
    private Integer maxMessageBytes;
    private String hostName;
    private Clock clock;
    private Set<String> localDomains;
    private Duration connectionTimeout;
    private Integer maxConnections;
    private Integer maxConnectionsPerClient;
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
     * The Maildir directory for accepted mail (required); created with its {@code tmp/}, {@code
     * new/} and {@code cur/} when missing.
     *
     * @param maildir the directory
     * @return this builder
     */
    public Builder maildir(Path maildir) {
      checkState(this.maildir == null, "maildir was already set");
      this.maildir = requireNonNull(maildir, "maildir");
      return this;
    }

    /**
     * Where to listen (default {@code 127.0.0.1:2525}); port 0 picks a free port.
     *
     * @param bind a resolved address and port
     * @return this builder
     * @throws IllegalArgumentException if the address is unresolved
     */
    public Builder bind(InetSocketAddress bind) {
      checkState(this.bind == null, "bind was already set");
      requireNonNull(bind, "bind");
      checkArgument(!bind.isUnresolved(), "bind address must be resolved");
      this.bind = bind;
      return this;
    }

    /**
     * The largest message accepted, in bytes (default 10 MiB); advertised as {@code SIZE} and
     * enforced on the data actually received.
     *
     * @param maxMessageBytes 1 or more
     * @return this builder
     */
    public Builder maxMessageBytes(int maxMessageBytes) {
      checkState(this.maxMessageBytes == null, "maxMessageBytes was already set");
      checkArgument(
          maxMessageBytes > 0, "maxMessageBytes must be positive, got %s", maxMessageBytes);
      this.maxMessageBytes = maxMessageBytes;
      return this;
    }

    /**
     * The name in the greeting and in Maildir file names (default {@value #DEFAULT_HOST_NAME}).
     *
     * @param hostName letters, digits, dots and hyphens, at most 253 characters
     * @return this builder
     */
    public Builder hostName(String hostName) {
      checkState(this.hostName == null, "hostName was already set");
      requireNonNull(hostName, "hostName");
      checkArgument(
          HOST_NAME.matcher(hostName).matches(),
          "hostName must be letters, digits, dots and hyphens (at most 253 characters)");
      this.hostName = hostName;
      return this;
    }

    /**
     * The clock for Maildir file names (default: the system UTC clock).
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
     * The recipient domains to accept mail for (default: none given, every domain counts as local).
     * Matching is exact, after canonicalization (lowercase, IDN to A-labels, trailing dot removed):
     * subdomains are not included.
     *
     * @param domains the domains, such as {@code example.com}
     * @return this builder
     * @throws IllegalArgumentException if a domain is not a valid domain name
     */
    public Builder localDomains(Collection<String> domains) {
      checkState(this.localDomains == null, "localDomains was already set");
      requireNonNull(domains, "domains");
      Set<String> set = new LinkedHashSet<>();
      for (String d : domains) {
        requireNonNull(d, "domain");
        set.add(d);
      }
      this.localDomains = set;
      return this;
    }

    /**
     * How long a session may stay silent before it is closed (default 60 seconds).
     *
     * @param timeout 1 second to 1 hour
     * @return this builder
     */
    public Builder connectionTimeout(Duration timeout) {
      checkState(this.connectionTimeout == null, "connectionTimeout was already set");
      requireNonNull(timeout, "timeout");
      checkArgument(
          timeout.compareTo(Duration.ofSeconds(1)) >= 0
              && timeout.compareTo(Duration.ofHours(1)) <= 0,
          "connectionTimeout must be 1 s to 1 h, got %s",
          timeout);
      this.connectionTimeout = timeout;
      return this;
    }

    /**
     * The most sessions open at once (default {@value #DEFAULT_MAX_CONNECTIONS}); each has a
     * thread. Over it a client is answered {@code 421} and closed.
     *
     * @param maxConnections 1 to 10000
     * @return this builder
     * @since 0.3.0
     */
    public Builder maxConnections(int maxConnections) {
      checkState(this.maxConnections == null, "maxConnections was already set");
      checkArgument(
          maxConnections > 0 && maxConnections <= 10_000,
          "maxConnections must be 1 to 10000, got %s",
          maxConnections);
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * The most sessions open at once from one client, an IPv4 address or an IPv6 /64 (default
     * {@value #DEFAULT_MAX_CONNECTIONS_PER_CLIENT}). Over it a client is answered {@code 421 4.7.0}
     * and closed, so that one client cannot take every session.
     *
     * @param maxConnectionsPerClient 1 to 10000
     * @return this builder
     * @since 0.3.0
     */
    public Builder maxConnectionsPerClient(int maxConnectionsPerClient) {
      checkState(this.maxConnectionsPerClient == null, "maxConnectionsPerClient was already set");
      checkArgument(
          maxConnectionsPerClient > 0 && maxConnectionsPerClient <= 10_000,
          "maxConnectionsPerClient must be 1 to 10000, got %s",
          maxConnectionsPerClient);
      this.maxConnectionsPerClient = maxConnectionsPerClient;
      return this;
    }

    /**
     * Enforce (the default) or observe: observing, every recipient and message of a local domain is
     * accepted, also when deciding fails, and what would have been answered is logged at INFO.
     * Relaying and the size limit are still refused.
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
     * Builds the server, creating the Maildir; {@link SmtpcrSmtpServer#start()} binds the port.
     *
     * @return the server, not yet started
     * @throws IllegalStateException if the engine or the Maildir is missing
     * @throws UncheckedIOException if the Maildir cannot be created
     */
    public SmtpcrSmtpServer build() {
      checkState(engine != null, "engine is required");
      checkState(maildir != null, "maildir is required");
      if (bind == null) {
        bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_PORT);
      }
      if (maxMessageBytes == null) {
        maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
      }
      if (hostName == null) {
        hostName = DEFAULT_HOST_NAME;
      }
      if (clock == null) {
        clock = Clock.systemUTC();
      }
      Set<String> domains = new LinkedHashSet<>();
      if (localDomains != null) {
        // the engine's canonicalizer: one canonical form for the whole site
        localDomains.forEach(d -> domains.add(canonicalDomain(engine.canonicalizer(), d)));
      }
      localDomains = domains;
      if (connectionTimeout == null) {
        connectionTimeout = Duration.ofSeconds(60);
      }
      if (maxConnections == null) {
        maxConnections = DEFAULT_MAX_CONNECTIONS;
      }
      if (maxConnectionsPerClient == null) {
        maxConnectionsPerClient = DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
      }
      Maildir md;
      try {
        md = Maildir.open(maildir, hostName, clock);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the Maildir " + maildir, e);
      }
      return new SmtpcrSmtpServer(this, md);
    }

    private static String canonicalDomain(AddressCanonicalizer canonicalizer, String domain) {
      checkArgument(
          !domain.isEmpty() && domain.length() <= 253 && domain.indexOf('@') < 0,
          "a local domain must be 1..253 characters without '@', got %s characters",
          domain.length());
      try {
        return canonicalizer.canonicalizeDomain(domain).value();
      } catch (InvalidAddressException e) {
        throw new IllegalArgumentException("not a domain name: " + e.getMessage(), e);
      }
    }
  }
}
