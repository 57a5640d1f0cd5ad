package org.smtpcr.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.KeyRingFile;
import picocli.CommandLine.Option;

/** {@code --keys FILE}, defaulting to the key file of the default data directory. */
final class KeyOption {
  @Option(
      names = "--keys",
      paramLabel = "FILE",
      description = "The key file (default: smtpcr-data/smtpcr.keys, as the demo creates it).")
  Path keys;

  KeyRing read() throws IOException {
    Path f = keys != null ? keys : DataDirectory.DEFAULT.resolve(DataDirectory.KEY_FILE);
    if (!Files.exists(f)) {
      throw new NoSuchFileException(f + " (make one with keygen --out FILE, or run demo once)");
    }
    return KeyRingFile.read(f);
  }
}
