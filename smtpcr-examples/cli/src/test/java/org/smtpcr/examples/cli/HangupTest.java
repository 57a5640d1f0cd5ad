package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Telling whether SIGHUP was ignored when the process started (nohup), from /proc/PID/status. */
final class HangupTest {
  @TempDir Path dir;

  private Path status(String sigIgn) throws Exception {
    return Files.writeString(
        dir.resolve("status"),
        "Name:\tjava\nSigBlk:\t0000000000000000\nSigIgn:\t" + sigIgn + "\nSigCgt:\t0\n");
  }

  @Test
  void ignoredAtStart_bit0Set_isTrue() throws Exception {
    assertTrue(Hangup.ignoredAtStart(status("0000000000000001")), "nohup");
    assertTrue(Hangup.ignoredAtStart(status("0000000000001005")));
  }

  @Test
  void ignoredAtStart_bit0Clear_isFalse() throws Exception {
    assertFalse(Hangup.ignoredAtStart(status("0000000000001000")), "SIGPIPE only");
    assertFalse(Hangup.ignoredAtStart(status("0000000000000000")));
  }

  @Test
  void ignoredAtStart_noFileOrGarbage_isFalse() throws Exception {
    assertFalse(Hangup.ignoredAtStart(dir.resolve("missing")));
    assertFalse(Hangup.ignoredAtStart(status("zz")));
    assertFalse(Hangup.ignoredAtStart(status("")));
    assertFalse(Hangup.ignoredAtStart(status("1".repeat(40))), "longer than a 64-bit mask");
  }

  @Test
  void ignoredAtStart_thisTestProcess_matchesItsOwnStatus() throws Exception {
    Path self = Path.of("/proc/self/status");
    String line =
        Files.readAllLines(self).stream().filter(l -> l.startsWith("SigIgn:")).findFirst().get();
    boolean bit0 = (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 1L) != 0;
    assertTrue(Hangup.ignoredAtStart(self) == bit0, line);
  }
}
