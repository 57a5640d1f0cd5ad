package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.store.StoreException;
import org.smtpcr.core.store.WhitelistKey;

final class SharedStoresTest {
  @TempDir Path dir;

  @Test
  void acquire_equalSettings_shareOneStoreUntilTheLastLeaseCloses() {
    StoreSpec settings = StoreSpec.ofUrl(h2Url(dir, "shared"));
    SharedStores.Lease a = SharedStores.acquire(settings);
    SharedStores.Lease b = SharedStores.acquire(StoreSpec.ofUrl(h2Url(dir, "shared")));
    assertSame(a.store(), b.store());

    WhitelistKey key =
        WhitelistKey.pair(
            AddressCanonicalizer.standard().canonicalize("a@b.example"),
            AddressCanonicalizer.standard().forRecipients().canonicalize("c@d.example"));
    a.store().add(key);
    a.close();
    a.close(); // idempotent: does not give back b's lease
    assertTrue(b.store().find(key).isPresent(), "still open for the other lease");
    b.close();
    assertThrows(StoreException.class, () -> b.store().find(key), "the pool is closed");
  }

  @Test
  void acquire_differentSettings_differentStores() {
    try (SharedStores.Lease a = SharedStores.acquire(StoreSpec.ofUrl(h2Url(dir, "one")));
        SharedStores.Lease b = SharedStores.acquire(StoreSpec.ofUrl(h2Url(dir, "two")))) {
      assertNotSame(a.store(), b.store());
    }
  }

  @Test
  void acquire_afterAllClosed_opensAFreshPool() {
    StoreSpec settings = StoreSpec.ofUrl(h2Url(dir, "again"));
    SharedStores.Lease first = SharedStores.acquire(settings);
    first.close();
    try (SharedStores.Lease second = SharedStores.acquire(settings)) {
      assertNotSame(first.store(), second.store());
      assertFalse(second.store().find(WhitelistKey.globalDomain("example.org")).isPresent());
    }
  }

  private static String h2Url(Path dir, String name) {
    return "jdbc:h2:" + dir.resolve(name).toAbsolutePath();
  }
}
