package org.smtpcr.examples.runtime;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.tokens.KeyRingFile;

/**
 * Files that hold secrets besides the key file (a database password, a configuration file that may
 * name one): the same permission rule as {@link KeyRingFile#permissionProblem} (group or others may
 * read or write it: warn, naming the file and the {@code chmod} that fixes it), and creation that
 * is atomic, flushed to the disk and readable by the owner only.
 *
 * @since 0.3.0
 */
public final class SecretFiles {
  /** Largest password file read, in bytes. */
  static final int MAX_PASSWORD_FILE = 1024;

  private static final Logger log = LoggerFactory.getLogger(SecretFiles.class);
  private static final Set<PosixFilePermission> LOOSE =
      Set.of(
          PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

  private SecretFiles() {}

  /**
   * Says what is wrong with the permissions of a file that holds a secret, in the words of {@link
   * KeyRingFile#permissionProblem}: present when group or others may read or write it. Empty on
   * file systems without POSIX permissions.
   *
   * @param file the file
   * @param what what the file is, e.g. {@code "configuration file"}
   * @return the problem, or empty
   * @throws IOException if the permissions cannot be read
   */
  public static Optional<String> permissionProblem(Path file, String what) throws IOException {
    requireNonNull(file, "file");
    requireNonNull(what, "what");
    if (!posix()) {
      return Optional.empty();
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    if (perms.stream().anyMatch(LOOSE::contains)) {
      return Optional.of(
          what
              + " "
              + file
              + " has mode "
              + PosixFilePermissions.toString(perms)
              + "; group or others can read it. Run: chmod 600 "
              + file);
    }
    return Optional.empty();
  }

  /**
   * Logs {@link #permissionProblem} at WARN, if there is one.
   *
   * @param file the file
   * @param what what the file is
   * @throws IOException if the permissions cannot be read
   */
  public static void warnIfLoose(Path file, String what) throws IOException {
    permissionProblem(file, what).ifPresent(problem -> log.warn("{}", problem));
  }

  /**
   * Reads a password from {@code file}: its first line, without the line end. Warns (as for the key
   * file) when group or others may read it.
   *
   * @param file the file
   * @param what what the file is, for messages
   * @return the password
   * @throws IllegalArgumentException if the file cannot be read, is larger than 1 KiB, or holds no
   *     password; the message never repeats the content
   */
  public static String readPassword(Path file, String what) {
    requireNonNull(file, "file");
    try {
      warnIfLoose(file, what);
      byte[] raw;
      try (InputStream in = Files.newInputStream(file)) {
        raw = in.readNBytes(MAX_PASSWORD_FILE + 1);
      }
      checkArgument(
          raw.length <= MAX_PASSWORD_FILE,
          "%s %s is larger than %s bytes",
          what,
          file,
          MAX_PASSWORD_FILE);
      String text = new String(raw, StandardCharsets.UTF_8);
      String first = text.lines().findFirst().orElse("");
      checkArgument(!first.isEmpty(), "%s %s holds no password on its first line", what, file);
      return first;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          what + " " + file + " cannot be read (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /**
   * Reads {@code file}, first creating it with {@code content} (mode 600, written to a temporary
   * file, flushed, then linked into place) when it does not exist. When two processes create it at
   * once, both read the one linked first; an existing file is never replaced.
   *
   * @param file the file
   * @param content the text of a new file
   * @return the file's text
   * @throws IOException if the file cannot be read or written
   */
  public static String readOrCreate(Path file, Supplier<String> content) throws IOException {
    requireNonNull(file, "file");
    requireNonNull(content, "content");
    if (!Files.exists(file)) {
      create(file, content.get());
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static void create(Path file, String content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp =
        posix()
            ? Files.createTempFile(
                dir,
                ".secret",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
            : Files.createTempFile(dir, ".secret", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      try {
        Files.createLink(file, tmp);
      } catch (FileAlreadyExistsException e) {
        return; // another process was first: use its file
      } catch (UnsupportedOperationException | IOException e) {
        if (Files.exists(file)) {
          return;
        }
        Files.move(tmp, file);
      }
      KeyRingFile.syncDirectory(dir);
      log.info("created {}", file);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
