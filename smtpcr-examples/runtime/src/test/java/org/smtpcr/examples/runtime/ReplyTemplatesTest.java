package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.core.reply.PostfixReplies;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.reply.ReplyKind;
import org.smtpcr.core.reply.ReplyValues;
import org.smtpcr.core.reply.SmtpReply;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.tokens.KeyRing;

/** The reply-templates file: texts and statuses of the built-in replies, checked at start-up. */
final class ReplyTemplatesTest {
  private static final URI LINK = URI.create("https://cr.example/c/abcdefgh");
  private static final ReplyValues BOB =
      ReplyValues.builder().recipient("bob@cr.example").sender("alice@example.org").build();

  @TempDir Path dir;

  @Test
  void file_changesTextsAndStatuses_ofTheRoutesFormatter() throws IOException {
    Path f =
        Files.writeString(
            dir.resolve("replies"),
            """
            # our own words
            challenge   Bob reads mail from confirmed senders only. Confirm here, then resend:
            denied      Not from {sender}.
            status denied 554 5.7.1
            """);
    Settings s = Settings.builder().set(Settings.REPLY_TEMPLATES_FILE, f).build();
    ReplyFormatter r = StandardEngine.replies(s, PostfixReplies.formatter());
    // one sentence a reply line: the file's sentence ends are its line breaks
    assertEquals(
        List.of("Bob reads mail from confirmed senders only.", "Confirm here, then resend:"),
        r.challenge(BOB, LINK).proseLines());
    SmtpReply denied = r.reply(ReplyKind.DENIED, BOB);
    assertEquals(554, denied.code());
    assertEquals(List.of("Not from alice@example.org."), denied.proseLines());
    // the others stay the route's own
    assertEquals(
        PostfixReplies.formatter().reply(ReplyKind.NOT_LOCAL, BOB).proseLines(),
        r.reply(ReplyKind.NOT_LOCAL, BOB).proseLines());
  }

  @Test
  void challengeCode450_keepsTheSitesOwnChallengeText() throws IOException {
    Path f = Files.writeString(dir.resolve("replies"), "challenge Confirm here:\n");
    Settings s =
        Settings.builder()
            .set(Settings.REPLY_TEMPLATES_FILE, f)
            .text(Settings.CHALLENGE_CODE, "450")
            .build();
    SmtpReply c = StandardEngine.replies(s, ReplyFormatter.english()).challenge(BOB, LINK);
    assertEquals(450, c.code());
    assertEquals(List.of("Confirm here:"), c.proseLines());
  }

  @Test
  void badLines_areRefusedAtStart_namingSettingFileAndLine() throws IOException {
    assertRefused("\nchalenge Confirm:\n", 2, "not a reply kind");
    assertRefused("challenge Confirm \u00e9 here:\n", 1, "US-ASCII");
    assertRefused("challenge\n", 1, "no text");
    assertRefused("status denied 450 4.7.1\nstatus denied 250 2.0.0\n", 2, "");
    assertRefused("status defer 550 5.3.0\n", 1, "");
    assertRefused("status denied\n", 1, "status KIND CODE ENHANCED");
    assertRefused("\n\nchallenge Only {recipent} may write here:\n", 3, "unknown placeholder");
    assertRefused("challenge Confirm at {link}\n", 1, "always added on a line of its own");
  }

  private void assertRefused(String text, int line, String says) throws IOException {
    Path f = Files.writeString(dir.resolve("bad" + System.nanoTime()), text);
    Settings s =
        Settings.builder()
            .set(Settings.REPLY_TEMPLATES_FILE, f)
            .set(Settings.CHALLENGE_BASE, URI.create("https://cr.example/"))
            .build();
    IllegalArgumentException x =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                StandardEngine.builder(
                    s, KeyRing.generate(), InMemoryWhitelistStore.builder().build()));
    assertTrue(
        x.getMessage().startsWith("replyTemplatesFile: " + f + ":" + line + ": "), x.getMessage());
    assertTrue(x.getMessage().contains(says), x.getMessage());
  }
}
