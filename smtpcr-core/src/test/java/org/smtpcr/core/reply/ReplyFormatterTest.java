package org.smtpcr.core.reply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class ReplyFormatterTest {

  private static final URI LINK =
      URI.create("https://cr.example.com/c/cmagsvnzaatwaelbnruwgzkamv4gc3lqnrss433sm5rg6y");
  private static final ReplyValues BOB =
      ReplyValues.builder()
          .recipient("bob@example.com")
          .sender("alice@example.org")
          .client("192.0.2.7")
          .helo("mail.example.org")
          .build();

  @Test
  void withStatus_temporaryChallenge_changesOnlyTheChallengeStatus() {
    ReplyFormatter soft = ReplyFormatter.english().withStatus(ReplyKind.CHALLENGE, 450, "4.7.1");

    SmtpReply reply = soft.challenge(BOB, LINK);
    assertEquals(450, reply.code());
    assertEquals("4.7.1", reply.enhancedStatus());
    assertTrue(reply.isTransient());
    assertEquals(LINK.toString(), reply.link().orElseThrow());
    assertEquals(550, soft.reject(BOB).code());
    assertEquals(550, ReplyFormatter.english().challenge(BOB, LINK).code());
  }

  @Test
  void withStatus_temporaryChallenge_builtInTextsSayTheServerRetries_notToResend() {
    for (ReplyFormatter f : List.of(ReplyFormatter.english(), PostfixReplies.formatter())) {
      ReplyFormatter soft = f.withStatus(ReplyKind.CHALLENGE, 450, "4.7.1");
      SmtpReply reply = soft.challenge(BOB, LINK);
      String prose = String.join(" ", reply.proseLines());
      assertFalse(prose.contains("send your message again"), prose);
      assertTrue(prose.endsWith("Confirm here; your mail server retries by itself:"), prose);
      assertTrue(prose.contains("only accepts mail from senders who have confirmed"), prose);
      // the link alone on the last line, every other line text
      assertEquals(LINK.toString(), reply.lines().get(reply.lines().size() - 1));
      assertTrue(reply.proseLines().stream().noneMatch(l -> l.contains("http")), prose);
      // and back: a permanent challenge tells the person to resend
      String back =
          String.join(
              " ",
              soft.withStatus(ReplyKind.CHALLENGE, 550, "5.7.1").challenge(BOB, LINK).proseLines());
      assertEquals(String.join(" ", f.challenge(BOB, LINK).proseLines()), back);
      assertTrue(back.endsWith("then send your message again:"), back);
    }
  }

  @Test
  void withTemplate_changesOneText_keepsTheOthersAndTheStatuses() {
    ReplyFormatter postfix = PostfixReplies.formatter().withStatus(ReplyKind.DENIED, 554, "5.7.1");
    ReplyFormatter changed = postfix.withTemplate(ReplyKind.DENIED, "No mail from {sender} here.");
    SmtpReply denied = changed.reply(ReplyKind.DENIED, BOB);
    assertEquals(List.of("No mail from alice@example.org here."), denied.proseLines());
    assertEquals(554, denied.code());
    assertEquals(
        postfix.challenge(BOB, LINK).proseLines(), changed.challenge(BOB, LINK).proseLines());
    assertEquals(
        List.of("Message not accepted."), postfix.reply(ReplyKind.DENIED, BOB).proseLines());
    assertThrows(
        IllegalArgumentException.class,
        () -> postfix.withTemplate(ReplyKind.DENIED, "caf\u00e9 {unclosed"));
  }

  @Test
  void withStatus_temporaryChallenge_keepsATemplateOfTheUsersOwn() {
    ReplyFormatter own =
        ReplyFormatter.builder()
            .template(ReplyKind.CHALLENGE, "Prove you are a person, then send it again:")
            .build();
    SmtpReply reply = own.withStatus(ReplyKind.CHALLENGE, 450, "4.7.1").challenge(BOB, LINK);
    assertEquals(List.of("Prove you are a person, then send it again:"), reply.proseLines());
  }

  @Test
  void withStatus_sameStatus_returnsTheSameFormatter() {
    ReplyFormatter english = ReplyFormatter.english();

    assertTrue(english == english.withStatus(ReplyKind.CHALLENGE, 550, "5.7.1"));
  }

  @Test
  void withStatus_permanentCodeForTemporaryKind_throws() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ReplyFormatter.english().withStatus(ReplyKind.DEFER, 550, "5.3.0"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReplyFormatter.english().withStatus(ReplyKind.CHALLENGE, 450, "5.7.1"));
  }

  @Test
  void challenge_english_oneSentenceALineWithLinkLast() {
    SmtpReply reply = ReplyFormatter.english().challenge(BOB, LINK);

    assertEquals(
        "550-5.7.1 <bob@example.com> only accepts mail from senders who have confirmed they are a"
            + " person.\r\n"
            + "550-5.7.1 Confirm here, then send your message again:\r\n"
            + "550 5.7.1 "
            + LINK
            + "\r\n",
        reply.toWire());
  }

  @Test
  void challenge_temporary_oneSentenceALine() {
    SmtpReply reply =
        ReplyFormatter.english().withStatus(ReplyKind.CHALLENGE, 450, "4.7.1").challenge(BOB, LINK);

    assertEquals(
        List.of(
            "<bob@example.com> only accepts mail from senders who have confirmed they are a"
                + " person.",
            "Confirm here; your mail server retries by itself:",
            LINK.toString()),
        reply.lines());
  }

  @Test
  void template_sentenceEnds_breakLines() {
    ReplyFormatter f =
        ReplyFormatter.builder()
            .template(
                ReplyKind.REJECT,
                "No mail from <{sender}>, e.g. from a list.   Write to us!  Why? {recipient} is"
                    + " private.")
            .build();

    assertEquals(
        List.of(
            "No mail from <alice@example.org>, e.g. from a list.",
            "Write to us!",
            "Why?",
            "bob@example.com is private."),
        f.reject(BOB).lines());
  }

  @Test
  void template_valueWithSentenceEnd_addsNoBreak() {
    ReplyValues values =
        ReplyValues.builder().recipient("a. B@example.com").sender("x! Y@example.org").build();

    SmtpReply reply = ReplyFormatter.english().reject(values);

    assertEquals(
        List.of("<a. B@example.com> does not accept mail from <x! Y@example.org>."), reply.lines());
  }

  @Test
  void template_sentenceLongerThanALine_theOnlyOneSplit() {
    String longSentence = "Word" + " word".repeat(149) + ".";
    ReplyFormatter f =
        ReplyFormatter.builder()
            .template(ReplyKind.REJECT, "Short one. " + longSentence + " Short two.")
            .build();

    List<String> lines = f.reject(BOB).lines();

    assertEquals("Short one.", lines.get(0));
    assertEquals("Short two.", lines.get(lines.size() - 1));
    assertEquals(4, lines.size(), () -> "the long sentence is split in two: " + lines);
    assertEquals(longSentence, lines.get(1) + " " + lines.get(2));
    for (String line : lines) {
      assertTrue(line.length() <= 500, line);
    }
  }

  @Test
  void challenge_valueWithCrlf_cannotAddLine() {
    ReplyValues values =
        ReplyValues.builder().recipient("bob@example.com>\r\n250 2.0.0 Ok\r\n550 5.7.1 <x").build();

    SmtpReply reply = ReplyFormatter.english().challenge(values, LINK);

    String wire = reply.toWire();
    String[] lines = wire.substring(0, wire.length() - 2).split("\r\n", -1);
    assertEquals(reply.lines().size(), lines.length);
    for (int i = 0; i < lines.length; i++) {
      assertTrue(
          lines[i].startsWith(i == lines.length - 1 ? "550 5.7.1 " : "550-5.7.1 "), lines[i]);
    }
    assertFalse(wire.contains("\r\n250"));
  }

  @Test
  void challenge_nonAsciiLink_usesAsciiForm() {
    SmtpReply reply =
        ReplyFormatter.english().challenge(BOB, URI.create("https://cr.example/c/\u00fc"));

    assertEquals("https://cr.example/c/%C3%BC", reply.lines().get(reply.lines().size() - 1));
  }

  @Test
  void challenge_relativeLink_throws() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ReplyFormatter.english().challenge(BOB, URI.create("/c/abc")));
  }

  @Test
  void challenge_linkOf500Characters_fitsOnLastLine() {
    URI link = URI.create("https://cr.example/c/" + "a".repeat(500 - 21));

    SmtpReply reply = ReplyFormatter.english().challenge(BOB, link);

    String wire = reply.toWire();
    assertTrue(wire.endsWith("550 5.7.1 " + link + "\r\n"));
    assertEquals(512, ("550 5.7.1 " + link + "\r\n").length());
  }

  @Test
  void challenge_linkTooLongForLine_throwsWithoutEchoingLink() {
    String token = "TOKEN" + "a".repeat(500);
    URI link = URI.create("https://cr.example/c/" + token);

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ReplyFormatter.english().challenge(BOB, link));

    assertTrue(e.getMessage().contains("at most 500"), e.getMessage());
    assertFalse(e.getMessage().contains("TOKEN"), e.getMessage());
  }

  @Test
  void reject_english_550NoLink() {
    SmtpReply reply = ReplyFormatter.english().reject(BOB);

    assertEquals(
        "550 5.7.1 <bob@example.com> does not accept mail from <alice@example.org>.\r\n",
        reply.toWire());
  }

  @Test
  void defer_english_451Transient() {
    SmtpReply reply = ReplyFormatter.english().defer(ReplyValues.none());

    assertEquals("451 4.3.0 Temporary local problem, please try again.\r\n", reply.toWire());
    assertTrue(reply.isTransient());
  }

  @Test
  void pendingMix_english_452NewTransaction() {
    SmtpReply reply = ReplyFormatter.english().pendingMix(BOB);

    assertEquals(452, reply.code());
    assertEquals("4.5.3", reply.enhancedStatus());
    assertTrue(String.join(" ", reply.lines()).contains("<bob@example.com> in a new transaction"));
  }

  @Test
  void reject_missingPlaceholderValue_replacedByNothing() {
    SmtpReply reply =
        ReplyFormatter.english().reject(ReplyValues.builder().recipient("bob@example.com").build());

    assertEquals(List.of("<bob@example.com> does not accept mail from <>."), reply.lines());
  }

  @Test
  void challenge_longAddress_firstSentenceStaysWholeOnOneLine() {
    String longAddress = "a".repeat(200) + "@example.com";

    SmtpReply reply =
        ReplyFormatter.english()
            .challenge(ReplyValues.builder().recipient(longAddress).build(), LINK);

    assertEquals(
        "<"
            + longAddress
            + "> only accepts mail from senders who have confirmed they are a person.",
        reply.lines().get(0));
    assertEquals(3, reply.lines().size(), reply.lines()::toString);
  }

  @Test
  void sanitize_controlsAndNonAscii_replaced() {
    assertEquals(
        "a b c d?e?f??g", ReplyFormatter.sanitize("a\rb\nc\td\u0000e\u00e9f\ud83d\ude00\u0301g"));
  }

  @Test
  void sanitize_loneSurrogateAndDel_replaced() {
    assertEquals("x?y?", ReplyFormatter.sanitize("x\ud800y\u007f"));
  }

  @Test
  void sanitize_longValue_cutTo256WithEllipsis() {
    String s = ReplyFormatter.sanitize("b".repeat(10_000));

    assertEquals(ReplyFormatter.MAX_VALUE_LENGTH, s.length());
    assertTrue(s.endsWith("bbb..."));
  }

  @Test
  void sanitize_exactly256_notCut() {
    String v = "c".repeat(256);

    assertEquals(v, ReplyFormatter.sanitize(v));
  }

  @Test
  void builder_customTemplateStatusAndWidth_used() {
    ReplyFormatter f =
        ReplyFormatter.builder()
            .template(
                ReplyKind.CHALLENGE,
                "Hello {sender} from {client} ({helo}), {{literal}} to {recipient}:")
            .status(ReplyKind.CHALLENGE, 554, "5.7.0")
            .wrapWidth(120)
            .build();

    SmtpReply reply = f.challenge(BOB, LINK);

    assertEquals(
        List.of(
            "Hello alice@example.org from 192.0.2.7 (mail.example.org), {literal} to bob@example.com:",
            LINK.toString()),
        reply.lines());
    assertEquals(554, reply.code());
    assertEquals("5.7.0", reply.enhancedStatus());
    assertEquals(120, f.wrapWidth());
  }

  @Test
  void builder_unsetKinds_keepEnglishDefaults() {
    ReplyFormatter f = ReplyFormatter.builder().template(ReplyKind.REJECT, "No.").build();

    assertEquals(ReplyFormatter.english().defer(BOB), f.defer(BOB));
    assertEquals(List.of("No."), f.reject(BOB).lines());
  }

  @Test
  void builder_emptyChallengeTemplate_onlyLink() {
    ReplyFormatter f = ReplyFormatter.builder().template(ReplyKind.CHALLENGE, "").build();

    assertEquals(List.of(LINK.toString()), f.challenge(BOB, LINK).lines());
  }

  @Test
  void builder_narrowWidth_everyLineWithinWidth() {
    ReplyFormatter f = ReplyFormatter.builder().wrapWidth(40).build();

    SmtpReply reply = f.challenge(BOB, URI.create("https://x.example/c/1"));

    for (String line : reply.toWire().lines().toList()) {
      assertTrue(line.length() <= 40, line);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "unclosed {recipient",
        "lone } brace",
        "{}",
        "{1abc}",
        "{a b}",
        "caf\u00e9",
        "line\r\nbreak",
        "tab\t"
      })
  void builder_malformedTemplate_throws(String template) {
    assertThrows(
        IllegalArgumentException.class,
        () -> ReplyFormatter.builder().template(ReplyKind.REJECT, template));
  }

  @Test
  void builder_templateTooLong_throws() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ReplyFormatter.builder().template(ReplyKind.REJECT, "x".repeat(2001)));
  }

  @Test
  void builder_optionSetTwice_throwsIllegalState() {
    assertThrows(
        IllegalStateException.class,
        () ->
            ReplyFormatter.builder()
                .template(ReplyKind.REJECT, "a")
                .template(ReplyKind.REJECT, "b"));
    assertThrows(
        IllegalStateException.class,
        () ->
            ReplyFormatter.builder()
                .status(ReplyKind.REJECT, 550, "5.7.1")
                .status(ReplyKind.REJECT, 554, "5.7.1"));
    assertThrows(
        IllegalStateException.class, () -> ReplyFormatter.builder().wrapWidth(80).wrapWidth(90));
  }

  @Test
  void builder_badStatusForKind_throws() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ReplyFormatter.builder().status(ReplyKind.CHALLENGE, 250, "2.0.0"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReplyFormatter.builder().status(ReplyKind.DEFER, 550, "5.3.0"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReplyFormatter.builder().status(ReplyKind.PENDING_MIX, 552, "5.5.3"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReplyFormatter.builder().status(ReplyKind.REJECT, 550, "4.7.1"));
  }

  @Test
  void builder_temporaryChallenge_allowed() {
    ReplyFormatter f = ReplyFormatter.builder().status(ReplyKind.CHALLENGE, 450, "4.7.1").build();

    assertTrue(f.challenge(BOB, LINK).isTransient());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 39, 511, 10_000})
  void builder_wrapWidthOutOfRange_throws(int width) {
    assertThrows(IllegalArgumentException.class, () -> ReplyFormatter.builder().wrapWidth(width));
  }

  @Test
  void wrap_wordLongerThanLine_splitIntoPieces() {
    List<String> lines = ReplyFormatter.wrap("a " + "b".repeat(1200) + " c", 300, 500);

    assertEquals(List.of("a", "b".repeat(500), "b".repeat(500), "b".repeat(200) + " c"), lines);
  }

  @Test
  void challenge_linkIsTheModelsLinkNotAProseLine() {
    SmtpReply reply = ReplyFormatter.english().challenge(BOB, LINK);

    assertEquals(java.util.Optional.of(LINK.toString()), reply.link());
    assertFalse(reply.proseLines().contains(LINK.toString()));
    assertEquals(reply.lines().subList(0, reply.lines().size() - 1), reply.proseLines());
  }

  @Test
  void reject_peerValueThatLooksLikeALink_staysProse() {
    ReplyFormatter f =
        ReplyFormatter.builder().template(ReplyKind.REJECT, "Refused: {sender}").build();

    SmtpReply reply =
        f.reject(ReplyValues.builder().sender("https://evil.example/c/" + "x".repeat(80)).build());

    assertEquals(java.util.Optional.empty(), reply.link());
    assertEquals(List.of("Refused: https://evil.example/c/" + "x".repeat(80)), reply.lines());
  }
}
