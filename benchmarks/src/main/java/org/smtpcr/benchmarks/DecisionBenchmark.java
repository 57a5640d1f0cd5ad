package org.smtpcr.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.reply.ReplyValues;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.tokens.ChallengeTokens;

/**
 * Decisions on one core, accept and challenge, with their peers and their steps measured alone
 * (docs/benchmarks.md says what each shows). Each call takes the next of the pre-built
 * transactions, so neither the JIT nor the caches see one address only; {@link #setUp} checks that
 * every one gives the verdict its benchmark claims to measure.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class DecisionBenchmark {
  static final int WHITELIST_SIZE = 100_000;
  private static final int MASK = CoreFixtures.TRAFFIC - 1;

  /** Pairs to whitelist; the sanity tests use fewer, to be quick. */
  int whitelistSize = WHITELIST_SIZE;

  private DecisionEngine engine;
  private ChallengeTokens tokens;
  private Jwts.Jwt jwt;
  private ConcurrentHashMap<String, Boolean> pairMap;
  private InMemoryWhitelistStore store;
  private AddressCanonicalizer senderCanonicalizer;
  private AddressCanonicalizer recipientCanonicalizer;
  private ReplyFormatter formatter;
  private Duration lifetime;
  private int next;

  private final int n = CoreFixtures.TRAFFIC;
  private final Transaction[] accepted = new Transaction[n];
  private final Transaction[] challenged = new Transaction[n];
  private final Transaction[] mail = new Transaction[n];
  private final String[] forwardPaths = new String[n];
  private final String[] pairKeys = new String[n];
  private final String[] unknownSenders = new String[n];
  private final String[] unknownRecipients = new String[n];
  private final String[] unknownReversePaths = new String[n];
  private final String[] unknownForwardPaths = new String[n];
  private final CanonicalAddress[] knownSenders = new CanonicalAddress[n];
  private final CanonicalAddress[] knownRecipients = new CanonicalAddress[n];
  private final CanonicalAddress[] unknownSenderAddresses = new CanonicalAddress[n];
  private final CanonicalAddress[] unknownRecipientAddresses = new CanonicalAddress[n];
  private final List<ReplyValues> replyValues = new ArrayList<>(n);
  private final String[] linkTexts = new String[n];

  /** Fills the store and the map, builds the traffic, and checks every verdict. */
  @Setup
  public void setUp() {
    Traffic traffic = CoreFixtures.traffic(whitelistSize, CoreFixtures.LOCAL_RECIPIENTS);
    store = InMemoryWhitelistStore.builder().maxEntries(whitelistSize).build();
    CoreFixtures.fill(store, traffic);
    require(store.count() == whitelistSize, "store size", whitelistSize);
    engine = CoreFixtures.engine(store);
    lifetime = DecisionEngine.DEFAULT_CHALLENGE_LIFETIME;
    tokens = TokenFixtures.challengeTokens(Clock.systemUTC());
    jwt = TokenFixtures.auth0(Clock.systemUTC());
    senderCanonicalizer = AddressCanonicalizer.standard();
    recipientCanonicalizer = senderCanonicalizer.forRecipients();
    formatter = ReplyFormatter.english();
    pairMap = new ConcurrentHashMap<>(2 * whitelistSize);
    traffic.whitelisted().forEach(p -> pairMap.put(p.keyString(), Boolean.TRUE));
    List<Pair> known = traffic.known();
    List<Pair> unknown = traffic.unknown();
    for (int i = 0; i < n; i++) {
      Pair k = known.get(i);
      Pair u = unknown.get(i);
      accepted[i] = CoreFixtures.rcpt(k, i);
      challenged[i] = CoreFixtures.rcpt(u, n + i);
      mail[i] = CoreFixtures.mail(k, i);
      forwardPaths[i] = k.forwardPath();
      pairKeys[i] = k.keyString(); // a string of its own, equal to the map's key
      unknownSenders[i] = u.sender().value();
      unknownRecipients[i] = u.recipient().value();
      unknownReversePaths[i] = u.reversePath();
      unknownForwardPaths[i] = u.forwardPath();
      knownSenders[i] = k.sender();
      knownRecipients[i] = k.recipient();
      unknownSenderAddresses[i] = u.sender();
      unknownRecipientAddresses[i] = u.recipient();
      // what the engine hands the formatter (RuleContext.replyValues), and the link it makes
      replyValues.add(
          ReplyValues.builder()
              .recipient(unknownRecipients[i])
              .sender(unknownSenders[i])
              .client(challenged[i].clientAddress().getHostAddress())
              .helo(challenged[i].helo().orElse(""))
              .build());
      linkTexts[i] =
          CoreFixtures.CHALLENGE_BASE
              + "c/"
              + tokens.mint(unknownSenders[i], unknownRecipients[i], lifetime);
    }
    for (int i = 0; i < n; i++) {
      require(engine.decide(accepted[i]).decision() instanceof Decision.Accept, "accepted", i);
      require(
          engine.decide(challenged[i]).decision() instanceof Decision.Challenge, "challenged", i);
      require(
          engine.begin(mail[i]).rcpt(forwardPaths[i]).decision() instanceof Decision.Accept,
          "rcptAccepted",
          i);
      require(pairMap.get(pairKeys[i]) != null, "pair map", i);
      require(
          store.containsAny(WhitelistCandidates.of(knownSenders[i], knownRecipients[i])),
          "store hit",
          i);
      require(
          !store.containsAny(
              WhitelistCandidates.of(unknownSenderAddresses[i], unknownRecipientAddresses[i])),
          "store miss",
          i);
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
    next = (i + 1) & MASK;
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

  /** Peer of {@link #accept}: the floor of any accept. */
  @Benchmark
  public Boolean mapGet() {
    return pairMap.get(pairKeys[nextIndex()]);
  }

  /**
   * Peer of {@link #challenge}, and a step of it: the engine's mint alone, same key and lifetime.
   */
  @Benchmark
  public String tokenMint() {
    int i = nextIndex();
    return tokens.mint(unknownSenders[i], unknownRecipients[i], lifetime);
  }

  /** Peer of {@link #challenge}: an HS256 JWT of the same pair (auth0 java-jwt). */
  @Benchmark
  public String jwtMint() {
    int i = nextIndex();
    return jwt.mint(unknownSenders[i], unknownRecipients[i]);
  }

  /** The accept as integrations that decide per mail transaction make it: MAIL, then one RCPT. */
  @Benchmark
  public Decision rcptAccepted() {
    int i = nextIndex();
    return engine.begin(mail[i]).rcpt(forwardPaths[i]).decision();
  }

  /** Step of both: parse and canonicalize both paths, as the engine does. */
  @Benchmark
  public void canonicalize(Blackhole bh) {
    int i = nextIndex();
    bh.consume(senderCanonicalizer.parse(unknownReversePaths[i]).canonical());
    bh.consume(recipientCanonicalizer.parse(unknownForwardPaths[i]).canonical());
  }

  @Benchmark
  public boolean storeHit() {
    int i = nextIndex();
    return store.containsAny(WhitelistCandidates.of(knownSenders[i], knownRecipients[i]));
  }

  /** Step of {@link #challenge}: the store looks up every key of an unknown pair. */
  @Benchmark
  public boolean storeMiss() {
    int i = nextIndex();
    return store.containsAny(
        WhitelistCandidates.of(unknownSenderAddresses[i], unknownRecipientAddresses[i]));
  }

  /** Step of {@link #challenge}: format the English challenge reply around the link, write it. */
  @Benchmark
  public String formatChallenge() {
    int i = nextIndex();
    return formatter.challenge(replyValues.get(i), linkTexts[i]).toWire();
  }
}
