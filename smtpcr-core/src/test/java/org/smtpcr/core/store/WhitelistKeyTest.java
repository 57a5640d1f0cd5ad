package org.smtpcr.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.smtpcr.core.address.CanonicalAddress;

final class WhitelistKeyTest {
  private static final CanonicalAddress ALICE =
      CanonicalAddress.parseCanonical("alice@mail.example.org");
  private static final CanonicalAddress BOB = CanonicalAddress.parseCanonical("bob@example.com");

  @Test
  void factories_encodeKindsInTheKeyStrings() {
    assertEquals(
        new WhitelistKey("alice@mail.example.org", "bob@example.com"),
        WhitelistKey.pair(ALICE, BOB));
    assertEquals(
        new WhitelistKey("@example.org", "bob@example.com"),
        WhitelistKey.domain("example.org", BOB));
    assertEquals(new WhitelistKey("@example.org", "*"), WhitelistKey.globalDomain("example.org"));
    assertEquals(new WhitelistKey("alice@mail.example.org", "*"), WhitelistKey.globalSender(ALICE));
    assertTrue(WhitelistKey.globalDomain("example.org").isDomain());
    assertTrue(WhitelistKey.globalDomain("example.org").isGlobal());
    assertFalse(WhitelistKey.pair(ALICE, BOB).isDomain());
    assertFalse(WhitelistKey.pair(ALICE, BOB).isGlobal());
  }

  @Test
  void domain_notCanonical_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> WhitelistKey.globalDomain("Example.ORG"));
    assertThrows(IllegalArgumentException.class, () -> WhitelistKey.globalDomain("example.org."));
    assertThrows(IllegalArgumentException.class, () -> WhitelistKey.globalDomain(""));
  }

  @Test
  void constructor_badShapes_throwIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> new WhitelistKey("", "bob@example.com"));
    assertThrows(
        IllegalArgumentException.class, () -> new WhitelistKey("alice", "bob@example.com"));
    assertThrows(IllegalArgumentException.class, () -> new WhitelistKey("@", "bob@example.com"));
    assertThrows(IllegalArgumentException.class, () -> new WhitelistKey("@a@b", "bob@example.com"));
    assertThrows(IllegalArgumentException.class, () -> new WhitelistKey("alice@example.org", "**"));
    assertThrows(
        IllegalArgumentException.class, () -> new WhitelistKey("alice@example.org\r\n", "*"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new WhitelistKey("a".repeat(250) + "@example.org", "*"));
  }
}
