package org.smtpcr.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.tokens.KeyRing;

/** The README quick start compiles and does what the README says. */
final class ReadmeSnippetTest {
  @Test
  void quickStart_challengesThenAcceptsOnceWhitelisted() throws Exception {
    // --- README quick start (keep in sync, at most 15 lines) ---
    KeyRing keys = KeyRing.generate(); // production: KeyRingFile.read(path)
    WhitelistStore store = InMemoryWhitelistStore.builder().build(); // or JdbcWhitelistStore
    DecisionEngine engine =
        DecisionEngine.builder()
            .keyRing(keys)
            .challengeBase(URI.create("https://cr.example.com/"))
            .rules(StandardRules.builder().whitelistStore(store).build())
            .build();
    Transaction rcpt =
        Transaction.builder()
            .stage(Stage.RCPT)
            .clientAddress(InetAddress.getByName("192.0.2.1"))
            .reversePath("<alice@example.org>")
            .forwardPath("<bob@example.com>")
            .build();
    Decision d =
        engine.decide(rcpt).decision(); // Challenge: 550 5.7.1 ... https://cr.example.com/c/...
    if (d instanceof Decision.Challenge c) {
      System.out.print(c.reply().toWire()); // hand the reply to your MTA
    }
    // --- end of quick start ---

    Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, d);
    assertTrue(c.link().toString().startsWith("https://cr.example.com/c/"));
    AddressCanonicalizer canon = AddressCanonicalizer.standard();
    store.add(
        WhitelistKey.pair(
            canon.canonicalize("<alice@example.org>"), canon.canonicalize("<bob@example.com>")));
    assertEquals(Decision.accept(), engine.decide(rcpt).decision());
  }
}
