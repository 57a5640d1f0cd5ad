package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever is printed, in whatever pieces and by whichever method, comes out whole and in order:
 * the output without its prefixes is the input, each line ended; the journal gives every line a
 * priority and the time goes only in front of lines with a level.
 */
final class LogPrintStreamPropertiesTest {
  private static final Clock CLOCK = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

  @Property(tries = 300)
  void journal_everyLinePrefixed_andNothingElseChanged(@ForAll("writes") List<String> writes) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    LogPrintStream err = LogPrintStream.journal(sink, StandardCharsets.UTF_8);
    String input = write(err, writes);
    StringBuilder stripped = new StringBuilder();
    for (String line : lines(sink)) {
      assertTrue(line.matches("<[3467]>.*"), line);
      stripped.append(line, 3, line.length()).append('\n');
    }
    assertEquals(ended(input), stripped.toString());
  }

  @Property(tries = 300)
  void timeStamped_onlyLinesWithALevelGetTheTime(@ForAll("writes") List<String> writes) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    LogPrintStream err = LogPrintStream.timeStamped(sink, StandardCharsets.UTF_8, CLOCK);
    String input = write(err, writes);
    StringBuilder stripped = new StringBuilder();
    for (String line : lines(sink)) {
      // the input's alphabet has no digits: a time in front was put there
      boolean stamped = line.startsWith("00:00:00 ");
      String rest = stamped ? line.substring(9) : line;
      assertEquals(stamped, LogPrintStream.priority(rest) >= 0, line);
      stripped.append(rest).append('\n');
    }
    assertEquals(ended(input), stripped.toString());
  }

  @Property(tries = 300)
  void plain_theInputItself(@ForAll("writes") List<String> writes) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    LogPrintStream err = LogPrintStream.plain(sink, StandardCharsets.UTF_8);
    String input = write(err, writes);
    assertEquals(ended(input), sink.toString(StandardCharsets.UTF_8));
  }

  /** Writes each piece with a method chosen by its first char; returns the text written. */
  private static String write(LogPrintStream err, List<String> writes) {
    StringBuilder all = new StringBuilder();
    for (String w : writes) {
      switch (w.isEmpty() ? 0 : w.charAt(0) % 4) {
        case 0 -> {
          err.print(w);
          all.append(w);
        }
        case 1 -> {
          err.println(w);
          all.append(w).append('\n');
        }
        case 2 -> {
          byte[] b = w.getBytes(StandardCharsets.UTF_8);
          err.write(b, 0, b.length);
          all.append(w);
        }
        default -> {
          err.println((Object) w);
          all.append(w).append('\n');
        }
      }
    }
    err.endLine();
    return all.toString();
  }

  /** {@code text} with its last line ended. */
  private static String ended(String text) {
    return text.isEmpty() || text.endsWith("\n") ? text : text + "\n";
  }

  /** The lines written, without their ends; every line written was ended. */
  private static List<String> lines(ByteArrayOutputStream sink) {
    String out = sink.toString(StandardCharsets.UTF_8);
    assertTrue(out.isEmpty() || out.endsWith("\n"), out);
    return out.isEmpty() ? List.of() : List.of(out.substring(0, out.length() - 1).split("\n", -1));
  }

  @Provide
  Arbitrary<List<String>> writes() {
    Arbitrary<String> level =
        Arbitraries.of("[INFO] A - ", "[WARN] B - x ", "ERROR C - ", "[main] DEBUG D - ", "- ");
    Arbitrary<String> text =
        Arbitraries.strings().withChars("ab -[]\n\tä€").withCharRange('A', 'Z').ofMaxLength(40);
    Arbitrary<String> piece =
        Arbitraries.oneOf(text, level, level.flatMap(l -> text.map(t -> l + t)));
    return piece.list().ofMaxSize(20);
  }
}
