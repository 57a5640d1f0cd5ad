package org.smtpcr.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.smtpcr.benchmarks.CoreFixtures.Pair;
import org.smtpcr.benchmarks.CoreFixtures.Traffic;
import org.smtpcr.core.Decision;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.reply.ReplyValues;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.tokens.ChallengeTokens;

/**
 * Decision throughput on one core: {@link DecisionEngine#decide} at RCPT with the default rule
 * chain over an {@link InMemoryWhitelistStore} of {@value #WHITELIST_SIZE} pairs, for a whitelisted
 * pair (Accept) and for a sender never seen (the full challenge: canonicalize both paths, miss in
 * the store, mint the token, format the multi-line reply and write it as wire text).
 *
 * <p>Peers measured in the same run give the numbers a meaning: a bare
 * {@link ConcurrentHashMap#get} of the canonical pair (the floor of any accept), and
 * {@link ChallengeTokens#mint} alone and an HS256 JWT mint (auth0 java-jwt) alone for the token
 * part of a challenge. {@link #rcptAccepted()} is the accept through {@code TransactionState}, the
 * route of integrations that decide per mail transaction. The steps of a decision are also measured
 * alone ({@link #canonicalize}, {@link #storeHit()}, {@link #storeMiss()}, {@link #tokenMint()},
 * {@link #formatChallenge()}), to show where the time goes.
 *
 * <p>Each method takes the next of {@value CoreFixtures#TRAFFIC} pre-built transactions (or
 * pairs), so neither the JIT nor the caches see one address only. {@link #setUp()} checks every
 * one of them gives the verdict its benchmark claims to measure.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(2)
@Threads(1)
@State(Scope.Thread)
public class DecisionBenchmark {
  /** Pairs in the whitelist store (and in the floor's map). */
  public static final int WHITELIST_SIZE = 100_000;

  /** Local recipients the whitelisted pairs are spread over. */
  public static final int RECIPIENTS = 500;

  private static final int MASK = CoreFixtures.TRAFFIC - 1;

  /** Pairs to whitelist; the sanity tests use fewer, to be quick. */
  int whitelistSize = WHITELIST_SIZE;

  private DecisionEngine engine;
  private ChallengeTokens tokens;
  private Auth0Jwt jwt;
  private ConcurrentHashMap<String, Boolean> pairMap;
  private InMemoryWhitelistStore store;
  private AddressCanonicalizer senderCanonicalizer;
  private AddressCanonicalizer recipientCanonicalizer;
  private ReplyFormatter formatter;

  private Transaction[] accepted;
  private Transaction[] challenged;
  private Transaction[] mail;
  private String[] forwardPaths;
  private String[] pairKeys;
  private String[] unknownSenders;
  private String[] unknownRecipients;
  private String[] unknownReversePaths;
  private String[] unknownForwardPaths;
  private CanonicalAddress[] knownSenderAddresses;
  private CanonicalAddress[] knownRecipientAddresses;
  private CanonicalAddress[] unknownSenderAddresses;
  private CanonicalAddress[] unknownRecipientAddresses;
  private List<ReplyValues> replyValues;
  private String[] linkTexts;
  private Duration lifetime;
  private int next;

  /** Fills the store and the map, builds the traffic, and checks every verdict. */
  @Setup
  public void setUp() {
    Traffic traffic = CoreFixtures.traffic(whitelistSize, RECIPIENTS);
    store = InMemoryWhitelistStore.builder().maxEntries(whitelistSize).build();
    CoreFixtures.fill(store, traffic);
    if (store.count() != whitelistSize) {
      throw new IllegalStateException("store holds " + store.count() + " pairs, not " + whitelistSize);
    }
    engine = CoreFixtures.engine(store);
    lifetime = DecisionEngine.DEFAULT_CHALLENGE_LIFETIME;
    tokens = TokenFixtures.challengeTokens(Clock.systemUTC());
    jwt = TokenFixtures.auth0(Clock.systemUTC());
    senderCanonicalizer = AddressCanonicalizer.standard();
    recipientCanonicalizer = senderCanonicalizer.forRecipients();
    formatter = ReplyFormatter.english();

    pairMap = new ConcurrentHashMap<>(2 * whitelistSize);
    for (Pair p : traffic.whitelisted()) {
      pairMap.put(p.keyString(), Boolean.TRUE);
    }

    List<Pair> known = traffic.known();
    List<Pair> unknown = traffic.unknown();
    int n = CoreFixtures.TRAFFIC;
    accepted = new Transaction[n];
    challenged = new Transaction[n];
    mail = new Transaction[n];
    forwardPaths = new String[n];
    pairKeys = new String[n];
    unknownSenders = new String[n];
    unknownRecipients = new String[n];
    unknownReversePaths = new String[n];
    unknownForwardPaths = new String[n];
    knownSenderAddresses = new CanonicalAddress[n];
    knownRecipientAddresses = new CanonicalAddress[n];
    unknownSenderAddresses = new CanonicalAddress[n];
    unknownRecipientAddresses = new CanonicalAddress[n];
    replyValues = new ArrayList<>(n);
    linkTexts = new String[n];
    for (int i = 0; i < n; i++) {
      accepted[i] = CoreFixtures.rcpt(known.get(i), i);
      challenged[i] = CoreFixtures.rcpt(unknown.get(i), n + i);
      mail[i] = CoreFixtures.mail(known.get(i), i);
      forwardPaths[i] = known.get(i).forwardPath();
      pairKeys[i] = known.get(i).keyString(); // a string of its own, equal to the map's key
      unknownSenders[i] = unknown.get(i).sender().value();
      unknownRecipients[i] = unknown.get(i).recipient().value();
      unknownReversePaths[i] = unknown.get(i).reversePath();
      unknownForwardPaths[i] = unknown.get(i).forwardPath();
      knownSenderAddresses[i] = known.get(i).sender();
      knownRecipientAddresses[i] = known.get(i).recipient();
      unknownSenderAddresses[i] = unknown.get(i).sender();
      unknownRecipientAddresses[i] = unknown.get(i).recipient();
      // what the engine hands the formatter (RuleContext.replyValues), and the link it makes
      replyValues.add(ReplyValues.builder().recipient(unknownRecipients[i]).sender(unknownSenders[i])
          .client(challenged[i].clientAddress().getHostAddress()).helo(challenged[i].helo().orElse("")).build());
      linkTexts[i] = CoreFixtures.CHALLENGE_BASE + "c/" + tokens.mint(unknownSenders[i], unknownRecipients[i], lifetime);
    }
    check();
  }

  private void check() {
    for (int i = 0; i < CoreFixtures.TRAFFIC; i++) {
      require(engine.decide(accepted[i]).decision() instanceof Decision.Accept, "accepted", i);
      require(engine.decide(challenged[i]).decision() instanceof Decision.Challenge, "challenged", i);
      require(engine.begin(mail[i]).rcpt(forwardPaths[i]).decision() instanceof Decision.Accept, "rcptAccepted", i);
      require(pairMap.get(pairKeys[i]) != null, "pair map", i);
      require(store.containsAny(WhitelistCandidates.of(knownSenderAddresses[i], knownRecipientAddresses[i])), "store hit", i);
      require(!store.containsAny(WhitelistCandidates.of(unknownSenderAddresses[i], unknownRecipientAddresses[i])), "store miss", i);
    }
  }

  private static void require(boolean ok, String what, int i) {
    if (!ok) {
      throw new IllegalStateException(what + " transaction " + i + " does not give the verdict it should");
    }
  }

  private int nextIndex() {
    int i = next;
    next = (i + 1) & MASK;
    return i;
  }

  /** A whitelisted pair at RCPT: the default chain runs to the store rule, which finds the pair. */
  @Benchmark
  public Decision accept() {
    return engine.decide(accepted[nextIndex()]).decision();
  }

  /**
   * An unknown sender at RCPT: canonicalize, store miss, pass-code rule, mint the token, format the
   * multi-line reply, and write it as it goes on the wire.
   */
  @Benchmark
  public String challenge() {
    Decision.Challenge c = (Decision.Challenge) engine.decide(challenged[nextIndex()]).decision();
    return c.reply().toWire();
  }

  /** Peer of {@link #accept()}: a bare map look-up of the canonical pair, the floor of any accept. */
  @Benchmark
  public Boolean mapGet() {
    return pairMap.get(pairKeys[nextIndex()]);
  }

  /** Peer of the token part of {@link #challenge()}: the engine's mint alone, same key and lifetime. */
  @Benchmark
  public String tokenMint() {
    int i = nextIndex();
    return tokens.mint(unknownSenders[i], unknownRecipients[i], lifetime);
  }

  /** Peer of the token part of {@link #challenge()}: an HS256 JWT of the same pair (auth0 java-jwt). */
  @Benchmark
  public String jwtMint() {
    int i = nextIndex();
    return jwt.mint(unknownSenders[i], unknownRecipients[i]);
  }

  /** A whitelisted recipient through {@code TransactionState}: {@code begin} after MAIL, one RCPT. */
  @Benchmark
  public Decision rcptAccepted() {
    int i = nextIndex();
    return engine.begin(mail[i]).rcpt(forwardPaths[i]).decision();
  }

  // ---------------------------------------------------------------------------------------------
  // the steps of a decision, measured alone, to show where the time goes

  /** Step of both: parse and canonicalize the reverse-path and the forward-path, as the engine does. */
  @Benchmark
  public void canonicalize(Blackhole bh) {
    int i = nextIndex();
    bh.consume(senderCanonicalizer.parse(unknownReversePaths[i]).canonical());
    bh.consume(recipientCanonicalizer.parse(unknownForwardPaths[i]).canonical());
  }

  /** Step of {@link #accept()}: the in-memory store finds the pair. */
  @Benchmark
  public boolean storeHit() {
    int i = nextIndex();
    return store.containsAny(WhitelistCandidates.of(knownSenderAddresses[i], knownRecipientAddresses[i]));
  }

  /** Step of {@link #challenge()}: the in-memory store looks up every key of an unknown pair. */
  @Benchmark
  public boolean storeMiss() {
    int i = nextIndex();
    return store.containsAny(WhitelistCandidates.of(unknownSenderAddresses[i], unknownRecipientAddresses[i]));
  }

  /** Step of {@link #challenge()}: format the English challenge reply around the link, write it. */
  @Benchmark
  public String formatChallenge() {
    int i = nextIndex();
    return formatter.challenge(replyValues.get(i), linkTexts[i]).toWire();
  }
}
