package org.smtpcr.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.KeyRingFile;

final class KeygenCommandTest {
  @TempDir Path dir;

  @Test
  void keygen_newFile_writesAReadableKeyRingWithMode600() throws Exception {
    Path f = dir.resolve("k/smtpcr.keys");
    CommandRun.Result r = CommandRun.run("keygen", "--out", f.toString());
    assertEquals(0, r.exitCode(), r::toString);
    assertTrue(r.out().contains("wrote a new key ring to " + f), r::toString);
    KeyRing ring = KeyRingFile.read(f);
    assertEquals(0, ring.activeKeyId());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    assertFalse(
        r.out()
            .contains(
                KeyRingFile.format(ring)
                    .lines()
                    .filter(l -> l.startsWith("key "))
                    .findFirst()
                    .orElseThrow()
                    .substring(6)),
        "the key itself is never printed");
  }

  @Test
  void keygen_existingFile_refusesWithoutForceAndLeavesItAlone() throws Exception {
    Path f = dir.resolve("smtpcr.keys");
    assertEquals(0, CommandRun.run("keygen", "--out", f.toString()).exitCode());
    String before = Files.readString(f);
    CommandRun.Result r = CommandRun.run("keygen", "--out", f.toString());
    assertEquals(1, r.exitCode(), r::toString);
    assertTrue(r.err().contains("exists; use --force"), r::toString);
    assertEquals(before, Files.readString(f));
  }

  @Test
  void keygen_existingFileWithForce_replacesIt() throws Exception {
    Path f = dir.resolve("smtpcr.keys");
    assertEquals(0, CommandRun.run("keygen", "--out", f.toString()).exitCode());
    String before = Files.readString(f);
    CommandRun.Result r = CommandRun.run("keygen", "--out", f.toString(), "--force");
    assertEquals(0, r.exitCode(), r::toString);
    assertFalse(before.equals(Files.readString(f)));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
  }

  @Test
  void keygen_withoutOut_usageError2() {
    CommandRun.Result r = CommandRun.run("keygen");
    assertEquals(2, r.exitCode(), r::toString);
    assertTrue(r.err().contains("Missing required option: '--out=FILE'"), r::toString);
  }

  @Test
  void help_everyCommand_exits0WithUsage() {
    String[][] commands = {
      {},
      {"keygen"},
      {"token"},
      {"token", "mint"},
      {"token", "verify"},
      {"passcode"},
      {"whitelist"},
      {"whitelist", "add"},
      {"whitelist", "remove"},
      {"whitelist", "check"},
      {"whitelist", "list"},
      {"demo"},
      {"web"},
      {"smtp-server"}
    };
    for (String[] c : commands) {
      String[] args = java.util.Arrays.copyOf(c, c.length + 1);
      args[c.length] = "--help";
      CommandRun.Result r = CommandRun.run(args);
      assertEquals(0, r.exitCode(), r::toString);
      assertTrue(
          r.out().startsWith("Usage: smtpcr" + (c.length == 0 ? "" : " " + String.join(" ", c))),
          r::toString);
    }
  }

  @Test
  void version_printsTheBuildVersion() {
    CommandRun.Result r = CommandRun.run("--version");
    assertEquals(0, r.exitCode());
    assertTrue(r.out().matches("(?s)smtpcr \\d+\\.\\d+\\.\\d+.*"), r::toString);
  }

  @Test
  void noCommandOrUnknownOne_usageError2() {
    assertEquals(2, CommandRun.run().exitCode());
    CommandRun.Result r = CommandRun.run("frobnicate");
    assertEquals(2, r.exitCode(), r::toString);
    assertEquals(2, CommandRun.run("keygen", "--bogus").exitCode());
  }
}
