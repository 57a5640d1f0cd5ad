package org.smtpcr.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.smtpcr.examples.runtime.KeyRings;
import org.smtpcr.tokens.KeyRing;
import picocli.CommandLine.Option;

/**
 * {@code --keys FILE} of the long-running commands (the runtime setting {@code keyFile}),
 * defaulting to the key file in the data directory. A missing file is an error, never a reason to
 * make a new key.
 */
final class ServerKeyOption {
  @Option(
      names = "--keys",
      paramLabel = "FILE",
      description =
          "The key file that signs links and pass codes (default: smtpcr.keys in the data"
              + " directory). It must exist: make it with keygen --out FILE.")
  Path keys;

  /** The key file named, else {@code dataKeyFile}. */
  Path file(Path dataKeyFile) {
    return keys != null ? keys : dataKeyFile;
  }

  /** The ring in the key file; a missing file is an error that says how to make one. */
  KeyRing read(Path dataKeyFile) throws IOException {
    return KeyRings.readExisting(file(dataKeyFile));
  }
}
