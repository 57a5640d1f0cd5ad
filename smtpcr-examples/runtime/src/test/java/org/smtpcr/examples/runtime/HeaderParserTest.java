package org.smtpcr.examples.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Header;

final class HeaderParserTest {
  private static List<Header> parse(String s) {
    byte[] b = s.getBytes(UTF_8);
    return HeaderParser.parse(b, b.length);
  }

  @Test
  void parse_foldedFieldsUpToTheEmptyLine_inOrder() {
    List<Header> h =
        parse("From: a@b\r\nSubject: one\r\n two\r\n\tthree\r\nX-Y:z\r\n\r\nNot: a header\r\n");
    assertEquals(
        List.of(
            new Header("From", " a@b"),
            new Header("Subject", " one\r\n two\r\n\tthree"),
            new Header("X-Y", "z")),
        h);
  }

  @Test
  void parse_bareLfAndNonFieldLines_toleratedAndSkipped() {
    List<Header> h = parse(" leading continuation\nFrom me\nbad name: x\nSubject: s\n\nbody");
    assertEquals(List.of(new Header("Subject", " s")), h);
  }

  @Test
  void parse_utf8Subject_decoded() {
    assertEquals(List.of(new Header("Subject", " caf\u00e9")), parse("Subject: caf\u00e9\r\n\r\n"));
  }

  @Test
  void parse_headerSectionLongerThanTheBound_readsOnlyTheBoundAndDropsTheCutLine() {
    String big = "X-Pad: " + "p".repeat(HeaderParser.MAX_HEADER_BYTES) + "\r\n";
    List<Header> h = parse("Subject: s\r\n" + big + "Late: x\r\n\r\n");
    assertEquals(List.of(new Header("Subject", " s")), h);
  }

  @Test
  void parse_manyFields_keepsAtMostTheBound() {
    List<Header> h = parse("X: y\r\n".repeat(HeaderParser.MAX_FIELDS + 50) + "\r\n");
    assertEquals(HeaderParser.MAX_FIELDS, h.size());
  }
}
