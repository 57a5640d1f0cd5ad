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
 * <p>Since 0.3.0 also: every {@code add} records {@link EntryOrigin#ADMIN}; {@link
 * WhitelistStore#confirm} creates, renews (the later expiry, never a weaker authentication, the
 * origin kept) or keeps an administrator's entry, treats an expired entry as none, and is atomic
 * (threads confirming one key at once: exactly one {@link Confirmation#CREATED}); the deny list
 * (idempotent, matched through the same candidates, first candidate first, paged in key order,
 * apart from the whitelist); counters ({@link WhitelistStore#countIfUnder} all or nothing and exact
 * under concurrency, ended windows ignored and not written, {@link WhitelistStore#countOf} over
 * open windows, {@link WhitelistStore#removeExpired} dropping ended windows and counting them);
 * {@link WhitelistStore#addAll} adding in list order as {@code add} does.
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

  /**
   * {@code addAll} adds and replaces as {@code add} does: every entry an administrator's, added
   * now, with its expiry (to the millisecond) and authentication; a later addition of a key wins.
   */
  @Test
  public void addAll_addsAndReplaces_asAddDoesInListOrder() {
    WhitelistKey confirmed = WhitelistKey.pair(DAVE, CAROL);
    store.confirm(confirmed, Optional.empty(), SenderAuthentication.DKIM_PASS, EntryOrigin.PAGE);
    advanceClock(Duration.ofSeconds(10));
    WhitelistKey pair = WhitelistKey.pair(ALICE, BOB);
    WhitelistKey domain = WhitelistKey.globalDomain("example.net");
    Instant later = T0.plus(Duration.ofDays(30)).plusNanos(1_500_000);
    store.addAll(
        List.of(
            new WhitelistAddition(pair, Optional.empty(), SenderAuthentication.UNCHECKED),
            new WhitelistAddition(domain, Optional.empty(), SenderAuthentication.UNCHECKED),
            new WhitelistAddition(confirmed, Optional.of(later), SenderAuthentication.UNCHECKED),
            new WhitelistAddition(pair, Optional.of(later), SenderAuthentication.SPF_PASS)));

    assertEquals(3, store.count());
    Instant now = T0.plusSeconds(10);
    Instant laterMillis = T0.plus(Duration.ofDays(30)).plusMillis(1);
    assertEquals(
        new WhitelistEntry(pair, Optional.of(laterMillis), now, SenderAuthentication.SPF_PASS),
        store.find(pair).orElseThrow());
    assertEquals(
        new WhitelistEntry(domain, Optional.empty(), now), store.find(domain).orElseThrow());
    assertEquals(
        new WhitelistEntry(confirmed, Optional.of(laterMillis), now),
        store.find(confirmed).orElseThrow(),
        "the page's entry becomes the administrator's");
    assertTrue(covers(address("x@mail.example.net"), CAROL));

    store.addAll(List.of());
    assertEquals(3, store.count());
    assertThrows(NullPointerException.class, () -> store.addAll(null));
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

  // ---------------------------------------------------------------------------------------------
  // since 0.3.0: origin, confirm, deny list, counters

  /** Every {@code add} records {@link EntryOrigin#ADMIN}, read back by find, findAny and list. */
  @Test
  public void add_recordsAdminOrigin() {
    WhitelistKey forever = WhitelistKey.pair(ALICE, BOB);
    WhitelistKey until = WhitelistKey.globalDomain("example.org");
    store.add(forever);
    store.add(until, T0.plus(Duration.ofDays(1)), SenderAuthentication.SPF_PASS);
    assertEquals(EntryOrigin.ADMIN, store.find(forever).orElseThrow().origin());
    assertEquals(EntryOrigin.ADMIN, store.find(until).orElseThrow().origin());
    assertEquals(
        EntryOrigin.ADMIN, store.findAny(WhitelistCandidates.of(DAVE, BOB)).orElseThrow().origin());
    store.list(10).entries().forEach(e -> assertEquals(EntryOrigin.ADMIN, e.origin()));
  }

  /**
   * Confirming a key without an entry creates one with the given values and origin, found, looked
   * up by candidates and listed.
   */
  @Test
  public void confirm_newKey_createsEntryWithItsOrigin() {
    advanceClock(Duration.ofMillis(1500));
    WhitelistKey page = WhitelistKey.pair(ALICE, BOB);
    WhitelistKey learned = WhitelistKey.pair(DAVE, CAROL);
    assertEquals(
        Confirmation.CREATED,
        store.confirm(
            page,
            Optional.of(T0.plus(Duration.ofDays(400)).plusNanos(999_999)),
            SenderAuthentication.DKIM_PASS,
            EntryOrigin.PAGE));
    assertEquals(
        Confirmation.CREATED,
        store.confirm(
            learned, Optional.empty(), SenderAuthentication.UNCHECKED, EntryOrigin.LEARNED));
    WhitelistEntry p =
        new WhitelistEntry(
            page,
            Optional.of(T0.plus(Duration.ofDays(400))),
            T0.plusMillis(1500),
            SenderAuthentication.DKIM_PASS,
            EntryOrigin.PAGE);
    WhitelistEntry l =
        new WhitelistEntry(
            learned,
            Optional.empty(),
            T0.plusMillis(1500),
            SenderAuthentication.UNCHECKED,
            EntryOrigin.LEARNED);
    assertEquals(p, store.find(page).orElseThrow());
    assertEquals(l, store.find(learned).orElseThrow());
    assertEquals(p, store.findAny(WhitelistCandidates.of(ALICE, BOB)).orElseThrow());
    assertEquals(List.of(p, l), store.list(10).entries());
    assertTrue(covers(DAVE, CAROL));
    assertEquals(2, store.count());
  }

  /**
   * Confirming an automatic entry renews it: the later expiry (never being the latest), added-at
   * now, the origin it had.
   */
  @Test
  public void confirm_automaticEntry_renewsWithTheLaterExpiryAndKeepsItsOrigin() {
    WhitelistKey k = WhitelistKey.pair(ALICE, BOB);
    Instant tenDays = T0.plus(Duration.ofDays(10));
    store.confirm(k, Optional.of(tenDays), SenderAuthentication.UNCHECKED, EntryOrigin.PAGE);
    advanceClock(Duration.ofDays(1));
    assertEquals(
        Confirmation.RENEWED,
        store.confirm(
            k,
            Optional.of(T0.plus(Duration.ofDays(5))),
            SenderAuthentication.UNCHECKED,
            EntryOrigin.LEARNED));
    WhitelistEntry e = store.find(k).orElseThrow();
    assertEquals(Optional.of(tenDays), e.expiresAt(), "the earlier expiry does not shorten it");
    assertEquals(T0.plus(Duration.ofDays(1)), e.addedAt());
    assertEquals(EntryOrigin.PAGE, e.origin(), "a renewal keeps the origin");

    Instant twentyDays = T0.plus(Duration.ofDays(20));
    assertEquals(
        Confirmation.RENEWED,
        store.confirm(
            k, Optional.of(twentyDays), SenderAuthentication.UNCHECKED, EntryOrigin.PAGE));
    assertEquals(Optional.of(twentyDays), store.find(k).orElseThrow().expiresAt());
    assertEquals(
        Confirmation.RENEWED,
        store.confirm(k, Optional.empty(), SenderAuthentication.UNCHECKED, EntryOrigin.PAGE));
    assertEquals(Optional.empty(), store.find(k).orElseThrow().expiresAt());
    assertEquals(
        Confirmation.RENEWED,
        store.confirm(
            k, Optional.of(twentyDays), SenderAuthentication.UNCHECKED, EntryOrigin.PAGE));
    assertEquals(Optional.empty(), store.find(k).orElseThrow().expiresAt(), "never is the latest");
    assertEquals(1, store.count());
  }

  /** A renewal never weakens the recorded authentication, but replaces it otherwise. */
  @Test
  public void confirm_renewal_neverWeakensTheAuthentication() {
    WhitelistKey k = WhitelistKey.pair(ALICE, BOB);
    Optional<Instant> never = Optional.empty();
    store.confirm(k, never, SenderAuthentication.UNVERIFIED, EntryOrigin.PAGE);
    store.confirm(k, never, SenderAuthentication.NOTHING_PUBLISHED, EntryOrigin.PAGE);
    assertEquals(
        SenderAuthentication.NOTHING_PUBLISHED,
        store.find(k).orElseThrow().authentication(),
        "unauthenticated replaces unauthenticated");
    store.confirm(k, never, SenderAuthentication.SPF_PASS, EntryOrigin.PAGE);
    assertEquals(SenderAuthentication.SPF_PASS, store.find(k).orElseThrow().authentication());
    for (SenderAuthentication weaker : SenderAuthentication.values()) {
      if (!weaker.isAuthenticated()) {
        assertEquals(
            Confirmation.RENEWED,
            store.confirm(k, never, weaker, EntryOrigin.LEARNED),
            weaker.keyword());
        assertEquals(
            SenderAuthentication.SPF_PASS,
            store.find(k).orElseThrow().authentication(),
            weaker.keyword() + " does not weaken spf");
      }
    }
    store.confirm(k, never, SenderAuthentication.DKIM_PASS, EntryOrigin.PAGE);
    assertEquals(
        SenderAuthentication.DKIM_PASS,
        store.find(k).orElseThrow().authentication(),
        "authenticated replaces authenticated");
  }

  /** An unexpired entry an administrator made is kept exactly as it is. */
  @Test
  public void confirm_adminEntry_isKeptUnchanged() {
    WhitelistKey forever = WhitelistKey.pair(ALICE, BOB);
    WhitelistKey until = WhitelistKey.pair(DAVE, BOB);
    store.add(forever, SenderAuthentication.UNCHECKED);
    store.add(until, T0.plusSeconds(60), SenderAuthentication.UNVERIFIED);
    WhitelistEntry foreverBefore = store.find(forever).orElseThrow();
    WhitelistEntry untilBefore = store.find(until).orElseThrow();
    advanceClock(Duration.ofSeconds(30));
    for (EntryOrigin o : List.of(EntryOrigin.PAGE, EntryOrigin.LEARNED)) {
      assertEquals(
          Confirmation.KEPT,
          store.confirm(
              forever, Optional.of(T0.plusSeconds(90)), SenderAuthentication.SPF_PASS, o));
      assertEquals(
          Confirmation.KEPT,
          store.confirm(until, Optional.empty(), SenderAuthentication.DKIM_PASS, o),
          "an administrator's shorter expiry stays");
    }
    assertEquals(foreverBefore, store.find(forever).orElseThrow());
    assertEquals(untilBefore, store.find(until).orElseThrow());
    advanceClock(Duration.ofSeconds(30));
    assertFalse(covers(DAVE, BOB), "expired when the administrator said");
  }

  /** An administrator's {@code add} over an automatic entry makes it the administrator's. */
  @Test
  public void add_overAPageEntry_makesItAdmin() {
    WhitelistKey k = WhitelistKey.pair(ALICE, BOB);
    store.confirm(k, Optional.empty(), SenderAuthentication.SPF_PASS, EntryOrigin.PAGE);
    store.add(k, T0.plusSeconds(60));
    WhitelistEntry e = store.find(k).orElseThrow();
    assertEquals(EntryOrigin.ADMIN, e.origin());
    assertEquals(SenderAuthentication.UNCHECKED, e.authentication());
    assertEquals(
        Confirmation.KEPT,
        store.confirm(k, Optional.empty(), SenderAuthentication.SPF_PASS, EntryOrigin.PAGE));
    assertEquals(e, store.find(k).orElseThrow());
    advanceClock(Duration.ofSeconds(60));
    assertFalse(covers(ALICE, BOB), "the shortened entry expires");
  }

  /** An expired entry, an administrator's or not, counts as none: the confirmation creates. */
  @Test
  public void confirm_expiredEntry_createsAFreshOne() {
    WhitelistKey admin = WhitelistKey.pair(ALICE, BOB);
    WhitelistKey page = WhitelistKey.pair(DAVE, BOB);
    store.add(admin, T0.plusSeconds(10), SenderAuthentication.SPF_PASS);
    store.confirm(
        page, Optional.of(T0.plusSeconds(10)), SenderAuthentication.SPF_PASS, EntryOrigin.PAGE);
    advanceClock(Duration.ofSeconds(10));
    Optional<Instant> later = Optional.of(T0.plusSeconds(20));
    assertEquals(
        Confirmation.CREATED,
        store.confirm(admin, later, SenderAuthentication.UNCHECKED, EntryOrigin.PAGE));
    assertEquals(
        Confirmation.CREATED,
        store.confirm(page, later, SenderAuthentication.UNCHECKED, EntryOrigin.LEARNED));
    assertEquals(
        new WhitelistEntry(
            admin, later, T0.plusSeconds(10), SenderAuthentication.UNCHECKED, EntryOrigin.PAGE),
        store.find(admin).orElseThrow(),
        "nothing of the expired entry is kept");
    assertEquals(
        new WhitelistEntry(
            page, later, T0.plusSeconds(10), SenderAuthentication.UNCHECKED, EntryOrigin.LEARNED),
        store.find(page).orElseThrow());
    assertEquals(2, store.count());
  }

  /** {@code confirm} is for automatic entries only. */
  @Test
  public void confirm_adminOrigin_throwsIllegalArgumentAndWritesNothing() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            store.confirm(
                WhitelistKey.pair(ALICE, BOB),
                Optional.empty(),
                SenderAuthentication.UNCHECKED,
                EntryOrigin.ADMIN));
    assertEquals(0, store.count());
  }

  /** No new method accepts {@code null}. */
  @Test
  public void newMethods_nullArguments_throwNullPointer() {
    WhitelistKey k = WhitelistKey.pair(ALICE, BOB);
    Optional<Instant> never = Optional.empty();
    SenderAuthentication a = SenderAuthentication.UNCHECKED;
    assertThrows(NullPointerException.class, () -> store.confirm(null, never, a, EntryOrigin.PAGE));
    assertThrows(NullPointerException.class, () -> store.confirm(k, null, a, EntryOrigin.PAGE));
    assertThrows(NullPointerException.class, () -> store.confirm(k, never, null, EntryOrigin.PAGE));
    assertThrows(NullPointerException.class, () -> store.confirm(k, never, a, null));
    assertThrows(NullPointerException.class, () -> store.deny(null));
    assertThrows(NullPointerException.class, () -> store.removeDenial(null));
    assertThrows(NullPointerException.class, () -> store.findDenial(null));
    assertThrows(NullPointerException.class, () -> store.listDenials(null, 10));
    assertThrows(NullPointerException.class, () -> store.countIfUnder(null));
    List<RateBucket> withNull = new ArrayList<>();
    withNull.add(null);
    assertThrows(NullPointerException.class, () -> store.countIfUnder(withNull));
    assertThrows(NullPointerException.class, () -> store.countOf(null));
    assertEquals(0, store.count());
    assertEquals(List.of(), store.listDenials(Optional.empty(), 10).entries());
  }

  /** A denial is found under its key, and is independent of the whitelist. */
  @Test
  public void deny_isFoundAndIndependentOfTheWhitelist() {
    WhitelistKey k = WhitelistKey.pair(ALICE, BOB);
    assertEquals(Optional.empty(), store.findDenial(WhitelistCandidates.of(ALICE, BOB)));
    store.add(k);
    store.deny(k);
    assertEquals(Optional.of(k), store.findDenial(WhitelistCandidates.of(ALICE, BOB)));
    assertEquals(Optional.empty(), store.findDenial(WhitelistCandidates.of(ALICE, CAROL)));
    assertTrue(covers(ALICE, BOB), "the whitelist entry stays");
    assertEquals(1, store.count(), "a denial is no whitelist entry");
    assertEquals(List.of(k), store.list(10).entries().stream().map(WhitelistEntry::key).toList());
    assertTrue(store.remove(k));
    assertEquals(
        Optional.of(k),
        store.findDenial(WhitelistCandidates.of(ALICE, BOB)),
        "removing the entry keeps the denial");
    assertEquals(0, store.removeExpired(), "a denial never expires");
    advanceClock(Duration.ofDays(10_000));
    assertEquals(Optional.of(k), store.findDenial(WhitelistCandidates.of(ALICE, BOB)));
  }

  /** Denying a denied key changes nothing: one entry, the time of the first denial. */
  @Test
  public void deny_twice_isIdempotent() {
    WhitelistKey k = WhitelistKey.globalDomain("example.org");
    advanceClock(Duration.ofMillis(1234));
    store.deny(k);
    advanceClock(Duration.ofHours(1));
    store.deny(k);
    assertEquals(
        List.of(new WhitelistEntry(k, Optional.empty(), T0.plusMillis(1234))),
        store.listDenials(Optional.empty(), 10).entries());
  }

  /** Removing a denial reports true once, then false, and the key is no longer denied. */
  @Test
  public void removeDenial_trueOnceThenFalse() {
    WhitelistKey k = WhitelistKey.domain("example.org", BOB);
    assertFalse(store.removeDenial(k));
    store.deny(k);
    store.add(k);
    assertTrue(store.removeDenial(k));
    assertFalse(store.removeDenial(k));
    assertEquals(Optional.empty(), store.findDenial(WhitelistCandidates.of(DAVE, BOB)));
    assertTrue(covers(DAVE, BOB), "the whitelist entry under the same key stays");
    assertEquals(List.of(), store.listDenials(Optional.empty(), 10).entries());
  }

  /**
   * {@code lookUp} gives what {@code findDenial} and {@code findAny} give for the same candidates:
   * the most specific denial and the most specific unexpired entry, each independent of the other.
   */
  @Test
  public void lookUp_answersAsFindDenialAndFindAny() {
    WhitelistCandidates aliceBob = WhitelistCandidates.of(ALICE, BOB);
    assertThrows(NullPointerException.class, () -> store.lookUp(null));
    assertEquals(new PairLookup(Optional.empty(), Optional.empty()), store.lookUp(aliceBob));
    store.add(WhitelistKey.globalDomain("example.org"));
    WhitelistKey pair = WhitelistKey.pair(ALICE, BOB);
    store.add(pair, T0.plus(Duration.ofHours(1)));
    store.deny(WhitelistKey.domain("example.org", BOB));
    store.deny(WhitelistKey.globalSender(ALICE));
    for (WhitelistCandidates c :
        List.of(
            aliceBob, WhitelistCandidates.of(ALICE, CAROL), WhitelistCandidates.of(DAVE, BOB))) {
      assertEquals(new PairLookup(store.findDenial(c), store.findAny(c)), store.lookUp(c), "" + c);
    }
    PairLookup both = store.lookUp(aliceBob);
    assertEquals(Optional.of(WhitelistKey.globalSender(ALICE)), both.denial());
    assertEquals(Optional.of(pair), both.entry().map(WhitelistEntry::key));
    advanceClock(Duration.ofHours(1));
    assertEquals(
        Optional.of(WhitelistKey.globalDomain("example.org")),
        store.lookUp(aliceBob).entry().map(WhitelistEntry::key),
        "the expired pair no longer counts");
    assertEquals(
        new PairLookup(Optional.empty(), Optional.empty()),
        store.lookUp(WhitelistCandidates.of(BOB, CAROL)));
  }

  /**
   * A domain denial covers the domain and its subdomains, a global one every recipient: the same
   * candidates as the whitelist, keys compared case-sensitively.
   */
  @Test
  public void findDenial_matchesDomainsAndGlobalKeysThroughTheCandidates() {
    store.deny(WhitelistKey.domain("example.org", BOB));
    assertEquals(
        Optional.of(WhitelistKey.domain("example.org", BOB)),
        store.findDenial(WhitelistCandidates.of(ALICE, BOB)),
        "subdomain mail.example.org");
    assertEquals(Optional.empty(), store.findDenial(WhitelistCandidates.of(ALICE, CAROL)));
    store.deny(WhitelistKey.globalSender(DAVE));
    assertEquals(
        Optional.of(WhitelistKey.globalSender(DAVE)),
        store.findDenial(WhitelistCandidates.of(DAVE, CAROL)));
    store.deny(new WhitelistKey("@EXAMPLE.COM", WhitelistKey.ANY_RECIPIENT));
    assertEquals(
        Optional.empty(),
        store.findDenial(WhitelistCandidates.of(BOB, CAROL)),
        "keys are case-sensitive");
    store.deny(WhitelistKey.globalDomain("com"));
    assertEquals(
        Optional.of(WhitelistKey.globalDomain("com")),
        store.findDenial(WhitelistCandidates.of(BOB, CAROL)));
    assertEquals(
        Optional.empty(),
        store.findDenial(WhitelistCandidates.of(address("eve@example.net"), ALICE)));
  }

  /** When several candidates are denied, the first in {@link WhitelistCandidates#keys()} wins. */
  @Test
  public void findDenial_severalMatch_firstCandidateWins() {
    List<WhitelistKey> keys = WhitelistCandidates.of(ALICE, BOB).keys();
    for (int i = keys.size() - 1; i >= 0; i--) {
      store.deny(keys.get(i));
    }
    for (WhitelistKey k : keys) {
      assertEquals(Optional.of(k), store.findDenial(WhitelistCandidates.of(ALICE, BOB)));
      assertTrue(store.removeDenial(k));
    }
    assertEquals(Optional.empty(), store.findDenial(WhitelistCandidates.of(ALICE, BOB)));
  }

  /**
   * Denials page in key order without repeats, each as an administrator's entry without expiry; the
   * whitelist is not listed with them.
   */
  @Test
  public void listDenials_pagesInKeyOrder() {
    List<WhitelistKey> denied = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      WhitelistKey k =
          WhitelistKey.pair(
              address(String.format("s%02d@example.org", 24 - i)), i % 2 == 0 ? BOB : CAROL);
      store.deny(k);
      denied.add(k);
    }
    store.add(WhitelistKey.pair(ALICE, BOB));
    List<WhitelistKey> seen = new ArrayList<>();
    WhitelistPage page = store.listDenials(Optional.empty(), 10);
    int pages = 1;
    page.entries().forEach(e -> seen.add(e.key()));
    while (page.next().isPresent()) {
      page = store.listDenials(page.next(), 10);
      assertTrue(page.entries().size() <= 10);
      page.entries().forEach(e -> seen.add(e.key()));
      pages++;
    }
    assertEquals(3, pages);
    denied.sort(Comparator.comparing(WhitelistKey::sender).thenComparing(WhitelistKey::recipient));
    assertEquals(denied, seen);
    for (WhitelistEntry e : store.listDenials(Optional.empty(), 100).entries()) {
      assertEquals(Optional.empty(), e.expiresAt());
      assertEquals(EntryOrigin.ADMIN, e.origin());
      assertEquals(SenderAuthentication.UNCHECKED, e.authentication());
      assertEquals(T0, e.addedAt());
    }
    WhitelistPage exact = store.listDenials(Optional.of(denied.get(19)), 5);
    assertEquals(
        denied.subList(20, 25), exact.entries().stream().map(WhitelistEntry::key).toList());
    assertEquals(Optional.empty(), exact.next(), "an exactly full last page has no next");
    WhitelistKey notStored = WhitelistKey.globalSender(address("s10@example.org"));
    assertEquals(
        denied.get(10),
        store.listDenials(Optional.of(notStored), 1).entries().get(0).key(),
        "after a key that is not stored");
    assertThrows(IllegalArgumentException.class, () -> store.listDenials(Optional.empty(), 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> store.listDenials(Optional.empty(), WhitelistStore.MAX_PAGE_SIZE + 1));
  }

  /** A second instance on the same data sees the first one's denials and confirmations. */
  @Test
  public void secondInstance_seesDenialsConfirmationsAndCounters() {
    WhitelistStore other = secondInstance(clock);
    WhitelistKey k = WhitelistKey.pair(ALICE, BOB);
    store.deny(k);
    assertEquals(Optional.of(k), other.findDenial(WhitelistCandidates.of(ALICE, BOB)));
    assertTrue(other.removeDenial(k));
    assertEquals(Optional.empty(), store.findDenial(WhitelistCandidates.of(ALICE, BOB)));
    store.confirm(k, Optional.empty(), SenderAuthentication.SPF_PASS, EntryOrigin.PAGE);
    assertEquals(
        Confirmation.RENEWED,
        other.confirm(k, Optional.empty(), SenderAuthentication.UNCHECKED, EntryOrigin.PAGE));
    RateBucket b = new RateBucket("shared", T0.plusSeconds(60), 1);
    assertEquals(Optional.empty(), store.countIfUnder(List.of(b)));
    assertEquals(Optional.of(b), other.countIfUnder(List.of(b)));
    assertEquals(1, other.countOf("shared"));
  }

  /** A bucket counts up to its limit, then refuses and returns itself. */
  @Test
  public void countIfUnder_countsUpToTheLimitThenReturnsTheBucket() {
    RateBucket b = new RateBucket("confirm-rcpt:bob@example.com", T0.plus(Duration.ofDays(1)), 3);
    for (int i = 1; i <= 3; i++) {
      assertEquals(Optional.empty(), store.countIfUnder(List.of(b)));
      assertEquals(i, store.countOf(b.key()));
    }
    assertEquals(Optional.of(b), store.countIfUnder(List.of(b)));
    assertEquals(3, store.countOf(b.key()));
    assertEquals(Optional.empty(), store.countIfUnder(List.of()), "no bucket: nothing to refuse");
  }

  /** One full bucket, and nothing is counted anywhere; the first full bucket asked is returned. */
  @Test
  public void countIfUnder_oneFullBucket_countsNothing() {
    Instant end = T0.plus(Duration.ofHours(1));
    RateBucket roomy = new RateBucket("roomy", end, 100);
    RateBucket small = new RateBucket("small", end, 1);
    RateBucket tiny = new RateBucket("tiny", end, 1);
    assertEquals(Optional.empty(), store.countIfUnder(List.of(small, tiny)));
    assertEquals(Optional.of(small), store.countIfUnder(List.of(roomy, small, tiny)));
    assertEquals(Optional.of(tiny), store.countIfUnder(List.of(tiny, roomy, small)));
    assertEquals(0, store.countOf("roomy"));
    assertEquals(1, store.countOf("small"));
    assertEquals(1, store.countOf("tiny"));
    assertEquals(Optional.empty(), store.countIfUnder(List.of(roomy)));
    assertEquals(1, store.countOf("roomy"));
  }

  /** Windows are told apart by their end; the same key in another window counts from zero. */
  @Test
  public void countIfUnder_windowsOfOneKey_countApart() {
    RateBucket today = new RateBucket("k", T0.plus(Duration.ofDays(1)), 1);
    RateBucket tomorrow = new RateBucket("k", T0.plus(Duration.ofDays(2)), 1);
    RateBucket otherKey = new RateBucket("K", T0.plus(Duration.ofDays(1)), 1);
    assertEquals(Optional.empty(), store.countIfUnder(List.of(today)));
    assertEquals(Optional.of(today), store.countIfUnder(List.of(today)));
    assertEquals(Optional.empty(), store.countIfUnder(List.of(tomorrow)), "another window");
    assertEquals(
        Optional.empty(), store.countIfUnder(List.of(otherKey)), "keys are case-sensitive");
    assertEquals(2, store.countOf("k"));
    assertEquals(1, store.countOf("K"));
  }

  /**
   * A window whose end is not after now counts as empty and is not written: nothing is refused,
   * counted or left for {@code removeExpired}.
   */
  @Test
  public void countIfUnder_endedWindow_isIgnoredAndNotWritten() {
    advanceClock(Duration.ofHours(1));
    RateBucket endsNow = new RateBucket("k", clock.instant(), 1);
    RateBucket ended = new RateBucket("k", T0, 1);
    RateBucket open = new RateBucket("open", clock.instant().plusSeconds(1), 5);
    for (int i = 0; i < 3; i++) {
      assertEquals(Optional.empty(), store.countIfUnder(List.of(endsNow, ended, open)));
    }
    assertEquals(0, store.countOf("k"));
    assertEquals(3, store.countOf("open"));
    advanceClock(Duration.ofSeconds(1));
    assertEquals(1, store.removeExpired(), "only the open window was written");
  }

  /** A window stops counting at its end; a new window of the same key starts empty. */
  @Test
  public void countIfUnder_windowEnds_thenCountsAsEmpty() {
    RateBucket hour = new RateBucket("net:192.0.2.0/24", T0.plus(Duration.ofHours(1)), 2);
    store.countIfUnder(List.of(hour));
    store.countIfUnder(List.of(hour));
    assertEquals(Optional.of(hour), store.countIfUnder(List.of(hour)));
    advanceClock(Duration.ofHours(1));
    assertEquals(0, store.countOf(hour.key()));
    assertEquals(Optional.empty(), store.countIfUnder(List.of(hour)), "ended: ignored");
    RateBucket next = new RateBucket(hour.key(), T0.plus(Duration.ofHours(2)), 2);
    assertEquals(Optional.empty(), store.countIfUnder(List.of(next)));
    assertEquals(1, store.countOf(hour.key()));
  }

  /** {@code countOf} sums the key's open windows only. */
  @Test
  public void countOf_sumsTheOpenWindowsOfTheKey() {
    assertEquals(0, store.countOf("k"));
    RateBucket hour = new RateBucket("k", T0.plus(Duration.ofHours(1)), 10);
    RateBucket day = new RateBucket("k", T0.plus(Duration.ofDays(1)).plusNanos(999_999), 10);
    RateBucket other = new RateBucket("k2", T0.plus(Duration.ofDays(1)), 10);
    for (int i = 0; i < 2; i++) {
      store.countIfUnder(List.of(hour, other));
    }
    for (int i = 0; i < 3; i++) {
      store.countIfUnder(List.of(day));
    }
    assertEquals(5, store.countOf("k"));
    assertEquals(2, store.countOf("k2"));
    advanceClock(Duration.ofHours(1));
    assertEquals(3, store.countOf("k"));
    advanceClock(Duration.ofHours(23));
    assertEquals(0, store.countOf("k"), "the end is kept to the millisecond, exclusive");
  }

  /** Long keys, non-ASCII keys and the largest limit are kept as they are. */
  @Test
  public void countIfUnder_longAndNonAsciiKeysAndTheLargestLimit() {
    String longKey = "x".repeat(RateBucket.MAX_KEY_LENGTH);
    String nonAscii = "outbound:jörg@bücher.example";
    Instant end = T0.plus(Duration.ofDays(1));
    assertEquals(
        Optional.empty(),
        store.countIfUnder(
            List.of(
                new RateBucket(longKey, end, 1), new RateBucket(nonAscii, end, Long.MAX_VALUE))));
    assertEquals(1, store.countOf(longKey));
    assertEquals(1, store.countOf(nonAscii));
    assertEquals(0, store.countOf("outbound:jorg@bücher.example"));
  }

  /** More than 16 buckets are refused before anything is counted. */
  @Test
  public void countIfUnder_moreThan16Buckets_throwsIllegalArgument() {
    List<RateBucket> buckets = new ArrayList<>();
    for (int i = 0; i < 17; i++) {
      buckets.add(new RateBucket("b" + i, T0.plusSeconds(60), 5));
    }
    assertThrows(IllegalArgumentException.class, () -> store.countIfUnder(buckets));
    assertEquals(0, store.countOf("b0"));
    assertEquals(Optional.empty(), store.countIfUnder(buckets.subList(0, 16)));
    assertEquals(1, store.countOf("b15"));
  }

  /**
   * {@code removeExpired} deletes ended windows too, counts them with the expired entries, and
   * leaves open windows, their counts and denials alone.
   */
  @Test
  public void removeExpired_dropsEndedWindowsAndCountsThem() {
    store.add(WhitelistKey.pair(ALICE, BOB), T0.plusSeconds(10));
    store.deny(WhitelistKey.pair(DAVE, BOB));
    RateBucket shortWindow = new RateBucket("k", T0.plusSeconds(10), 5);
    RateBucket otherShort = new RateBucket("k2", T0.plusSeconds(10), 5);
    RateBucket longWindow = new RateBucket("k", T0.plusSeconds(20), 5);
    store.countIfUnder(List.of(shortWindow, otherShort, longWindow));
    store.countIfUnder(List.of(longWindow));
    assertEquals(0, store.removeExpired());
    advanceClock(Duration.ofSeconds(10));
    assertEquals(3, store.removeExpired(), "one entry and two windows");
    assertEquals(0, store.removeExpired());
    assertEquals(2, store.countOf("k"));
    assertEquals(
        Optional.of(WhitelistKey.pair(DAVE, BOB)),
        store.findDenial(WhitelistCandidates.of(DAVE, BOB)));
    advanceClock(Duration.ofSeconds(10));
    assertEquals(1, store.removeExpired());
    assertEquals(0, store.countOf("k"));
  }

  /**
   * Threads on two instances confirm the same keys at once: exactly one confirmation of each key
   * creates it, every other renews it.
   *
   * @throws Exception if a thread fails
   */
  @Test
  public void confirm_concurrently_exactlyOneCreatesEachKey() throws Exception {
    WhitelistStore other = secondInstance(clock);
    int threads = 6;
    int keys = 15;
    List<List<Confirmation>> results =
        runConcurrently(
            threads,
            t -> {
              WhitelistStore s = t % 2 == 0 ? store : other;
              List<Confirmation> mine = new ArrayList<>();
              for (int i = 0; i < keys; i++) {
                WhitelistKey k = WhitelistKey.pair(address("s" + i + "@example.org"), BOB);
                mine.add(
                    s.confirm(
                        k,
                        Optional.of(T0.plus(Duration.ofDays(1 + t))),
                        t % 3 == 0 ? SenderAuthentication.SPF_PASS : SenderAuthentication.UNCHECKED,
                        EntryOrigin.PAGE));
              }
              return mine;
            });
    for (int i = 0; i < keys; i++) {
      int created = 0;
      for (List<Confirmation> r : results) {
        if (r.get(i) == Confirmation.CREATED) {
          created++;
        } else {
          assertEquals(Confirmation.RENEWED, r.get(i));
        }
      }
      assertEquals(1, created, "key " + i);
      WhitelistEntry e =
          store.find(WhitelistKey.pair(address("s" + i + "@example.org"), BOB)).orElseThrow();
      assertEquals(Optional.of(T0.plus(Duration.ofDays(threads))), e.expiresAt(), "the latest");
      assertEquals(SenderAuthentication.SPF_PASS, e.authentication(), "never weakened");
      assertEquals(EntryOrigin.PAGE, e.origin());
    }
    assertEquals(keys, store.count());
  }

  /**
   * Threads on two instances count into one shared window of limit L, each with a bucket of its own
   * besides: exactly L events are counted, and each thread's own bucket counts exactly its
   * successes (all or nothing).
   *
   * @throws Exception if a thread fails
   */
  @Test
  public void countIfUnder_concurrently_exactlyTheLimitSucceeds() throws Exception {
    WhitelistStore other = secondInstance(clock);
    int threads = 6;
    int attempts = 10;
    int limit = 25;
    Instant end = T0.plus(Duration.ofDays(1));
    RateBucket shared = new RateBucket("shared", end, limit);
    List<Integer> successes =
        runConcurrently(
            threads,
            t -> {
              WhitelistStore s = t % 2 == 0 ? store : other;
              RateBucket mine = new RateBucket("thread-" + t, end, 1000);
              int counted = 0;
              for (int i = 0; i < attempts; i++) {
                // half the threads name the shared bucket first, half last
                List<RateBucket> buckets =
                    t % 2 == 0 ? List.of(shared, mine) : List.of(mine, shared);
                Optional<RateBucket> full = s.countIfUnder(buckets);
                if (full.isEmpty()) {
                  counted++;
                } else {
                  assertEquals(shared, full.get());
                }
              }
              return counted;
            });
    assertEquals(limit, successes.stream().mapToInt(Integer::intValue).sum());
    assertEquals(limit, store.countOf("shared"));
    for (int t = 0; t < threads; t++) {
      assertEquals(successes.get(t), (int) store.countOf("thread-" + t), "thread " + t);
    }
  }

  /** A task of a thread in {@link #runConcurrently}. */
  @FunctionalInterface
  private interface ThreadTask<T> {
    T run(int thread) throws Exception;
  }

  /** Runs {@code task} on {@code threads} threads that start together; their results in order. */
  private static <T> List<T> runConcurrently(int threads, ThreadTask<T> task) throws Exception {
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.run(thread);
                }));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
