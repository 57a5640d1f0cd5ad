package org.smtpcr.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.smtpcr.examples.runtime.StoreSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --data DIR} and {@code --store JDBC_URL}, shared by the commands that use the whitelist,
 * with the store's password from a file, the configuration file or the environment: never from the
 * command line, which every local user can read ({@code ps}).
 */
final class DataOptions {
  /**
   * A password parameter in a JDBC URL: PostgreSQL's {@code ?password=}, H2's {@code ;PASSWORD=}.
   */
  private static final Pattern PASSWORD_IN_URL =
      Pattern.compile("[?&;]\\s*password\\s*=", Pattern.CASE_INSENSITIVE);

  /** Where a password goes instead of the command line. */
  static final String WHERE_PASSWORDS_GO =
      "put it in a file named by --store-password-file (store.passwordFile in the configuration"
          + " file), in the configuration file as store.password, or in the environment variable "
          + StoreSpec.PASSWORD_ENVIRONMENT;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      defaultValue = "smtpcr-data",
      description =
          "Data directory: key file, whitelist database, Maildir (default: ${DEFAULT-VALUE},"
              + " created on first use).")
  Path data; // the default: ConfigFile.defaults gives the installation's

  @Option(
      names = "--store",
      paramLabel = "JDBC_URL",
      description =
          "Keep the whitelist here instead of the data directory's H2 file: jdbc:h2:... or "
              + "jdbc:postgresql://host/db?user=.. (never logged; no password here, see "
              + "--store-password-file).")
  String store;

  @Option(
      names = "--store-password-file",
      paramLabel = "FILE",
      description =
          "A file whose first line is the --store database's password (mode 600). Or set"
              + " store.password in the configuration file, or "
              + StoreSpec.PASSWORD_ENVIRONMENT
              + " in the environment.")
  String storePasswordFile;

  @Option(
      names = "--store-cache",
      paramLabel = "auto|on|off",
      description =
          "The near cache in front of the whitelist store (servers): auto (default) is on for"
              + " PostgreSQL, which tells every server of a change through LISTEN/NOTIFY, and off"
              + " for H2; on for H2 reuses an answer for up to --store-cache-ttl.")
  String storeCache;

  @Option(
      names = "--store-cache-size",
      paramLabel = "N",
      description = "The most look-ups the near cache keeps (default 10000).")
  String storeCacheSize;

  @Option(
      names = "--store-cache-ttl",
      paramLabel = "DURATION",
      description =
          "The longest the near cache reuses an answer (default 1m; on H2 with --store-cache on,"
              + " how long a change made by another process may go unseen).")
  String storeCacheTtl;

  @Option(
      names = "--store-cache-filter-keys",
      paramLabel = "N",
      description =
          "The most keys in the near cache's key filter, which answers a sender the store does"
              + " not hold without asking it (PostgreSQL; default 1000000, about 1.8 MB; 0 for"
              + " none; a larger store gets none).")
  String storeCacheFilterKeys;

  /** Only for the configuration file ({@code store.password}); refused on the command line. */
  @Option(names = "--store-password", paramLabel = "PASSWORD", hidden = true)
  String storePassword;

  /** The key file in the data directory, the default of {@code --keys}. */
  Path keyFile() {
    return data.resolve(DataDirectory.KEY_FILE);
  }

  /**
   * Checks the options: a bad {@code --store}, or a password on the command line, is a usage error.
   */
  void check() {
    if (onCommandLine("--store-password")) {
      throw Cli.usage(
          spec,
          "--store-password: a password on the command line is visible to every local user; "
              + WHERE_PASSWORDS_GO);
    }
    if (store != null) {
      try {
        DataDirectory.checkStoreUrl(store);
      } catch (IllegalArgumentException e) {
        throw Cli.usage(spec, "--store: " + e.getMessage());
      }
    }
    try {
      StoreSpec.parse(
          name ->
              name.equals(StoreSpec.URL)
                  ? Optional.of("jdbc:h2:mem:check")
                  : Optional.ofNullable(storeSettings().get(name)),
          name -> Optional.empty());
    } catch (IllegalArgumentException e) {
      throw Cli.usage(spec, e.getMessage());
    }
    if (store != null) {
      if (onCommandLine("--store") && PASSWORD_IN_URL.matcher(store).find()) {
        throw Cli.usage(
            spec,
            "--store: a password in the URL on the command line is visible to every local user;"
                + " leave it out and "
                + WHERE_PASSWORDS_GO);
      }
    }
  }

  /** Opens the data directory, after {@link #check()}. */
  DataDirectory open() throws IOException {
    check();
    return DataDirectory.open(
        data,
        Optional.ofNullable(store),
        Optional.ofNullable(storePassword),
        Optional.ofNullable(storePasswordFile),
        storeSettings());
  }

  /** The near cache's settings that were given, by their {@link StoreSpec} names. */
  Map<String, String> storeSettings() {
    Map<String, String> m = new HashMap<>();
    if (storeCache != null) {
      m.put(StoreSpec.CACHE, storeCache);
    }
    if (storeCacheSize != null) {
      m.put(StoreSpec.CACHE_SIZE, storeCacheSize);
    }
    if (storeCacheTtl != null) {
      m.put(StoreSpec.CACHE_TTL, storeCacheTtl);
    }
    if (storeCacheFilterKeys != null) {
      m.put(StoreSpec.CACHE_FILTER_KEYS, storeCacheFilterKeys);
    }
    return m;
  }

  /** Whether {@code option} was given on the command line (not by the configuration file). */
  private boolean onCommandLine(String option) {
    var parsed = spec.commandLine().getParseResult();
    return parsed != null && parsed.hasMatchedOption(option);
  }
}
