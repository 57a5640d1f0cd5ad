package org.smtpcr.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --data DIR} and {@code --store JDBC_URL}, shared by the commands that use the whitelist.
 */
final class DataOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      defaultValue = "smtpcr-data",
      description =
          "Data directory: key file, whitelist database, Maildir (default: ${DEFAULT-VALUE}, created on first use).")
  Path data;

  @Option(
      names = "--store",
      paramLabel = "JDBC_URL",
      description =
          "Keep the whitelist here instead of the data directory's H2 file: jdbc:h2:... or "
              + "jdbc:postgresql://host/db?user=..&password=.. (never logged).")
  String store;

  /** The key file in the data directory, the default of {@code --keys}. */
  Path keyFile() {
    return data.resolve(DataDirectory.KEY_FILE);
  }

  /** Checks the options: a bad {@code --store} is a usage error. */
  void check() {
    if (store != null) {
      try {
        DataDirectory.checkStoreUrl(store);
      } catch (IllegalArgumentException e) {
        throw Cli.usage(spec, "--store: " + e.getMessage());
      }
    }
  }

  /** Opens the data directory, after {@link #check()}. */
  DataDirectory open() throws IOException {
    check();
    return DataDirectory.open(data, Optional.ofNullable(store));
  }
}
