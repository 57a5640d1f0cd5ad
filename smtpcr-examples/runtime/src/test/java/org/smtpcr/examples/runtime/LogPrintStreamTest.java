package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

final class LogPrintStreamTest {
  private static final Clock NOON_IN_BERLIN =
      Clock.fixed(Instant.parse("2026-12-06T11:02:03.456Z"), ZoneId.of("Europe/Berlin"));

  private static String journal(String text) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    LogPrintStream err = LogPrintStream.journal(sink, StandardCharsets.UTF_8);
    err.print(text);
    return sink.toString(StandardCharsets.UTF_8);
  }

  @Test
  void journal_linesGetTheirLevelsPriority_andAStackTraceTheLineBefore() {
    assertEquals(
        """
        <6>[INFO] DecisionLog - action=challenge rule=default
        <4>20:01:02 [WARN] PolicyDecider - store failed
        <4>java.io.IOException: gone
        <4>\tat x.y(Z.java:1)
        <3>[ERROR] Lifecycle - stopped
        <7>[DEBUG] DecisionEngine - decision
        <7>[TRACE] DecisionEngine - rule
        <6>INFO Foo - without brackets
        <4>[main thread] WARN org.x.Y - with the thread
        <4>the rest - of a message
        """,
        journal(
            """
            [INFO] DecisionLog - action=challenge rule=default
            20:01:02 [WARN] PolicyDecider - store failed
            java.io.IOException: gone
            \tat x.y(Z.java:1)
            [ERROR] Lifecycle - stopped
            [DEBUG] DecisionEngine - decision
            [TRACE] DecisionEngine - rule
            INFO Foo - without brackets
            [main thread] WARN org.x.Y - with the thread
            the rest - of a message
            """));
  }

  @Test
  void journal_aLineWithoutLevelFirst_isAnError_andALevelInTheMessageIsNotOne() {
    assertEquals(
        """
        <3>smtpcr: the configuration file x does not exist
        <6>[INFO] P - h="[ERROR] x"
        <6>[INFO]x - a level glued to a word is none
        <6>[ERROR] without a dash is a line without a level
        """,
        journal(
            """
            smtpcr: the configuration file x does not exist
            [INFO] P - h="[ERROR] x"
            [INFO]x - a level glued to a word is none
            [ERROR] without a dash is a line without a level
            """));
  }

  @Test
  void journal_printlnOfSeveralLines_eachLineItsPrefix() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    LogPrintStream err = LogPrintStream.journal(sink, StandardCharsets.UTF_8);
    err.println("[WARN] X - first\nsecond");
    err.println(new IOException("gone"));
    assertEquals(
        "<4>[WARN] X - first\n<4>second\n<4>java.io.IOException: gone\n",
        sink.toString(StandardCharsets.UTF_8));
  }

  @Test
  void timeStamped_logLinesGetTheTimeInTheClocksZone_otherLinesNot() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    LogPrintStream err = LogPrintStream.timeStamped(sink, StandardCharsets.UTF_8, NOON_IN_BERLIN);
    err.println("[INFO] DecisionLog - action=accept sender=jörg@example.org");
    err.println("java.io.IOException: gone");
    err.println("\tat x.y(Z.java:1)");
    err.printf("[WARN] %s - %d%n", "Lifecycle", 42);
    assertEquals(
        """
        12:02:03 [INFO] DecisionLog - action=accept sender=jörg@example.org
        java.io.IOException: gone
        \tat x.y(Z.java:1)
        12:02:03 [WARN] Lifecycle - 42
        """,
        sink.toString(StandardCharsets.UTF_8));
  }

  @Test
  void timeStamped_theStampFollowsTheClockFromSecondToSecond() {
    MovingClock clock = new MovingClock(Instant.parse("2026-12-06T23:59:59.900Z"));
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    LogPrintStream err = LogPrintStream.timeStamped(sink, StandardCharsets.UTF_8, clock);
    err.println("[INFO] A - one");
    clock.advance(java.time.Duration.ofMillis(99));
    err.println("[INFO] A - two");
    clock.advance(java.time.Duration.ofMillis(1));
    err.println("[INFO] A - three");
    assertEquals(
        "23:59:59 [INFO] A - one\n23:59:59 [INFO] A - two\n00:00:00 [INFO] A - three\n",
        sink.toString(StandardCharsets.UTF_8));
  }

  @Test
  void plain_linesAsTheyAre() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    LogPrintStream err = LogPrintStream.plain(sink, StandardCharsets.UTF_8);
    err.println("[INFO] A - one");
    err.print("two");
    err.println();
    err.println("");
    err.print("three\n\n");
    assertEquals("[INFO] A - one\ntwo\n\nthree\n\n", sink.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aLineIsWrittenOnlyWhenItEnds_orAtEndLine_inOneWriteWithItsPrefix() {
    List<String> writes = new ArrayList<>();
    OutputStream target =
        new OutputStream() {
          @Override
          public void write(int b) {
            writes.add(String.valueOf((char) b));
          }

          @Override
          public void write(byte[] b, int off, int len) {
            writes.add(new String(b, off, len, StandardCharsets.UTF_8));
          }
        };
    LogPrintStream err = LogPrintStream.journal(target, StandardCharsets.UTF_8);
    err.print("[INFO] A ");
    err.print("- half");
    err.flush();
    assertEquals(List.of(), writes);
    err.println(" and the rest");
    err.print("last words");
    err.endLine();
    err.endLine();
    assertEquals(List.of("<6>[INFO] A - half and the rest\n", "<6>last words\n"), writes);
  }

  @Test
  void aLineWithoutEnd_isWrittenInPartsOfMaxLine() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    LogPrintStream err = LogPrintStream.plain(sink, StandardCharsets.UTF_8);
    byte[] a = "a".repeat(LogPrintStream.MAX_LINE + 10).getBytes(StandardCharsets.US_ASCII);
    err.write(a, 0, a.length);
    for (int i = 0; i < 5; i++) {
      err.write('b');
    }
    err.println("c".repeat(LogPrintStream.MAX_LINE));
    String[] lines = sink.toString(StandardCharsets.US_ASCII).split("\n", -1);
    assertEquals(4, lines.length, "three lines and nothing after the last end");
    assertEquals("a".repeat(LogPrintStream.MAX_LINE), lines[0]);
    assertEquals("a".repeat(10) + "bbbbb" + "c".repeat(LogPrintStream.MAX_LINE - 15), lines[1]);
    assertEquals("c".repeat(15), lines[2]);
    assertEquals("", lines[3]);
  }

  @Test
  void writeOfAnInt_takesItsLowByte_andAFullLineEndsBeforeTheNextByte() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    LogPrintStream err = LogPrintStream.journal(sink, StandardCharsets.UTF_8);
    err.write('a');
    err.write(0x10A); // as PrintStream: the low byte, 0x0A, a line end
    err.write(0x141); // 'A'
    err.println();
    byte[] full = "b".repeat(LogPrintStream.MAX_LINE).getBytes(StandardCharsets.US_ASCII);
    err.write(full, 0, full.length);
    err.write('\n');
    err.write('c');
    err.close();
    String[] lines = sink.toString(StandardCharsets.US_ASCII).split("\n", -1);
    assertEquals("<3>a", lines[0]);
    assertEquals("<3>A", lines[1]);
    assertEquals("<3>" + "b".repeat(LogPrintStream.MAX_LINE), lines[2], "no blank line after it");
    assertEquals("<3>c", lines[3], "close writes the unfinished line");
    assertEquals("", lines[4]);
    assertEquals(5, lines.length);
  }

  @Test
  void writeOutAtExit_refusesAStreamItDoesNotWriteTo() {
    BackgroundOutputStream other =
        BackgroundOutputStream.start(new ByteArrayOutputStream(), "test-log");
    try {
      LogPrintStream err =
          LogPrintStream.plain(new ByteArrayOutputStream(), StandardCharsets.UTF_8);
      IllegalArgumentException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalArgumentException.class, () -> err.writeOutAtExit(other));
      assertTrue(e.getMessage().contains("does not write to"), e.getMessage());
    } finally {
      other.close();
    }
  }

  @Test
  void aTargetThatFails_isAnError_likeAPrintStreams() {
    OutputStream broken =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("disk full");
          }
        };
    LogPrintStream err = LogPrintStream.timeStamped(broken, StandardCharsets.UTF_8, NOON_IN_BERLIN);
    assertFalse(err.checkError());
    err.println("[INFO] A - lost");
    assertTrue(err.checkError());
  }

  @Test
  void linesOfManyThreads_neverMix() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    LogPrintStream err = LogPrintStream.journal(sink, StandardCharsets.UTF_8);
    int threads = 8;
    int lines = 2_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread th =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < lines; i++) {
                  if (i % 3 == 0) {
                    // a line in pieces, as a stack trace or printf writes it
                    err.printf("[WARN] T%d - line %d%n", id, i);
                  } else {
                    err.println("[INFO] T" + id + " - line " + i);
                  }
                }
              });
      th.start();
      all.add(th);
    }
    start.countDown();
    for (Thread th : all) {
      th.join();
    }
    Set<String> seen = new HashSet<>();
    for (String line : sink.toString(StandardCharsets.UTF_8).split("\n")) {
      assertTrue(line.matches("<[46]>\\[(INFO|WARN)\\] T\\d - line \\d+"), line);
      assertTrue(seen.add(line.substring(3)), "twice: " + line);
    }
    assertEquals(threads * lines, seen.size());
  }
}
