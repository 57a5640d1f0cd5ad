package org.smtpcr.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.address.CanonicalAddress;

final class WhitelistCandidatesTest {
  private static final CanonicalAddress ALICE =
      CanonicalAddress.parseCanonical("alice@mail.example.org");
  private static final CanonicalAddress BOB = CanonicalAddress.parseCanonical("bob@example.com");

  @Test
  void of_pairSenderDomainAndParents_mostSpecificFirst() {
    WhitelistCandidates c = WhitelistCandidates.of(ALICE, BOB);
    assertEquals(
        List.of(
            new WhitelistKey("alice@mail.example.org", "bob@example.com"),
            new WhitelistKey("alice@mail.example.org", "*"),
            new WhitelistKey("@mail.example.org", "bob@example.com"),
            new WhitelistKey("@mail.example.org", "*"),
            new WhitelistKey("@example.org", "bob@example.com"),
            new WhitelistKey("@example.org", "*"),
            new WhitelistKey("@org", "bob@example.com"),
            new WhitelistKey("@org", "*")),
        c.keys());
    assertEquals(
        List.of("alice@mail.example.org", "@mail.example.org", "@example.org", "@org"),
        c.senderKeys());
    assertEquals(List.of("bob@example.com", "*"), c.recipientKeys());
  }

  @Test
  void of_addressLiteral_hasNoParentDomains() {
    CanonicalAddress literal = CanonicalAddress.parseCanonical("alice@[192.0.2.1]");
    WhitelistCandidates c = WhitelistCandidates.of(literal, BOB);
    assertEquals(List.of("alice@[192.0.2.1]", "@[192.0.2.1]"), c.senderKeys());
    assertEquals(4, c.keys().size());
  }

  @Test
  void of_senderAtTopLevelDomain_addressThenDomainOnly() {
    CanonicalAddress root = CanonicalAddress.parseCanonical("admin@localhost");
    assertEquals(
        List.of("admin@localhost", "@localhost"), WhitelistCandidates.of(root, BOB).senderKeys());
  }

  @Test
  void of_null_throwsNullPointer() {
    assertThrows(NullPointerException.class, () -> WhitelistCandidates.of(null, BOB));
    assertThrows(NullPointerException.class, () -> WhitelistCandidates.of(ALICE, null));
  }

  @Test
  void equals_sameSenderAndRecipient() {
    assertEquals(WhitelistCandidates.of(ALICE, BOB), WhitelistCandidates.of(ALICE, BOB));
    assertEquals(
        WhitelistCandidates.of(ALICE, BOB).hashCode(),
        WhitelistCandidates.of(ALICE, BOB).hashCode());
    assertNotEquals(WhitelistCandidates.of(ALICE, BOB), WhitelistCandidates.of(BOB, ALICE));
  }
}
