package org.smtpcr.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.smtpcr.benchmarks.CoreFixtures.Pair;
import org.smtpcr.benchmarks.CoreFixtures.Traffic;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.reply.ReplyValues;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.tokens.ChallengeTokens;

/**
 * Decisions on one core, accept and challenge, with their peers and steps (see docs/benchmarks.md).
 * Each call takes the next of the pre-built transactions, so that neither the JIT nor the caches
 * see one address only; {@link #setUp} checks that each gives the verdict its benchmark claims to
 * measure.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class DecisionBenchmark {
  static final int WHITELIST_SIZE = 100_000;
  private static final int N = CoreFixtures.TRAFFIC;

  /** Pairs to whitelist; the sanity tests use fewer, to be quick. */
  int whitelistSize = WHITELIST_SIZE;

  private DecisionEngine engine;
  private final ChallengeTokens tokens = TokenFixtures.challengeTokens(Clock.systemUTC());
  private final Jwts.Jwt jwt = Jwts.auth0(Clock.systemUTC());
  private ConcurrentHashMap<String, Boolean> pairMap;
  private InMemoryWhitelistStore store;
  private final AddressCanonicalizer senderCanonicalizer = AddressCanonicalizer.standard();
  private final AddressCanonicalizer recipientCanonicalizer = senderCanonicalizer.forRecipients();
  private final ReplyFormatter formatter = ReplyFormatter.english();
  private final Duration lifetime = DecisionEngine.DEFAULT_CHALLENGE_LIFETIME;
  private int next;

  private Pair[] known;
  private Pair[] unknown;
  private final Transaction[] accepted = new Transaction[N];
  private final Transaction[] challenged = new Transaction[N];
  private final Transaction[] mail = new Transaction[N];
  private final String[] pairKeys = new String[N];
  private final ReplyValues[] replyValues = new ReplyValues[N];
  private final String[] linkTexts = new String[N];

  @Setup
  public void setUp() {
    Traffic traffic = CoreFixtures.traffic(whitelistSize, CoreFixtures.LOCAL_RECIPIENTS);
    store = InMemoryWhitelistStore.builder().maxEntries(whitelistSize).build();
    CoreFixtures.fill(store, traffic);
    require(store.count() == whitelistSize, "store size", whitelistSize);
    engine = CoreFixtures.engine(store, formatter);
    pairMap = new ConcurrentHashMap<>(2 * whitelistSize);
    traffic.whitelisted().forEach(p -> pairMap.put(p.keyString(), Boolean.TRUE));
    known = traffic.known().toArray(new Pair[0]);
    unknown = traffic.unknown().toArray(new Pair[0]);
    for (int i = 0; i < N; i++) {
      Pair k = known[i];
      Pair u = unknown[i];
      accepted[i] = CoreFixtures.rcpt(k, i);
      challenged[i] = CoreFixtures.rcpt(u, N + i);
      mail[i] = CoreFixtures.mail(k, i);
      pairKeys[i] = k.keyString(); // a string of its own, equal to the map's key
      // what the engine hands the formatter (RuleContext.replyValues), and the link it makes
      replyValues[i] =
          ReplyValues.builder()
              .recipient(u.recipient().value())
              .sender(u.sender().value())
              .client(challenged[i].clientAddress().getHostAddress())
              .helo(challenged[i].helo().orElse(""))
              .build();
      linkTexts[i] =
          CoreFixtures.CHALLENGE_BASE
              + "c/"
              + tokens.mint(u.sender().value(), u.recipient().value(), lifetime);
      require(engine.decide(accepted[i]).decision() instanceof Decision.Accept, "accepted", i);
      require(
          engine.decide(challenged[i]).decision() instanceof Decision.Challenge, "challenged", i);
      require(
          engine.begin(mail[i]).rcpt(k.forwardPath()).decision() instanceof Decision.Accept,
          "rcptAccepted",
          i);
      require(pairMap.get(pairKeys[i]) != null, "pair map", i);
      require(store.containsAny(WhitelistCandidates.of(k.sender(), k.recipient())), "store hit", i);
      require(
          !store.containsAny(WhitelistCandidates.of(u.sender(), u.recipient())), "store miss", i);
    }
  }

  private static void require(boolean ok, String what, int i) {
    if (!ok) {
      throw new IllegalStateException(
          what + " " + i + " is not what the benchmark claims to measure");
    }
  }

  private int nextIndex() {
    int i = next;
    next = (i + 1) & (N - 1);
    return i;
  }

  @Benchmark
  public Decision accept() {
    return engine.decide(accepted[nextIndex()]).decision();
  }

  @Benchmark
  public String challenge() {
    Decision.Challenge c = (Decision.Challenge) engine.decide(challenged[nextIndex()]).decision();
    return c.reply().toWire();
  }

  @Benchmark
  public Boolean mapGet() {
    return pairMap.get(pairKeys[nextIndex()]);
  }

  @Benchmark
  public String tokenMint() {
    int i = nextIndex();
    return tokens.mint(unknown[i].sender().value(), unknown[i].recipient().value(), lifetime);
  }

  @Benchmark
  public String jwtMint() {
    int i = nextIndex();
    return jwt.mint(unknown[i].sender().value(), unknown[i].recipient().value());
  }

  @Benchmark
  public Decision rcptAccepted() {
    int i = nextIndex();
    return engine.begin(mail[i]).rcpt(known[i].forwardPath()).decision();
  }

  @Benchmark
  public void canonicalize(Blackhole bh) {
    int i = nextIndex();
    bh.consume(senderCanonicalizer.parse(unknown[i].reversePath()).canonical());
    bh.consume(recipientCanonicalizer.parse(unknown[i].forwardPath()).canonical());
  }

  @Benchmark
  public boolean storeHit() {
    int i = nextIndex();
    return store.containsAny(WhitelistCandidates.of(known[i].sender(), known[i].recipient()));
  }

  @Benchmark
  public boolean storeMiss() {
    int i = nextIndex();
    return store.containsAny(WhitelistCandidates.of(unknown[i].sender(), unknown[i].recipient()));
  }

  @Benchmark
  public String formatChallenge() {
    int i = nextIndex();
    return formatter.challenge(replyValues[i], linkTexts[i]).toWire();
  }
}
