package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.store.PostgresServer;
import org.smtpcr.examples.web.ChallengePage;
import org.smtpcr.examples.web.PageResponse;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.PassCodes;
import org.smtpcr.tokens.SenderAuthentication;

final class WhitelistCommandTest {
  @TempDir Path dir;

  private CommandRun.Result wl(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "whitelist";
    all[1] = args[0];
    all[2] = "--data=" + dir.resolve("data");
    System.arraycopy(args, 1, all, 3, args.length - 1);
    return CommandRun.run(all);
  }

  @Test
  void addCheckListRemove_pair_roundTripsWithExitCodes() {
    CommandRun.Result add =
        wl("add", "--sender", "Alice@Example.ORG", "--recipient", "bob+x@example.com");
    assertEquals(0, add.exitCode(), add::toString);
    assertEquals("added alice@example.org -> bob@example.com", add.out().strip());

    CommandRun.Result yes =
        wl("check", "--sender", "alice@example.org", "--recipient", "Bob@Example.com");
    assertEquals(0, yes.exitCode(), yes::toString);
    assertEquals("whitelisted: alice@example.org -> bob@example.com", yes.out().strip());
    CommandRun.Result no =
        wl("check", "--sender", "alice@example.org", "--recipient", "carol@example.com");
    assertEquals(1, no.exitCode(), no::toString);
    assertEquals("not whitelisted: alice@example.org -> carol@example.com", no.out().strip());

    CommandRun.Result list = wl("list");
    assertEquals(0, list.exitCode(), list::toString);
    List<String> lines = list.out().lines().toList();
    assertEquals(1, lines.size(), list::toString);
    assertTrue(
        lines
            .get(0)
            .matches("alice@example\\.org\tbob@example\\.com\t\\S+Z\tnever\tunchecked\tadmin"),
        lines.get(0));
    assertEquals("1 entry", list.err().strip());

    CommandRun.Result rm =
        wl("remove", "--sender", "alice@example.org", "--recipient", "bob@example.com");
    assertEquals(0, rm.exitCode(), rm::toString);
    CommandRun.Result again =
        wl("remove", "--sender", "alice@example.org", "--recipient", "bob@example.com");
    assertEquals(1, again.exitCode(), again::toString);
    assertTrue(
        again.err().contains("no entry alice@example.org -> bob@example.com"), again::toString);
    assertEquals(
        1,
        wl("check", "--sender", "alice@example.org", "--recipient", "bob@example.com").exitCode());
  }

  @Test
  void add_senderDomainForAnyone_coversSubdomainsAndEveryRecipient() {
    CommandRun.Result add = wl("add", "--sender", "@Example.ORG");
    assertEquals(0, add.exitCode(), add::toString);
    assertEquals("added @example.org -> any recipient", add.out().strip());
    assertEquals(
        0,
        wl("check", "--sender", "x@lists.example.org", "--recipient", "anyone@example.com")
            .exitCode());
    assertEquals(
        1,
        wl("check", "--sender", "x@example.net", "--recipient", "anyone@example.com").exitCode());
    assertTrue(wl("list", "--sender", "@example.org").out().startsWith("@example.org\t*\t"));
    assertEquals("", wl("list", "--sender", "someone@example.org").out());
  }

  @Test
  void add_withExpiry_listsTheExpiry() {
    assertEquals(
        0,
        wl("add", "--sender", "a@example.org", "--recipient", "b@example.com", "--expires", "30d")
            .exitCode());
    String line = wl("list").out().strip();
    assertTrue(
        line.matches("a@example\\.org\tb@example\\.com\t\\S+Z\t\\S+Z\tunchecked\tadmin"), line);
    String json = wl("list", "--json").out().strip();
    assertTrue(
        json.matches(
            "\\{\"sender\":\"a@example\\.org\",\"recipient\":\"b@example\\.com\","
                + "\"addedAt\":\"\\S+Z\",\"expiresAt\":\"\\S+Z\",\"authentication\":\"unchecked\","
                + "\"origin\":\"admin\"\\}"),
        json);
  }

  /**
   * The challenge page writes into the data directory's H2 database what the token said; the list
   * shows it, as text and as JSON, next to an entry added by hand.
   */
  @Test
  void list_pairsConfirmedOnThePage_showTheAuthenticationTheirTokenCarried() throws Exception {
    try (DataDirectory d = DataDirectory.open(dir.resolve("data"))) {
      confirmOnThePage(d, "alice@example.org", SenderAuthentication.SPF_PASS);
      confirmOnThePage(d, "dave@example.net", SenderAuthentication.NOTHING_PUBLISHED);
      confirmOnThePage(d, "carol@example.org", null);
    }
    assertEquals(0, wl("add", "--sender", "@example.com").exitCode());

    CommandRun.Result list = wl("list");
    assertEquals(0, list.exitCode(), list::toString);
    assertEquals(
        List.of(
            "@example.com	*	never	unchecked",
            "alice@example.org	bob@example.com	never	spf",
            "carol@example.org	bob@example.com	never	unchecked",
            "dave@example.net	bob@example.com	never	none-published"),
        list.out().lines().map(WhitelistCommandTest::withoutAddedAt).toList(),
        list::toString);
    assertEquals("4 entries", list.err().strip());

    CommandRun.Result json = wl("list", "--json", "--sender", "alice@example.org");
    assertEquals(0, json.exitCode(), json::toString);
    assertTrue(
        json.out()
            .strip()
            .matches(
                "\\{\"sender\":\"alice@example\\.org\",\"recipient\":\"bob@example\\.com\","
                    + "\"addedAt\":\"\\S+Z\",\"expiresAt\":null,\"authentication\":\"spf\","
                    + "\"origin\":\"[a-z]+\"\\}"),
        json::toString);
  }

  /**
   * What {@code ChallengePage} does on a passing POST, with the data directory's keys and store.
   */
  private static void confirmOnThePage(
      DataDirectory d, String sender, SenderAuthentication authentication) throws Exception {
    ChallengeTokens tokens = ChallengeTokens.of(d.keyRing());
    String token =
        authentication == null
            ? tokens.mint(sender, "bob@example.com")
            : tokens.mint(sender, "bob@example.com", Duration.ofDays(1), authentication);
    ChallengePage page =
        ChallengePage.builder()
            .tokens(tokens)
            .passCodes(PassCodes.of(d.keyRing()))
            .store(d.store())
            .powDifficultyBits(0)
            .whitelistExpiry(Duration.ZERO) // for good, as the listings below expect
            .build();
    String html = page.get("/c/" + token).bodyText();
    Matcher issued = Pattern.compile("name=\"issued\" value=\"([0-9]+)\"").matcher(html);
    Matcher stamp = Pattern.compile("name=\"stamp\" value=\"([0-9a-f]+)\"").matcher(html);
    assertTrue(issued.find() && stamp.find(), html);
    byte[] form =
        ("issued=" + issued.group(1) + "&bits=0&stamp=" + stamp.group(1) + "&nonce=0")
            .getBytes(StandardCharsets.UTF_8);
    PageResponse r =
        page.post(
            "/c/" + token,
            "application/x-www-form-urlencoded",
            form,
            InetAddress.getLoopbackAddress());
    assertEquals(200, r.status(), r.bodyText());
  }

  /** A text line without its third column, the added-at time. */
  private static String withoutAddedAt(String line) {
    String[] f = line.split("\t", -1);
    assertTrue(f[2].matches("\\S+Z"), line);
    return String.join("\t", f[0], f[1], f[3], f[4]);
  }

  @Test
  void badInput_usageError2() {
    assertEquals(2, wl("add", "--sender", "not an address").exitCode());
    assertEquals(2, wl("add", "--sender", "@").exitCode());
    assertEquals(2, wl("add", "--recipient", "b@example.com").exitCode());
    assertEquals(2, wl("add", "--sender", "a@example.org", "--expires", "-3d").exitCode());
    assertEquals(2, wl("check", "--sender", "a@example.org").exitCode());
    CommandRun.Result store = CommandRun.run("whitelist", "list", "--store", "jdbc:mysql://db/x");
    assertEquals(2, store.exitCode(), store::toString);
    assertTrue(store.err().contains("jdbc:h2: or jdbc:postgresql:"), store::toString);
  }

  @Test
  void storeOption_h2Url_usesThatDatabaseInsteadOfTheDataDirectory() {
    String url = "jdbc:h2:file:" + dir.resolve("other") + ";AUTO_SERVER=TRUE";
    assertEquals(
        0,
        CommandRun.run(
                "whitelist",
                "add",
                "--data",
                dir.resolve("data").toString(),
                "--store",
                url,
                "--sender",
                "a@example.org")
            .exitCode());
    assertEquals(
        0,
        CommandRun.run(
                "whitelist",
                "check",
                "--store",
                url,
                "--data",
                dir.resolve("data").toString(),
                "--sender",
                "a@example.org",
                "--recipient",
                "z@example.com")
            .exitCode());
    assertEquals(
        1, wl("check", "--sender", "a@example.org", "--recipient", "z@example.com").exitCode());
  }

  @Test
  void storeOption_postgresql_addAndList() throws Exception {
    try (PostgresServer pg = PostgresServer.startOrSkip()) {
      String url = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres?user=smtpcr";
      CommandRun.Result add =
          CommandRun.run(
              "whitelist",
              "add",
              "--data",
              dir.resolve("data").toString(),
              "--store",
              url,
              "--sender",
              "a@example.org",
              "--recipient",
              "b@example.com");
      assertEquals(0, add.exitCode(), add::toString);
      CommandRun.Result list =
          CommandRun.run(
              "whitelist", "list", "--data", dir.resolve("data").toString(), "--store", url);
      assertTrue(list.out().startsWith("a@example.org\tb@example.com\t"), list::toString);
      assertTrue(list.out().strip().endsWith("\tunchecked\tadmin"), list::toString);
      try (DataDirectory d = DataDirectory.open(dir.resolve("data"), Optional.of(url))) {
        confirmOnThePage(d, "alice@example.org", SenderAuthentication.DKIM_PASS);
      }
      CommandRun.Result confirmed =
          CommandRun.run(
              "whitelist",
              "list",
              "--data",
              dir.resolve("data").toString(),
              "--store",
              url,
              "--sender",
              "alice@example.org");
      assertTrue(
          confirmed
              .out()
              .matches("alice@example\\.org\tbob@example\\.com\t\\S+Z\tnever\tdkim\t[a-z]+\n"),
          confirmed::toString);
      assertTrue(
          !list.err().contains(url) && !add.err().contains(url), "the store URL is never printed");
    }
  }

  @Test
  void storeDown_failure1WithAOneLineReason() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/x?user=u&password=hunter2";
    // a password is refused on the command line (StoreSecretsTest): the URL comes from the file
    Path config = dir.resolve("c.properties");
    java.nio.file.Files.writeString(config, "store=" + url + "\n");
    java.nio.file.Files.setPosixFilePermissions(
        config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    CommandRun.Result r =
        CommandRun.run(
            "--config",
            config.toString(),
            "whitelist",
            "list",
            "--data",
            dir.resolve("data").toString());
    assertEquals(1, r.exitCode(), r::toString);
    assertTrue(r.err().startsWith("smtpcr: "), r::toString);
    assertTrue(!r.err().contains("hunter2"), "no password in the error");
    assertEquals(1, r.err().strip().lines().count(), r::toString);
  }

  @Test
  void subaddressSeparators_namesThePairTheServersDecideOn() throws Exception {
    // the default "+" keeps "bob-x": a different recipient than bob
    CommandRun.Result plus =
        wl("add", "--sender", "alice@example.org", "--recipient", "bob-x@example.com");
    assertEquals(
        "added alice@example.org -> bob-x@example.com", plus.out().strip(), plus::toString);
    // with "-" as the site's separator (option or properties file, as for the servers), bob-x is
    // bob
    CommandRun.Result dash =
        wl(
            "add",
            "--subaddress-separators=-",
            "--sender",
            "carol@example.org",
            "--recipient",
            "bob-x@example.com");
    assertEquals("added carol@example.org -> bob@example.com", dash.out().strip(), dash::toString);
    Path conf = dir.resolve("smtpcr.properties");
    java.nio.file.Files.writeString(conf, "subaddressSeparators=-\n");
    CommandRun.Result check =
        wl(
            "check",
            "--config=" + conf,
            "--sender",
            "carol@example.org",
            "--recipient",
            "bob-anything@example.com");
    assertEquals(0, check.exitCode(), check::toString);
    CommandRun.Result bad = wl("add", "--subaddress-separators=a", "--sender", "x@example.org");
    assertEquals(2, bad.exitCode(), bad::toString);
    assertTrue(bad.err().contains("--subaddress-separators"), bad::toString);
  }
}
