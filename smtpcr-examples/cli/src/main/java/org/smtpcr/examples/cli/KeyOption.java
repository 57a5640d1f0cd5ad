package org.smtpcr.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.smtpcr.examples.runtime.KeyRings;
import org.smtpcr.tokens.KeyRing;
import picocli.CommandLine.Option;

/** {@code --keys FILE}, defaulting to the key file of the default data directory. */
final class KeyOption {
  @Option(
      names = "--keys",
      paramLabel = "FILE",
      description = "The key file (default: smtpcr-data/smtpcr.keys, as the demo creates it).")
  Path keys;

  /** The key file named, else the default data directory's. */
  Path file() {
    return keys != null ? keys : DataDirectory.DEFAULT.resolve(DataDirectory.KEY_FILE);
  }

  /** The ring in the file; a missing file is an error that says how to make one. */
  KeyRing read() throws IOException {
    return KeyRings.readExisting(file());
  }
}
