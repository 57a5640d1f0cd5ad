package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.EntryOrigin;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.tokens.SenderAuthentication;

/** {@code smtpcr deny add|remove|list}, on the data directory's H2 store; and entry origins. */
final class DenyCommandTest {
  private static final CanonicalAddress ALICE =
      CanonicalAddress.parseCanonical("alice@example.org");
  private static final CanonicalAddress BOB = CanonicalAddress.parseCanonical("bob@example.com");

  @TempDir Path dir;

  private CommandRun.Result deny(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "deny";
    all[1] = args[0];
    all[2] = "--data=" + dir.resolve("data");
    System.arraycopy(args, 1, all, 3, args.length - 1);
    return CommandRun.run(all);
  }

  @Test
  void addListRemove_addressAndDomain_roundTripWithExitCodes() throws Exception {
    CommandRun.Result pair =
        deny("add", "--sender", "Alice@Example.ORG", "--recipient", "bob+x@example.com");
    assertEquals(0, pair.exitCode(), pair::toString);
    assertEquals("denied alice@example.org -> bob@example.com", pair.out().strip());
    CommandRun.Result domain = deny("add", "--sender", "@Spam.Example");
    assertEquals("denied @spam.example -> any recipient", domain.out().strip());

    try (DataDirectory d = DataDirectory.open(dir.resolve("data"))) {
      assertEquals(
          WhitelistKey.pair(ALICE, BOB),
          d.store().findDenial(WhitelistCandidates.of(ALICE, BOB)).orElseThrow());
      CanonicalAddress sub = CanonicalAddress.parseCanonical("x@mail.spam.example");
      assertTrue(d.store().findDenial(WhitelistCandidates.of(sub, BOB)).isPresent());
    }

    CommandRun.Result list = deny("list");
    assertEquals(0, list.exitCode(), list::toString);
    List<String> lines = list.out().lines().toList();
    assertEquals(2, lines.size(), list::toString);
    assertTrue(lines.get(0).matches("@spam\\.example\t\\*\t\\S+Z"), lines.get(0));
    assertTrue(lines.get(1).matches("alice@example\\.org\tbob@example\\.com\t\\S+Z"), lines.get(1));
    assertEquals("2 deny entries", list.err().strip());
    CommandRun.Result json = deny("list", "--json");
    assertTrue(
        json.out()
            .lines()
            .toList()
            .get(1)
            .matches(
                "\\{\"sender\":\"alice@example\\.org\",\"recipient\":\"bob@example\\.com\","
                    + "\"deniedAt\":\"\\S+Z\"\\}"),
        json::toString);

    CommandRun.Result rm = deny("remove", "--sender", "@spam.example");
    assertEquals(0, rm.exitCode(), rm::toString);
    CommandRun.Result again = deny("remove", "--sender", "@spam.example");
    assertEquals(1, again.exitCode(), again::toString);
    assertTrue(
        again.err().contains("no deny entry @spam.example -> any recipient"), again::toString);
    assertEquals(1, deny("list").out().lines().count());
  }

  @Test
  void badInput_usageError2() {
    assertEquals(2, deny("add", "--sender", "not an address").exitCode());
    assertEquals(2, deny("add", "--recipient", "b@example.com").exitCode());
    assertEquals(2, deny("remove", "--sender", "@").exitCode());
  }

  @Test
  void whitelistList_showsEachEntrysOrigin() throws Exception {
    try (DataDirectory d = DataDirectory.open(dir.resolve("data"))) {
      d.store().add(WhitelistKey.globalSender(ALICE));
      d.store()
          .confirm(
              WhitelistKey.pair(CanonicalAddress.parseCanonical("carol@example.org"), BOB),
              java.util.Optional.empty(),
              SenderAuthentication.SPF_PASS,
              EntryOrigin.PAGE);
      d.store()
          .confirm(
              WhitelistKey.pair(CanonicalAddress.parseCanonical("dave@example.org"), BOB),
              java.util.Optional.empty(),
              SenderAuthentication.UNCHECKED,
              EntryOrigin.LEARNED);
    }
    CommandRun.Result list =
        CommandRun.run("whitelist", "list", "--data", dir.resolve("data").toString());
    assertEquals(
        List.of("admin", "page", "learned"),
        list.out().lines().map(l -> l.substring(l.lastIndexOf('\t') + 1)).toList(),
        list::toString);
    CommandRun.Result json =
        CommandRun.run("whitelist", "list", "--json", "--data", dir.resolve("data").toString());
    assertEquals(
        List.of("admin", "page", "learned"),
        json.out().lines().map(l -> l.replaceAll(".*\"origin\":\"([a-z]+)\"\\}$", "$1")).toList(),
        json::toString);
  }
}
