package org.smtpcr.tokens;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes key rings as text. The format, version 1:
 *
 * <pre>
 * # comments and blank lines are ignored
 * smtpcr-keyring 1
 * active 0
 * key 0 6b3a55e0261b4ff3a1c2b1b2d8b0b65c1c2f0a63f6a0f1d9e0a1b2c3d4e5f607
 * key 1 …
 * </pre>
 *
 * <p>The first line that is not a comment names the format; {@code active} names the key id that
 * mints; each {@code key} line holds a key id (0..15) and the master secret in hex (at least 32
 * bytes). Lines end with LF or CRLF. A file is at most 64 KiB.
 *
 * <p>A key file is a secret: {@link #write} creates it readable by its owner only, and {@link
 * #read} logs a warning when group or others may read it ({@link #permissionProblem}). Errors name
 * the line number, never a line's content.
 *
 * @since 0.1.0
 */
public final class KeyRingFile {
  /** Largest key file accepted, in characters. */
  public static final int MAX_SIZE = 64 * 1024;

  private static final String HEADER = "smtpcr-keyring";
  private static final Logger log = LoggerFactory.getLogger(KeyRingFile.class);
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private KeyRingFile() {}

  /**
   * Reads a key ring from {@code file}, logging a warning (SLF4J, at WARN) when the file is
   * readable by group or others.
   *
   * @throws IOException if the file cannot be read
   * @throws KeyFileException if its content is not a valid key file
   */
  public static KeyRing read(Path file) throws IOException {
    requireNonNull(file, "file");
    permissionProblem(file).ifPresent(problem -> log.warn("{}", problem));
    // read at most one byte past the limit: Files.size says 0 for pipes and devices, and a file may
    // grow between a size check and the read
    byte[] raw;
    try (InputStream in = Files.newInputStream(file)) {
      raw = in.readNBytes(MAX_SIZE + 1);
    }
    try {
      if (raw.length > MAX_SIZE) {
        throw new KeyFileException("key file " + file + " is larger than " + MAX_SIZE + " bytes");
      }
      return parse(new String(raw, StandardCharsets.UTF_8));
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /**
   * Parses the text of a key file (for example one passed through an environment variable).
   *
   * @throws KeyFileException if it is not a valid key file
   */
  public static KeyRing parse(CharSequence text) {
    requireNonNull(text, "text");
    if (text.length() > MAX_SIZE) {
      throw new KeyFileException("key file text is longer than " + MAX_SIZE + " characters");
    }
    String[] lines = text.toString().split("\r?\n", -1);
    KeyRing.Builder builder = KeyRing.builder();
    boolean header = false;
    boolean anyKey = false;
    boolean active = false;
    for (int i = 0; i < lines.length; i++) {
      int lineNo = i + 1;
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("[ \t]+", -1); // stripped: no empty first or last field
      if (!header) {
        if (f.length != 2 || !f[0].equals(HEADER)) {
          throw new KeyFileException(
              "line " + lineNo + ": expected '" + HEADER + " 1' as the first line");
        }
        if (!f[1].equals("1")) {
          throw new KeyFileException("line " + lineNo + ": key file version 1 expected");
        }
        header = true;
        continue;
      }
      switch (f[0]) {
        case "active" -> {
          if (f.length != 2) {
            throw new KeyFileException("line " + lineNo + ": expected 'active KID'");
          }
          if (active) {
            throw new KeyFileException("line " + lineNo + ": 'active' given twice");
          }
          builder.active(keyId(f[1], lineNo));
          active = true;
        }
        case "key" -> {
          if (f.length != 3) {
            throw new KeyFileException("line " + lineNo + ": expected 'key KID HEX'");
          }
          int kid = keyId(f[1], lineNo);
          byte[] secret = hex(f[2], lineNo);
          try {
            builder.key(kid, MasterKey.copyOf(secret));
          } catch (IllegalStateException e) {
            throw new KeyFileException("line " + lineNo + ": key id " + kid + " given twice");
          } catch (IllegalArgumentException e) {
            throw new KeyFileException("line " + lineNo + ": " + e.getMessage());
          } finally {
            Arrays.fill(secret, (byte) 0);
          }
          anyKey = true;
        }
        default -> throw new KeyFileException("line " + lineNo + ": expected 'active' or 'key'");
      }
    }
    if (!header) {
      throw new KeyFileException("not a key file: no '" + HEADER + " 1' line");
    }
    if (!anyKey) {
      throw new KeyFileException("the key file holds no key");
    }
    if (!active) {
      throw new KeyFileException("the key file names no active key ('active KID')");
    }
    try {
      return builder.build();
    } catch (IllegalStateException e) {
      throw new KeyFileException(e.getMessage());
    }
  }

  /** The text of a key file for {@code ring}. It contains the secrets. */
  public static String format(KeyRing ring) {
    requireNonNull(ring, "ring");
    StringBuilder sb =
        new StringBuilder()
            .append(
                "# SMTPCR key ring. It is secret: keep it readable by its owner only (chmod 600).\n")
            .append(HEADER)
            .append(" 1\n")
            .append("active ")
            .append(ring.activeKeyId())
            .append('\n');
    HexFormat hex = HexFormat.of();
    for (int kid : ring.keyIds()) {
      byte[] secret = ring.key(kid).orElseThrow().copyBytes();
      try {
        sb.append("key ").append(kid).append(' ').append(hex.formatHex(secret)).append('\n');
      } finally {
        Arrays.fill(secret, (byte) 0);
      }
    }
    return sb.toString();
  }

  /**
   * Writes {@code ring} to {@code file}, replacing it atomically where the file system allows: the
   * ring goes to a temporary file in the same directory, which is flushed to the disk (fsync),
   * renamed over {@code file}, and the directory flushed too, so that after a crash the file holds
   * either the old ring or the new one. On POSIX file systems the file is created readable and
   * writable by its owner only.
   */
  public static void write(KeyRing ring, Path file) throws IOException {
    requireNonNull(ring, "ring");
    requireNonNull(file, "file");
    Path dir = file.toAbsolutePath().getParent();
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    if (posix && !Files.isDirectory(dir)) {
      // a directory made for a key file is private too
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
    Path tmp =
        posix
            ? Files.createTempFile(
                dir, ".keyring", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
            : Files.createTempFile(dir, ".keyring", ".tmp");
    try {
      byte[] text = format(ring).getBytes(StandardCharsets.UTF_8);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(text);
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        // the bytes reach the disk before the name does: a crash never leaves an empty key file
        ch.force(true);
      } finally {
        Arrays.fill(text, (byte) 0);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      syncDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Flushes a directory's entries to the disk, so that a file just renamed or linked into it
   * survives a crash. A no-op where the platform cannot open a directory (Windows).
   *
   * @param dir the directory
   * @throws IOException if the directory can be opened but not flushed
   * @since 0.3.0
   */
  public static void syncDirectory(Path dir) throws IOException {
    requireNonNull(dir, "dir");
    FileChannel ch;
    try {
      ch = FileChannel.open(dir, StandardOpenOption.READ);
    } catch (IOException | UnsupportedOperationException e) {
      return; // directories cannot be opened here; the rename is as durable as the platform makes
      // it
    }
    try (ch) {
      ch.force(true);
    }
  }

  /**
   * Says what is wrong with the permissions of a key file: present when group or others may read or
   * write it. Empty on file systems without POSIX permissions.
   */
  public static Optional<String> permissionProblem(Path file) throws IOException {
    requireNonNull(file, "file");
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return Optional.empty();
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    Set<PosixFilePermission> loose =
        Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
    if (perms.stream().anyMatch(loose::contains)) {
      return Optional.of(
          "key file "
              + file
              + " has mode "
              + PosixFilePermissions.toString(perms)
              + "; group or others can read it. Run: chmod 600 "
              + file);
    }
    return Optional.empty();
  }

  private static int keyId(String s, int lineNo) {
    if (!s.matches("[0-9]{1,2}") || Integer.parseInt(s) > KeyRing.MAX_KEY_ID) {
      throw new KeyFileException("line " + lineNo + ": key id must be 0.." + KeyRing.MAX_KEY_ID);
    }
    return Integer.parseInt(s);
  }

  private static byte[] hex(String s, int lineNo) {
    if (s.length() % 2 != 0 || !s.matches("[0-9a-fA-F]+")) {
      throw new KeyFileException(
          "line " + lineNo + ": the key must be an even number of hex digits");
    }
    return HexFormat.of().parseHex(s);
  }
}
