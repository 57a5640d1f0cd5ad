package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.store.EntryOrigin;
import org.smtpcr.core.store.PostgresServer;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.tokens.SenderAuthentication;

/** {@code whitelist import} and {@code export}, on H2 and on a real PostgreSQL. */
final class WhitelistImportExportTest {
  private static final Logger log = LoggerFactory.getLogger(WhitelistImportExportTest.class);

  @TempDir Path dir;

  /** {@code smtpcr whitelist args...} on the data directory {@code data} (and {@code --store}). */
  private static CommandRun.Result wl(Path data, Optional<String> store, String... args) {
    List<String> all = new ArrayList<>(List.of("whitelist", args[0], "--data=" + data));
    store.ifPresent(url -> all.add("--store=" + url));
    all.addAll(List.of(args).subList(1, args.length));
    return CommandRun.run(all.toArray(String[]::new));
  }

  /** The entry lines of an export: its comment lines (which hold the time) left out. */
  private static List<String> entryLines(CommandRun.Result export) {
    assertEquals(0, export.exitCode(), export::toString);
    return export.out().lines().filter(l -> !l.startsWith("#")).toList();
  }

  /** Fills a store with one entry of every kind: each origin, expiry and authentication. */
  private static void seed(Path data, Optional<String> store) throws Exception {
    try (DataDirectory d = DataDirectory.open(data, store)) {
      WhitelistStore s = d.store();
      Instant expiry = Clock.systemUTC().instant().plus(Duration.ofDays(30)).plusMillis(123);
      s.add(new WhitelistKey("alice@example.org", "bob@example.com"));
      s.add(WhitelistKey.globalDomain("example.net"), expiry, SenderAuthentication.SPF_PASS);
      s.add(new WhitelistKey("dave@xn--bcher-kva.example", "*"));
      s.confirm(
          new WhitelistKey("carol@example.org", "bob@example.com"),
          Optional.empty(),
          SenderAuthentication.DKIM_PASS,
          EntryOrigin.PAGE);
      s.confirm(
          new WhitelistKey("erin@example.org", "*"),
          Optional.of(expiry),
          SenderAuthentication.UNCHECKED,
          EntryOrigin.LEARNED);
    }
  }

  private static List<WhitelistEntry> entries(Path data, Optional<String> store) throws Exception {
    try (DataDirectory d = DataDirectory.open(data, store)) {
      return d.store().list(WhitelistStore.MAX_PAGE_SIZE).entries();
    }
  }

  /**
   * Export, import elsewhere, export again: the same lines, and the same keys, expiries and
   * authentications; every imported entry is an administrator's.
   */
  private void exportImportExport(Optional<String> target) throws Exception {
    Path from = dir.resolve("from");
    Path to = dir.resolve("to");
    seed(from, Optional.empty());
    CommandRun.Result first = wl(from, Optional.empty(), "export");
    assertTrue(first.out().startsWith("# smtpcr whitelist, exported "), first::toString);
    assertEquals("exported 5 entries", first.err().strip());
    Path file = dir.resolve("wl.txt");
    Files.writeString(file, first.out());

    CommandRun.Result dry = wl(to, target, "import", "--dry-run", file.toString());
    assertEquals(0, dry.exitCode(), dry::toString);
    assertEquals("would add 5, change 0, leave 0 as they are", dry.out().strip());
    assertEquals(List.of(), entries(to, target), "a dry run writes nothing");

    CommandRun.Result imported = wl(to, target, "import", file.toString());
    assertEquals(0, imported.exitCode(), imported::toString);
    assertEquals("imported 5 entries", imported.out().strip());
    assertEquals(entryLines(first), entryLines(wl(to, target, "export")));

    List<WhitelistEntry> before = entries(from, Optional.empty());
    List<WhitelistEntry> after = entries(to, target);
    assertEquals(before.size(), after.size());
    for (int i = 0; i < before.size(); i++) {
      assertEquals(before.get(i).key(), after.get(i).key());
      assertEquals(before.get(i).expiresAt(), after.get(i).expiresAt());
      assertEquals(before.get(i).authentication(), after.get(i).authentication());
      assertEquals(EntryOrigin.ADMIN, after.get(i).origin());
    }

    CommandRun.Result again = wl(to, target, "import", "--dry-run", file.toString());
    assertEquals(
        "would add 0, change 0, leave 5 as they are", again.out().strip(), again::toString);
  }

  @Test
  void exportThenImport_h2_roundTrips() throws Exception {
    exportImportExport(Optional.empty());
  }

  @Test
  void exportThenImport_fromH2IntoPostgresql_roundTrips() throws Exception {
    try (PostgresServer pg = PostgresServer.startOrSkip()) {
      exportImportExport(
          Optional.of("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres?user=smtpcr"));
    }
  }

  @Test
  void import_oneBadLine_importsNothingAndNamesTheLine() throws Exception {
    Path data = dir.resolve("data");
    Path file = dir.resolve("bad.txt");
    Files.writeString(
        file,
        """
        a@example.org * never
        b@example.org * never
        c@example.org \u001b]0;owned\u0007 never
        d@example.org * soon
        """);
    CommandRun.Result r = wl(data, Optional.empty(), "import", file.toString());
    assertEquals(1, r.exitCode(), r::toString);
    List<String> lines = r.err().lines().toList();
    assertEquals(3, lines.size(), r::toString);
    assertTrue(
        lines.get(0).endsWith("bad.txt': line 3: a control character at column 15"), r::toString);
    assertTrue(lines.get(1).contains("line 4: expiry 'soon' is not"), r::toString);
    assertEquals("nothing imported", lines.get(2));
    assertFalse(r.err().chars().anyMatch(c -> c == 0x1b || c == 0x07), "no control character");
    assertEquals(List.of(), entries(data, Optional.empty()));
  }

  @Test
  void import_standardInput_readsTheDashFile() throws Exception {
    Path data = dir.resolve("data");
    InputStream stdin = System.in;
    try {
      System.setIn(
          new ByteArrayInputStream(
              "# from sent mail\nAlice@Example.org * never\n@example.net bob@example.com -\n"
                  .getBytes(StandardCharsets.UTF_8)));
      CommandRun.Result r = wl(data, Optional.empty(), "import", "-");
      assertEquals(0, r.exitCode(), r::toString);
      assertEquals("imported 2 entries", r.out().strip());
    } finally {
      System.setIn(stdin);
    }
    assertEquals(
        List.of(
            "@example.net\tbob@example.com\tnever\tunchecked",
            "alice@example.org\t*\tnever\tunchecked"),
        entryLines(wl(data, Optional.empty(), "export")));
  }

  @Test
  void import_tenThousandEntries_h2_oneRunTimeLogged() throws Exception {
    importTenThousand(Optional.empty(), "H2");
  }

  @Test
  void import_tenThousandEntries_postgresql_oneRunTimeLogged() throws Exception {
    try (PostgresServer pg = PostgresServer.startOrSkip()) {
      importTenThousand(
          Optional.of("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres?user=smtpcr"),
          "PostgreSQL");
    }
  }

  private void importTenThousand(Optional<String> store, String what) throws Exception {
    Path data = dir.resolve("data");
    StringBuilder sb = new StringBuilder("# 10,000 entries\n");
    for (int i = 0; i < 10_000; i++) {
      sb.append(i % 4 == 0 ? "@d" + i + ".example.net" : "s" + i + "@example.org")
          .append(i % 3 == 0 ? " * " : " rcpt" + (i % 7) + "@example.com ")
          .append(i % 2 == 0 ? "never" : "2099-01-01T00:00:00Z")
          .append('\n');
    }
    Path file = dir.resolve("10k.txt");
    Files.writeString(file, sb);
    wl(data, store, "list"); // the schema exists before the clock starts
    long start = System.nanoTime();
    CommandRun.Result r = wl(data, store, "import", file.toString());
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    log.info("whitelist import of 10,000 entries into {}: {} ms", what, millis);
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals("imported 10000 entries", r.out().strip());
    try (DataDirectory d = DataDirectory.open(data, store)) {
      assertEquals(10_000, d.store().count());
    }
  }
}
