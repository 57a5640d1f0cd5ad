package org.smtpcr.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.reply.SmtpReply;

final class DecisionTest {
  private static final SmtpReply R550 = SmtpReply.of(550, "5.7.1", "no");
  private static final SmtpReply R451 = SmtpReply.of(451, "4.3.0", "later");
  private static final SmtpReply R250 = SmtpReply.of(250, "2.0.0", "ok");

  @Test
  void records_wrongReplyClass_throwIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> new Decision.Reject(R250));
    assertThrows(IllegalArgumentException.class, () -> new Decision.Defer(R550));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Decision.Challenge(R250, URI.create("https://x/c/t")));
    assertThrows(
        IllegalArgumentException.class, () -> new Decision.Challenge(R550, URI.create("c/t")));
  }

  @Test
  void verdictAndNegativeReply_matchTheKind() {
    assertSame(Decision.accept(), Decision.accept());
    assertEquals(Decision.Verdict.ACCEPT, Decision.accept().verdict());
    assertEquals(Optional.empty(), Decision.accept().negativeReply());
    assertEquals(Decision.Verdict.REJECT, new Decision.Reject(R550).verdict());
    assertEquals(Optional.of(R451), new Decision.Defer(R451).negativeReply());
    Decision c =
        new Decision.Challenge(R550, URI.create("https://cr.example.com/c/abcdefghijklmnop"));
    assertEquals(Decision.Verdict.CHALLENGE, c.verdict());
    assertEquals(Optional.of(R550), c.negativeReply());
  }

  @Test
  void challengeToString_showsOnlyEightTokenCharacters() {
    Decision c =
        new Decision.Challenge(
            R550, URI.create("https://cr.example.com/c/abcdefghijklmnopqrstuvwxyz"));
    assertTrue(c.toString().contains("https://cr.example.com/c/abcdefgh..."), c.toString());
    assertFalse(c.toString().contains("ijklmnop"));
  }

  @Test
  void challenge_equalByReplyAndLink_linkTextIsAsciiForm() {
    URI link = URI.create("https://cr.example.com/c/abcdefghijklmnop");
    Decision.Challenge a = new Decision.Challenge(R550, link);
    Decision.Challenge b =
        new Decision.Challenge(R550, URI.create("https://cr.example.com/c/abcdefghijklmnop"));
    Decision.Challenge c =
        new Decision.Challenge(R550, URI.create("https://cr.example.com/c/abcdefghijklmnoq"));

    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertFalse(a.equals(c));
    assertFalse(a.equals(new Decision.Challenge(SmtpReply.of(550, "5.7.1", "other"), link)));
    assertEquals(link.toASCIIString(), a.linkText());
    assertSame(link, a.link());
  }

  @Test
  void challenge_linkText_isTheAsciiFormAndComparedExactly() {
    URI unicode = URI.create("https://cr.example.com/c/\u00e4bc");
    Decision.Challenge c = new Decision.Challenge(R550, unicode);
    assertEquals("https://cr.example.com/c/%C3%A4bc", c.linkText());

    // equal as URIs (scheme and host ignore case), but not as link texts
    URI upper = URI.create("HTTPS://CR.EXAMPLE.COM/c/abcdefghijklmnop");
    URI lower = URI.create("https://cr.example.com/c/abcdefghijklmnop");
    assertEquals(upper, lower);
    assertFalse(new Decision.Challenge(R550, upper).equals(new Decision.Challenge(R550, lower)));
  }

  @Test
  void challenge_fromEngineText_parsesTheLinkOnFirstUse() {
    Decision.Challenge c =
        new Decision.Challenge(R550, "https://cr.example.com/c/abcdefghijklmnop");

    assertEquals(URI.create("https://cr.example.com/c/abcdefghijklmnop"), c.link());
    assertSame(c.link(), c.link());
    assertEquals(
        new Decision.Challenge(R550, URI.create("https://cr.example.com/c/abcdefghijklmnop")), c);
  }
}
