package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.store.WhitelistAddition;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.tokens.SenderAuthentication;

final class WhitelistFileTest {
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
  private static final AddressCanonicalizer CANON = AddressCanonicalizer.standard();

  private static WhitelistFile.Parsed parse(String text) throws Exception {
    return parse(text.getBytes(StandardCharsets.UTF_8));
  }

  private static WhitelistFile.Parsed parse(byte[] bytes) throws Exception {
    return WhitelistFile.parse(new ByteArrayInputStream(bytes), CANON, NOW);
  }

  private static List<String> errors(String text) {
    return errors(text.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> errors(byte[] bytes) {
    return assertThrows(WhitelistFile.FormatException.class, () -> parse(bytes)).errors();
  }

  @Test
  void parse_everyFormOfTheFormat_canonicalAdditionsInFileOrder() throws Exception {
    WhitelistFile.Parsed p =
        parse(
            """
            \uFEFF# seeded from sent mail\r

            Alice@Example.ORG  bob+x@example.com  never\r
            \t@Example.NET\t*\t2027-06-30T00:00:00Z\tspf \s
            carol@example.org * 2027-06-30T02:00:00+02:00 DKIM
            dave@example.org * -
            old@example.org * 2026-11-30T00:00:00Z
            dave@example.org * never unverified""");
    assertEquals(
        List.of(
            new WhitelistAddition(
                new WhitelistKey("alice@example.org", "bob@example.com"),
                Optional.empty(),
                SenderAuthentication.UNCHECKED),
            new WhitelistAddition(
                WhitelistKey.globalDomain("example.net"),
                Optional.of(Instant.parse("2027-06-30T00:00:00Z")),
                SenderAuthentication.SPF_PASS),
            new WhitelistAddition(
                new WhitelistKey("carol@example.org", "*"),
                Optional.of(Instant.parse("2027-06-30T00:00:00Z")),
                SenderAuthentication.DKIM_PASS),
            new WhitelistAddition(
                new WhitelistKey("dave@example.org", "*"),
                Optional.empty(),
                SenderAuthentication.UNVERIFIED)),
        p.additions());
    assertEquals(1, p.expired());
    assertEquals(1, p.replacedLines());
  }

  @Test
  void formatThenParse_roundTrips() throws Exception {
    WhitelistEntry e =
        new WhitelistEntry(
            WhitelistKey.globalDomain("example.net"),
            Optional.of(Instant.parse("2027-01-02T03:04:05.678Z")),
            NOW,
            SenderAuthentication.NOTHING_PUBLISHED);
    String text =
        String.join("\n", WhitelistFile.header(NOW)) + "\n" + WhitelistFile.format(e) + "\n";
    assertEquals(List.of(WhitelistAddition.from(e)), parse(text).additions());
  }

  @Test
  void parse_badLines_eachNamedByItsLineAndNothingReturned() {
    List<String> errors =
        errors(
            """
            alice@example.org * never
            alice@example.org *
            alice@@example.org * never
            @ * never
            a@example.org bob never
            a@example.org * tomorrow
            a@example.org * never kerberos
            a@example.org * never spf extra
            """);
    assertEquals(7, errors.size(), errors::toString);
    for (int i = 0; i < errors.size(); i++) {
      assertTrue(errors.get(i).startsWith("line " + (i + 2) + ": "), errors.get(i));
    }
    assertTrue(errors.get(1).contains("sender 'alice@@example.org'"), errors.get(1));
    assertTrue(errors.get(4).contains("expiry 'tomorrow'"), errors.get(4));
  }

  @Test
  void parse_bounds_lineLengthAndNotUtf8AreErrors() {
    String longLine = "a@example.org * never " + "#".repeat(WhitelistFile.MAX_LINE_LENGTH);
    assertEquals(
        List.of("line 2: longer than " + WhitelistFile.MAX_LINE_LENGTH + " characters"),
        errors("a@example.org * never\n" + longLine + "\n"));
    byte[] latin1 =
        "a@example.org * never\nb\u00e9@example.org * never\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(List.of("line 2: not UTF-8"), errors(latin1));
  }

  @Test
  void parse_manyBadLines_stopsAfterTheLimit() {
    List<String> errors = errors("x\n".repeat(1000));
    assertEquals(WhitelistFile.MAX_ERRORS + 1, errors.size());
    assertEquals("(stopped after " + WhitelistFile.MAX_ERRORS + " errors)", errors.get(20));
  }

  @Test
  void parse_controlAndBidiCharacters_reportedByColumnNeverEchoed() {
    List<String> errors =
        errors("a@example.org * never\n\u001b[2Ja@example.org * never\nb\u202e@x.org * never\n");
    assertEquals(
        List.of(
            "line 2: a control character at column 1", "line 3: a control character at column 2"),
        errors);
  }

  /** Whatever the bytes, parsing either succeeds or names a line, with nothing unsafe echoed. */
  @Property(tries = 300)
  void parse_hostileInput_failsCleanlyNamingALine(@ForAll("hostile") byte[] bytes) {
    try {
      WhitelistFile.Parsed p = parse(bytes);
      for (WhitelistAddition a : p.additions()) {
        assertFalse(a.key().sender().isEmpty());
      }
    } catch (WhitelistFile.FormatException e) {
      assertFalse(e.errors().isEmpty());
      for (String line : e.errors()) {
        assertTrue(line.matches("line \\d+: .+|\\(stopped after \\d+ errors\\)"), line);
        line.chars()
            .forEach(
                c ->
                    assertTrue(
                        !Character.isISOControl(c)
                            && Character.getType(c) != Character.FORMAT
                            && c != '\u2028'
                            && c != '\u2029',
                        () -> "unsafe character " + c + " in " + line));
      }
    } catch (Exception e) {
      throw new AssertionError("unexpected " + e, e);
    }
  }

  /** A good file with one line spoiled: the error names exactly that line, and nothing is kept. */
  @Property(tries = 200)
  void parse_oneSpoiledLine_namesThatLine(
      @ForAll @IntRange(min = 1, max = 40) int lines,
      @ForAll @IntRange(min = 0, max = 39) int spoiled,
      @ForAll("spoilers") String spoiler) {
    int bad = spoiled % lines;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      sb.append(i == bad ? spoiler : "s" + i + "@example.org * never").append('\n');
    }
    List<String> errors = errors(sb.toString());
    assertEquals(1, errors.size(), errors::toString);
    assertTrue(errors.get(0).startsWith("line " + (bad + 1) + ": "), errors::toString);
  }

  @Provide
  Arbitrary<byte[]> hostile() {
    Arbitrary<String> fragments =
        Arbitraries.oneOf(
            Arbitraries.of(
                "a@example.org",
                "@example.net",
                "*",
                "never",
                "-",
                "2027-01-01T00:00:00Z",
                "spf",
                " ",
                "\t",
                "\n",
                "\r\n",
                "#",
                "\u001b[31m",
                "\u0000",
                "\u202e",
                "\u2028",
                "\uFEFF",
                "@",
                "@@",
                "\u00e9",
                "xn--",
                "[127.0.0.1]"),
            Arbitraries.strings().ofMaxLength(20));
    Arbitrary<byte[]> text =
        fragments
            .list()
            .ofMaxSize(40)
            .map(l -> String.join("", l).getBytes(StandardCharsets.UTF_8));
    return Arbitraries.oneOf(text, Arbitraries.bytes().array(byte[].class).ofMaxSize(200));
  }

  @Provide
  Arbitrary<String> spoilers() {
    return Arbitraries.of(
        "a@example.org *",
        "a@example.org * never spf x",
        "not-an-address * never",
        "a@example.org nobody never",
        "a@example.org * 2027-13-01T00:00:00Z",
        "a@example.org * never magic",
        "\u0007a@example.org * never",
        "a@example.org * never " + "x".repeat(WhitelistFile.MAX_LINE_LENGTH));
  }
}
