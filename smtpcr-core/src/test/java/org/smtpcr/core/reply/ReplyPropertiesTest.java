package org.smtpcr.core.reply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

final class ReplyPropertiesTest {

  private static final Pattern PERCENT_RUN = Pattern.compile("%+");

  @Property(tries = 1000)
  void challenge_anyPeerValues_wireInvariantsAndLinkLast(
      @ForAll("peerValues") ReplyValues values, @ForAll("links") URI link) {
    SmtpReply reply = ReplyFormatter.english().challenge(values, link);

    List<String> lines = assertWireInvariants(reply);
    assertEquals(
        reply.code() + " " + reply.enhancedStatus() + " " + link.toASCIIString(),
        lines.get(lines.size() - 1));
  }

  /**
   * The layout of issue 17: with the built-in texts, whatever the recipient, sender and link, every
   * prose line is one whole sentence (the first one alone makes sense), and the link is the whole
   * last line.
   */
  @Property(tries = 1000)
  void challenge_builtInTexts_oneWholeSentenceALineAndTheLinkAloneLast(
      @ForAll("peerValues") ReplyValues values,
      @ForAll("longLinks") URI link,
      @ForAll boolean postfixTexts,
      @ForAll boolean temporary) {
    ReplyFormatter f = postfixTexts ? PostfixReplies.formatter() : ReplyFormatter.english();
    if (temporary) {
      f = f.withStatus(ReplyKind.CHALLENGE, 450, "4.7.1");
    }

    SmtpReply reply = f.challenge(values, link);

    List<String> wire = assertWireInvariants(reply);
    String status = reply.code() + " " + reply.enhancedStatus() + " ";
    assertEquals(status + link.toASCIIString(), wire.get(wire.size() - 1));
    List<String> prose = reply.proseLines();
    assertEquals(2, prose.size(), prose::toString);
    assertTrue(prose.get(0).endsWith(" they are a person."), prose.get(0));
    assertTrue(prose.get(1).startsWith("Confirm here") && prose.get(1).endsWith(":"), prose.get(1));
  }

  /**
   * Any template of sentences, with any peer values: each sentence is on lines of its own, on one
   * line unless it is longer than a reply line holds, every line within 512 octets; the split
   * sentences are the only lines that end without the sentence's punctuation.
   */
  @Property(tries = 1000)
  void anyTemplateOfSentences_eachSentenceItsOwnLinesSplitOnlyWhenTooLong(
      @ForAll("sentences") List<String> sentences,
      @ForAll("peerValues") ReplyValues values,
      @ForAll("longLinks") URI link) {
    ReplyFormatter f =
        ReplyFormatter.builder().template(ReplyKind.CHALLENGE, String.join(" ", sentences)).build();
    int budget = 512 - "550-5.7.1 ".length() - 2;

    SmtpReply reply = f.challenge(values, link);

    assertWireInvariants(reply);
    assertEquals(link.toASCIIString(), reply.lines().get(reply.lines().size() - 1));
    List<String> lines = reply.proseLines();
    int at = 0;
    for (String template : sentences) {
      String sentence = filled(template, values);
      StringBuilder joined = new StringBuilder();
      int first = at;
      while (joined.length() < sentence.length()) {
        assertTrue(at < lines.size(), () -> "missing lines for: " + sentence);
        joined.append(joined.length() == 0 ? "" : " ").append(lines.get(at++));
      }
      assertEquals(sentence, joined.toString());
      boolean split = at - first > 1;
      assertEquals(sentence.length() > budget, split, sentence);
      char end = lines.get(at - 1).charAt(lines.get(at - 1).length() - 1);
      assertTrue(".!?".indexOf(end) >= 0, lines.get(at - 1));
      for (String line : lines.subList(first, at - 1)) {
        assertTrue(split, line);
      }
    }
    assertEquals(lines.size(), at, lines::toString);
    Statistics.collect(lines.size() > sentences.size() ? "a sentence split" : "none split");
    Statistics.coverage(c -> c.check("a sentence split").count(n -> n > 0));
  }

  /**
   * A template sentence with its placeholders filled as the formatter fills them, blanks single.
   */
  private static String filled(String template, ReplyValues values) {
    String s = template;
    for (String name : List.of("recipient", "sender")) {
      String v = values.placeholder(name);
      s = s.replace("{" + name + "}", v == null ? "" : ReplyFormatter.sanitize(v));
    }
    return s.strip().replaceAll(" +", " ");
  }

  /**
   * Sentences of a template: a capital or an address first, lower-case words and placeholders, then
   * {@code .}, {@code !} or {@code ?}; some longer than a reply line.
   */
  @Provide
  Arbitrary<List<String>> sentences() {
    Arbitrary<String> word =
        Arbitraries.frequencyOf(
            Tuple.of(
                10, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12)),
            Tuple.of(1, Arbitraries.of("{recipient}", "<{sender}>", "a,b;c:", "x.y")));
    Arbitrary<String> start = Arbitraries.of("Mail", "<{recipient}>", "Confirm", "A", "{sender}");
    Arbitrary<String> sentence =
        Combinators.combine(start, word.list().ofMaxSize(100), Arbitraries.of(".", "!", "?"))
            .as((s, words, end) -> (s + " " + String.join(" ", words)).strip() + end);
    // within the 2,000 characters a template may have
    return sentence
        .list()
        .ofMinSize(1)
        .ofMaxSize(4)
        .filter(l -> String.join(" ", l).length() <= 2000);
  }

  @Property(tries = 300)
  void challenge_longLinksAndAnyWidth_wireInvariants(
      @ForAll("peerValues") ReplyValues values,
      @ForAll("longLinks") URI link,
      @ForAll @IntRange(min = 40, max = 510) int width) {
    ReplyFormatter f = ReplyFormatter.builder().wrapWidth(width).build();

    SmtpReply reply = f.challenge(values, link);

    List<String> lines = assertWireInvariants(reply);
    assertEquals("550 5.7.1 " + link.toASCIIString(), lines.get(lines.size() - 1));
    for (String line : lines.subList(0, lines.size() - 1)) {
      boolean oneWord = line.indexOf(' ', "550-5.7.1 ".length()) < 0;
      assertTrue(line.length() <= width || oneWord, "line over width " + width + ": " + line);
    }
  }

  @Property(tries = 500)
  void rejectDeferPendingMix_anyPeerValues_wireInvariants(
      @ForAll("peerValues") ReplyValues values) {
    ReplyFormatter f = ReplyFormatter.english();

    assertWireInvariants(f.reject(values));
    assertWireInvariants(f.defer(values));
    assertWireInvariants(f.pendingMix(values));
  }

  @Property(tries = 1000)
  void milter_anyPeerValues_percentDoubledAndOnlySeparatorBreaks(
      @ForAll("peerValues") ReplyValues values, @ForAll("links") URI link) {
    for (SmtpReply reply :
        List.of(
            ReplyFormatter.english().challenge(values, link),
            ReplyFormatter.english().reject(values))) {
      String milter = MilterReplies.format(reply);

      Matcher m = PERCENT_RUN.matcher(milter);
      while (m.find()) {
        assertEquals(0, m.group().length() % 2, "lone % in milter reply");
      }
      assertFalse(milter.endsWith("\r\n"));
      String[] lines = milter.split("\r\n", -1);
      assertEquals(reply.lines().size(), lines.length);
      for (String line : lines) {
        assertFalse(line.contains("\r") || line.contains("\n"));
      }
      String wire = reply.toWire();
      assertEquals(wire.substring(0, wire.length() - 2), milter.replace("%%", "%"));
    }
  }

  @Property(tries = 1000)
  void postfix_anyPeerValues_oneLineWithinBudgetLinkIntact(
      @ForAll("peerValues") ReplyValues values,
      @ForAll("links") URI link,
      @ForAll @IntRange(min = 0, max = 254) int rcptLength) {
    SmtpReply reply = ReplyFormatter.english().challenge(values, link);

    String action = PostfixReplies.action(reply);

    assertFalse(action.contains("\r") || action.contains("\n"));
    assertPrintableAscii(action);
    assertTrue(action.startsWith("550 5.7.1 "), action);
    String text = action.substring("550 5.7.1 ".length());
    assertTrue(text.length() <= 214, "text of " + text.length() + " characters");
    assertTrue(
        text.equals(link.toASCIIString()) || text.endsWith(" " + link.toASCIIString()), action);
    String postfix =
        "550 5.7.1 <" + "r".repeat(rcptLength) + ">" + PostfixReplies.POSTFIX_PREFIX + text;
    assertTrue(postfix.length() <= 510, "Postfix line of " + postfix.length());
  }

  @Property(tries = 1000)
  void postfix_knownName_linkIntactAndPostfixLineWithin510Bytes(
      @ForAll("peerValues") ReplyValues values,
      @ForAll("longLinks") URI link,
      @ForAll("names") String named,
      @ForAll boolean postfixTexts) {
    ReplyFormatter formatter = postfixTexts ? PostfixReplies.formatter() : ReplyFormatter.english();
    SmtpReply reply = formatter.challenge(values, link);
    int nameBytes = named.getBytes(StandardCharsets.UTF_8).length;
    int room =
        "550 5.7.1 ".length() + nameBytes + "<>".length() + PostfixReplies.POSTFIX_PREFIX.length();

    String action;
    try {
      action = PostfixReplies.action(reply, named);
    } catch (IllegalArgumentException e) {
      // only when the link alone does not fit the line after this name
      assertTrue(
          room + link.toASCIIString().length() > PostfixReplies.POSTFIX_LINE_LIMIT, e.getMessage());
      return;
    }

    assertPrintableAscii(action);
    String text = action.substring("550 5.7.1 ".length());
    assertTrue(
        text.equals(link.toASCIIString()) || text.endsWith(" " + link.toASCIIString()), action);
    // what Postfix sends: the name as it has it, the prefix, the text; cut at 510 bytes, so never
    // cut
    assertTrue(
        room + text.length() <= PostfixReplies.POSTFIX_LINE_LIMIT,
        "Postfix line of " + (room + text.length()));
    if (nameBytes <= 254 && link.toASCIIString().length() <= PostfixReplies.textBudget("5.7.1")) {
      // never less of the text than the form that reserves room for the longest recipient keeps
      assertTrue(
          text.length() >= PostfixReplies.action(reply).length() - "550 5.7.1 ".length(), action);
    }
  }

  /**
   * Addresses and names of every length up to past the line, with 1- to 4-byte UTF-8 characters.
   */
  @Provide
  Arbitrary<String> names() {
    Arbitrary<String> piece =
        Arbitraries.of(
            "a", "z", "7", ".", "-", "+", "@", "[", "]", "\u00fc", "\u20ac", "\ud83d\ude00");
    return piece.list().ofMaxSize(600).map(l -> String.join("", l));
  }

  @Property(tries = 300)
  void postfix_rejectAnyPeerValues_oneLineWithinBudget(@ForAll("peerValues") ReplyValues values) {
    String action = PostfixReplies.action(ReplyFormatter.english().reject(values));

    assertFalse(action.contains("\r") || action.contains("\n"));
    assertPrintableAscii(action);
    assertTrue(action.length() - "550 5.7.1 ".length() <= 214, action);
  }

  @Property(tries = 500)
  void challenge_anyPeerValues_theLinkIsTheModelsAndOnlyOnTheLastLine(
      @ForAll("peerValues") ReplyValues values,
      @ForAll("links") URI link,
      @ForAll boolean postfixTexts) {
    ReplyFormatter formatter = postfixTexts ? PostfixReplies.formatter() : ReplyFormatter.english();

    SmtpReply reply = formatter.challenge(values, link);

    String l = link.toASCIIString();
    assertEquals(java.util.Optional.of(l), reply.link());
    assertEquals(l, reply.lines().get(reply.lines().size() - 1));
    assertEquals(reply.lines().subList(0, reply.lines().size() - 1), reply.proseLines());
    for (String line : reply.proseLines()) {
      assertFalse(line.contains("\r") || line.contains("\n"), line);
    }
  }

  @Property(tries = 500)
  void postfix_rejectWithUrlLikePeerValues_proseShortenedNeverTakenForALink(
      @ForAll("peerValues") ReplyValues values, @ForAll("names") String named) {
    // the peer's text may end the reply on a line of its own and look like a link: it is prose,
    // so it is shortened to fit, never refused as a link that does not fit
    ReplyFormatter f =
        ReplyFormatter.builder().template(ReplyKind.REJECT, "Refused: {sender} {helo}").build();
    SmtpReply reply = f.reject(values);

    String action = PostfixReplies.action(reply, named);

    assertPrintableAscii(action);
    assertTrue(action.startsWith("550 5.7.1"), action);
    int nameBytes = named.getBytes(StandardCharsets.UTF_8).length;
    int room =
        "550 5.7.1 ".length() + nameBytes + "<>".length() + PostfixReplies.POSTFIX_PREFIX.length();
    String text = action.length() > 10 ? action.substring(10) : "";
    assertTrue(room + text.length() <= PostfixReplies.POSTFIX_LINE_LIMIT || text.isEmpty(), action);
    assertEquals(action, PostfixReplies.actionWithoutLink(reply, named));
  }

  @Property(tries = 500)
  void postfix_actionWithoutLink_anyPeerValuesAndName_neitherTheLinkNorALineBreak(
      @ForAll("peerValues") ReplyValues values,
      @ForAll("links") URI link,
      @ForAll("names") String named) {
    SmtpReply reply = ReplyFormatter.english().challenge(values, link);

    String action = PostfixReplies.actionWithoutLink(reply, named);

    assertPrintableAscii(action);
    assertTrue(action.startsWith("550 5.7.1"), action);
    assertFalse(action.endsWith(link.toASCIIString()), action);
    int nameBytes = named.getBytes(StandardCharsets.UTF_8).length;
    int room =
        "550 5.7.1 ".length() + nameBytes + "<>".length() + PostfixReplies.POSTFIX_PREFIX.length();
    String text = action.length() > 10 ? action.substring(10) : "";
    assertTrue(room + text.length() <= PostfixReplies.POSTFIX_LINE_LIMIT || text.isEmpty(), action);
  }

  /** Checks the RFC 5321 invariants on the wire form; returns its lines without CRLF. */
  static List<String> assertWireInvariants(SmtpReply reply) {
    String wire = reply.toWire();
    assertTrue(wire.endsWith("\r\n"));
    String[] lines = wire.substring(0, wire.length() - 2).split("\r\n", -1);
    assertEquals(reply.lines().size(), lines.length);
    String code = Integer.toString(reply.code());
    String enhanced = reply.enhancedStatus();
    assertEquals(code.charAt(0), enhanced.charAt(0), "enhanced class must match the code class");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      assertTrue(
          (line + "\r\n").getBytes(StandardCharsets.US_ASCII).length <= 512,
          "line of " + line.length() + " octets");
      assertPrintableAscii(line);
      char marker = i == lines.length - 1 ? ' ' : '-';
      assertTrue(line.startsWith(code + marker + enhanced), line);
      assertTrue(line.length() == 9 || line.charAt(9) == ' ', line);
    }
    return List.of(lines);
  }

  static void assertPrintableAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      assertTrue(c >= 0x20 && c <= 0x7E, "U+" + Integer.toHexString(c) + " at " + i);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // generators

  @Provide
  Arbitrary<ReplyValues> peerValues() {
    return Combinators.combine(
            peer(), peer(), peer(), peer(), Arbitraries.integers().between(0, 15))
        .as(
            (r, s, c, h, mask) -> {
              ReplyValues.Builder b = ReplyValues.builder();
              if ((mask & 1) == 0) {
                b.recipient(r);
              }
              if ((mask & 2) == 0) {
                b.sender(s);
              }
              if ((mask & 4) == 0) {
                b.client(c);
              }
              if ((mask & 8) == 0) {
                b.helo(h);
              }
              return b.build();
            });
  }

  private Arbitrary<String> peer() {
    Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(10_000);
    Arbitrary<String> shortAny = Arbitraries.strings().all().ofMaxLength(80);
    Arbitrary<String> injection =
        Arbitraries.strings()
            .withChars("\r\n\u0000\t %<>@.250 OK-5.7.1\u00e9\u2028\ud800")
            .ofMaxLength(600);
    Arbitrary<String> address =
        Combinators.combine(
                Arbitraries.strings()
                    .withCharRange('a', 'z')
                    .withChars("+.%-")
                    .ofMinLength(1)
                    .ofMaxLength(64),
                Arbitraries.strings()
                    .withCharRange('a', 'z')
                    .withChars(".-")
                    .ofMinLength(1)
                    .ofMaxLength(189))
            .as((l, d) -> l + "@" + d);
    Arbitrary<String> longWord = Arbitraries.strings().withCharRange('!', '~').ofLength(10_000);
    return Arbitraries.frequencyOf(
        Tuple.of(2, any),
        Tuple.of(2, shortAny),
        Tuple.of(3, injection),
        Tuple.of(3, address),
        Tuple.of(1, longWord),
        Tuple.of(2, urlLike()));
  }

  /**
   * Text a peer may send that looks like a link: a scheme, {@code ://} and up to 300 characters.
   */
  private Arbitrary<String> urlLike() {
    return Combinators.combine(
            Arbitraries.of("https://", "http://", "ftp://", "x+y.z://"),
            Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(300))
        .as((scheme, rest) -> scheme + rest);
  }

  /** Links that fit a Postfix action: at most 214 characters. */
  @Provide
  Arbitrary<URI> links() {
    Arbitrary<String> host =
        Arbitraries.of(
            "cr.example.com", "confirm.example.org:8443", "127.0.0.1:8080", "[2001:db8::1]");
    Arbitrary<String> token =
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .withCharRange('2', '7')
            .ofMinLength(1)
            .ofMaxLength(160);
    Arbitrary<String> query = Arbitraries.of("", "?lang=en", "?x=%25&y=a%20b", "#frag");
    return Combinators.combine(Arbitraries.of("https", "http"), host, token, query)
        .as((s, h, t, q) -> URI.create(s + "://" + h + "/c/" + t + q));
  }

  /** Links up to the 500 characters that fit one reply line. */
  @Provide
  Arbitrary<URI> longLinks() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withCharRange('A', 'Z')
        .withChars("-._~%")
        .ofMinLength(1)
        .ofMaxLength(500 - "https://cr.example.com/c/".length())
        .map(t -> URI.create("https://cr.example.com/c/" + t.replace("%", "%25")))
        .filter(u -> u.toASCIIString().length() <= 500);
  }
}
