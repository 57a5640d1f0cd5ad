package org.smtpcr.core.reply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class SmtpReplyTest {

  @Test
  void toWire_singleLine_codeSpaceEnhancedTextCrlf() {
    assertEquals("550 5.7.1 Rejected\r\n", SmtpReply.of(550, "5.7.1", "Rejected").toWire());
  }

  @Test
  void toWire_multiLine_dashOnAllButLast() {
    SmtpReply reply = SmtpReply.of(550, "5.7.1", List.of("a", "b", "c"));

    assertEquals("550-5.7.1 a\r\n550-5.7.1 b\r\n550 5.7.1 c\r\n", reply.toWire());
  }

  @Test
  void toWire_emptyText_noTrailingSpace() {
    assertEquals("451 4.3.0\r\n", SmtpReply.of(451, "4.3.0", "").toWire());
  }

  @Test
  void of_3yzWithoutEnhanced_wireHasNoEnhanced() {
    SmtpReply reply = SmtpReply.of(354, "", "Start mail input; end with <CRLF>.<CRLF>");

    assertEquals("354 Start mail input; end with <CRLF>.<CRLF>\r\n", reply.toWire());
    assertEquals("", reply.enhancedStatus());
  }

  @Test
  void of_3yzWithEnhanced_throws() {
    assertThrows(IllegalArgumentException.class, () -> SmtpReply.of(354, "3.0.0", "go on"));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 199, 600, 999, -550, 160, 570, 299 + 70})
  void of_badCode_throws(int code) {
    assertThrows(IllegalArgumentException.class, () -> SmtpReply.of(code, "5.7.1", "x"));
  }

  @ParameterizedTest
  @CsvSource({"550,4.7.1", "451,5.3.0", "250,5.0.0", "250,4.0.0", "550,2.0.0"})
  void of_enhancedClassMismatch_throws(int code, String enhanced) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SmtpReply.of(code, enhanced, "x"));

    assertTrue(e.getMessage().contains("does not match"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "5.7",
        "5.07.1",
        "5.7.01",
        "5.1000.1",
        "5.1.1000",
        "6.0.0",
        "5.7.1 ",
        " 5.7.1",
        "5.x.1",
        "5..1",
        "55.7.1"
      })
  void of_malformedEnhanced_throws(String enhanced) {
    assertThrows(IllegalArgumentException.class, () -> SmtpReply.of(550, enhanced, "x"));
  }

  @Test
  void of_threeDigitEnhancedParts_accepted() {
    assertEquals("5.999.100", SmtpReply.of(550, "5.999.100", "x").enhancedStatus());
  }

  @Test
  void of_noLines_throws() {
    assertThrows(IllegalArgumentException.class, () -> SmtpReply.of(550, "5.7.1", List.of()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a\r\n550 5.7.1 b",
        "a\nb",
        "a\rb",
        "nul\u0000",
        "tab\there",
        "caf\u00e9",
        "del\u007f",
        "\u2028"
      })
  void of_nonPrintableLine_throwsWithoutEchoingText(String line) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SmtpReply.of(550, "5.7.1", "ok", line));

    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    assertFalse(e.getMessage().contains(line), e.getMessage());
  }

  @Test
  void of_lineOf512OctetsWithCrlf_acceptedAnd513Rejected() {
    String fits = "x".repeat(512 - "550-5.7.1 ".length() - 2);

    String wire = SmtpReply.of(550, "5.7.1", fits, "end").toWire();

    assertEquals(512, wire.indexOf("\r\n") + 2);
    assertThrows(
        IllegalArgumentException.class, () -> SmtpReply.of(550, "5.7.1", fits + "x", "end"));
  }

  @Test
  void of_linesList_isCopiedAndUnmodifiable() {
    List<String> lines = new ArrayList<>(List.of("a", "b"));
    SmtpReply reply = SmtpReply.of(550, "5.7.1", lines);

    lines.add("c");

    assertEquals(List.of("a", "b"), reply.lines());
    assertThrows(UnsupportedOperationException.class, () -> reply.lines().add("d"));
  }

  @ParameterizedTest
  @CsvSource({
    "250,2.0.0,true,false,false,false",
    "354,'',true,false,false,false",
    "451,4.3.0,false,true,true,false",
    "452,4.5.3,false,true,true,false",
    "550,5.7.1,false,true,false,true",
    "554,5.7.0,false,true,false,true"
  })
  void predicates_byCodeClass(
      int code,
      String enhanced,
      boolean positive,
      boolean negative,
      boolean transientFailure,
      boolean permanent) {
    SmtpReply reply = SmtpReply.of(code, enhanced, "text");

    assertEquals(positive, reply.isPositive());
    assertEquals(negative, reply.isNegative());
    assertEquals(transientFailure, reply.isTransient());
    assertEquals(permanent, reply.isPermanent());
  }

  @Test
  void equals_sameParts_equalAndSameHash() {
    SmtpReply a = SmtpReply.of(550, "5.7.1", "a", "b");
    SmtpReply b = SmtpReply.of(550, "5.7.1", List.of("a", "b"));

    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, SmtpReply.of(550, "5.7.1", "a"));
    assertNotEquals(a, SmtpReply.of(554, "5.7.1", "a", "b"));
    assertNotEquals(a, SmtpReply.of(550, "5.7.0", "a", "b"));
  }

  @Test
  void toString_omitsText() {
    SmtpReply reply = SmtpReply.of(550, "5.7.1", "see", "https://cr.example/c/SECRETTOKEN");

    assertEquals("SmtpReply[550 5.7.1, 2 lines]", reply.toString());
  }

  @Test
  void withLink_linkOnItsOwnLastLine_keptApartFromTheProse() {
    SmtpReply reply =
        SmtpReply.withLink(550, "5.7.1", List.of("Confirm", "here:"), "https://cr.example/c/abc");

    assertEquals(
        "550-5.7.1 Confirm\r\n550-5.7.1 here:\r\n550 5.7.1 https://cr.example/c/abc\r\n",
        reply.toWire());
    assertEquals(List.of("Confirm", "here:", "https://cr.example/c/abc"), reply.lines());
    assertEquals(List.of("Confirm", "here:"), reply.proseLines());
    assertEquals("Confirm here:", reply.prose());
    assertEquals(Optional.of("https://cr.example/c/abc"), reply.link());
  }

  @Test
  void withLink_noProse_theLinkAlone() {
    SmtpReply reply = SmtpReply.withLink(550, "5.7.1", List.of(), "https://cr.example/c/abc");

    assertEquals("550 5.7.1 https://cr.example/c/abc\r\n", reply.toWire());
    assertEquals("", reply.prose());
    assertTrue(reply.proseLines().isEmpty());
  }

  @Test
  void of_lineThatLooksLikeALink_isProse() {
    SmtpReply reply = SmtpReply.of(550, "5.7.1", "see", "https://help.example/why");

    assertEquals(Optional.empty(), reply.link());
    assertEquals("see https://help.example/why", reply.prose());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "cr.example/c/abc",
        "://x",
        "1https://x",
        "https://cr.example/c/a b",
        "https://cr.example/c/\u00fc",
        "https://cr.example/c/a\r\nb"
      })
  void withLink_notAnAbsolutePrintableLink_throwsWithoutEchoingIt(String link) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SmtpReply.withLink(550, "5.7.1", List.of("Confirm here:"), link));

    assertTrue(link.isEmpty() || !e.getMessage().contains(link), e.getMessage());
  }

  @Test
  void withLink_linkLongerThanALine_throwsWithoutEchoingIt() {
    String link = "https://cr.example/c/SECRET" + "a".repeat(501 - 27); // 501 characters

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SmtpReply.withLink(550, "5.7.1", List.of(), link));
    assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
    // one character less fits: 512 octets with "550 5.7.1 " and CRLF
    assertEquals(
        512, SmtpReply.withLink(550, "5.7.1", List.of(), link.substring(0, 500)).toWire().length());
  }

  @Test
  void withLink_badProseLineOrStatus_throws() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SmtpReply.withLink(550, "5.7.1", List.of("a\r\nb"), "https://x.example/c/1"));
    assertThrows(
        IllegalArgumentException.class,
        () -> SmtpReply.withLink(550, "4.7.1", List.of("a"), "https://x.example/c/1"));
  }

  @Test
  void equals_linkAndAProseLineOfTheSameText_differ() {
    SmtpReply withLink = SmtpReply.withLink(550, "5.7.1", List.of("see"), "https://x.example/c/1");
    SmtpReply prose = SmtpReply.of(550, "5.7.1", "see", "https://x.example/c/1");

    assertEquals(withLink.lines(), prose.lines());
    assertEquals(withLink.toWire(), prose.toWire());
    assertNotEquals(withLink, prose);
    assertEquals(
        withLink, SmtpReply.withLink(550, "5.7.1", List.of("see"), "https://x.example/c/1"));
    assertEquals(
        withLink.hashCode(),
        SmtpReply.withLink(550, "5.7.1", List.of("see"), "https://x.example/c/1").hashCode());
  }

  @Test
  void toString_withLink_saysSoWithoutTheLink() {
    SmtpReply reply =
        SmtpReply.withLink(550, "5.7.1", List.of("see"), "https://cr.example/c/SECRETTOKEN");

    assertEquals("SmtpReply[550 5.7.1, 2 lines, link]", reply.toString());
  }
}
