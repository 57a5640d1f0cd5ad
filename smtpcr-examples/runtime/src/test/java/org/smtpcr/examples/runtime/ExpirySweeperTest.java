package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.StoreException;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistStore;

final class ExpirySweeperTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** A schedule that runs the task when the test says so. */
  private static final class ManualSchedule implements ExpirySweeper.Schedule {
    final List<Runnable> tasks = new ArrayList<>();
    final List<Duration> intervals = new ArrayList<>();
    final AtomicBoolean stopped = new AtomicBoolean();

    @Override
    public AutoCloseable every(Duration interval, Runnable task) {
      intervals.add(interval);
      tasks.add(task);
      return () -> stopped.set(true);
    }

    void tick() {
      tasks.forEach(Runnable::run);
    }
  }

  private static WhitelistKey key(String sender) {
    return WhitelistKey.globalSender(CanonicalAddress.parseCanonical(sender));
  }

  @Test
  void scheduledSweep_removesExpiredEntriesEachInterval_andStopsOnClose() {
    MovingClock clock = new MovingClock(T0);
    WhitelistStore store = InMemoryWhitelistStore.builder().clock(clock).build();
    store.add(key("a@example.org"), T0.plus(Duration.ofDays(1)));
    store.add(key("b@example.org"), T0.plus(Duration.ofDays(3)));
    store.add(key("c@example.org"));
    ManualSchedule schedule = new ManualSchedule();
    ExpirySweeper sweeper = ExpirySweeper.start(store, Duration.ofHours(1), schedule);
    assertEquals(List.of(Duration.ofHours(1)), schedule.intervals);

    clock.set(T0.plus(Duration.ofDays(2)));
    schedule.tick();
    assertEquals(2, store.count());
    assertTrue(store.find(key("a@example.org")).isEmpty());
    clock.set(T0.plus(Duration.ofDays(4)));
    schedule.tick();
    assertEquals(1, store.count());
    assertEquals(1, store.list(10).entries().size(), "removed, not only hidden");

    sweeper.close();
    assertTrue(schedule.stopped.get());
  }

  @Test
  void failingSweep_isCaughtAndTriedAgainNextTime() {
    AtomicInteger calls = new AtomicInteger();
    WhitelistStore failingOnce =
        (WhitelistStore)
            Proxy.newProxyInstance(
                WhitelistStore.class.getClassLoader(),
                new Class<?>[] {WhitelistStore.class},
                (proxy, method, args) -> {
                  if (!method.getName().equals("removeExpired")) {
                    throw new UnsupportedOperationException(method.getName());
                  }
                  if (calls.incrementAndGet() == 1) {
                    throw new StoreException("database down\r\nforged line");
                  }
                  return 3L;
                });
    ManualSchedule schedule = new ManualSchedule();
    try (ExpirySweeper sweeper =
        ExpirySweeper.start(failingOnce, Duration.ofMinutes(5), schedule)) {
      schedule.tick(); // fails: logged, not thrown
      schedule.tick(); // runs again
      assertEquals(2, calls.get());
      assertEquals(Duration.ofMinutes(5), sweeper.interval());
    }
  }

  @Test
  void sweep_onDemand_returnsTheCount() {
    MovingClock clock = new MovingClock(T0);
    WhitelistStore store = InMemoryWhitelistStore.builder().clock(clock).build();
    store.add(key("a@example.org"), T0.plus(Duration.ofMinutes(1)));
    clock.set(T0.plus(Duration.ofMinutes(2)));
    assertEquals(1, ExpirySweeper.sweep(store));
    assertEquals(0, ExpirySweeper.sweep(store));
  }

  @Test
  void interval_settingDefaultsToAnHourAndRefusesLessThanASecond() {
    assertEquals(Duration.ofHours(1), Settings.defaults().get(Settings.SWEEP_INTERVAL));
    assertEquals(
        Duration.ofMinutes(10),
        Settings.builder()
            .text(Settings.SWEEP_INTERVAL, "10m")
            .build()
            .get(Settings.SWEEP_INTERVAL));
    assertThrows(IllegalArgumentException.class, () -> Settings.SWEEP_INTERVAL.parse("PT0.5S"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ExpirySweeper.start(InMemoryWhitelistStore.builder().build(), Duration.ZERO));
  }
}
