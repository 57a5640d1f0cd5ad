package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.smtpcr.core.address.AddressCanonicalizer;

/**
 * Hostile list files: any bytes give lines or an error naming the file and a line in range, never
 * another exception; an error message never carries a control character, so it cannot forge a log
 * line; the grammars of every kind of list answer any line with a rule or such an error.
 */
final class ListFilePropertiesTest {
  private static final Path FILE = Path.of("/etc/smtpcr/list");
  private static final AddressCanonicalizer C = AddressCanonicalizer.standard();

  @Property(tries = 500)
  void anyBytes_linesOrAnErrorWithFileAndLine(@ForAll("bytes") byte[] bytes) {
    long lineCount = 1;
    for (byte b : bytes) {
      if (b == '\n') {
        lineCount++;
      }
    }
    try {
      List<ListFile.Line> lines = ListFile.lines(FILE, bytes);
      for (ListFile.Line l : lines) {
        assertTrue(l.number() >= 1 && l.number() <= lineCount);
        assertTrue(!l.words().isEmpty());
        for (String w : l.words()) {
          assertTrue(w.chars().noneMatch(c -> c < 0x20 || c == '#' && w.indexOf('#') == 0), w);
        }
      }
    } catch (IllegalArgumentException e) {
      checkError(e, lineCount);
    }
  }

  @Property(tries = 500)
  void anyLine_everyKind_ruleOrAnErrorWithItsLine(
      @ForAll("lineText") String text, @ForAll @IntRange(min = 0, max = 5) int blanksBefore) {
    byte[] bytes = ("\n".repeat(blanksBefore) + text + "\n").getBytes(StandardCharsets.UTF_8);
    for (int kind = 0; kind < 4; kind++) {
      try {
        List<ListFile.Line> lines = ListFile.lines(FILE, bytes);
        switch (kind) {
          case 0 -> ListFiles.clients(lines, C);
          case 1 -> ListFiles.recipients(lines, C);
          case 2 -> ListFiles.whitelist(lines, C);
          default -> ListFiles.deny(lines, C);
        }
      } catch (IllegalArgumentException e) {
        checkError(e, blanksBefore + 1);
        assertTrue(
            e.getMessage().startsWith(FILE + ":" + (blanksBefore + 1) + ": "), e.getMessage());
      } catch (RuntimeException e) {
        fail("kind " + kind + " threw " + e + " for " + text);
      }
    }
  }

  @Property(tries = 200)
  void lineOverTheBound_isRefused_atItsNumber(
      @ForAll @IntRange(min = 1, max = 300) int extra, @ForAll @IntRange(max = 3) int before) {
    String text = "a@b.example\n".repeat(before) + "x".repeat(ListFiles.MAX_LINE_BYTES + extra);
    try {
      ListFile.lines(FILE, text.getBytes(StandardCharsets.UTF_8));
      fail("a line of " + (ListFiles.MAX_LINE_BYTES + extra) + " bytes was read");
    } catch (IllegalArgumentException e) {
      assertEquals(FILE + ":" + (before + 1) + ": line longer than 1000 bytes", e.getMessage());
    }
  }

  private static void checkError(IllegalArgumentException e, long lineCount) {
    String m = e.getMessage();
    assertTrue(m.startsWith(FILE + ":"), m);
    int n =
        Integer.parseInt(
            m.substring(
                FILE.toString().length() + 1, m.indexOf(':', FILE.toString().length() + 1)));
    assertTrue(n >= 1 && n <= lineCount, m);
    assertTrue(m.chars().allMatch(c -> c >= 0x20 && c < 0x7f), "unprintable in: " + m);
    assertTrue(m.length() < 400, m);
  }

  @Provide
  Arbitrary<byte[]> bytes() {
    Arbitrary<Byte> interesting =
        Arbitraries.of(
            (byte) '\n',
            (byte) '\r',
            (byte) ' ',
            (byte) '\t',
            (byte) '#',
            (byte) '@',
            (byte) '/',
            (byte) 0,
            (byte) 0x7f,
            (byte) 0xc3,
            (byte) 0xa9,
            (byte) 0xff,
            (byte) 'a',
            (byte) '.');
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, interesting), net.jqwik.api.Tuple.of(1, Arbitraries.bytes()))
        .array(byte[].class)
        .ofMaxSize(3000);
  }

  @Provide
  Arbitrary<String> lineText() {
    Arbitrary<String> pieces =
        Arbitraries.of(
            "a@b.example",
            "@example.org",
            "*",
            "/",
            "//",
            "/(/",
            "/a+/",
            "postmaster@",
            "@",
            "192.0.2.1",
            "10.0.0.0/8",
            "2001:db8::/32",
            "::ffff:1.2.3.4/100",
            "999.1.1.1",
            "host.example",
            "-bad-.example",
            "#",
            " ",
            "\t",
            "x",
            "\u00e9",
            "\u202e",
            "\"",
            "[192.0.2.1]",
            "a@[192.0.2.1]",
            "\"quoted\"@b.example",
            "xn--bcher-kva.example",
            "b\u00fccher.example",
            ".",
            "..",
            "a..b@c.example",
            "%",
            "\u0085",
            "\u2028");
    return pieces.list().ofMaxSize(8).map(l -> String.join("", l));
  }
}
