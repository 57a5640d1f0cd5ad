package org.smtpcr.core.reply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

final class PostfixRepliesTest {

  private static final URI LINK =
      URI.create("https://cr.example.com/c/cmagsvnzaatwaelbnruwgzkamv4gc3lqnrss433sm5rg6y");

  /** What Postfix sends for a policy action, before cutting at 510 characters. */
  private static String postfixLine(String action, String rcpt) {
    int sp = action.indexOf(' ', 4);
    return action.substring(0, sp + 1)
        + "<"
        + rcpt
        + ">"
        + PostfixReplies.POSTFIX_PREFIX
        + action.substring(sp + 1);
  }

  @Test
  void textBudget_550_5_7_1_is214() {
    assertEquals(214, PostfixReplies.textBudget("5.7.1"));
  }

  @Test
  void action_englishChallenge_oneLineTextThenLink() {
    SmtpReply reply =
        ReplyFormatter.english()
            .challenge(ReplyValues.builder().recipient("bob@example.com").build(), LINK);

    assertEquals(
        "550 5.7.1 <bob@example.com> only accepts mail from senders who have confirmed"
            + " they are a person. Confirm here, then send your message again: "
            + LINK,
        PostfixReplies.action(reply));
  }

  @Test
  void action_longestRecipient_fitsPostfixLimitAndKeepsLink() {
    String rcpt = "r".repeat(240) + "@example.com";
    SmtpReply reply =
        ReplyFormatter.english().challenge(ReplyValues.builder().recipient(rcpt).build(), LINK);

    String action = PostfixReplies.action(reply);

    assertTrue(action.endsWith("... " + LINK), action);
    assertTrue(action.length() - "550 5.7.1 ".length() <= 214, action);
    assertTrue(postfixLine(action, "x".repeat(254)).length() <= 510);
  }

  @Test
  void action_knownEverydayRecipient_wholeTextBeforeAFullLengthLink() {
    URI link = URI.create("https://cr.example.com/c/" + "a".repeat(104));
    SmtpReply reply =
        ReplyFormatter.english()
            .challenge(ReplyValues.builder().recipient("bob@example.com").build(), link);

    assertEquals(
        "550 5.7.1 <bob@example.com> only accepts mail from senders who have confirmed"
            + " they are a person. Confirm here, then send your message again: "
            + link,
        PostfixReplies.action(reply, "bob@example.com"));
    // the recipient-blind form has to shorten the same reply
    assertTrue(PostfixReplies.action(reply).endsWith("... " + link), PostfixReplies.action(reply));
  }

  @Test
  void formatter_textsDoNotNameTheRecipientPostfixAlreadyNames() {
    ReplyValues values =
        ReplyValues.builder().recipient("bob@example.com").sender("spam@bad.example").build();
    ReplyFormatter f = PostfixReplies.formatter();
    URI link = URI.create("https://cr.example.com/c/" + "a".repeat(104));

    assertEquals(
        "550 5.7.1 This address only accepts mail from senders who have confirmed they are a person."
            + " Confirm here, then send your message again: "
            + link,
        PostfixReplies.action(f.challenge(values, link), "bob@example.com"));
    assertEquals(
        "550 5.7.1 This address does not accept mail from <spam@bad.example>.",
        PostfixReplies.action(f.reject(values), "bob@example.com"));
    assertFalse(PostfixReplies.action(f.pendingMix(values), "bob@example.com").contains("bob@"));
    // the codes stay the English defaults
    assertEquals(ReplyFormatter.english().defer(values), f.defer(values));
    assertEquals(
        ReplyFormatter.english().challenge(values, link).code(), f.challenge(values, link).code());
  }

  @Test
  void nameRoom_utf8LengthAndBrackets() {
    assertEquals(15 + 2, PostfixReplies.nameRoom("bob@example.com"));
    assertEquals(16 + 2, PostfixReplies.nameRoom("b\u00f6b@example.com")); // ö is 2 bytes
    assertEquals(16 + 2, PostfixReplies.nameRoom("\ud83d\ude00@example.com")); // 😀 is 4 bytes
    assertEquals(15 + 2, PostfixReplies.nameRoom("\u20ac@example.com")); // € is 3 bytes
    assertEquals(300 + 2, PostfixReplies.nameRoom("r".repeat(300)));
    // counting stops once nothing can fit
    assertTrue(PostfixReplies.nameRoom("r".repeat(100_000)) > PostfixReplies.POSTFIX_LINE_LIMIT);
  }

  @Test
  void action_nameLongerThan254_roomForAllOfItSoTheLinkIsNeverCut() {
    String named = "bob+" + "x".repeat(300) + "@cr.test"; // Postfix sets no length limit
    URI link = URI.create("https://cr.example.com/c/" + "a".repeat(104));
    SmtpReply reply =
        ReplyFormatter.english().challenge(ReplyValues.builder().recipient(named).build(), link);

    String action = PostfixReplies.action(reply, named);

    assertTrue(action.endsWith(" " + link), action);
    assertTrue(postfixLine(action, named).length() <= PostfixReplies.POSTFIX_LINE_LIMIT, action);
  }

  @Test
  void action_noLink_proseShortenedWithEllipsis() {
    SmtpReply reply =
        SmtpReply.of(550, "5.7.1", "word ".repeat(30).trim(), "word ".repeat(30).trim());

    String action = PostfixReplies.action(reply);

    assertTrue(action.endsWith("word..."), action);
    assertTrue(action.length() <= "550 5.7.1 ".length() + 214, action);
  }

  @Test
  void action_shortReply_unchanged() {
    assertEquals(
        "451 4.3.0 Temporary local problem, please try again.",
        PostfixReplies.action(ReplyFormatter.english().defer(ReplyValues.none())));
  }

  @Test
  void action_linkLongerThanBudget_throwsWithoutEchoingLink() {
    String link = "https://cr.example/c/TOKEN" + "a".repeat(200);
    SmtpReply reply = SmtpReply.withLink(550, "5.7.1", List.of("Confirm here:"), link);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PostfixReplies.action(reply));

    assertFalse(e.getMessage().contains("TOKEN"), e.getMessage());
  }

  @Test
  void action_linkExactlyBudget_keptAloneWithoutProse() {
    String link = "https://cr.example/c/" + "a".repeat(214 - 21);
    SmtpReply reply = SmtpReply.withLink(550, "5.7.1", List.of("Confirm here:"), link);

    assertEquals("550 5.7.1 " + link, PostfixReplies.action(reply));
  }

  @Test
  void action_positiveReply_throws() {
    assertThrows(
        IllegalArgumentException.class,
        () -> PostfixReplies.action(SmtpReply.of(250, "2.0.0", "Ok")));
  }

  @Test
  void shorten_cutAfterASentence_endsWithTheEllipsisAlone() {
    assertEquals(
        "they are a person...",
        PostfixReplies.shorten("they are a person. Confirm here, then send again:", 24));
  }

  @Test
  void shorten_singleLongWord_cutHard() {
    assertEquals("abcdefg...", PostfixReplies.shorten("abcdefghijklmnop", 10));
  }

  @Test
  void action_proseEndingInAUrlLikeLine_isShortenedAsProseNotKeptAsALink() {
    // a reply without a link whose last line looks like one, longer than the budget: it is prose,
    // shortened like any prose, not a link that "does not fit"
    String url = "https://help.example/why/" + "w".repeat(200);
    SmtpReply reply = SmtpReply.of(550, "5.7.1", "Refused, see", url);

    String action = PostfixReplies.action(reply);

    assertEquals("550 5.7.1 Refused, see...", action);
  }

  @Test
  void action_challengeWithUrlInTheProse_onlyTheModelsLinkIsKept() {
    ReplyFormatter f =
        ReplyFormatter.builder()
            .template(
                ReplyKind.CHALLENGE,
                "Read https://help.example/" + "h".repeat(150) + " first, then confirm:")
            .build();

    String action = PostfixReplies.action(f.challenge(ReplyValues.none(), LINK));

    assertTrue(action.endsWith("... " + LINK), action);
    assertTrue(action.startsWith("550 5.7.1 Read"), action);
    assertEquals(1, action.split("https://cr\\.example\\.com/", -1).length - 1, action);
  }

  @Test
  void actionWithoutLink_proseAloneShortenedForTheName() {
    SmtpReply reply =
        ReplyFormatter.english()
            .challenge(ReplyValues.builder().recipient("bob@example.com").build(), LINK);

    assertEquals(
        "550 5.7.1 <bob@example.com> only accepts mail from senders who have confirmed"
            + " they are a person. Confirm here, then send your message again:",
        PostfixReplies.actionWithoutLink(reply, "bob@example.com"));
    String named = "n".repeat(400);
    String cut = PostfixReplies.actionWithoutLink(reply, named);
    assertTrue(cut.endsWith("..."), cut);
    assertTrue(postfixLine(cut, named).length() <= PostfixReplies.POSTFIX_LINE_LIMIT, cut);
  }

  @Test
  void actionWithoutLink_linkAlone_theCodeAlone() {
    SmtpReply reply = SmtpReply.withLink(550, "5.7.1", List.of(), LINK.toString());

    assertEquals("550 5.7.1", PostfixReplies.actionWithoutLink(reply, "bob@example.com"));
  }

  @Test
  void actionWithoutLink_positiveReply_throws() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            PostfixReplies.actionWithoutLink(SmtpReply.of(250, "2.0.0", "Ok"), "bob@example.com"));
  }
}
