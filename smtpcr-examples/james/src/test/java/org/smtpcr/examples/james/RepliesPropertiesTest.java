package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.smtpcr.core.reply.SmtpReply;

/**
 * {@link Replies} on any reply: one printable line of at most 512 octets, and a response rendered
 * like toWire.
 */
final class RepliesPropertiesTest {
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
  void oneLine_keepsTheModelsLinkWhole(@ForAll("replies") SmtpReply reply) {
    reply.link().ifPresent(link -> assertTrue(Replies.oneLine(reply).endsWith(" " + link)));
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

  @Provide
  Arbitrary<SmtpReply> replies() {
    Arbitrary<String> word =
        Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(40);
    Arbitrary<String> line =
        word.list()
            .ofMinSize(1)
            .ofMaxSize(30)
            .map(
                ws -> {
                  String s = String.join(" ", ws);
                  return s.length() > 400 ? s.substring(0, 400).strip() : s;
                })
            .filter(s -> !s.isEmpty());
    Arbitrary<List<String>> prose = line.list().ofMinSize(1).ofMaxSize(6);
    Arbitrary<Optional<String>> link =
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .ofMinLength(1)
            .ofMaxLength(470)
            .map(t -> "https://cr.example.com/c/" + t)
            .optional(0.5);
    Arbitrary<int[]> status =
        Arbitraries.of(
            new int[] {550, 5}, new int[] {451, 4}, new int[] {452, 4}, new int[] {554, 5});
    return Combinators.combine(status, prose, link)
        .as(
            (st, p, l) ->
                l.filter(s -> s.length() <= 490)
                    .map(s -> SmtpReply.withLink(st[0], st[1] + ".7.1", p, s))
                    .orElseGet(() -> SmtpReply.of(st[0], st[1] + ".7.1", p)));
  }
}
