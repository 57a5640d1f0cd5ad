package org.smtpcr.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.smtpcr.examples.runtime.KeyRings;
import org.smtpcr.tokens.KeyRing;
import picocli.CommandLine.Option;

/**
 * {@code --keys FILE} of the commands without a data directory, defaulting to the key file of the
 * data directory a configuration file names ({@code data=}), else of the default one: {@code
 * smtpcr-data}, or {@value Installation#PACKAGED_DATA} when installed as a package. {@link
 * ConfigFile#defaults} gives that default, so that the help shows it.
 */
final class KeyOption {
  @Option(
      names = "--keys",
      paramLabel = "FILE",
      description =
          "The key file (default: ${DEFAULT-VALUE}, the data directory's, where the demo or the"
              + " package creates it).")
  Path keys;

  /** The key file named, else the default data directory's (not installed as a package). */
  Path file() {
    return keys != null ? keys : DataDirectory.DEFAULT.resolve(DataDirectory.KEY_FILE);
  }

  /** The ring in the file; a missing file is an error that says how to make one. */
  KeyRing read() throws IOException {
    return KeyRings.readExisting(file());
  }
}
