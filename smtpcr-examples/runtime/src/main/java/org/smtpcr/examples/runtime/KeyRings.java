package org.smtpcr.examples.runtime;

import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.tokens.KeyFileException;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.KeyRingFile;
import org.smtpcr.tokens.MasterKey;

/**
 * Loads the key ring from its file, for every route. Messages name the file and what is wrong,
 * never key material.
 *
 * @since 0.1.0
 */
public final class KeyRings {
  /** Rotations in this process take turns on it (a file lock is held per process). */
  private static final Object ROTATING = new Object();

  private static final Logger log = LoggerFactory.getLogger(KeyRings.class);

  /**
   * What a message about a missing key file adds: how to make one.
   *
   * @since 0.3.0
   */
  public static final String MISSING_HINT =
      "(make one with keygen --out FILE, or run demo once; it is never created on its own)";

  private KeyRings() {}

  /**
   * Reads the key ring from {@code file}.
   *
   * @param file the key file
   * @return the ring
   * @throws IllegalArgumentException if the file is missing, unreadable or not a key file, naming
   *     the file and the cause
   * @since 0.1.0
   */
  public static KeyRing read(Path file) {
    requireNonNull(file, "file");
    try {
      return KeyRingFile.read(file);
    } catch (KeyFileException e) {
      throw new IllegalArgumentException(
          Settings.KEY_FILE.key() + " " + file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          Settings.KEY_FILE.key()
              + " "
              + file
              + " cannot be read ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
  }

  /**
   * Reads the key ring from {@code file}, creating a new one (mode 600) when the file does not
   * exist. Only for a demonstration that runs on its own: a server uses {@link #readExisting}. When
   * two processes create it at once, both end up with the one that was written first; a key file is
   * never replaced.
   *
   * @param file the key file
   * @return the ring
   * @throws IOException if the file cannot be read or written
   * @since 0.1.0
   */
  public static KeyRing readOrCreate(Path file) throws IOException {
    requireNonNull(file, "file");
    if (!Files.exists(file)) {
      create(file);
    }
    return KeyRingFile.read(file);
  }

  /**
   * Reads the key ring from {@code file}, which must exist: a server never makes a key of its own,
   * since links signed with it would stop working for every other process (and after a restart that
   * lost the file).
   *
   * @param file the key file
   * @return the ring
   * @throws NoSuchFileException if the file does not exist, saying how to make one
   * @throws IOException if the file cannot be read
   * @throws org.smtpcr.tokens.KeyFileException if it is not a key file
   * @since 0.3.0
   */
  public static KeyRing readExisting(Path file) throws IOException {
    requireNonNull(file, "file");
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file + " " + MISSING_HINT);
    }
    return KeyRingFile.read(file);
  }

  /**
   * Adds a new random key to the ring in {@code file} and makes it the active one; the other keys
   * stay, so tokens and pass codes already sent keep verifying. The file is replaced atomically and
   * flushed to the disk (mode 600). Processes that read the file at start mint with the new key
   * once restarted; restart the challenge pages before the servers that mint links, so that no link
   * names a key a page does not know yet.
   *
   * @param file the key file, which must exist
   * @return the new ring
   * @throws NoSuchFileException if the file does not exist
   * @throws IOException if the file cannot be read or written
   * @throws IllegalStateException if all {@value KeyRing#MAX_KEY_ID} + 1 key ids are in use
   * @since 0.3.0
   */
  public static KeyRing rotate(Path file) throws IOException {
    // file locks are held per process: threads of one process take turns here first
    synchronized (ROTATING) {
      return rotateLocked(file);
    }
  }

  private static KeyRing rotateLocked(Path file) throws IOException {
    requireNonNull(file, "file");
    readExisting(file); // a missing or broken file: the same error as everywhere else
    // a symbolic link stays one: the ring is replaced where the link points
    Path target = file.toRealPath();
    Path lockFile = target.resolveSibling(target.getFileName() + ".lock");
    try (FileChannel lockChannel =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockChannel.lock()) {
      // read under the lock: a rotation running at the same time is seen, never overwritten
      checkState(lock.isValid(), "lost the lock on %s", lockFile);
      KeyRing ring = readExisting(target);
      int kid =
          ring.nextFreeKeyId()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "all "
                              + (KeyRing.MAX_KEY_ID + 1)
                              + " key ids of "
                              + file
                              + " are in use; remove a key retired longer ago than the longest"
                              + " link lifetime from the file first"));
      KeyRing rotated = ring.withKey(kid, MasterKey.generate()).withActive(kid);
      Optional<PosixFileAttributes> before = posixAttributes(target);
      KeyRingFile.write(rotated, target);
      before.ifPresent(a -> keepOwner(target, a));
      log.info(
          "rotated key file {}: key id {} is active, key ids {} verify",
          file,
          kid,
          rotated.keyIds());
      return rotated;
    }
  }

  private static Optional<PosixFileAttributes> posixAttributes(Path file) throws IOException {
    try {
      return Optional.of(Files.readAttributes(file, PosixFileAttributes.class));
    } catch (UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  /**
   * Gives the rewritten key file back to the owner and group the old one had: rotating as root must
   * not leave a file the service's own user can no longer read.
   */
  private static void keepOwner(Path file, PosixFileAttributes before) {
    try {
      PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
      PosixFileAttributes now = view.readAttributes();
      if (!now.owner().equals(before.owner())) {
        view.setOwner(before.owner());
      }
      if (!now.group().equals(before.group())) {
        view.setGroup(before.group());
      }
    } catch (IOException e) {
      log.warn(
          "the rotated key file {} could not be given back to {}:{} ({}); run: chown {}:{} {}",
          file,
          before.owner().getName(),
          before.group().getName(),
          e.getClass().getSimpleName(),
          before.owner().getName(),
          before.group().getName(),
          file);
    }
  }

  /** Writes a new ring to a temporary file and links it into place; never replaces a key file. */
  private static void create(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".new-" + ProcessHandle.current().pid());
    KeyRingFile.write(KeyRing.generate(), tmp);
    try {
      Files.createLink(file, tmp);
      KeyRingFile.syncDirectory(file.toAbsolutePath().getParent());
      log.info("created key file {}", file);
    } catch (FileAlreadyExistsException e) {
      // another process was first: use its key file
    } catch (UnsupportedOperationException | IOException e) {
      if (!Files.exists(file)) {
        Files.move(tmp, file);
        KeyRingFile.syncDirectory(file.toAbsolutePath().getParent());
        log.info("created key file {}", file);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
