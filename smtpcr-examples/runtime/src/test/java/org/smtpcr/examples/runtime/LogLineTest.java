package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.internal.LogSafe;

final class LogLineTest {
  private static final LogLine FULL =
      LogLine.of(LogAddresses.FULL, org.smtpcr.tokens.KeyRing.generate());

  /** What a value was written as before it was appended in one pass: LogSafe, then quoting. */
  private static String reference(String value) {
    String v = LogSafe.of(value);
    boolean plain = !v.isEmpty();
    for (int i = 0; plain && i < v.length(); i++) {
      char c = v.charAt(i);
      plain = c != ' ' && c != '"' && c != '\\';
    }
    if (plain) {
      return v;
    }
    StringBuilder sb = new StringBuilder().append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('"').toString();
  }

  @Property
  void quote_isLogSafeThenQuoted(@ForAll @StringLength(max = 260) String value) {
    assertEquals(reference(value), LogLine.quote(value));
  }

  @Test
  void quote_edges() {
    String a196 = "a".repeat(196);
    for (String v :
        List.of(
            "",
            " ",
            "\"",
            "\\",
            "plain",
            "with space",
            "line\r\nend",
            "t\u00e9st",
            "a".repeat(200),
            "a".repeat(201),
            a196 + " " + "b".repeat(10),
            a196 + "b " + "c".repeat(10),
            a196 + "\"" + "c".repeat(10))) {
      assertEquals(reference(v), LogLine.quote(v), v);
    }
    assertEquals("\"a b\"", LogLine.quote("a b"));
    assertEquals("a".repeat(197) + "...", LogLine.quote("a".repeat(197) + " xyz"));
  }

  @Property
  void address_ipv4InFull_isWhatTheTextOfTheAddressGives(
      @ForAll byte a, @ForAll byte b, @ForAll byte c, @ForAll byte d) throws Exception {
    java.net.InetAddress ip = java.net.InetAddress.getByAddress(new byte[] {a, b, c, d});
    assertEquals(
        "client_address=" + com.google.common.net.InetAddresses.toAddrString(ip),
        FULL.line().address("client_address", ip).toString());
  }

  @Test
  void millis_oneDecimal_withoutLocale() {
    LogLine lines = LogLine.of(LogAddresses.NONE, org.smtpcr.tokens.KeyRing.generate());
    assertEquals("d=0.0", lines.line().millis("d", 99_999).toString());
    assertEquals("d=0.4", lines.line().millis("d", 412_345).toString());
    assertEquals("d=12.3", lines.line().millis("d", 12_345_678).toString());
    assertEquals("d=0.0", lines.line().millis("d", -5).toString());
    assertEquals(
        "a=b d=1234567.8", lines.line().add("a", "b").millis("d", 1_234_567_891_234L).toString());
  }

  @Test
  void reset_keepsTheHeadOutOfTheText_andEmptiesTheLine() {
    LogLine lines = LogLine.of(LogAddresses.NONE, org.smtpcr.tokens.KeyRing.generate());
    LogLine.Builder b = lines.line().add("a", "x".repeat(1000));
    byte[] head = "HEAD ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    b.reset().put(head, 0, head.length).fields().add("k", "v w");
    assertEquals("k=\"v w\"", b.toString());
    assertEquals(
        "HEAD k=\"v w\"",
        new String(b.bytes(), 0, b.length(), java.nio.charset.StandardCharsets.US_ASCII));
  }

  /**
   * A path as a peer may send it: the address, in angle brackets or not, white space around or not.
   */
  private static String path(String address, boolean brackets, boolean spaces) {
    String path = brackets ? "<" + address + ">" : address;
    return spaces ? " \t" + path + "\u2003" : path;
  }

  @Property
  void address_inFull_isWhatRenderGives(
      @ForAll @StringLength(max = 240) String address,
      @ForAll boolean brackets,
      @ForAll boolean spaces) {
    String path = path(address, brackets, spaces);
    assertEquals(
        FULL.line().add("sender", FULL.render(path)).toString(),
        FULL.line().address("sender", path).toString(),
        path);
  }

  @Property
  void render_inFull_isTheStrippedPathWithoutOnePairOfBrackets(
      @ForAll @StringLength(max = 60) String address,
      @ForAll boolean brackets,
      @ForAll boolean spaces) {
    String path = path(address, brackets, spaces);
    // the definition, written out with the JDK's strip
    String a = path.strip();
    if (a.length() >= 2 && a.startsWith("<") && a.endsWith(">")) {
      a = a.substring(1, a.length() - 1);
    }
    assertEquals(a.isEmpty() ? "<>" : a, FULL.render(path), path);
  }
}
