package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.Decision;
import org.smtpcr.core.DecisionOutcome;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.reply.ReplyKind;
import org.smtpcr.core.reply.ReplyValues;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.tokens.KeyRing;

/**
 * The list files: their grammar, their bounds, errors with file and line, {@code .local}, and a
 * reload that puts new lists in force for the same engine, or keeps the old ones.
 */
final class ListFilesTest {
  private static final KeyRing RING = KeyRing.generate();

  @TempDir Path dir;

  // ---- trusted clients

  @Test
  void trustedClients_addressNetworkNameAndRegex_accept() throws IOException {
    Path f =
        write(
            "clients",
            """
            # the site's relays
            192.0.2.7
            198.51.100.0/24   # a trailing comment
            2001:db8::/32
            relay.example.net
            /^mx[0-9]+\\.partner\\.example$/
            """);
    DecisionEngine e = engine(Settings.TRUSTED_CLIENTS_FILE, f);
    assertAccepted(e, tx("192.0.2.7", Optional.empty()), ListFiles.TRUSTED_CLIENTS_RULE);
    assertAccepted(e, tx("198.51.100.200", Optional.empty()), ListFiles.TRUSTED_CLIENTS_RULE);
    assertAccepted(e, tx("2001:db8::1", Optional.empty()), ListFiles.TRUSTED_CLIENTS_RULE);
    assertAccepted(
        e, tx("203.0.113.1", Optional.of("relay.example.net")), ListFiles.TRUSTED_CLIENTS_RULE);
    assertAccepted(
        e,
        tx("203.0.113.1", Optional.of("out3.Relay.Example.NET")),
        ListFiles.TRUSTED_CLIENTS_RULE);
    assertAccepted(
        e, tx("203.0.113.1", Optional.of("MX12.partner.example")), ListFiles.TRUSTED_CLIENTS_RULE);
    assertChallenged(e, tx("203.0.113.1", Optional.of("notrelay.example.net")));
    assertChallenged(e, tx("203.0.113.1", Optional.of("mx12.partner.example.evil")));
    assertChallenged(e, tx("192.0.2.8", Optional.empty()));
  }

  @Test
  void trustedClients_unknownName_neverMatches() throws IOException {
    DecisionEngine e = engine(Settings.TRUSTED_CLIENTS_FILE, write("clients", "/.*/\nunknown\n"));
    assertChallenged(e, tx("203.0.113.1", Optional.of("unknown")));
    assertChallenged(e, tx("203.0.113.1", Optional.empty()));
  }

  @Test
  void trustedClients_badEntries_errorsNameSettingFileAndLine() throws IOException {
    assertError(Settings.TRUSTED_CLIENTS_FILE, "\n\n192.0.2.300\n", 3, "IP address");
    assertError(Settings.TRUSTED_CLIENTS_FILE, "# ok\n10.0.0.0/33\n", 2, "network");
    assertError(Settings.TRUSTED_CLIENTS_FILE, "a.example b.example\n", 1, "one entry a line");
    assertError(Settings.TRUSTED_CLIENTS_FILE, "/[unclosed/\n", 1, "regular expression");
    assertError(Settings.TRUSTED_CLIENTS_FILE, "//\n", 1, "empty /regex/");
    assertError(Settings.TRUSTED_CLIENTS_FILE, "bad_name!.example\n", 1, "host name");
  }

  // ---- exempt recipients

  @Test
  void exemptRecipients_addressLocalPartDomainAndRegex_accept() throws IOException {
    Path f =
        write(
            "exempt",
            """
            hostmaster@
            support@cr.example
            @noc.example
            /^alerts-[a-z]+@/
            """);
    DecisionEngine e = engine(Settings.EXEMPT_RECIPIENTS_FILE, f);
    for (String rcpt :
        new String[] {
          "hostmaster@anywhere.example",
          "Support@CR.example",
          "ops@noc.example",
          "ops@east.noc.example",
          "alerts-disk@cr.example"
        }) {
      assertAccepted(e, mail("alice@sender.example", rcpt), ListFiles.EXEMPT_RECIPIENTS_RULE);
    }
    assertChallenged(e, mail("alice@sender.example", "bob@cr.example"));
    // not a local domain: refused without a link, by no list
    assertEquals(
        DecisionOutcome.DEFAULT,
        e.decide(mail("alice@sender.example", "ops@notnoc.example")).ruleId());
  }

  @Test
  void aRegexThatBacktracksBadly_givesUpOnAPeersInput_asNoMatch() throws IOException {
    // a repeated group of .*: on a long run of a's that fails at the end, the matcher tries
    // every way to split the run (Java memoizes (a+)+, but not this)
    Path f = write("exempt-slow", "/^(.*a){12}@cr\\.example$/\n/^alerts@/\n");
    DecisionEngine e = engine(Settings.EXEMPT_RECIPIENTS_FILE, f);
    try (Capture log = new Capture()) {
      String rcpt = "a".repeat(60) + "b@cr.example";
      assertChallenged(e, mail("alice@sender.example", rcpt));
      assertChallenged(e, mail("alice@sender.example", rcpt));
      assertEquals(1, log.count("gave up (no match)"), log.text());
    }
    // the entries after it still work
    assertAccepted(
        e, mail("alice@sender.example", "alerts@cr.example"), ListFiles.EXEMPT_RECIPIENTS_RULE);
  }

  @Test
  void byteOrderMark_isSkipped_invisibleCharacters_areRefused() throws IOException {
    Path f = write("exempt-bom", "\uFEFFhostmaster@\n");
    assertAccepted(
        engine(Settings.EXEMPT_RECIPIENTS_FILE, f),
        mail("alice@sender.example", "hostmaster@cr.example"),
        ListFiles.EXEMPT_RECIPIENTS_RULE);
    assertError(Settings.EXEMPT_RECIPIENTS_FILE, "ops@\nsupport\u00a0@cr.example\n", 2, "U+A0");
    assertError(Settings.EXEMPT_RECIPIENTS_FILE, "sup\u200bport@cr.example\n", 1, "U+200B");
  }

  @Test
  void tooManyRegexEntries_areRefused() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i <= ListFiles.MAX_PATTERNS; i++) {
      b.append("/^r").append(i).append("@/\n");
    }
    assertError(
        Settings.EXEMPT_RECIPIENTS_FILE, b.toString(), ListFiles.MAX_PATTERNS + 1, "use domains");
  }

  @Test
  void exemptRecipients_bareWord_isAnErrorThatSaysWhatToWrite() throws IOException {
    assertError(Settings.EXEMPT_RECIPIENTS_FILE, "hostmaster\n", 1, "write local@");
  }

  @Test
  void exemptRecipientsSetting_stillWorks_besideTheFile() throws IOException {
    Settings s =
        base()
            .set(Settings.EXEMPT_RECIPIENTS_FILE, write("exempt", "hostmaster@\n"))
            .text(Settings.EXEMPT_RECIPIENTS, "webmaster")
            .build();
    DecisionEngine e = StandardEngine.build(s, RING, InMemoryWhitelistStore.builder().build());
    assertAccepted(e, mail("a@sender.example", "webmaster@cr.example"), "exempt-recipients");
    assertAccepted(
        e, mail("a@sender.example", "hostmaster@cr.example"), ListFiles.EXEMPT_RECIPIENTS_RULE);
  }

  // ---- sender whitelist

  @Test
  void senderWhitelist_addressesAndDomains_globalOrPerRecipient() throws IOException {
    Path f =
        write(
            "senders",
            """
            alice@friends.example
            @newsletters.example
            carol@partner.example   bob@cr.example
            @bank.example           *
            @shop.example           dave@cr.example
            """);
    DecisionEngine e = engine(Settings.SENDER_WHITELIST_FILE, f);
    assertAccepted(
        e, mail("alice@friends.example", "bob@cr.example"), ListFiles.SENDER_WHITELIST_RULE);
    assertAccepted(
        e,
        mail("no-reply@mail.newsletters.example", "erin@cr.example"),
        ListFiles.SENDER_WHITELIST_RULE);
    assertAccepted(
        e, mail("carol@partner.example", "bob@cr.example"), ListFiles.SENDER_WHITELIST_RULE);
    assertChallenged(e, mail("carol@partner.example", "erin@cr.example"));
    assertAccepted(
        e, mail("alerts@bank.example", "erin@cr.example"), ListFiles.SENDER_WHITELIST_RULE);
    assertAccepted(
        e, mail("orders@shop.example", "dave@cr.example"), ListFiles.SENDER_WHITELIST_RULE);
    assertChallenged(e, mail("orders@shop.example", "bob@cr.example"));
  }

  @Test
  void senderWhitelist_badLines_errorsWithLine() throws IOException {
    assertError(Settings.SENDER_WHITELIST_FILE, "a@b.example c@d.example e@f.example\n", 1, "3");
    assertError(Settings.SENDER_WHITELIST_FILE, "ok@b.example\nexample.org\n", 2, "@domain");
    assertError(Settings.SENDER_WHITELIST_FILE, "a@b.example not-an-address\n", 1, "recipient");
  }

  // ---- deny entries

  @Test
  void denyFile_refusesLikeTheStoresDenyList_beforeEveryRuleThatAdmits() throws IOException {
    Settings s =
        base()
            .set(
                Settings.DENY_FILE,
                write("deny", "@spam.example\nmallory@x.example bob@cr.example\n"))
            .set(Settings.SENDER_WHITELIST_FILE, write("senders", "@spam.example\n"))
            .build();
    DecisionEngine e = StandardEngine.build(s, RING, InMemoryWhitelistStore.builder().build());
    DecisionOutcome o = e.decide(mail("x@sub.spam.example", "bob@cr.example"));
    assertEquals(ListFiles.DENY_RULE, o.ruleId());
    Decision.Reject r = assertInstanceOf(Decision.Reject.class, o.decision());
    assertEquals(550, r.reply().code());
    assertEquals("5.7.1", r.reply().enhancedStatus());
    assertEquals(
        ReplyFormatter.english().reply(ReplyKind.DENIED, ReplyValues.none()).lines(),
        r.reply().lines());
    assertFalse(r.reply().toString().contains("http"), r.reply().toString());
    assertEquals(
        ListFiles.DENY_RULE, e.decide(mail("mallory@x.example", "bob@cr.example")).ruleId());
    assertChallenged(e, mail("mallory@x.example", "erin@cr.example"));
  }

  @Test
  void denyFile_logsNoAddress() throws IOException {
    DecisionEngine e =
        StandardEngine.builder(
                base().set(Settings.DENY_FILE, write("deny", "mallory@x.example\n")).build(),
                RING,
                InMemoryWhitelistStore.builder().build())
            .build();
    try (Capture c = new Capture()) {
      assertEquals(
          ListFiles.DENY_RULE, e.decide(mail("mallory@x.example", "bob@cr.example")).ruleId());
      assertFalse(c.text().contains("mallory"), c.text());
    }
  }

  // ---- the files: .local, bounds, encoding

  @Test
  void localFile_isReadToo_andMayBeMissing() throws IOException {
    Path f = write("senders", "alice@friends.example\n");
    DecisionEngine without = engine(Settings.SENDER_WHITELIST_FILE, f);
    assertChallenged(without, mail("bob@site.example", "erin@cr.example"));
    Files.writeString(dir.resolve("senders.local"), "# the site's own\nbob@site.example\n");
    DecisionEngine with = engine(Settings.SENDER_WHITELIST_FILE, f);
    assertAccepted(
        with, mail("bob@site.example", "erin@cr.example"), ListFiles.SENDER_WHITELIST_RULE);
    assertAccepted(
        with, mail("alice@friends.example", "erin@cr.example"), ListFiles.SENDER_WHITELIST_RULE);
  }

  @Test
  void errorInLocalFile_namesTheLocalFileAndItsLine() throws IOException {
    Path f = write("clients", "192.0.2.1\n192.0.2.2\n");
    Files.writeString(dir.resolve("clients.local"), "\n# mine\nnot/a/network\n");
    IllegalArgumentException x =
        assertThrows(IllegalArgumentException.class, () -> load(Settings.TRUSTED_CLIENTS_FILE, f));
    assertTrue(
        x.getMessage().startsWith("trustedClientsFile: " + dir.resolve("clients.local") + ":3: "),
        x.getMessage());
  }

  @Test
  void missingFile_isAnErrorNamingIt() {
    Path f = dir.resolve("nope");
    IllegalArgumentException x =
        assertThrows(IllegalArgumentException.class, () -> load(Settings.DENY_FILE, f));
    assertEquals("denyFile: " + f + ": no such file", x.getMessage());
  }

  @Test
  void longLine_andBigFile_areRefused() throws IOException {
    Path line = write("long", "a@b.example\n" + "x".repeat(ListFiles.MAX_LINE_BYTES + 1) + "\n");
    IllegalArgumentException x =
        assertThrows(IllegalArgumentException.class, () -> load(Settings.DENY_FILE, line));
    assertTrue(x.getMessage().contains(line + ":2: line longer than"), x.getMessage());
    Path ok = write("edge", "#" + "x".repeat(ListFiles.MAX_LINE_BYTES - 1) + "\r\n");
    assertEquals("denyFile=0", load(Settings.DENY_FILE, ok).counts());
    Path big = dir.resolve("big");
    Files.write(big, new byte[ListFiles.MAX_FILE_BYTES + 1]);
    x = assertThrows(IllegalArgumentException.class, () -> load(Settings.DENY_FILE, big));
    assertTrue(x.getMessage().contains("longer than " + ListFiles.MAX_FILE_BYTES), x.getMessage());
  }

  @Test
  void notUtf8_andControlCharacters_areRefusedWithTheLine() throws IOException {
    Path bad = dir.resolve("latin1");
    Files.write(bad, "a@b.example\nj\u00f6rg@b.example\n".getBytes(StandardCharsets.ISO_8859_1));
    IllegalArgumentException x =
        assertThrows(IllegalArgumentException.class, () -> load(Settings.DENY_FILE, bad));
    assertTrue(x.getMessage().endsWith(bad + ":2: not UTF-8"), x.getMessage());
    Path ctl = write("ctl", "a@b.example\u0000\n");
    x = assertThrows(IllegalArgumentException.class, () -> load(Settings.DENY_FILE, ctl));
    assertTrue(x.getMessage().contains(ctl + ":1: control character"), x.getMessage());
  }

  @Test
  void hashInsideAWord_isNotAComment() throws IOException {
    Path f = write("senders", "o#brien@friends.example # a comment\n");
    DecisionEngine e = engine(Settings.SENDER_WHITELIST_FILE, f);
    assertAccepted(
        e, mail("o#brien@friends.example", "bob@cr.example"), ListFiles.SENDER_WHITELIST_RULE);
  }

  // ---- reload

  @Test
  void reload_putsNewListsInForceForTheSameEngine_andLogsTheCounts() throws IOException {
    Path f = write("clients", "192.0.2.1\n");
    Settings s = base().set(Settings.TRUSTED_CLIENTS_FILE, f).build();
    ListFiles lists = ListFiles.load(s);
    DecisionEngine e =
        StandardEngine.builder(s, RING, InMemoryWhitelistStore.builder().build(), a -> a, lists)
            .build();
    assertChallenged(e, tx("192.0.2.9", Optional.empty()));
    Files.writeString(f, "192.0.2.1\n192.0.2.9\n");
    try (Capture c = new Capture()) {
      assertTrue(lists.reload());
      assertEquals(1, c.count("INFO"), c.text());
      assertTrue(c.text().contains("list files reloaded: trustedClientsFile=2"), c.text());
    }
    assertAccepted(e, tx("192.0.2.9", Optional.empty()), ListFiles.TRUSTED_CLIENTS_RULE);
  }

  @Test
  void reloadOfABrokenFile_keepsTheListsInForce_andLogsOneErrorWithFileAndLine()
      throws IOException {
    Path f = write("clients", "192.0.2.9\n");
    Settings s = base().set(Settings.TRUSTED_CLIENTS_FILE, f).build();
    ListFiles lists = ListFiles.load(s);
    DecisionEngine e =
        StandardEngine.builder(s, RING, InMemoryWhitelistStore.builder().build(), a -> a, lists)
            .build();
    Files.writeString(f, "# broken\n192.0.2.999\n");
    try (Capture c = new Capture()) {
      assertFalse(lists.reload());
      assertEquals(1, c.count("ERROR"), c.text());
      assertTrue(c.text().contains("trustedClientsFile: " + f + ":2: "), c.text());
    }
    assertAccepted(e, tx("192.0.2.9", Optional.empty()), ListFiles.TRUSTED_CLIENTS_RULE);
    assertEquals("trustedClientsFile=1", lists.counts());
  }

  @Test
  void noFiles_noRules() {
    ListFiles none = ListFiles.load(base().build());
    assertTrue(none.isEmpty());
    assertEquals("none", none.counts());
    assertTrue(none.reload());
  }

  // ---- helpers

  private Settings.Builder base() {
    return Settings.builder()
        .set(Settings.CHALLENGE_BASE, URI.create("https://cr.example/"))
        .text(Settings.SPF, "off")
        .text(Settings.DKIM, "off")
        .text(Settings.LOCAL_DOMAINS, "cr.example");
  }

  private DecisionEngine engine(Setting<Path> setting, Path file) {
    return StandardEngine.builder(
            base().set(setting, file).build(), RING, InMemoryWhitelistStore.builder().build())
        .build();
  }

  private ListFiles load(Setting<Path> setting, Path file) {
    return ListFiles.load(base().set(setting, file).build());
  }

  private void assertError(Setting<Path> setting, String text, int line, String says)
      throws IOException {
    Path f = write("bad-" + setting.key(), text);
    IllegalArgumentException x =
        assertThrows(IllegalArgumentException.class, () -> load(setting, f));
    assertTrue(
        x.getMessage().startsWith(setting.key() + ": " + f + ":" + line + ": "), x.getMessage());
    assertTrue(x.getMessage().contains(says), x.getMessage());
  }

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  private static Transaction tx(String client, Optional<String> name) throws IOException {
    Transaction.Builder b =
        Transaction.builder()
            .stage(Stage.RCPT)
            .clientAddress(InetAddress.getByName(client))
            .reversePath("<alice@sender.example>")
            .forwardPath("<bob@cr.example>");
    name.ifPresent(b::clientName);
    return b.build();
  }

  private static Transaction mail(String sender, String rcpt) throws IOException {
    return Transaction.builder()
        .stage(Stage.RCPT)
        .clientAddress(InetAddress.getByName("203.0.113.9"))
        .reversePath("<" + sender + ">")
        .forwardPath("<" + rcpt + ">")
        .build();
  }

  private static void assertAccepted(DecisionEngine e, Transaction tx, String rule) {
    DecisionOutcome o = e.decide(tx);
    assertInstanceOf(Decision.Accept.class, o.decision(), o::toString);
    assertEquals(rule, o.ruleId(), o::toString);
  }

  private static void assertChallenged(DecisionEngine e, Transaction tx) {
    DecisionOutcome o = e.decide(tx);
    assertInstanceOf(Decision.Challenge.class, o.decision(), o::toString);
  }

  /** What slf4j-simple writes to {@code System.err} while open. Not for parallel tests. */
  static final class Capture implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    Capture() {
      System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    }

    String text() {
      return buffer.toString(StandardCharsets.UTF_8);
    }

    int count(String needle) {
      return text().split(java.util.regex.Pattern.quote(needle), -1).length - 1;
    }

    @Override
    public void close() {
      System.setErr(original);
    }
  }
}
