package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.tokens.KeyFileException;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.KeyRingFile;

/**
 * Loads the key ring from its file, for every route. Messages name the file and what is wrong,
 * never key material.
 *
 * @since 0.1.0
 */
public final class KeyRings {
  private static final Logger log = LoggerFactory.getLogger(KeyRings.class);

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
   * exist. When two processes create it at once, both end up with the one that was written first; a
   * key file is never replaced.
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

  /** Writes a new ring to a temporary file and links it into place; never replaces a key file. */
  private static void create(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".new-" + ProcessHandle.current().pid());
    KeyRingFile.write(KeyRing.generate(), tmp);
    try {
      Files.createLink(file, tmp);
      log.info("created key file {}", file);
    } catch (FileAlreadyExistsException e) {
      // another process was first: use its key file
    } catch (UnsupportedOperationException | IOException e) {
      if (!Files.exists(file)) {
        Files.move(tmp, file);
        log.info("created key file {}", file);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
