package org.smtpcr.auth;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.auth.AuthenticationResults;
import org.smtpcr.core.auth.DkimSignature;
import org.smtpcr.core.auth.DmarcPolicy;
import org.smtpcr.core.auth.DmarcResult;
import org.smtpcr.core.auth.Domains;
import org.smtpcr.core.auth.SenderAuthenticator;
import org.smtpcr.core.auth.SpfResult;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.lookup.LookupSession;

/**
 * SMTPCR's own {@link SenderAuthenticator}: SPF (RFC 7208) with Apache jSPF's synchronous executor,
 * DKIM (RFC 6376) with Apache jDKIM, and DMARC (RFC 7489) on top of them, all on one bounded
 * dnsjava resolver.
 *
 * <pre>{@code
 * SenderAuthenticator auth = SmtpcrAuthenticator.builder()
 *     .dnsServer(new InetSocketAddress("127.0.0.1", 53))
 *     .queryTimeout(Duration.ofSeconds(2))
 *     .deadline(Duration.ofSeconds(8))
 *     .build();
 * }</pre>
 *
 * <p>Bounds: each DNS query waits at most {@link Builder#queryTimeout}; each call of {@link
 * #checkSender} or {@link #checkMessage} waits on DNS at most {@link Builder#deadline} in all (past
 * it, what is left is {@code temperror}); an SPF evaluation makes at most 10 DNS-querying terms
 * (jSPF), 2 void look-ups, 10 MX names and 120 queries (beyond them: {@code permerror}), and reads
 * TXT records of at most 4096 characters; a message is read up to {@link Builder#maxMessageBytes}
 * and at most {@link Builder#maxSignatures} of its signatures are verified.
 *
 * <p>Thread-safe. It blocks the calling thread on DNS: call it from a worker, never from an event
 * loop. It never throws for DNS trouble or hostile records; they become {@code temperror}, {@code
 * permerror} or {@code none} in the results, never {@code fail}.
 *
 * @since 0.2.0
 */
public final class SmtpcrAuthenticator implements SenderAuthenticator {
  private static final Logger log = LoggerFactory.getLogger(SmtpcrAuthenticator.class);

  /** Default per-query time-out. */
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(2);

  /** Default time for the DNS of one call. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(8);

  /** Default bound on the message size read for DKIM: 64 MiB. */
  public static final long DEFAULT_MAX_MESSAGE_BYTES = 64L * 1024 * 1024;

  /** Default number of DKIM signatures verified per message. */
  public static final int DEFAULT_MAX_SIGNATURES = 5;

  private final SpfCheck spf;
  private final Dmarc dmarc;
  private final DkimCheck dkim;
  private final Duration deadline;
  private final long maxMessageBytes;
  private final int maxSignatures;
  private final LongSupplier ticker;
  private final String description;

  private SmtpcrAuthenticator(Builder b, Dns dns, String description) {
    this.spf = new SpfCheck(dns);
    this.dmarc = new Dmarc(dns);
    this.dkim = new DkimCheck(dns);
    this.deadline = b.deadline;
    this.maxMessageBytes = b.maxMessageBytes;
    this.maxSignatures = b.maxSignatures;
    this.ticker = b.ticker;
    this.description = description;
  }

  /** A builder with the defaults: the system's resolvers, 2 s per query, 8 s per call, a cache. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public AuthenticationResults checkSender(InetAddress client, String helo, String mailFrom) {
    requireNonNull(client, "client");
    requireNonNull(helo, "helo");
    requireNonNull(mailFrom, "mailFrom");
    Budget budget = new Budget(ticker, deadline);
    Optional<String> heloDomain = heloDomain(helo);
    AuthenticationResults.Builder b = AuthenticationResults.builder();
    SpfResult heloResult =
        heloDomain.map(h -> spf.check(client, "postmaster@" + h, h, budget)).orElse(SpfResult.NONE);
    b.spfHelo(heloResult);
    String heloArg = heloDomain.orElse("unknown");
    if (mailFrom.isEmpty()) {
      // RFC 7208 §2.4: the null sender is checked as postmaster@<helo>, which is the HELO check
      b.spfMailFrom(heloResult);
    } else {
      int at = mailFrom.lastIndexOf('@');
      Optional<String> domain =
          at < 0 ? Optional.empty() : Domains.tryNormalize(mailFrom.substring(at + 1));
      if (domain.isEmpty()) {
        b.spfMailFrom(SpfResult.NONE); // RFC 7208 §4.3: no checkable domain
      } else {
        String d = domain.get();
        b.spfMailFrom(spf.check(client, localPart(mailFrom, at) + "@" + d, heloArg, budget));
        b.senderPolicy(dmarc.lookup(d, budget).policy());
      }
    }
    AuthenticationResults r = b.build();
    if (log.isDebugEnabled()) {
      log.debug(
          "sender check client={} helo={} results={}",
          client.getHostAddress(),
          LogSafe.of(heloArg),
          r.summary());
    }
    return r;
  }

  @Override
  public AuthenticationResults checkMessage(
      AuthenticationResults atRcpt, String mailFrom, InputStream message) throws IOException {
    requireNonNull(atRcpt, "atRcpt");
    requireNonNull(mailFrom, "mailFrom");
    requireNonNull(message, "message");
    Budget budget = new Budget(ticker, deadline);
    InputStream in = new BufferedInputStream(message, 16384);
    HeaderSection headers = HeaderSection.read(in);
    AuthenticationResults.Builder b = AuthenticationResults.builder().messageChecked(true);
    if (!headers.complete() || headers.bytesRead() > maxMessageBytes) {
      log.debug("message header section beyond its bound: DKIM and DMARC not checked");
      return atRcpt.merge(b.build());
    }
    DkimCheck.Outcome verified =
        dkim.verify(headers, in, maxMessageBytes - headers.bytesRead(), maxSignatures, budget);
    verified.signatures().forEach(b::dkim);
    List<String> from = headers.fields("From");
    Optional<String> fromDomain =
        from.size() == 1 ? FromDomain.of(HeaderSection.value(from.get(0))) : Optional.empty();
    if (fromDomain.isPresent()) {
      dmarc(fromDomain.get(), atRcpt, mailFrom, verified, budget).ifPresent(b::dmarc);
    }
    AuthenticationResults r = atRcpt.merge(b.build());
    if (log.isDebugEnabled()) {
      log.debug("message check results={}", r.summary());
    }
    return r;
  }

  /**
   * DMARC for the From: domain: pass with an aligned SPF or DKIM pass; otherwise temperror when an
   * aligned check had DNS trouble or the policy look-up failed, none without a policy, else fail.
   * No result when an aligned signature could not be verified within the size bound: that is our
   * limit, not the sender's failure.
   */
  private Optional<DmarcResult> dmarc(
      String fromDomain,
      AuthenticationResults atRcpt,
      String mailFrom,
      DkimCheck.Outcome verified,
      Budget budget) {
    Dmarc.Policy policy = dmarc.lookup(fromDomain, budget);
    boolean temporary = false;
    boolean pass = false;
    for (DkimSignature s : verified.signatures()) {
      if (aligned(s.domain(), fromDomain, policy.strictDkim())) {
        pass |= s.result() == DkimSignature.Result.PASS;
        temporary |= s.result() == DkimSignature.Result.TEMPERROR;
      }
    }
    int at = mailFrom.lastIndexOf('@');
    Optional<String> envelope =
        at < 0 ? Optional.empty() : Domains.tryNormalize(mailFrom.substring(at + 1));
    Optional<SpfResult> spfResult = atRcpt.spfMailFrom();
    if (envelope.isPresent()
        && spfResult.isPresent()
        && aligned(envelope.get(), fromDomain, policy.strictSpf())) {
      pass |= spfResult.get() == SpfResult.PASS;
      temporary |= spfResult.get() == SpfResult.TEMPERROR;
    }
    DmarcResult.Result result;
    if (pass) {
      result = DmarcResult.Result.PASS;
    } else if (temporary || policy.policy() == DmarcPolicy.TEMPERROR) {
      result = DmarcResult.Result.TEMPERROR;
    } else if (verified.bodySkipped()) {
      return Optional.empty();
    } else if (policy.policy() == DmarcPolicy.ABSENT) {
      result = DmarcResult.Result.NONE;
    } else {
      result = DmarcResult.Result.FAIL;
    }
    return Optional.of(new DmarcResult(fromDomain, result, policy.policy()));
  }

  private static boolean aligned(String a, String b, boolean strict) {
    return strict ? a.equals(b) : Domains.aligned(a, b);
  }

  /** The HELO name when it is a domain SPF can check (RFC 7208 §2.3): not a literal, has a dot. */
  private static Optional<String> heloDomain(String helo) {
    String h = helo.strip();
    if (h.isEmpty()
        || h.startsWith("[")
        || h.indexOf('.') < 0
        || h.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
      return Optional.empty();
    }
    return Domains.tryNormalize(h);
  }

  /** The local part as the SPF macros see it; {@code postmaster} when unusable (RFC 7208 §4.3). */
  private static String localPart(String mailFrom, int at) {
    String local = mailFrom.substring(0, at);
    if (local.isEmpty() || local.length() > 64) {
      return "postmaster";
    }
    for (int i = 0; i < local.length(); i++) {
      char c = local.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return "postmaster";
      }
    }
    return local;
  }

  @Override
  public String toString() {
    return description;
  }

  /**
   * Builds a {@link SmtpcrAuthenticator}. Each option may be set once; all are optional.
   *
   * @since 0.2.0
   */
  public static final class Builder {
    private InetSocketAddress dnsServer;
    private Duration queryTimeout;
    private Duration deadline;
    private long maxMessageBytes = -1;
    private Boolean cache;
    private int maxSignatures = -1;
    private LongSupplier ticker;

    private Builder() {}

    /** The DNS server to ask (UDP, TCP on truncation); default: the system's resolvers. */
    public Builder dnsServer(InetSocketAddress server) {
      requireNonNull(server, "server");
      checkState(dnsServer == null, "dnsServer was already set to %s", dnsServer);
      checkArgument(!server.isUnresolved(), "dnsServer must be an address, got %s", server);
      this.dnsServer = server;
      return this;
    }

    /** How long one DNS query may take; default 2 s. */
    public Builder queryTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      checkState(queryTimeout == null, "queryTimeout was already set to %s", queryTimeout);
      checkArgument(
          !timeout.isNegative() && !timeout.isZero(),
          "queryTimeout must be positive, got %s",
          timeout);
      this.queryTimeout = timeout;
      return this;
    }

    /**
     * How long the DNS of one call ({@link #checkSender} or {@link #checkMessage}) may take in all;
     * default 8 s. Past it, the checks still open are {@code temperror}.
     */
    public Builder deadline(Duration deadline) {
      requireNonNull(deadline, "deadline");
      checkState(this.deadline == null, "deadline was already set to %s", this.deadline);
      checkArgument(
          !deadline.isNegative() && !deadline.isZero(),
          "deadline must be positive, got %s",
          deadline);
      this.deadline = deadline;
      return this;
    }

    /**
     * How much of a message is read for DKIM; default 64 MiB. The signatures of a longer message
     * get no result (as if not verified), and its DMARC result is left out when that mattered.
     */
    public Builder maxMessageBytes(long bytes) {
      checkState(maxMessageBytes < 0, "maxMessageBytes was already set to %s", maxMessageBytes);
      checkArgument(bytes > 0, "maxMessageBytes must be positive, got %s", bytes);
      this.maxMessageBytes = bytes;
      return this;
    }

    /**
     * Whether answers are cached (dnsjava's cache, by TTL), so that a second check of the same
     * domain costs no round trip; default true.
     */
    public Builder cache(boolean enabled) {
      checkState(cache == null, "cache was already set to %s", cache);
      this.cache = enabled;
      return this;
    }

    /**
     * How many DKIM signatures of a message are verified, the topmost first; default 5, at most
     * {@value AuthenticationResults#MAX_SIGNATURES}.
     */
    public Builder maxSignatures(int count) {
      checkState(maxSignatures < 0, "maxSignatures was already set to %s", maxSignatures);
      checkArgument(
          count > 0 && count <= AuthenticationResults.MAX_SIGNATURES,
          "maxSignatures must be 1..%s, got %s",
          AuthenticationResults.MAX_SIGNATURES,
          count);
      this.maxSignatures = count;
      return this;
    }

    /** The clock for deadlines, in nanoseconds; tests only. */
    Builder ticker(LongSupplier ticker) {
      checkState(this.ticker == null, "ticker was already set");
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /** The authenticator. */
    public SmtpcrAuthenticator build() {
      if (queryTimeout == null) {
        queryTimeout = DEFAULT_QUERY_TIMEOUT;
      }
      if (deadline == null) {
        deadline = DEFAULT_DEADLINE;
      }
      if (maxMessageBytes < 0) {
        maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
      }
      if (cache == null) {
        cache = true;
      }
      if (maxSignatures < 0) {
        maxSignatures = DEFAULT_MAX_SIGNATURES;
      }
      if (ticker == null) {
        ticker = System::nanoTime;
      }
      Resolver resolver;
      if (dnsServer != null) {
        resolver = new SimpleResolver(dnsServer);
      } else {
        resolver = new ExtendedResolver();
      }
      resolver.setTimeout(queryTimeout);
      LookupSession.LookupSessionBuilder session =
          LookupSession.builder()
              .resolver(resolver)
              .maxRedirects(Dns.sessionMaxRedirects())
              // run dnsjava's callbacks where the answer arrives (a cache hit: the calling thread)
              // instead of the shared fork-join pool, which has one thread on a 2-core host and
              // cut the policy server's throughput with SPF on to a tenth
              .executor(Runnable::run);
      if (cache) {
        session.cache(new Cache(DClass.IN));
      }
      String description =
          "SmtpcrAuthenticator[dns="
              + (dnsServer == null
                  ? "system"
                  : dnsServer.getAddress().getHostAddress() + ":" + dnsServer.getPort())
              + ", queryTimeout="
              + queryTimeout
              + ", deadline="
              + deadline
              + ", cache="
              + cache
              + ", maxMessageBytes="
              + maxMessageBytes
              + ", maxSignatures="
              + maxSignatures
              + "]";
      return new SmtpcrAuthenticator(this, new Dns(session.build(), queryTimeout), description);
    }
  }
}
