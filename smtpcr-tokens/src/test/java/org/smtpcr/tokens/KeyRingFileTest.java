package org.smtpcr.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Key files: format, round trips, permissions, size limit and error messages. */
final class KeyRingFileTest {
  private static final String HEX_A = HexFormat.of().formatHex(TokenVectorGenerator.key("k0"));
  private static final String HEX_B = HexFormat.of().formatHex(TokenVectorGenerator.key("k15"));

  @TempDir Path dir;

  private static KeyRing twoKeys() {
    return KeyRing.builder()
        .key(4, MasterKey.copyOf(TokenVectorGenerator.key("k0")))
        .key(11, MasterKey.copyOf(TokenVectorGenerator.key("long-k11")))
        .active(11)
        .build();
  }

  // ---------------------------------------------------------------- round trips

  @Test
  void formatThenParse_roundTripsKeysAndActiveId() {
    KeyRing ring = twoKeys();
    KeyRing back = KeyRingFile.parse(KeyRingFile.format(ring));
    assertSameRing(ring, back);
  }

  @Test
  void writeThenRead_roundTrips() throws IOException {
    KeyRing ring = twoKeys();
    Path file = dir.resolve("sub/dir/keys");
    KeyRingFile.write(ring, file);
    assertSameRing(ring, KeyRingFile.read(file));
    try (var files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList(), "no temporary file left behind");
    }
  }

  @Test
  void write_createsMode600() throws IOException {
    assumePosix();
    Path file = dir.resolve("keys");
    KeyRingFile.write(twoKeys(), file);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(Optional.empty(), KeyRingFile.permissionProblem(file));
  }

  @Test
  void write_overAnExisting644File_leavesMode600() throws IOException {
    assumePosix();
    Path file = dir.resolve("keys");
    Files.writeString(file, "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    KeyRingFile.write(KeyRing.of(MasterKey.generate()), file);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void parse_commentsBlankLinesTabsAndCrlf_areAccepted() {
    String text =
        "# a comment\r\n\r\n   \r\nsmtpcr-keyring\t1\r\n  # indented comment\r\nactive 7\r\n"
            + "key\t7\t"
            + HEX_A.toUpperCase(java.util.Locale.ROOT)
            + "  \r\n";
    KeyRing ring = KeyRingFile.parse(text);
    assertEquals(7, ring.activeKeyId());
    assertTrue(ring.activeKey().sameKeyAs(MasterKey.copyOf(TokenVectorGenerator.key("k0"))));
  }

  @Test
  void parse_keyLongerThan32Bytes_isKept() {
    String hex = HexFormat.of().formatHex(TokenVectorGenerator.key("long-k11"));
    KeyRing ring = KeyRingFile.parse("smtpcr-keyring 1\nkey 0 " + hex + "\nactive 0\n");
    assertEquals(64, ring.activeKey().length());
  }

  @Test
  void format_startsWithAWarningCommentAndHeader() {
    List<String> lines = KeyRingFile.format(twoKeys()).lines().toList();
    assertTrue(lines.get(0).startsWith("#"));
    assertEquals("smtpcr-keyring 1", lines.get(1));
    assertEquals("active 11", lines.get(2));
    assertTrue(lines.get(3).startsWith("key 4 "));
    assertTrue(lines.get(4).startsWith("key 11 "));
  }

  // ---------------------------------------------------------------- permissions

  @Test
  void permissionProblem_644File_isReported_600IsNot() throws IOException {
    assumePosix();
    Path file = dir.resolve("keys");
    Files.writeString(file, KeyRingFile.format(twoKeys()));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    String problem = KeyRingFile.permissionProblem(file).orElseThrow();
    assertTrue(problem.contains("rw-r--r--") && problem.contains("chmod 600"), problem);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertEquals(Optional.empty(), KeyRingFile.permissionProblem(file));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    assertEquals(Optional.empty(), KeyRingFile.permissionProblem(file));
  }

  @ParameterizedTest
  @CsvSource({
    "rw-r-----, true",
    "rw--w----, true",
    "rw----r--, true",
    "rw-----w-, true",
    "rwx------, false",
    "rw------x, false"
  })
  void permissionProblem_groupOrOthersReadOrWrite_isReported(String mode, boolean reported)
      throws IOException {
    assumePosix();
    Path file = dir.resolve("keys");
    Files.writeString(file, "x");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    assertEquals(reported, KeyRingFile.permissionProblem(file).isPresent(), mode);
  }

  @Test
  void read_644File_logsOneWarningAndStillReads() throws IOException {
    assumePosix();
    Path file = dir.resolve("keys");
    KeyRingFile.write(twoKeys(), file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    try (CapturedLog log = CapturedLog.of(KeyRingFile.class)) {
      assertSameRing(twoKeys(), KeyRingFile.read(file));
      assertEquals(1, log.records().size(), log.text());
      assertEquals("WARN", log.records().get(0).level());
      assertTrue(log.text().contains("chmod 600"), log.text());
    }
  }

  @Test
  void read_600File_logsNothing() throws IOException {
    assumePosix();
    Path file = dir.resolve("keys");
    KeyRingFile.write(twoKeys(), file);
    try (CapturedLog log = CapturedLog.of(KeyRingFile.class)) {
      KeyRingFile.read(file);
      assertEquals("", log.text());
    }
  }

  // ---------------------------------------------------------------- errors

  @ParameterizedTest(name = "[{index}] line {1}: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "nonsense 1\\nactive 0\\nkey 0 HEXA                         | 1 | first line",
        "# c\\n\\nsmtpcr-keyring 2\\nactive 0\\nkey 0 HEXA               | 3 | version",
        "smtpcr-keyring\\nactive 0\\nkey 0 HEXA                        | 1 | header without version",
        "smtpcr-keyring 1 x\\nactive 0\\nkey 0 HEXA                    | 1 | header with extra field",
        "smtpcr-keyring 1\\nactive 0\\nkey 0 HEXA\\nactive 0             | 4 | active twice",
        "smtpcr-keyring 1\\nactive\\nkey 0 HEXA                        | 2 | active without kid",
        "smtpcr-keyring 1\\nactive 0 1\\nkey 0 HEXA                    | 2 | active with two kids",
        "smtpcr-keyring 1\\nactive 16\\nkey 0 HEXA                     | 2 | kid 16",
        "smtpcr-keyring 1\\nactive -1\\nkey 0 HEXA                     | 2 | kid -1",
        "smtpcr-keyring 1\\nactive x\\nkey 0 HEXA                      | 2 | kid not a number",
        "smtpcr-keyring 1\\nactive 0\\nkey 0                           | 3 | key without secret",
        "smtpcr-keyring 1\\nactive 0\\nkey 0 HEXA extra                | 3 | key with extra field",
        "smtpcr-keyring 1\\nactive 0\\nkey 123 HEXA                    | 3 | kid 123",
        "smtpcr-keyring 1\\nactive 0\\nkey 0 HEXAg                     | 3 | non-hex digit",
        "smtpcr-keyring 1\\nactive 0\\nkey 0 HEXA0                     | 3 | odd number of hex digits",
        "smtpcr-keyring 1\\nactive 0\\nkey 0 0x00                      | 3 | 0x prefix",
        "smtpcr-keyring 1\\nactive 0\\nkey 0 HEXA\\nkey 0 HEXB           | 4 | kid twice",
        "smtpcr-keyring 1\\nactive 0\\nkey 0 SHORT                     | 3 | 31-byte secret",
        "smtpcr-keyring 1\\nactive 0\\nkey 0 HEXA\\nsecret 1 HEXB        | 4 | unknown directive",
        "smtpcr-keyring 1\\nactive 0\\nKEY 0 HEXA                      | 3 | directive in capitals"
      })
  void parse_malformedLine_throwsKeyFileExceptionWithTheLineNumber(
      String text, int line, String what) {
    String file =
        text.replace("\\n", "\n")
            .replace("HEXA", HEX_A)
            .replace("HEXB", HEX_B)
            .replace("SHORT", HEX_A.substring(0, 62));
    KeyFileException e = assertThrows(KeyFileException.class, () -> KeyRingFile.parse(file));
    assertTrue(e.getMessage().startsWith("line " + line + ":"), what + ": " + e.getMessage());
  }

  @Test
  void parse_secretShorterThan32Bytes_isRefused() {
    KeyFileException e =
        assertThrows(
            KeyFileException.class,
            () -> KeyRingFile.parse("smtpcr-keyring 1\nactive 0\nkey 0 " + "ab".repeat(31) + "\n"));
    assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("32"), e.getMessage());
    assertFalse(e.getMessage().contains("abab"), e.getMessage());
  }

  @Test
  void parse_noHeaderNoKeyNoActive_throwKeyFileException() {
    assertThrows(KeyFileException.class, () -> KeyRingFile.parse(""));
    assertThrows(KeyFileException.class, () -> KeyRingFile.parse("# only a comment\n"));
    assertThrows(KeyFileException.class, () -> KeyRingFile.parse("smtpcr-keyring 1\n"));
    assertThrows(KeyFileException.class, () -> KeyRingFile.parse("smtpcr-keyring 1\nactive 0\n"));
    assertThrows(
        KeyFileException.class, () -> KeyRingFile.parse("smtpcr-keyring 1\nkey 0 " + HEX_A + "\n"));
    KeyFileException e =
        assertThrows(
            KeyFileException.class,
            () -> KeyRingFile.parse("smtpcr-keyring 1\nactive 1\nkey 0 " + HEX_A + "\n"));
    assertTrue(e.getMessage().contains("1"), e.getMessage());
  }

  @Test
  void parse_textOf64KiB_isAccepted_oneMoreCharacterIsRefused() {
    String body = "smtpcr-keyring 1\nactive 0\nkey 0 " + HEX_A + "\n# ";
    String exact = body + "x".repeat(KeyRingFile.MAX_SIZE - body.length());
    assertEquals(KeyRingFile.MAX_SIZE, exact.length());
    KeyRingFile.parse(exact);
    assertThrows(KeyFileException.class, () -> KeyRingFile.parse(exact + "x"));
  }

  @Test
  void read_fileOver64KiB_isRefused() throws IOException {
    Path file = dir.resolve("big");
    String body = "smtpcr-keyring 1\nactive 0\nkey 0 " + HEX_A + "\n# ";
    Files.writeString(file, body + "x".repeat(KeyRingFile.MAX_SIZE - body.length()));
    ownerOnly(file);
    KeyRingFile.read(file);
    Files.writeString(file, "x", java.nio.file.StandardOpenOption.APPEND);
    assertThrows(KeyFileException.class, () -> KeyRingFile.read(file));
  }

  @Test
  void read_endlessDevice_isRefusedWithoutReadingItAll() {
    Path zero = Path.of("/dev/zero");
    assumeTrue(Files.isReadable(zero), "needs /dev/zero");
    try (CapturedLog log = CapturedLog.of(KeyRingFile.class)) {
      assertThrows(KeyFileException.class, () -> KeyRingFile.read(zero));
      assertTrue(log.records().size() <= 1);
    }
  }

  @Test
  void read_missingFile_throwsIOException() {
    assertThrows(IOException.class, () -> KeyRingFile.read(dir.resolve("absent")));
  }

  @Test
  void read_invalidUtf8_isAKeyFileException() throws IOException {
    Path file = dir.resolve("keys");
    Files.write(
        file,
        ("smtpcr-keyring 1\nactive 0\nkey 0 " + HEX_A + "\n# \u00ff")
            .getBytes(StandardCharsets.ISO_8859_1));
    ownerOnly(file);
    KeyRingFile.read(file); // a stray byte in a comment is harmless
    Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 's'});
    assertThrows(KeyFileException.class, () -> KeyRingFile.read(file));
  }

  private static void assertSameRing(KeyRing expected, KeyRing actual) {
    assertEquals(expected.keyIds(), actual.keyIds());
    assertEquals(expected.activeKeyId(), actual.activeKeyId());
    for (int kid : expected.keyIds()) {
      assertTrue(
          expected.key(kid).orElseThrow().sameKeyAs(actual.key(kid).orElseThrow()), "kid " + kid);
    }
  }

  private static void ownerOnly(Path file) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }

  private static void assumePosix() {
    assumeTrue(
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "POSIX file system");
  }
}
