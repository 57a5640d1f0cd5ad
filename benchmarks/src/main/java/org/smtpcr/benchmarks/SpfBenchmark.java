package org.smtpcr.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.DNSServiceXBillImpl;
import org.apache.james.jspf.impl.SPF;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.smtpcr.auth.SmtpcrAuthenticator;
import org.smtpcr.auth.testing.Dnsmasq;
import org.smtpcr.benchmarks.AuthFixtures.Spf;
import org.smtpcr.core.auth.AuthenticationResults;
import org.smtpcr.core.auth.DmarcPolicy;
import org.smtpcr.core.auth.SpfResult;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;

/**
 * SMTPCR's sender check at RCPT and jSPF's SPF check of MAIL FROM for an authorized client, against
 * a dnsmasq each fork starts on 127.0.0.1 (see docs/benchmarks.md), cached and uncached; and their
 * peers: the DNS queries each needs, sent one after the other to the same server without a cache.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SpfBenchmark {
  /** The DNS server and the record checked. */
  @State(Scope.Benchmark)
  public static class Dns {
    @Param({"ip4", "include", "mx"})
    public String record;

    Spf spf;
    Dnsmasq server;
    SimpleResolver resolver;

    @Setup(Level.Trial)
    public void start() {
      spf = Spf.valueOf(record.toUpperCase(Locale.ROOT));
      server = AuthFixtures.startDns(AuthFixtures.dkimKey());
      resolver = AuthFixtures.resolver(server);
    }

    @TearDown(Level.Trial)
    public void stop() {
      server.close();
    }
  }

  /** Apache jSPF 1.0.5, synchronous executor, over dnsjava asking the benchmark's server. */
  @State(Scope.Benchmark)
  public static class JSpf {
    /**
     * {@code cached}: as shipped, dnsjava's cache on; {@code uncached}: its cache off; {@code
     * uncached-txt-only}: cache off, and the obsolete type-SPF query (RFC 7208 §3.1), which jSPF
     * sends before the TXT query of every domain, answered "none" without asking the server.
     */
    @Param({"cached", "uncached", "uncached-txt-only"})
    public String mode;

    SPF spf;

    @Setup(Level.Trial)
    public void build(Dns dns) {
      spf = jspf(dns.resolver, mode.equals("cached"), mode.endsWith("txt-only"));
      String result = check(dns);
      if (!result.equals("pass")) {
        throw new IllegalStateException("SPF of " + dns.spf.domain() + " gave " + result);
      }
    }

    String check(Dns dns) {
      return SpfBenchmark.check(spf, dns.spf);
    }
  }

  /**
   * jSPF over dnsjava's default cache, switched on or off for the whole process; {@code txtOnly}:
   * type-SPF queries answered "none" locally.
   */
  static SPF jspf(Resolver resolver, boolean cache, boolean txtOnly) {
    Cache c = Lookup.getDefaultCache(DClass.IN);
    c.clearCache();
    if (!cache) {
      // nothing is kept: every record expires as it is stored
      c.setMaxCache(0);
      c.setMaxNCache(0);
    }
    DNSServiceXBillImpl service =
        txtOnly ? new TxtOnly(resolver) : new DNSServiceXBillImpl(resolver);
    return new SPF(service, new SynchronousSPFExecutor(service));
  }

  /** Answers the obsolete SPF record type with "no such records" without a query. */
  static final class TxtOnly extends DNSServiceXBillImpl {
    TxtOnly(Resolver resolver) {
      super(resolver);
    }

    @Override
    public List<String> getRecords(DNSRequest request) throws TimeoutException {
      return request.getRecordType() == DNSRequest.SPF ? null : super.getRecords(request);
    }
  }

  static String check(SPF spf, Spf record) {
    return spf.checkSPF(AuthFixtures.CLIENT, record.mailFrom(), "mail." + record.domain())
        .getResult();
  }

  /**
   * Counts the queries one uncached jSPF check of each record sends, as shipped and TXT only, into
   * {@code DIR/spfQueries-[txt-only-]RECORD.properties}: {@code queries} (jSPF's), {@code needed}
   * (RFC 7208's) and {@code pass} (1 when the check passed).
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    try (Dnsmasq server = AuthFixtures.startDns(AuthFixtures.dkimKey())) {
      for (boolean txtOnly : new boolean[] {false, true}) {
        for (Spf record : Spf.values()) {
          CountingResolver counting = new CountingResolver(AuthFixtures.resolver(server));
          String result = check(jspf(counting, false, txtOnly), record);
          String id =
              "spfQueries-" + (txtOnly ? "txt-only-" : "") + record.name().toLowerCase(Locale.ROOT);
          Files.writeString(
              dir.resolve(id + ".properties"),
              "queries=%d%nneeded=%d%npass=%d%n"
                  .formatted(
                      counting.sent(), record.queries.size(), result.equals("pass") ? 1 : 0));
          System.out.printf(
              "%s: %d queries (RFC 7208: %d), %s%n",
              id, counting.sent(), record.queries.size(), result);
        }
      }
    }
  }

  /** SMTPCR's evaluator, {@code smtpcr-auth}, with its cache on or off. */
  @State(Scope.Benchmark)
  public static class Ours {
    @Param({"on", "off"})
    public String cache;

    SmtpcrAuthenticator authenticator;
    InetAddress client;

    @Setup(Level.Trial)
    public void build(Dns dns) throws IOException {
      authenticator =
          SmtpcrAuthenticator.builder()
              .dnsServer(dns.server.address())
              .cache(cache.equals("on"))
              .build();
      client = InetAddress.getByName(AuthFixtures.CLIENT);
      AuthenticationResults r = check(dns);
      if (r.spfMailFrom().orElse(null) != SpfResult.PASS
          || r.spfHelo().orElse(null) != SpfResult.PASS
          || r.senderPolicy().orElse(null) != DmarcPolicy.NONE) {
        throw new IllegalStateException("the sender check of " + dns.spf.domain() + " gave " + r);
      }
    }

    AuthenticationResults check(Dns dns) {
      return authenticator.checkSender(client, dns.spf.helo(), dns.spf.mailFrom());
    }
  }

  /**
   * SMTPCR's sender check at RCPT, {@code SmtpcrAuthenticator.checkSender}: SPF of the HELO name
   * and of MAIL FROM, and the DMARC policy of the MAIL FROM domain.
   */
  @Benchmark
  public AuthenticationResults checkSender(Dns dns, Ours ours) {
    return ours.check(dns);
  }

  /** jSPF alone: the SPF of MAIL FROM. */
  @Benchmark
  public String jspf(Dns dns, JSpf jspf) {
    return jspf.check(dns);
  }

  /** The peer of the sender check: the queries it needs, one round trip each, no cache. */
  @Benchmark
  public int decisionQueries(Dns dns) throws IOException {
    int answers = 0;
    for (String q : dns.spf.decisionQueries()) {
      answers += AuthFixtures.query(dns.resolver, q);
    }
    return answers;
  }

  /** The peer of jSPF: the record's queries, one round trip each, no cache. */
  @Benchmark
  public int dnsQueries(Dns dns) throws IOException {
    int answers = 0;
    for (String q : dns.spf.queries) {
      answers += AuthFixtures.query(dns.resolver, q);
    }
    return answers;
  }
}
