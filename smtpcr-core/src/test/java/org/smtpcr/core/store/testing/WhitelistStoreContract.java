package org.smtpcr.core.store.testing;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistPage;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.tokens.SenderAuthentication;

/**
 * The behaviour every {@link WhitelistStore} must have, as JUnit 5 tests: extend this class, return
 * a fresh store from {@link #newStore(Clock)}, and every test here runs against it. The in-memory,
 * H2 and PostgreSQL stores of SMTPCR run exactly these tests; a store of your own (Redis, LDAP, a
 * key-value service) should pass them too before the decision engine relies on it.
 *
 * <pre>{@code
 * final class RedisWhitelistStoreTest extends WhitelistStoreContract {
 *   @Override
 *   protected WhitelistStore newStore(Clock clock) {
 *     return new RedisWhitelistStore(redis, "test-" + UUID.randomUUID() + ":", clock); // an empty keyspace
 *   }
 * }
 * }</pre>
 *
 * <p>What is checked: entries are found only under the {@link WhitelistCandidates} core computes (a
 * store expands nothing itself); keys are opaque, case-sensitive strings; an entry with an expiry
 * stops counting at that instant (exclusive) and is then never found, listed, counted or removed;
 * instants are kept to the millisecond; adding a present key renews it; listing pages in key order
 * without repeats; each entry keeps the {@link SenderAuthentication} it was added with ({@link
 * SenderAuthentication#UNCHECKED} when added without one), and a renewal replaces it; {@link
 * WhitelistStore#findAny} matches exactly as {@link WhitelistStore#containsAny} and returns the
 * entry of the most specific candidate; {@code null} arguments are refused with {@link
 * NullPointerException}; two instances on the same data agree; concurrent upserts of the same keys
 * neither fail nor duplicate.
 *
 * <p>Time comes from a clock the tests advance by hand, handed to {@link #newStore(Clock)}; the
 * store must read the time from it (added-at times and expiry checks), so no test sleeps. The clock
 * starts at {@link #T0}.
 *
 * <p>Shipped in the {@code smtpcr-core} test jar ({@code <type>test-jar</type>}, scope {@code
 * test}); it needs JUnit Jupiter on the test class path. See {@code docs/stores.md}.
 *
 * @since 0.1.0
 */
public abstract class WhitelistStoreContract {
  /** Where the clock starts in every test: 2026-01-01T00:00:00Z. */
  protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** A sender in a subdomain: {@code alice@mail.example.org}. */
  protected static final CanonicalAddress ALICE = address("alice@mail.example.org");

  /** A recipient: {@code bob@example.com}. */
  protected static final CanonicalAddress BOB = address("bob@example.com");

  /** Another recipient: {@code carol@example.com}. */
  protected static final CanonicalAddress CAROL = address("carol@example.com");

  /** A sender in the parent domain of {@link #ALICE}'s: {@code dave@example.org}. */
  protected static final CanonicalAddress DAVE = address("dave@example.org");

  private final ContractClock clock = new ContractClock(T0);
  private WhitelistStore store;

  /** For subclasses. */
  protected WhitelistStoreContract() {}

  /**
   * A fresh, empty store that reads the time from {@code clock}. Called before each test.
   *
   * @param clock the test's clock
   * @return the store under test
   */
  protected abstract WhitelistStore newStore(Clock clock);

  /**
   * A second instance on the same data as the store of this test, as another process or host would
   * open it. The default returns the store itself, for stores that live in one process only.
   *
   * @param clock the test's clock
   * @return another instance sharing the data of {@link #store()}
   */
  protected WhitelistStore secondInstance(Clock clock) {
    return store;
  }

  /**
   * The store of the running test, made by {@link #newStore(Clock)}.
   *
   * @return the store under test
   */
  protected final WhitelistStore store() {
    return store;
  }

  /**
   * The clock every store of the running test must read.
   *
   * @return the test's clock
   */
  protected final Clock clock() {
    return clock;
  }

  /**
   * Moves the test's clock forward.
   *
   * @param d how far
   */
  protected final void advanceClock(Duration d) {
    clock.advance(d);
  }

  /**
   * Whether {@code s} holds an unexpired entry that lets {@code sender} write to {@code recipient},
   * asked as the decision engine asks.
   *
   * @param s the store
   * @param sender the sender
   * @param recipient the recipient
   * @return {@code s.containsAny(WhitelistCandidates.of(sender, recipient))}
   */
  protected static boolean covers(
      WhitelistStore s, CanonicalAddress sender, CanonicalAddress recipient) {
    return s.containsAny(WhitelistCandidates.of(sender, recipient));
  }

  /**
   * A canonical address, for tests.
   *
   * @param canonical an address in canonical form
   * @return the address
   */
  protected static CanonicalAddress address(String canonical) {
    return CanonicalAddress.parseCanonical(canonical);
  }

  private boolean covers(CanonicalAddress sender, CanonicalAddress recipient) {
    return covers(store, sender, recipient);
  }

  /** Makes the store of the test. */
  @BeforeEach
  protected final void createStore() {
    store = requireNonNull(newStore(clock), "newStore returned null");
  }

  /** An empty store covers nothing and counts nothing. */
  @Test
  public void containsAny_emptyStore_false() {
    assertFalse(covers(ALICE, BOB));
    assertEquals(0, store.count());
    assertEquals(List.of(), store.list(10).entries());
  }

  /** A pair covers that sender writing to that recipient, nobody else. */
  @Test
  public void add_pair_coversThatPairOnly() {
    store.add(WhitelistKey.pair(ALICE, BOB));
    assertTrue(covers(ALICE, BOB));
    assertFalse(covers(ALICE, CAROL));
    assertFalse(covers(BOB, ALICE));
    assertFalse(covers(address("alice2@mail.example.org"), BOB));
  }

  /** A domain entry for a recipient covers the domain and its subdomains, for that recipient. */
  @Test
  public void add_domainForRecipient_coversDomainAndSubdomainsForThatRecipientOnly() {
    store.add(WhitelistKey.domain("example.org", BOB));
    assertTrue(covers(DAVE, BOB));
    assertTrue(covers(ALICE, BOB), "subdomain mail.example.org");
    assertFalse(covers(DAVE, CAROL));
    assertFalse(covers(address("eve@notexample.org"), BOB));
  }

  /** A subdomain entry does not cover its parent domain. */
  @Test
  public void add_subdomain_doesNotCoverParentDomain() {
    store.add(WhitelistKey.globalDomain("mail.example.org"));
    assertTrue(covers(ALICE, BOB));
    assertFalse(covers(DAVE, BOB));
  }

  /** A global domain entry covers every recipient. */
  @Test
  public void add_globalDomain_coversEveryRecipient() {
    store.add(WhitelistKey.globalDomain("example.org"));
    assertTrue(covers(ALICE, BOB));
    assertTrue(covers(DAVE, CAROL));
    assertFalse(covers(BOB, CAROL));
  }

  /** A global sender entry covers every recipient. */
  @Test
  public void add_globalSender_coversEveryRecipient() {
    store.add(WhitelistKey.globalSender(ALICE));
    assertTrue(covers(ALICE, BOB));
    assertTrue(covers(ALICE, CAROL));
    assertFalse(covers(DAVE, BOB));
  }

  /** A top-level domain entry covers every domain below it. */
  @Test
  public void add_topLevelDomain_coversEveryDomainBelow() {
    store.add(WhitelistKey.domain("org", BOB));
    assertTrue(covers(ALICE, BOB));
    assertTrue(covers(DAVE, BOB));
    assertFalse(covers(BOB, BOB));
  }

  /** A sender at an address literal is covered by an entry for that literal. */
  @Test
  public void add_addressLiteralDomain_coversThatLiteral() {
    CanonicalAddress literal = address("alice@[192.0.2.1]");
    store.add(new WhitelistKey("@[192.0.2.1]", WhitelistKey.ANY_RECIPIENT));
    assertTrue(covers(literal, BOB));
    assertFalse(covers(address("alice@[192.0.2.2]"), BOB));
  }

  /** Keys are opaque strings: a key that differs only in case is another key. */
  @Test
  public void keys_areCaseSensitive() {
    store.add(new WhitelistKey("Alice@mail.example.org", BOB.value()));
    assertFalse(covers(ALICE, BOB));
    assertEquals(Optional.empty(), store.find(WhitelistKey.pair(ALICE, BOB)));
    assertFalse(store.remove(WhitelistKey.pair(ALICE, BOB)));
    assertEquals(1, store.count());
  }

  /** Non-ASCII and quoted addresses are stored and read back unchanged. */
  @Test
  public void add_nonAsciiAddresses_roundTrip() {
    CanonicalAddress jorg = address("jörg@xn--bcher-kva.example");
    CanonicalAddress quoted = address("\"john doe\"@example.com");
    store.add(WhitelistKey.pair(jorg, quoted));
    assertTrue(covers(jorg, quoted));
    assertEquals(WhitelistKey.pair(jorg, quoted), store.list(10).entries().get(0).key());
  }

  /** From its expiry instant on, an entry is not found, listed or counted. */
  @Test
  public void add_withExpiry_isNotFoundListedOrCountedFromTheExpiryInstantOn() {
    WhitelistKey k = WhitelistKey.pair(ALICE, BOB);
    store.add(k, T0.plusSeconds(60));
    advanceClock(Duration.ofSeconds(59));
    assertTrue(covers(ALICE, BOB));
    assertTrue(store.find(k).isPresent());
    assertEquals(1, store.count());
    advanceClock(Duration.ofSeconds(1));
    assertFalse(covers(ALICE, BOB));
    assertEquals(Optional.empty(), store.find(k));
    assertEquals(0, store.count());
    assertEquals(List.of(), store.list(10).entries());
  }

  /** An expired entry under one candidate does not hide an unexpired one under another. */
  @Test
  public void containsAny_expiredPairAndLiveDomain_true() {
    store.add(WhitelistKey.pair(ALICE, BOB), T0.plusSeconds(10));
    store.add(WhitelistKey.globalDomain("example.org"), T0.plusSeconds(20));
    advanceClock(Duration.ofSeconds(15));
    assertTrue(covers(ALICE, BOB));
    advanceClock(Duration.ofSeconds(5));
    assertFalse(covers(ALICE, BOB));
  }

  /** Adding a present key replaces its expiry and its added-at time. */
  @Test
  public void add_existingKey_replacesExpiryAndAddedAt() {
    WhitelistKey k = WhitelistKey.pair(ALICE, BOB);
    store.add(k, T0.plusSeconds(60));
    advanceClock(Duration.ofSeconds(30));
    store.add(k);
    advanceClock(Duration.ofDays(1));
    assertTrue(covers(ALICE, BOB), "renewed without expiry");
    WhitelistEntry e = store.find(k).orElseThrow();
    assertEquals(Optional.empty(), e.expiresAt());
    assertEquals(T0.plusSeconds(30), e.addedAt());

    store.add(k, clock.instant().plusSeconds(5));
    advanceClock(Duration.ofSeconds(5));
    assertFalse(covers(ALICE, BOB), "renewed with an expiry that has passed");
    assertEquals(0, store.count());
  }

  /** Expiry and added-at instants are kept to the millisecond, truncated. */
  @Test
  public void find_keepsInstantsToTheMillisecond() {
    advanceClock(Duration.ofNanos(1_234_567));
    WhitelistKey k = WhitelistKey.globalDomain("example.org");
    store.add(k, T0.plus(Duration.ofDays(3)).plusNanos(999_999));
    WhitelistEntry e = store.find(k).orElseThrow();
    assertEquals(k, e.key());
    assertEquals(Optional.of(T0.plus(Duration.ofDays(3))), e.expiresAt());
    assertEquals(T0.plusMillis(1), e.addedAt());
  }

  /** Removing a present key reports true once, then false. */
  @Test
  public void remove_presentKey_trueOnceThenFalse() {
    WhitelistKey k = WhitelistKey.pair(ALICE, BOB);
    store.add(k);
    assertTrue(store.remove(k));
    assertFalse(store.remove(k));
    assertFalse(covers(ALICE, BOB));
  }

  /** Removing an expired key reports false. */
  @Test
  public void remove_expiredKey_false() {
    WhitelistKey k = WhitelistKey.pair(ALICE, BOB);
    store.add(k, T0.plusSeconds(1));
    advanceClock(Duration.ofSeconds(2));
    assertFalse(store.remove(k));
  }

  /** {@code removeExpired} deletes expired entries only and counts them. */
  @Test
  public void removeExpired_deletesOnlyExpiredEntries() {
    store.add(WhitelistKey.pair(ALICE, BOB), T0.plusSeconds(10));
    store.add(WhitelistKey.pair(ALICE, CAROL), T0.plusSeconds(20));
    store.add(WhitelistKey.pair(DAVE, BOB));
    advanceClock(Duration.ofSeconds(15));
    assertEquals(1, store.removeExpired());
    assertEquals(0, store.removeExpired());
    assertEquals(2, store.count());
    advanceClock(Duration.ofSeconds(5));
    assertEquals(1, store.removeExpired());
    assertEquals(1, store.count());
    assertTrue(covers(DAVE, BOB));
  }

  /** Pages cover every entry once, in key order (sender, then recipient). */
  @Test
  public void list_pagesThroughAllEntriesInKeyOrderWithoutRepeats() {
    List<WhitelistKey> added = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      WhitelistKey k =
          WhitelistKey.pair(
              address(String.format("s%02d@example.org", 24 - i)), i % 2 == 0 ? BOB : CAROL);
      store.add(k);
      added.add(k);
    }
    List<WhitelistKey> seen = new ArrayList<>();
    WhitelistPage page = store.list(10);
    int pages = 1;
    page.entries().forEach(e -> seen.add(e.key()));
    while (page.next().isPresent()) {
      page = store.listAfter(page.next().get(), 10);
      assertTrue(page.entries().size() <= 10);
      page.entries().forEach(e -> seen.add(e.key()));
      pages++;
    }
    assertEquals(3, pages);
    added.sort(Comparator.comparing(WhitelistKey::sender).thenComparing(WhitelistKey::recipient));
    assertEquals(added, seen);
  }

  /** A last page that is exactly full has no next key. */
  @Test
  public void list_exactlyFullLastPage_hasNoNext() {
    store.add(WhitelistKey.pair(ALICE, BOB));
    store.add(WhitelistKey.pair(ALICE, CAROL));
    WhitelistPage page = store.list(2);
    assertEquals(2, page.entries().size());
    assertEquals(Optional.empty(), page.next());
  }

  /** Entries added before the cursor meanwhile are not repeated; those after it are shown. */
  @Test
  public void list_entriesAddedBeforeTheCursorMeanwhile_areNotRepeatedAndLaterOnesAreShown() {
    store.add(WhitelistKey.pair(address("b@example.org"), BOB));
    store.add(WhitelistKey.pair(address("d@example.org"), BOB));
    store.add(WhitelistKey.pair(address("f@example.org"), BOB));
    WhitelistPage first = store.list(2);
    assertEquals("d@example.org", first.next().orElseThrow().sender());
    store.add(WhitelistKey.pair(address("a@example.org"), BOB));
    store.add(WhitelistKey.pair(address("e@example.org"), BOB));
    WhitelistPage second = store.listAfter(first.next().orElseThrow(), 2);
    assertEquals(
        List.of("e@example.org", "f@example.org"),
        second.entries().stream().map(e -> e.key().sender()).toList());
    assertEquals(Optional.empty(), second.next());
  }

  /** {@code listAfter} a key that is not stored starts after the place it would have. */
  @Test
  public void listAfter_keyNotStored_startsAfterItsPlace() {
    store.add(WhitelistKey.pair(address("a@example.org"), BOB));
    store.add(WhitelistKey.pair(address("c@example.org"), BOB));
    store.add(WhitelistKey.pair(address("c@example.org"), CAROL));
    WhitelistPage page = store.listAfter(WhitelistKey.pair(address("b@example.org"), BOB), 10);
    assertEquals(
        List.of(
            WhitelistKey.pair(address("c@example.org"), BOB),
            WhitelistKey.pair(address("c@example.org"), CAROL)),
        page.entries().stream().map(WhitelistEntry::key).toList());
    page = store.listAfter(WhitelistKey.pair(address("c@example.org"), BOB), 10);
    assertEquals(
        List.of(WhitelistKey.pair(address("c@example.org"), CAROL)),
        page.entries().stream().map(WhitelistEntry::key).toList());
  }

  /** Listing skips expired entries, also when filling a page. */
  @Test
  public void list_skipsExpiredEntries() {
    store.add(WhitelistKey.pair(address("a@example.org"), BOB), T0.plusSeconds(1));
    store.add(WhitelistKey.pair(address("b@example.org"), BOB));
    advanceClock(Duration.ofSeconds(1));
    WhitelistPage page = store.list(1);
    assertEquals("b@example.org", page.entries().get(0).key().sender());
    assertEquals(Optional.empty(), page.next());
  }

  /** A page size outside 1 to {@link WhitelistStore#MAX_PAGE_SIZE} is refused. */
  @Test
  public void list_limitOutOfRange_throwsIllegalArgument() {
    WhitelistKey after = WhitelistKey.pair(ALICE, BOB);
    assertThrows(IllegalArgumentException.class, () -> store.list(0));
    assertThrows(
        IllegalArgumentException.class, () -> store.list(WhitelistStore.MAX_PAGE_SIZE + 1));
    assertThrows(IllegalArgumentException.class, () -> store.listAfter(after, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> store.listAfter(after, WhitelistStore.MAX_PAGE_SIZE + 1));
  }

  /** No method accepts {@code null}. */
  @Test
  public void nullArguments_throwNullPointer() {
    WhitelistKey k = WhitelistKey.pair(ALICE, BOB);
    assertThrows(NullPointerException.class, () -> store.add(null));
    assertThrows(NullPointerException.class, () -> store.add(null, T0));
    assertThrows(NullPointerException.class, () -> store.add(k, (Instant) null));
    assertThrows(NullPointerException.class, () -> store.add(k, (SenderAuthentication) null));
    assertThrows(NullPointerException.class, () -> store.add(null, SenderAuthentication.SPF_PASS));
    assertThrows(NullPointerException.class, () -> store.add(k, T0, null));
    assertThrows(
        NullPointerException.class, () -> store.add(k, null, SenderAuthentication.SPF_PASS));
    assertThrows(
        NullPointerException.class, () -> store.add(null, T0, SenderAuthentication.SPF_PASS));
    assertThrows(NullPointerException.class, () -> store.findAny(null));
    assertThrows(NullPointerException.class, () -> store.containsAny(null));
    assertThrows(NullPointerException.class, () -> store.find(null));
    assertThrows(NullPointerException.class, () -> store.remove(null));
    assertThrows(NullPointerException.class, () -> store.listAfter(null, 10));
    assertEquals(0, store.count(), "nothing was added");
  }

  /** Each authentication is kept with its entry, and found, looked up by candidates and listed. */
  @Test
  public void add_withAuthentication_isRecordedFoundAndListed() {
    List<WhitelistKey> keys = new ArrayList<>();
    for (SenderAuthentication a : SenderAuthentication.values()) {
      WhitelistKey k = WhitelistKey.pair(address(a.keyword() + "@example.org"), BOB);
      keys.add(k);
      if (keys.size() % 2 == 1) {
        store.add(k, a);
      } else {
        store.add(k, T0.plus(Duration.ofDays(1)), a);
      }
      assertEquals(a, store.find(k).orElseThrow().authentication(), a.keyword());
      assertEquals(
          a,
          store
              .findAny(WhitelistCandidates.of(address(k.sender()), BOB))
              .orElseThrow()
              .authentication(),
          a.keyword());
    }
    for (WhitelistEntry e : store.list(100).entries()) {
      assertEquals(e.key().sender(), e.authentication().keyword() + "@example.org");
    }
    assertEquals(keys.size(), store.list(100).entries().size());
  }

  /** Entries added without an authentication record {@link SenderAuthentication#UNCHECKED}. */
  @Test
  public void add_withoutAuthentication_recordsUnchecked() {
    WhitelistKey forever = WhitelistKey.pair(ALICE, BOB);
    WhitelistKey until = WhitelistKey.globalDomain("example.org");
    store.add(forever);
    store.add(until, T0.plus(Duration.ofDays(1)));
    assertEquals(
        SenderAuthentication.UNCHECKED, store.find(forever).orElseThrow().authentication());
    assertEquals(SenderAuthentication.UNCHECKED, store.find(until).orElseThrow().authentication());
    store
        .list(10)
        .entries()
        .forEach(e -> assertEquals(SenderAuthentication.UNCHECKED, e.authentication()));
  }

  /** Adding a present key replaces its recorded authentication, with or without an expiry. */
  @Test
  public void add_existingKey_replacesAuthentication() {
    WhitelistKey k = WhitelistKey.pair(ALICE, BOB);
    store.add(k, SenderAuthentication.SPF_PASS);
    store.add(k, T0.plus(Duration.ofDays(1)), SenderAuthentication.DKIM_PASS);
    WhitelistEntry e = store.find(k).orElseThrow();
    assertEquals(SenderAuthentication.DKIM_PASS, e.authentication());
    assertEquals(Optional.of(T0.plus(Duration.ofDays(1))), e.expiresAt());
    store.add(k);
    assertEquals(SenderAuthentication.UNCHECKED, store.find(k).orElseThrow().authentication());
    store.add(k, SenderAuthentication.NOTHING_PUBLISHED);
    assertEquals(
        SenderAuthentication.NOTHING_PUBLISHED, store.find(k).orElseThrow().authentication());
    assertEquals(1, store.count());
  }

  /** {@code findAny} returns the whole stored entry, the same as {@code find} of its key. */
  @Test
  public void findAny_returnsTheStoredEntry() {
    assertEquals(Optional.empty(), store.findAny(WhitelistCandidates.of(ALICE, BOB)));
    advanceClock(Duration.ofMillis(1234));
    WhitelistKey k = WhitelistKey.domain("example.org", BOB);
    store.add(k, T0.plus(Duration.ofDays(2)), SenderAuthentication.UNVERIFIED);
    WhitelistEntry e = store.findAny(WhitelistCandidates.of(ALICE, BOB)).orElseThrow();
    assertEquals(store.find(k).orElseThrow(), e);
    assertEquals(
        new WhitelistEntry(
            k,
            Optional.of(T0.plus(Duration.ofDays(2))),
            T0.plusMillis(1234),
            SenderAuthentication.UNVERIFIED),
        e);
  }

  /**
   * {@code findAny} matches exactly where {@code containsAny} does, whichever single entry is
   * stored.
   */
  @Test
  public void findAny_matchesExactlyWhereContainsAnyDoes() {
    List<WhitelistKey> stored =
        List.of(
            WhitelistKey.pair(ALICE, BOB),
            WhitelistKey.globalSender(ALICE),
            WhitelistKey.domain("mail.example.org", BOB),
            WhitelistKey.globalDomain("example.org"),
            WhitelistKey.domain("org", CAROL),
            WhitelistKey.pair(DAVE, CAROL),
            new WhitelistKey("Alice@mail.example.org", BOB.value()));
    List<CanonicalAddress[]> asked =
        List.of(
            new CanonicalAddress[] {ALICE, BOB},
            new CanonicalAddress[] {ALICE, CAROL},
            new CanonicalAddress[] {DAVE, BOB},
            new CanonicalAddress[] {DAVE, CAROL},
            new CanonicalAddress[] {BOB, CAROL},
            new CanonicalAddress[] {address("eve@notexample.org"), BOB});
    for (WhitelistKey k : stored) {
      store.add(k, SenderAuthentication.SPF_PASS);
      for (CanonicalAddress[] pair : asked) {
        WhitelistCandidates c = WhitelistCandidates.of(pair[0], pair[1]);
        Optional<WhitelistEntry> found = store.findAny(c);
        assertEquals(store.containsAny(c), found.isPresent(), k + " asked " + c);
        found.ifPresent(e -> assertEquals(k, e.key(), "the only entry"));
      }
      assertTrue(store.remove(k));
    }
  }

  /**
   * When several candidates hold an entry, {@code findAny} returns the most specific one, in the
   * order of {@link WhitelistCandidates#keys()}.
   */
  @Test
  public void findAny_severalMatch_mostSpecificCandidateWins() {
    List<WhitelistKey> mostSpecificFirst =
        List.of(
            WhitelistKey.pair(ALICE, BOB),
            WhitelistKey.globalSender(ALICE),
            WhitelistKey.domain("mail.example.org", BOB),
            WhitelistKey.globalDomain("mail.example.org"),
            WhitelistKey.domain("example.org", BOB),
            WhitelistKey.globalDomain("example.org"),
            WhitelistKey.domain("org", BOB),
            WhitelistKey.globalDomain("org"));
    assertEquals(WhitelistCandidates.of(ALICE, BOB).keys(), mostSpecificFirst);
    SenderAuthentication[] values = SenderAuthentication.values();
    // added least specific first, so that neither insertion order nor key order gives the answer
    for (int i = mostSpecificFirst.size() - 1; i >= 0; i--) {
      store.add(mostSpecificFirst.get(i), values[i % values.length]);
    }
    for (int i = 0; i < mostSpecificFirst.size(); i++) {
      WhitelistEntry e = store.findAny(WhitelistCandidates.of(ALICE, BOB)).orElseThrow();
      assertEquals(mostSpecificFirst.get(i), e.key());
      assertEquals(values[i % values.length], e.authentication());
      assertTrue(store.remove(mostSpecificFirst.get(i)));
    }
    assertEquals(Optional.empty(), store.findAny(WhitelistCandidates.of(ALICE, BOB)));
  }

  /** An expired entry under a more specific candidate gives way to a live, less specific one. */
  @Test
  public void findAny_expiredMoreSpecificEntry_givesWayToALiveLessSpecificOne() {
    store.add(WhitelistKey.pair(ALICE, BOB), T0.plusSeconds(10), SenderAuthentication.SPF_PASS);
    store.add(
        WhitelistKey.globalDomain("example.org"),
        T0.plusSeconds(20),
        SenderAuthentication.NOTHING_PUBLISHED);
    WhitelistCandidates c = WhitelistCandidates.of(ALICE, BOB);
    assertEquals(SenderAuthentication.SPF_PASS, store.findAny(c).orElseThrow().authentication());
    advanceClock(Duration.ofSeconds(10));
    assertEquals(
        SenderAuthentication.NOTHING_PUBLISHED, store.findAny(c).orElseThrow().authentication());
    advanceClock(Duration.ofSeconds(10));
    assertEquals(Optional.empty(), store.findAny(c));
  }

  /** A second instance on the same data sees the first one's writes, and the other way round. */
  @Test
  public void secondInstance_seesTheSameEntries() {
    store.add(WhitelistKey.pair(ALICE, BOB), SenderAuthentication.DKIM_PASS);
    WhitelistStore other = secondInstance(clock);
    assertTrue(covers(other, ALICE, BOB));
    assertEquals(
        SenderAuthentication.DKIM_PASS,
        other.findAny(WhitelistCandidates.of(ALICE, BOB)).orElseThrow().authentication());
    other.remove(WhitelistKey.pair(ALICE, BOB));
    assertFalse(covers(ALICE, BOB));
  }

  /**
   * Threads on two instances upsert the same keys at once: no error, each key stored once.
   *
   * @throws Exception if a thread fails
   */
  @Test
  public void concurrentUpserts_fromTwoInstances_noErrorNoDuplicateRightCount() throws Exception {
    WhitelistStore other = secondInstance(clock);
    int threads = 4;
    int keys = 10;
    int rounds = 60;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        WhitelistStore s = t % 2 == 0 ? store : other;
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < rounds; i++) {
                    WhitelistKey k =
                        WhitelistKey.pair(address("sender" + (i % keys) + "@example.org"), BOB);
                    if ((i + thread) % 2 == 0) {
                      s.add(k);
                    } else {
                      s.add(k, T0.plus(Duration.ofDays(1)));
                    }
                    assertTrue(covers(s, address(k.sender()), BOB));
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(keys, store.count());
    assertEquals(keys, other.count());
    Set<WhitelistKey> listed = new HashSet<>();
    store.list(100).entries().forEach(e -> assertTrue(listed.add(e.key())));
    assertEquals(keys, listed.size());
  }
}
