package org.smtpcr.examples.runtime.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.smtpcr.core.store.Confirmation;
import org.smtpcr.core.store.EntryOrigin;
import org.smtpcr.core.store.PairLookup;
import org.smtpcr.core.store.RateBucket;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistPage;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.runtime.CachingWhitelistStore;
import org.smtpcr.tokens.SenderAuthentication;

/**
 * A {@link WhitelistStore} that times every call of another one and counts its failures, then
 * answers or throws exactly as that store did:
 *
 * <ul>
 *   <li>{@code smtpcr.store.duration} (timer with a histogram from 10 µs to 30 s; tag {@code
 *       operation}, the method's name in lower case with dashes, such as {@code contains-any}):
 *       every call, failed or not;
 *   <li>{@code smtpcr.store.failures} (counter; tag {@code operation}): calls that threw.
 * </ul>
 *
 * @since 0.3.0
 */
public final class TimedWhitelistStore implements WhitelistStore {
  private enum Operation {
    ADD,
    CONFIRM,
    DENY,
    REMOVE_DENIAL,
    FIND_DENIAL,
    LOOK_UP,
    LIST_DENIALS,
    COUNT_IF_UNDER,
    COUNT_OF,
    CONTAINS_ANY,
    FIND_ANY,
    FIND,
    REMOVE,
    LIST,
    COUNT,
    REMOVE_EXPIRED;

    String tag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final WhitelistStore store;
  private final Map<Operation, Timer> timers = new EnumMap<>(Operation.class);
  private final Map<Operation, Counter> failures = new EnumMap<>(Operation.class);

  private TimedWhitelistStore(WhitelistStore store, MeterRegistry registry) {
    this.store = store;
    for (Operation o : Operation.values()) {
      timers.put(
          o,
          LatencyBuckets.on(
                  Timer.builder("smtpcr.store.duration")
                      .description("How long a whitelist store call took, failed or not")
                      .tag("operation", o.tag()))
              .register(registry));
      failures.put(
          o,
          Counter.builder("smtpcr.store.failures")
              .description("Whitelist store calls that threw")
              .tag("operation", o.tag())
              .register(registry));
    }
  }

  /**
   * Times {@code store} in {@code registry}.
   *
   * @param store the store that answers
   * @param registry where the meters are registered
   * @return the timing store
   */
  public static TimedWhitelistStore of(WhitelistStore store, MeterRegistry registry) {
    return new TimedWhitelistStore(
        requireNonNull(store, "store"), requireNonNull(registry, "registry"));
  }

  private <T> T timed(Operation o, Supplier<T> call) {
    long start = System.nanoTime();
    T result;
    try {
      result = call.get();
    } catch (CachingWhitelistStore.WouldWait e) {
      // not a store call: the near cache was asked not to wait, and the caller asks again on a
      // thread that may (CachingWhitelistStore.withoutWaiting)
      throw e;
    } catch (RuntimeException | Error e) {
      failures.get(o).increment();
      timers.get(o).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      throw e;
    }
    timers.get(o).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    return result;
  }

  private void run(Operation o, Runnable call) {
    timed(
        o,
        () -> {
          call.run();
          return null;
        });
  }

  @Override
  public void add(WhitelistKey key) {
    run(Operation.ADD, () -> store.add(key));
  }

  @Override
  public void add(WhitelistKey key, Instant expiresAt) {
    run(Operation.ADD, () -> store.add(key, expiresAt));
  }

  @Override
  public void add(WhitelistKey key, SenderAuthentication authentication) {
    run(Operation.ADD, () -> store.add(key, authentication));
  }

  @Override
  public void add(WhitelistKey key, Instant expiresAt, SenderAuthentication authentication) {
    run(Operation.ADD, () -> store.add(key, expiresAt, authentication));
  }

  @Override
  public Confirmation confirm(
      WhitelistKey key,
      Optional<Instant> expiresAt,
      SenderAuthentication authentication,
      EntryOrigin origin) {
    return timed(Operation.CONFIRM, () -> store.confirm(key, expiresAt, authentication, origin));
  }

  @Override
  public void deny(WhitelistKey key) {
    run(Operation.DENY, () -> store.deny(key));
  }

  @Override
  public boolean removeDenial(WhitelistKey key) {
    return timed(Operation.REMOVE_DENIAL, () -> store.removeDenial(key));
  }

  @Override
  public Optional<WhitelistKey> findDenial(WhitelistCandidates candidates) {
    return timed(Operation.FIND_DENIAL, () -> store.findDenial(candidates));
  }

  @Override
  public PairLookup lookUp(WhitelistCandidates candidates) {
    return timed(Operation.LOOK_UP, () -> store.lookUp(candidates));
  }

  @Override
  public WhitelistPage listDenials(Optional<WhitelistKey> after, int limit) {
    return timed(Operation.LIST_DENIALS, () -> store.listDenials(after, limit));
  }

  @Override
  public Optional<RateBucket> countIfUnder(List<RateBucket> buckets) {
    return timed(Operation.COUNT_IF_UNDER, () -> store.countIfUnder(buckets));
  }

  @Override
  public long countOf(String key) {
    return timed(Operation.COUNT_OF, () -> store.countOf(key));
  }

  @Override
  public boolean containsAny(WhitelistCandidates candidates) {
    return timed(Operation.CONTAINS_ANY, () -> store.containsAny(candidates));
  }

  @Override
  public Optional<WhitelistEntry> findAny(WhitelistCandidates candidates) {
    return timed(Operation.FIND_ANY, () -> store.findAny(candidates));
  }

  @Override
  public Optional<WhitelistEntry> find(WhitelistKey key) {
    return timed(Operation.FIND, () -> store.find(key));
  }

  @Override
  public boolean remove(WhitelistKey key) {
    return timed(Operation.REMOVE, () -> store.remove(key));
  }

  @Override
  public WhitelistPage list(int limit) {
    return timed(Operation.LIST, () -> store.list(limit));
  }

  @Override
  public WhitelistPage listAfter(WhitelistKey after, int limit) {
    return timed(Operation.LIST, () -> store.listAfter(after, limit));
  }

  @Override
  public long count() {
    return timed(Operation.COUNT, store::count);
  }

  @Override
  public long removeExpired() {
    return timed(Operation.REMOVE_EXPIRED, store::removeExpired);
  }

  @Override
  public String toString() {
    return "TimedWhitelistStore[" + store + "]";
  }
}
