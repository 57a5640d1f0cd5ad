package org.smtpcr.examples.runtime;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnel;
import com.google.common.hash.PrimitiveSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.internal.LogSafe;
import org.smtpcr.core.store.Confirmation;
import org.smtpcr.core.store.EntryOrigin;
import org.smtpcr.core.store.PairLookup;
import org.smtpcr.core.store.RateBucket;
import org.smtpcr.core.store.WhitelistAddition;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistPage;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.tokens.SenderAuthentication;

/**
 * A near cache in front of a shared {@link WhitelistStore}: it remembers the answers of the
 * look-ups a decision makes ({@link #containsAny}, {@link #findAny}, {@link #find}, {@link
 * #findDenial}, {@link #lookUp}), so that a sender who writes again is decided without a round trip
 * to the database. Every other call goes to the store; every write clears the cache at once, so
 * this process sees its own writes immediately.
 *
 * <p>Writes made by other processes (another MX host, the challenge page, {@code smtpcr whitelist
 * deny add}) are not seen by this object alone. {@link OpenStore} pairs it with a PostgreSQL {@code
 * LISTEN}: each committed change to the whitelist or the deny list clears every cache that listens,
 * within moments. While that listener is not connected the cache serves nothing: every look-up goes
 * to the database, which, when it is down, fails (and the engine answers {@code 451 4.3.0}) rather
 * than returning a stale accept. The listener renews a short lease ({@value #LEASE_MILLIS} ms) each
 * time its connection shows that it is alive; a listener that goes silent or stalls stops the cache
 * when the lease runs out, before anyone has noticed why. A cache built here without a listener
 * ({@link Builder#build()}) serves from the start, and {@link Builder#ttl} is then how long a
 * change made elsewhere may go unseen.
 *
 * <p>An answer is reused for at most the {@linkplain Builder#ttl time to live}; a cached entry is
 * never served once it has expired by the {@linkplain Builder#clock clock}; at most {@linkplain
 * Builder#maximumSize maximumSize} answers are kept (least recently used go first).
 *
 * <p>With a {@linkplain Builder#keyFilter key filter}, the cache also knows which keys the store
 * holds at all: a Bloom filter of every whitelist and deny-list key, built from the store's lists
 * in the background while the cache serves, and built again after each change. A look-up none of
 * whose candidate keys is in the filter is answered "no entry, no denial" without a round trip, so
 * a sender never seen before (most of them, for a mail host) costs no query either. The filter can
 * only say a key is absent when it is, as of its build; a change made since then clears it, as it
 * clears the answers, and until it is built again every look-up that the answers cannot serve goes
 * to the store. What it can get wrong in between is only what the answers can: a sender confirmed
 * elsewhere is challenged until the change is heard, never accepted from a stale answer.
 *
 * <p>Thread-safe.
 *
 * @since 0.3.0
 */
public final class CachingWhitelistStore implements WhitelistStore {
  private static final Logger log = LoggerFactory.getLogger(CachingWhitelistStore.class);

  /** How many keys a page of the store's lists holds while the key filter is built. */
  private static final int FILTER_PAGE = WhitelistStore.MAX_PAGE_SIZE;

  /**
   * The key filter's false-positive rate per key: a look-up asks 4 to 10 keys, so about one look-up
   * in 200 of a sender the store does not hold still asks the store. At this rate the filter takes
   * about 1.8 bytes per key (1.8 MB for a million).
   */
  static final double FILTER_FPP = 0.001;

  /** The fewest keys a key filter is sized for, so that the first additions do not fill it. */
  private static final int FILTER_MIN_SIZE = 4096;

  /** After a key filter build that took d, the next starts d times this later at the earliest. */
  private static final long FILTER_PACE = 4;

  /** After a store was found to hold too many keys, how long until it is counted again. */
  private static final long FILTER_TOO_LARGE_NANOS = TimeUnit.MINUTES.toNanos(10);

  /** The default most keys a key filter holds ({@link Builder#keyFilter}). */
  public static final int DEFAULT_FILTER_KEYS = 1_000_000;

  /** The most keys a key filter may be allowed to hold (about 180 MB of filter). */
  public static final int MAX_FILTER_KEYS = 100_000_000;

  /**
   * How long after a failed build of the key filter (the store could not be read) the next is
   * tried, when no change has asked for one before: the listener's next sign of life starts it.
   */
  static final Duration FILTER_RETRY = Duration.ofSeconds(30);

  /** A sender key and a recipient key, as the key filter hashes them. */
  private record Pair(String sender, String recipient) {}

  /** Hashes a {@link Pair}: both keys, with a separator no key holds. */
  private enum PairFunnel implements Funnel<Pair> {
    INSTANCE;

    @Override
    public void funnel(Pair p, PrimitiveSink into) {
      into.putUnencodedChars(p.sender()).putChar('\n').putUnencodedChars(p.recipient());
    }
  }

  /** The keys of every row of the store, as of a build in {@code generation}. */
  private record KeyFilter(long generation, BloomFilter<Pair> keys, long size) {}

  /** What was asked: the cache key. */
  private record Key(char kind, Object what) {}

  /** An answer, and the generation it was loaded in: served only while that is still current. */
  private record Stamped(long generation, Object answer) {}

  /**
   * How long a listening cache serves after its listener last showed that its connection is alive
   * ({@link #alive()}): a listener that goes silent, stalls or is starved stops the cache within
   * this bound, without having to notice it first.
   */
  static final Duration LEASE = Duration.ofMillis(CachingWhitelistStore.LEASE_MILLIS);

  /** {@link #LEASE} in milliseconds. */
  static final long LEASE_MILLIS = 750;

  /** Set while {@link #withoutWaiting} runs on a thread. */
  private static final ThreadLocal<Boolean> MEMORY_ONLY = new ThreadLocal<>();

  private static final char CONTAINS_OR_FIND_ANY = 'a';
  private static final char FIND = 'f';
  private static final char DENIAL = 'd';

  private final WhitelistStore store;
  private final Clock clock;
  private final Ticker ticker;
  private final boolean leased;
  private final Cache<Key, Stamped> cache;

  /** Bumped by every clearing; a load started before a clearing does not store its answer. */
  private final AtomicLong generation = new AtomicLong();

  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong filterHits = new AtomicLong();
  private volatile boolean serving;

  /** The most keys a key filter holds; 0 when there is none. */
  private final int filterKeys;

  /** Runs {@link #buildFilter} (one at a time); null when there is no key filter. */
  private final Executor filterBuilder;

  /** The key filter; served only while its generation is current. */
  private volatile KeyFilter filter;

  /**
   * Whether builds are paced ({@link #buildFilter}): on the cache's own thread; not with an
   * executor a test gives, which runs each build at once.
   */
  private final boolean filterPaced;

  /** When the next build may start, on {@link System#nanoTime()}: paced builds only. */
  private volatile long nextBuildNanos;

  /** Set by {@link #stopFilter}: no build starts after it. */
  private volatile boolean filterStopped;

  /** When a build last found too many keys, on {@link System#nanoTime()}. */
  private volatile long tooLargeAt;

  /** Whether the last build found too many keys (so the next one is not logged again). */
  private volatile boolean filterTooLarge;

  /** Whether a filter has been built since the cache last started listening (for the log). */
  private volatile boolean filterAnnounced;

  /**
   * Whether the last build failed; {@link #alive()} then asks again after {@link #filterRetryAt}.
   */
  private volatile boolean filterFailed;

  /** While {@link #filterFailed}: when (by the ticker) the build may be tried again. */
  private volatile long filterRetryAt;

  /** While {@link #leased}: serving ends when the ticker passes this, unless renewed. */
  private volatile long servingUntil;

  private CachingWhitelistStore(Builder b, boolean servesAtOnce) {
    this.store = b.store;
    this.clock = b.clock;
    // the time to live and the lease run on a monotonic ticker; a test's clock drives both
    Clock c = b.clock;
    this.ticker =
        b.clockSet
            ? new Ticker() {
              @Override
              public long read() {
                return TimeUnit.MILLISECONDS.toNanos(c.millis());
              }
            }
            : Ticker.systemTicker();
    this.cache =
        CacheBuilder.newBuilder()
            .maximumSize(b.maximumSize)
            .expireAfterWrite(b.ttl.toNanos(), TimeUnit.NANOSECONDS)
            .ticker(ticker)
            .build();
    // a cache without a listener serves from the start and has no lease to renew
    this.leased = !servesAtOnce;
    this.serving = servesAtOnce;
    // a key filter is only as good as what the cache hears: none without a change listener
    this.filterKeys = servesAtOnce ? 0 : b.filterKeys;
    this.filterBuilder =
        filterKeys == 0 ? null : b.filterExecutor != null ? b.filterExecutor : backgroundBuilder();
    this.filterPaced = b.filterExecutor == null;
    this.nextBuildNanos = System.nanoTime();
  }

  /**
   * One daemon thread, started when a build is asked for and ended after a minute without one; a
   * build asked for while one runs waits for it, and any more asked for meanwhile are the same one.
   */
  private static Executor backgroundBuilder() {
    ThreadPoolExecutor e =
        new ThreadPoolExecutor(
            1,
            1,
            1,
            TimeUnit.MINUTES,
            new ArrayBlockingQueue<>(1),
            r -> {
              Thread t = new Thread(r, "smtpcr-near-cache-filter");
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.DiscardPolicy());
    e.allowCoreThreadTimeOut(true);
    return e;
  }

  /**
   * Starts a builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs {@code call} on this thread with every near cache answering from memory only: a look-up
   * the cache cannot answer at once, and every other call that would go to the store (writes
   * included), throws {@link WouldWait} instead, before the store is asked. An event loop uses this
   * to decide on its own thread what the cache can answer, and to hand the rest to a thread that
   * may wait: {@code PolicyServer.Builder.memoryFirst}.
   *
   * <p>{@link WouldWait} is an {@link Error}, so that code which answers a store's {@link
   * RuntimeException} with a temporary failure (the decision engine's {@code 451 4.3.0}) lets it
   * through: the caller that asked not to wait is the one that catches it. Whatever ran before it
   * was thrown ran, so {@code call} must have no effect that a second attempt would repeat. Calls
   * nest; a store other than this class ignores the request and may wait.
   *
   * @param call what to run
   * @param <T> its result
   * @return its result
   * @throws WouldWait if the answer needs the store
   */
  public static <T> T withoutWaiting(Supplier<T> call) {
    requireNonNull(call, "call");
    if (MEMORY_ONLY.get() != null) {
      return call.get();
    }
    MEMORY_ONLY.set(Boolean.TRUE);
    try {
      return call.get();
    } finally {
      MEMORY_ONLY.remove();
    }
  }

  /** Throws {@link WouldWait} inside {@link #withoutWaiting}. */
  private static void mayWait() {
    if (MEMORY_ONLY.get() != null) {
      throw WouldWait.INSTANCE;
    }
  }

  /**
   * Thrown inside {@link #withoutWaiting} where the answer needs the store. Carries no stack trace
   * and no message; one shared instance.
   */
  public static final class WouldWait extends Error {
    private static final long serialVersionUID = 1L;
    static final WouldWait INSTANCE = new WouldWait();

    private WouldWait() {
      super("the near cache cannot answer without asking the store", null, false, false);
    }
  }

  // ---- what a change source (the PostgreSQL listener) tells the cache ----

  /** The source listens now: forget everything from before, then serve for one lease. */
  void listening() {
    clear();
    alive();
    filterAnnounced = false;
    filterTooLarge = false; // counted again on each new connection
    serving = true;
    wantFilter();
  }

  /**
   * The source's connection was alive just now: serve for one more lease; and try the key filter
   * again if its last build failed a while ago (without this, a quiet store would stay without one
   * until its next change).
   */
  void alive() {
    long now = ticker.read();
    servingUntil = now + LEASE.toNanos();
    if (filterFailed && serving && now - filterRetryAt >= 0) {
      filterFailed = false;
      wantFilter();
    }
  }

  /** Something changed in the store, somewhere: forget everything. */
  void changed() {
    clear();
  }

  /** The source no longer hears changes: stop serving and forget everything, until it listens. */
  void lost() {
    serving = false;
    clear();
  }

  /**
   * Whether look-ups are answered from the cache now: false while the change listener is not
   * connected, when every look-up goes to the store.
   *
   * @return the value
   */
  public boolean isServing() {
    return serving && (!leased || servingUntil - ticker.read() > 0);
  }

  /**
   * How many look-ups the cache answered, since it was built.
   *
   * @return the count
   */
  public long hitCount() {
    return hits.get();
  }

  /**
   * How many look-ups went to the store, since it was built (including those made while the cache
   * was not serving).
   *
   * @return the count
   */
  public long missCount() {
    return misses.get();
  }

  /** Forgets every cached answer now. */
  public void invalidateAll() {
    clear();
  }

  private void clear() {
    generation.incrementAndGet();
    cache.invalidateAll();
    // a filter of an older generation is never served again: let it go before the next is built
    filter = null;
    if (serving) {
      wantFilter();
    }
  }

  // ---- the key filter ----

  /**
   * Stops building key filters, before the store is closed ({@link OpenStore#close}): a build in
   * progress is interrupted and its failure not logged, and the cache's thread ends.
   */
  void stopFilter() {
    filterStopped = true;
    filter = null;
    if (filterBuilder instanceof ThreadPoolExecutor e) {
      e.shutdownNow();
    }
  }

  /** Asks for a key filter of the current generation, when the cache has one. */
  private void wantFilter() {
    if (filterBuilder != null) {
      filterBuilder.execute(this::buildFilter);
    }
  }

  /**
   * Builds the key filter from the store's lists, and puts it in place if nothing changed while it
   * was built (a change clears the cache, which asks for another build). A store that fails leaves
   * the cache without a filter until the next change, the next time it listens, or the first sign
   * of life of its listener {@link #FILTER_RETRY} later.
   */
  private void buildFilter() {
    if (filterStopped) {
      return;
    }
    if (filterPaced) {
      // reading every key takes one pooled connection for a while: after a build that took d, the
      // next starts d * FILTER_PACE later at the earliest, so builds hold the store at most a
      // fifth of the time however often it changes (changes meanwhile fold into that one build)
      long wait = nextBuildNanos - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    long generationBefore = generation.get();
    if (!serving || (filter != null && filter.generation() == generationBefore)) {
      return;
    }
    long started = System.nanoTime();
    try {
      KeyFilter built;
      try {
        built = scan(generationBefore);
      } finally {
        long took = System.nanoTime() - started;
        nextBuildNanos = System.nanoTime() + FILTER_PACE * took;
      }
      if (built == null || generation.get() != generationBefore) {
        return;
      }
      filter = built;
      if (generation.get() != generationBefore) {
        filter = null; // a change came as it was put in place: not two filters in memory
        return;
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      if (!filterAnnounced) {
        filterAnnounced = true;
        log.info(
            "whitelist near cache: key filter of {} keys built in {} ms; a sender the store does"
                + " not hold is answered without asking it",
            built.size(),
            millis);
      } else {
        log.debug(
            "whitelist near cache: key filter of {} keys built in {} ms", built.size(), millis);
      }
    } catch (RuntimeException e) {
      filterRetryAt = ticker.read() + FILTER_RETRY.toNanos();
      filterFailed = true;
      if (filterStopped) {
        return; // the store was closed under a build: nothing to say
      }
      // a store's message names the operation and the SQLState, never a secret; made one safe line
      // all the same, as a row a build could not read may be quoted in it
      String why = e.getMessage() == null ? "" : ": " + LogSafe.of(e.getMessage());
      log.info(
          "whitelist near cache: key filter not built ({}{}): look-ups go to the store; trying"
              + " again in {}",
          e.getClass().getSimpleName(),
          why,
          FILTER_RETRY);
    }
  }

  /** A filter of every key in the store, or null if there are more than allowed. */
  private KeyFilter scan(long generationBefore) {
    if (filterTooLarge && System.nanoTime() - tooLargeAt < FILTER_TOO_LARGE_NANOS) {
      return null; // found too large lately: not counted again on every change
    }
    long expected = store.count();
    if (expected > filterKeys) {
      tooLarge();
      return null;
    }
    KeyFilter built = scan(generationBefore, expected);
    // sized by the whitelist alone; a deny list far larger than that would fill it: once more,
    // sized by what was read
    if (built != null && built.keys().expectedFpp() > 10 * FILTER_FPP) {
      built = scan(generationBefore, built.size());
    }
    return built;
  }

  private KeyFilter scan(long generationBefore, long expected) {
    BloomFilter<Pair> keys =
        BloomFilter.create(
            PairFunnel.INSTANCE,
            Math.max(FILTER_MIN_SIZE, Math.min((long) filterKeys, 2 * expected)),
            FILTER_FPP);
    long size = 0;
    WhitelistPage page = store.list(FILTER_PAGE);
    while (true) {
      for (WhitelistEntry e : page.entries()) {
        keys.put(new Pair(e.key().sender(), e.key().recipient()));
        if (++size > filterKeys) {
          tooLarge();
          return null;
        }
      }
      if (generation.get() != generationBefore) {
        return null; // changed meanwhile: this build is of no use, the next is asked for
      }
      if (page.next().isEmpty()) {
        break;
      }
      page = store.listAfter(page.next().get(), FILTER_PAGE);
    }
    Optional<WhitelistKey> after = Optional.empty();
    do {
      WhitelistPage denials = store.listDenials(after, FILTER_PAGE);
      for (WhitelistEntry e : denials.entries()) {
        keys.put(new Pair(e.key().sender(), e.key().recipient()));
        if (++size > filterKeys) {
          tooLarge();
          return null;
        }
      }
      if (generation.get() != generationBefore) {
        return null;
      }
      after = denials.next();
    } while (after.isPresent());
    filterTooLarge = false;
    return new KeyFilter(generationBefore, keys, size);
  }

  private void tooLarge() {
    tooLargeAt = System.nanoTime();
    if (!filterTooLarge) {
      filterTooLarge = true;
      log.info(
          "whitelist near cache: the store holds more than {} keys, so there is no key filter: a"
              + " sender not in the cache is looked up in the store",
          filterKeys);
    }
  }

  /** The key filter, if it is current and the cache serves; else null. */
  private KeyFilter currentFilter() {
    KeyFilter f = filter;
    return f != null && f.generation() == generation.get() && isServing() ? f : null;
  }

  /**
   * Whether the key filter says the store holds none of these keys (counted as a hit): then the
   * store's answer is "none", and it need not be asked.
   */
  private boolean surelyAbsent(WhitelistCandidates candidates) {
    KeyFilter f = currentFilter();
    if (f == null) {
      return false;
    }
    for (String s : candidates.senderKeys()) {
      for (String r : candidates.recipientKeys()) {
        if (f.keys().mightContain(new Pair(s, r))) {
          return false;
        }
      }
    }
    hits.incrementAndGet();
    filterHits.incrementAndGet();
    return true;
  }

  private boolean surelyAbsent(WhitelistKey key) {
    KeyFilter f = currentFilter();
    if (f == null || f.keys().mightContain(new Pair(key.sender(), key.recipient()))) {
      return false;
    }
    hits.incrementAndGet();
    filterHits.incrementAndGet();
    return true;
  }

  /**
   * Whether the key filter is built and serves now: look-ups of keys the store does not hold are
   * answered without asking it.
   *
   * @return the value
   */
  public boolean isFilterServing() {
    return currentFilter() != null;
  }

  /**
   * How many keys the key filter that serves now holds: 0 while there is none (off, not built yet,
   * cleared by a change and not built again, or the store holds more keys than allowed).
   *
   * @return the count
   */
  public long filterKeyCount() {
    KeyFilter f = currentFilter();
    return f == null ? 0 : f.size();
  }

  /**
   * How many of the {@linkplain #hitCount() hits} the key filter answered: look-ups of keys the
   * store does not hold, since the cache was built.
   *
   * @return the count
   */
  public long filterHitCount() {
    return filterHits.get();
  }

  private <V> V lookup(Key key, Supplier<V> load, Predicate<V> usable) {
    V cached = cached(key, usable);
    if (cached != null) {
      return cached;
    }
    mayWait();
    misses.incrementAndGet();
    long before = generation.get();
    V loaded = load.get();
    if (serving && generation.get() == before) {
      cache.put(key, new Stamped(before, loaded));
    }
    return loaded;
  }

  /** The answer the cache may serve for {@code key} now (counted as a hit), or null. */
  private <V> V cached(Key key, Predicate<V> usable) {
    if (isServing()) {
      Stamped stamped = cache.getIfPresent(key);
      // an answer loaded before the last clearing is never served, even if its put came after it
      if (stamped != null && stamped.generation() == generation.get()) {
        @SuppressWarnings("unchecked") // each kind of Key holds one type of answer
        V cached = (V) stamped.answer();
        if (usable.test(cached)) {
          hits.incrementAndGet();
          return cached;
        }
      }
    }
    return null;
  }

  private boolean unexpired(Optional<WhitelistEntry> e) {
    return e.isEmpty() || !e.get().isExpiredAt(clock.instant());
  }

  private <T> T write(Supplier<T> call) {
    mayWait();
    try {
      return call.get();
    } finally {
      clear();
    }
  }

  private void write(Runnable call) {
    mayWait();
    try {
      call.run();
    } finally {
      clear();
    }
  }

  @Override
  public boolean containsAny(WhitelistCandidates candidates) {
    return findAny(candidates).isPresent();
  }

  @Override
  public Optional<WhitelistEntry> findAny(WhitelistCandidates candidates) {
    requireNonNull(candidates, "candidates");
    Key key = new Key(CONTAINS_OR_FIND_ANY, candidates);
    Optional<WhitelistEntry> cached = cached(key, this::unexpired);
    if (cached != null) {
      return cached;
    }
    if (surelyAbsent(candidates)) {
      return Optional.empty();
    }
    return lookup(key, () -> store.findAny(candidates), this::unexpired);
  }

  @Override
  public Optional<WhitelistEntry> find(WhitelistKey key) {
    requireNonNull(key, "key");
    Key k = new Key(FIND, key);
    Optional<WhitelistEntry> cached = cached(k, this::unexpired);
    if (cached != null) {
      return cached;
    }
    if (surelyAbsent(key)) {
      return Optional.empty();
    }
    return lookup(k, () -> store.find(key), this::unexpired);
  }

  /**
   * The deny list's answer, from the cache or, on a miss, with the whitelist's answer for the same
   * candidates in one {@link #lookUp} of the store: the whitelist rule that asks {@link #findAny}
   * next then finds it here, so a sender never seen before costs one round trip, not two.
   */
  @Override
  public Optional<WhitelistKey> findDenial(WhitelistCandidates candidates) {
    requireNonNull(candidates, "candidates");
    Optional<WhitelistKey> cached = cached(new Key(DENIAL, candidates), d -> true);
    if (cached != null) {
      return cached;
    }
    if (surelyAbsent(candidates)) {
      return Optional.empty();
    }
    return loadBoth(candidates).denial();
  }

  @Override
  public PairLookup lookUp(WhitelistCandidates candidates) {
    requireNonNull(candidates, "candidates");
    Optional<WhitelistKey> denial = cached(new Key(DENIAL, candidates), d -> true);
    if (denial != null) {
      Optional<WhitelistEntry> entry =
          cached(new Key(CONTAINS_OR_FIND_ANY, candidates), this::unexpired);
      if (entry != null) {
        return new PairLookup(denial, entry);
      }
    }
    // a denial found in the cache is kept: the filter answers only when nothing was found
    if ((denial == null || denial.isEmpty()) && surelyAbsent(candidates)) {
      return new PairLookup(Optional.empty(), Optional.empty());
    }
    return loadBoth(candidates);
  }

  /** Both answers from the store, each kept as {@link #lookup} would keep it. */
  private PairLookup loadBoth(WhitelistCandidates candidates) {
    mayWait();
    misses.incrementAndGet();
    long before = generation.get();
    PairLookup loaded = store.lookUp(candidates);
    if (serving && generation.get() == before) {
      cache.put(new Key(DENIAL, candidates), new Stamped(before, loaded.denial()));
      cache.put(new Key(CONTAINS_OR_FIND_ANY, candidates), new Stamped(before, loaded.entry()));
    }
    return loaded;
  }

  @Override
  public void add(WhitelistKey key, SenderAuthentication authentication) {
    write(() -> store.add(key, authentication));
  }

  @Override
  public void add(WhitelistKey key, Instant expiresAt, SenderAuthentication authentication) {
    write(() -> store.add(key, expiresAt, authentication));
  }

  @Override
  public void addAll(List<WhitelistAddition> additions) {
    write(() -> store.addAll(additions));
  }

  @Override
  public Confirmation confirm(
      WhitelistKey key,
      Optional<Instant> expiresAt,
      SenderAuthentication authentication,
      EntryOrigin origin) {
    return write(() -> store.confirm(key, expiresAt, authentication, origin));
  }

  @Override
  public void deny(WhitelistKey key) {
    write(() -> store.deny(key));
  }

  @Override
  public boolean removeDenial(WhitelistKey key) {
    return write(() -> store.removeDenial(key));
  }

  @Override
  public boolean remove(WhitelistKey key) {
    return write(() -> store.remove(key));
  }

  @Override
  public long removeExpired() {
    return write(store::removeExpired);
  }

  @Override
  public WhitelistPage listDenials(Optional<WhitelistKey> after, int limit) {
    mayWait();
    return store.listDenials(after, limit);
  }

  @Override
  public Optional<RateBucket> countIfUnder(List<RateBucket> buckets) {
    mayWait();
    return store.countIfUnder(buckets);
  }

  @Override
  public long countOf(String key) {
    mayWait();
    return store.countOf(key);
  }

  @Override
  public WhitelistPage list(int limit) {
    mayWait();
    return store.list(limit);
  }

  @Override
  public WhitelistPage listAfter(WhitelistKey after, int limit) {
    mayWait();
    return store.listAfter(after, limit);
  }

  @Override
  public long count() {
    mayWait();
    return store.count();
  }

  @Override
  public String toString() {
    return "CachingWhitelistStore[" + store + (isServing() ? "" : ", not serving") + "]";
  }

  /**
   * Builds a {@link CachingWhitelistStore}. Not thread-safe.
   *
   * @since 0.3.0
   */
  public static final class Builder {
    private WhitelistStore store;
    private long maximumSize = -1;
    private Duration ttl;
    private Clock clock;
    private boolean clockSet;
    private int filterKeys;
    private boolean filterKeysSet;
    private Executor filterExecutor;

    private Builder() {}

    /**
     * A key filter of at most {@code maxKeys} keys (default: none; {@link OpenStore} sets {@value
     * #DEFAULT_FILTER_KEYS}, or the store's {@code cacheFilterKeys}): see the class comment. Only a
     * cache that hears the store's changes uses one ({@link OpenStore}'s, on PostgreSQL), since a
     * filter is kept right by hearing them; {@link #build()} ignores it. A store holding more keys
     * than this gets no filter. Each build reads the whole whitelist and deny list, a page of
     * {@value WhitelistStore#MAX_PAGE_SIZE} at a time, on a thread of the cache's own.
     *
     * @param maxKeys 0 (no filter) to {@value #MAX_FILTER_KEYS}
     * @return this builder
     */
    public Builder keyFilter(int maxKeys) {
      checkState(!filterKeysSet, "keyFilter was already set");
      checkArgument(
          maxKeys >= 0 && maxKeys <= MAX_FILTER_KEYS,
          "keyFilter must be 0 to %s keys, got %s",
          MAX_FILTER_KEYS,
          maxKeys);
      this.filterKeys = maxKeys;
      this.filterKeysSet = true;
      return this;
    }

    /** Runs the key filter's builds (tests: on the calling thread). */
    Builder filterExecutor(Executor executor) {
      this.filterExecutor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The store that answers (required).
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
     * The most answers kept (default {@value StoreSpec#DEFAULT_CACHE_SIZE}).
     *
     * @param maximumSize at least 1
     * @return this builder
     */
    public Builder maximumSize(long maximumSize) {
      checkState(this.maximumSize < 0, "maximumSize was already set");
      checkArgument(maximumSize >= 1, "maximumSize must be at least 1, got %s", maximumSize);
      this.maximumSize = maximumSize;
      return this;
    }

    /**
     * How long an answer is reused at most (default 1 minute, {@link StoreSpec#DEFAULT_CACHE_TTL}).
     *
     * @param ttl positive
     * @return this builder
     */
    public Builder ttl(Duration ttl) {
      checkState(this.ttl == null, "ttl was already set");
      requireNonNull(ttl, "ttl");
      checkArgument(!ttl.isNegative() && !ttl.isZero(), "ttl must be positive, got %s", ttl);
      this.ttl = ttl;
      return this;
    }

    /**
     * The clock that says when an entry has expired (default the system's, UTC). When set, it also
     * times the {@linkplain #ttl time to live} (for tests); by default that runs on the monotonic
     * {@link System#nanoTime()}, which a change of the wall clock does not move.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      checkState(this.clock == null, "clock was already set");
      this.clock = requireNonNull(clock, "clock");
      this.clockSet = true;
      return this;
    }

    private void defaults() {
      checkState(store != null, "store is required");
      if (maximumSize < 0) {
        maximumSize = StoreSpec.DEFAULT_CACHE_SIZE;
      }
      if (ttl == null) {
        ttl = StoreSpec.DEFAULT_CACHE_TTL;
      }
      if (clock == null) {
        clock = Clock.systemUTC();
      }
    }

    /**
     * A cache that serves from the start: it hears no change made by another process, so the
     * {@linkplain #ttl time to live} is how long such a change may go unseen.
     *
     * @return the cache
     * @throws IllegalStateException if no store was set
     */
    public CachingWhitelistStore build() {
      defaults();
      return new CachingWhitelistStore(this, true);
    }

    /** A cache that serves only once a change source says it {@linkplain #listening listens}. */
    CachingWhitelistStore buildListening() {
      defaults();
      return new CachingWhitelistStore(this, false);
    }
  }
}
