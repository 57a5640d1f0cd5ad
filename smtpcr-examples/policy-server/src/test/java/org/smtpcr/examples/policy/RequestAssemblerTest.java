package org.smtpcr.examples.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.smtpcr.examples.policy.RequestAssembler.Step;

final class RequestAssemblerTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void line_realPostfixRequest_completesWithEveryAttribute() {
    RequestAssembler a = new RequestAssembler();
    Map<String, String> sent = Fixtures.rcpt("alice@sender.example", "bob@cr.test");
    sent.forEach((k, v) -> assertInstanceOf(Step.Incomplete.class, a.line(b(k + "=" + v))));
    Step.Complete done = assertInstanceOf(Step.Complete.class, a.line(new byte[0]));
    assertEquals(sent, done.request().attributes());
    assertEquals("RCPT", done.request().protocolState());
    assertEquals(0, a.bufferedBytes());
  }

  @Test
  void line_unknownAttributesAndEqualsInValue_areKept() {
    RequestAssembler a = new RequestAssembler();
    a.line(b("future_attribute=x=y"));
    a.line(b("sender="));
    Step.Complete done = assertInstanceOf(Step.Complete.class, a.line(new byte[0]));
    assertEquals("x=y", done.request().value("future_attribute"));
    assertEquals("", done.request().value("sender"));
  }

  @Test
  void line_trailingCarriageReturn_isDropped() {
    RequestAssembler a = new RequestAssembler();
    a.line(b("sender=a@b.example\r"));
    Step.Complete done = assertInstanceOf(Step.Complete.class, a.line(b("\r")));
    assertEquals("a@b.example", done.request().value("sender"));
  }

  @Test
  void line_manyRequestsInARow_eachComplete() {
    RequestAssembler a = new RequestAssembler();
    for (int i = 0; i < 1000; i++) {
      a.line(b("n=" + i));
      Step.Complete done = assertInstanceOf(Step.Complete.class, a.line(new byte[0]));
      assertEquals(Integer.toString(i), done.request().value("n"));
    }
  }

  @Test
  void line_withoutEquals_isMalformedWithSanitizedExcerpt() {
    RequestAssembler a = new RequestAssembler();
    Step.Malformed m =
        assertInstanceOf(Step.Malformed.class, a.line(b("hello\u0000\u001b[31m world")));
    assertEquals("hello??[31m world", m.excerpt());
    assertThrows(IllegalStateException.class, () -> a.line(b("a=b")));
  }

  @Test
  void line_emptyName_isMalformed() {
    assertInstanceOf(Step.Malformed.class, new RequestAssembler().line(b("=value")));
  }

  @Test
  void line_nameWithSpace_isMalformed() {
    assertInstanceOf(Step.Malformed.class, new RequestAssembler().line(b("sender name=x")));
  }

  @Test
  void line_longExcerpt_isTruncated() {
    Step.Malformed m =
        assertInstanceOf(Step.Malformed.class, new RequestAssembler().line(b("x".repeat(500))));
    assertEquals("x".repeat(Excerpt.MAX) + "...", m.excerpt());
  }

  @Test
  void line_overLineLimit_isMalformed() {
    RequestAssembler a = new RequestAssembler();
    Step.Malformed m =
        assertInstanceOf(
            Step.Malformed.class, a.line(b("a=" + "x".repeat(PolicyServer.MAX_LINE_BYTES))));
    assertTrue(m.reason().contains("limit " + PolicyServer.MAX_LINE_BYTES), m.reason());
  }

  @Test
  void line_tooManyAttributes_isMalformed() {
    RequestAssembler a = new RequestAssembler();
    for (int i = 0; i < PolicyServer.MAX_ATTRIBUTES; i++) {
      assertInstanceOf(Step.Incomplete.class, a.line(b("a" + i + "=1")));
    }
    Step.Malformed m = assertInstanceOf(Step.Malformed.class, a.line(b("one=more")));
    assertTrue(
        m.reason().contains("more than " + PolicyServer.MAX_ATTRIBUTES + " attributes"),
        m.reason());
  }

  @Test
  void line_requestOverSizeLimit_isMalformedAndHoldsNothing() {
    RequestAssembler a = new RequestAssembler();
    String big = "v=" + "x".repeat(PolicyServer.MAX_LINE_BYTES - 10);
    Step s = new Step.Incomplete();
    int lines = 0;
    while (s instanceof Step.Incomplete) {
      s = a.line(b(big));
      lines++;
      assertTrue(a.bufferedBytes() <= PolicyServer.MAX_REQUEST_BYTES);
    }
    Step.Malformed m = assertInstanceOf(Step.Malformed.class, s);
    assertTrue(m.reason().contains("larger than " + PolicyServer.MAX_REQUEST_BYTES), m.reason());
    assertTrue(lines * (big.length() + 1) > PolicyServer.MAX_REQUEST_BYTES);
    assertEquals(0, a.bufferedBytes());
  }

  @Test
  void line_lineFeedInsideAValue_isMalformed() {
    // the line decoder never passes one; a caller feeding lines by hand must not smuggle one in
    RequestAssembler a = new RequestAssembler();
    Step.Malformed m =
        assertInstanceOf(Step.Malformed.class, a.line(b("sender=a@b.example\naction=OK")));
    assertEquals("line feed inside a line", m.reason());
  }

  @Test
  void line_invalidUtf8Value_isDecodedWithReplacement() {
    RequestAssembler a = new RequestAssembler();
    a.line(new byte[] {'s', '=', (byte) 0xff, 'a'});
    Step.Complete done = assertInstanceOf(Step.Complete.class, a.line(new byte[0]));
    assertEquals("\ufffda", done.request().value("s"));
  }
}
