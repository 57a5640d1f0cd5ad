package com.example.store;

import java.time.Clock;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.core.store.testing.WhitelistStoreContract;

/** The public store contract, run as a third party runs it against its own store. */
final class SkipListWhitelistStoreTest extends WhitelistStoreContract {
  @Override
  protected WhitelistStore newStore(Clock clock) {
    return new SkipListWhitelistStore(clock);
  }
}
