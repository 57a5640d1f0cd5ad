package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistKey;

/**
 * The near cache with a key filter answers exactly as the store does, for any whitelist and deny
 * list drawn from a small world of addresses and domains (pairs, senders for anyone, domains and
 * parent domains for one recipient or for anyone) and any look-ups in it.
 */
final class CachingWhitelistStoreFilterPropertiesTest {
  private static final List<CanonicalAddress> SENDERS = new ArrayList<>();
  private static final List<CanonicalAddress> RECIPIENTS =
      List.of(
          CanonicalAddress.parseCanonical("bob@cr.example"),
          CanonicalAddress.parseCanonical("carol@cr.example"));
  private static final List<String> DOMAINS =
      List.of("x.example", "sub.x.example", "example", "y.test", "[192.0.2.1]");

  /** Every key an entry of this world may have. */
  private static final List<WhitelistKey> KEYS = new ArrayList<>();

  static {
    for (String d : DOMAINS) {
      for (String local : List.of("a", "b")) {
        SENDERS.add(CanonicalAddress.parseCanonical(local + "@" + d));
      }
    }
    for (CanonicalAddress s : SENDERS) {
      KEYS.add(WhitelistKey.globalSender(s));
      for (CanonicalAddress r : RECIPIENTS) {
        KEYS.add(WhitelistKey.pair(s, r));
      }
    }
    for (String d : DOMAINS) {
      if (d.startsWith("[")) {
        continue;
      }
      KEYS.add(WhitelistKey.globalDomain(d));
      for (CanonicalAddress r : RECIPIENTS) {
        KEYS.add(WhitelistKey.domain(d, r));
      }
    }
  }

  @Property(tries = 300)
  void withTheFilter_everyAnswerIsTheStores(
      @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 200) Integer> stored,
      @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 200) Integer> denied,
      @ForAll @Size(min = 1, max = 20) List<@IntRange(min = 0, max = 200) Integer> asked) {
    MovingClock clock = new MovingClock(Instant.parse("2026-01-01T00:00:00Z"));
    InMemoryWhitelistStore database = InMemoryWhitelistStore.builder().clock(clock).build();
    for (int i : stored) {
      database.add(KEYS.get(i % KEYS.size()));
    }
    for (int i : denied) {
      database.deny(KEYS.get(i % KEYS.size()));
    }
    CachingWhitelistStore cache =
        CachingWhitelistStore.builder()
            .store(database)
            .ttl(Duration.ofMinutes(5))
            .clock(clock)
            .keyFilter(1000)
            .filterExecutor(Runnable::run)
            .buildListening();
    cache.listening();
    assertTrue(cache.isFilterServing());

    int pairs = SENDERS.size() * RECIPIENTS.size();
    for (int i : asked) {
      CanonicalAddress s = SENDERS.get((i % pairs) / RECIPIENTS.size());
      CanonicalAddress r = RECIPIENTS.get(i % RECIPIENTS.size());
      WhitelistCandidates c = WhitelistCandidates.of(s, r);
      assertEquals(database.lookUp(c), cache.lookUp(c), c::toString);
      assertEquals(database.findAny(c), cache.findAny(c), c::toString);
      assertEquals(database.findDenial(c), cache.findDenial(c), c::toString);
      WhitelistKey k = KEYS.get(i % KEYS.size());
      assertEquals(database.find(k), cache.find(k), k::toString);
    }
  }
}
