package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.reply.SmtpReply;

final class RepliesTest {
  private static final int MAX_WIRE_LINE = 512;

  @Property
  void oneLine_isOnePrintableLineOfAtMost512Octets(@ForAll("replies") SmtpReply reply) {
    String line = reply.code() + " " + Replies.oneLine(reply) + "\r\n";
    assertTrue(line.length() <= MAX_WIRE_LINE, "line of " + line.length());
    String text = line.substring(0, line.length() - 2);
    assertTrue(text.chars().allMatch(c -> c >= 0x20 && c < 0x7f), text);
    assertTrue(Replies.oneLine(reply).startsWith(reply.enhancedStatus() + " "));
  }

  @Property
  void oneLine_keepsALinkOnTheLastLineWhole(@ForAll("replies") SmtpReply reply) {
    List<String> lines = reply.lines();
    String last = lines.get(lines.size() - 1);
    if (lines.size() > 1 && last.startsWith("https://")) {
      assertTrue(Replies.oneLine(reply).endsWith(" " + last));
    }
  }

  @Property
  void oneLine_shortReply_isTheLinesJoined(@ForAll("replies") SmtpReply reply) {
    String joined = reply.enhancedStatus() + " " + String.join(" ", reply.lines());
    if (("550 " + joined + "\r\n").length() <= MAX_WIRE_LINE) {
      assertEquals(joined, Replies.oneLine(reply));
    }
  }

  @Property
  void response_rendersLikeToWire(@ForAll("replies") SmtpReply reply) {
    SMTPResponse response = Replies.response(reply);
    StringBuilder wire = new StringBuilder();
    response.getLines().forEach(l -> wire.append(l).append("\r\n"));
    assertEquals(reply.toWire(), wire.toString());
  }

  @Test
  void oneLine_longChallenge_shortensProseAndKeepsLink() {
    String link = "https://cr.example.com/c/" + "a".repeat(400);
    SmtpReply reply = ReplyFormatter.english().challenge(Map.of("recipient", "x".repeat(60) + "@example.org"),
        URI.create(link));
    String one = Replies.oneLine(reply);
    assertTrue(one.startsWith("5.7.1 <xxxx"), one);
    assertTrue(one.endsWith("... " + link), one);
    assertTrue(("550 " + one + "\r\n").length() <= MAX_WIRE_LINE);
  }

  @Test
  void hookResult_accept_isDeclined() {
    assertSame(HookResult.DECLINED, Replies.hookResult(Decision.accept(), Optional.empty()));
  }

  @Test
  void hookResult_defer_isDenySoftWithItsCode() {
    HookResult r = Replies.hookResult(new Decision.Defer(SmtpReply.of(452, "4.5.3", "Too many recipients.")),
        Optional.empty());
    assertEquals(HookReturnCode.denySoft(), r.getResult());
    assertEquals("452", r.getSmtpRetCode());
    assertEquals("4.5.3 Too many recipients.", r.getSmtpDescription());
  }

  @Test
  void hookResult_reject_isDenyWithItsCode() {
    HookResult r = Replies.hookResult(new Decision.Reject(SmtpReply.of(553, "5.1.7", "The sender address is not valid.")),
        Optional.empty());
    assertEquals(HookReturnCode.deny(), r.getResult());
    assertEquals("553", r.getSmtpRetCode());
    assertEquals("5.1.7 The sender address is not valid.", r.getSmtpDescription());
  }

  @Provide
  Arbitrary<SmtpReply> replies() {
    Arbitrary<String> word = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(40);
    Arbitrary<String> line = word.list().ofMinSize(1).ofMaxSize(30).map(ws -> {
      String s = String.join(" ", ws);
      return s.length() > 400 ? s.substring(0, 400).strip() : s;
    }).filter(s -> !s.isEmpty());
    Arbitrary<List<String>> prose = line.list().ofMinSize(1).ofMaxSize(6);
    Arbitrary<Optional<String>> link = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(470)
        .map(t -> "https://cr.example.com/c/" + t).optional(0.5);
    Arbitrary<int[]> status = Arbitraries.of(new int[] {550, 5}, new int[] {451, 4}, new int[] {452, 4},
        new int[] {554, 5});
    return Combinators.combine(status, prose, link).as((st, p, l) -> {
      List<String> lines = new ArrayList<>(p);
      l.filter(s -> s.length() <= 490).ifPresent(lines::add);
      return SmtpReply.of(st[0], st[1] + ".7.1", lines);
    });
  }
}
