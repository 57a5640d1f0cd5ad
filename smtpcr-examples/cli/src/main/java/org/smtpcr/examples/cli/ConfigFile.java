package org.smtpcr.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds the configuration file for a command line: {@code --config FILE} when given (anywhere on
 * the line), else {@value DataDirectory#CONFIG_FILE} in the data directory ({@code --data DIR}, or
 * {@code smtpcr-data}) when it exists. The file is Java properties; its keys are option names
 * without dashes, for every command ({@code data=/srv/smtpcr}) or for one
 * ({@code smtpcr.demo.smtp-port=2526}). Options on the command line win.
 */
final class ConfigFile {
  /** The commented file a new data directory gets. */
  static final String TEMPLATE = """
      # smtpcr configuration: defaults for the options of the smtpcr commands.
      # Java properties. A key is an option name without its dashes and applies to every command
      # that has the option, or is prefixed with the command ("smtpcr.demo.smtp-port") to apply to
      # one. Options given on the command line win. Lists are comma-separated.
      #
      # This file is read when it is in the data directory (--data, default ./smtpcr-data) or
      # named with --config FILE.
      #
      # store=jdbc:postgresql://db.example.com/smtpcr?user=smtpcr&password=secret
      # smtpcr.demo.smtp-port=2525
      # smtpcr.demo.http-port=8080
      # domain=example.com,example.net
      # smtpcr.smtp-server.listen=127.0.0.1:2525
      # smtpcr.smtp-server.challenge-base=https://cr.example.com/
      # smtpcr.smtp-server.trusted-network=192.0.2.0/24,2001:db8::/32
      # smtpcr.web.listen=127.0.0.1:8080
      # pow-bits=18
      # whitelist-expiry=365d
      """;

  private ConfigFile() {}

  /**
   * The configuration file for {@code args}.
   *
   * @return the explicit {@code --config} file (whether or not it exists), or the data directory's
   *     file when it exists, or empty
   */
  static Optional<Path> locate(List<String> args) {
    Optional<String> explicit = optionValue(args, "--config");
    if (explicit.isPresent()) {
      return Optional.of(Path.of(explicit.get()));
    }
    Path dir = optionValue(args, "--data").map(Path::of).orElse(DataDirectory.DEFAULT);
    Path f = dir.resolve(DataDirectory.CONFIG_FILE);
    return Files.isRegularFile(f) ? Optional.of(f) : Optional.empty();
  }

  /** The value of {@code --name VALUE} or {@code --name=VALUE}; the last one wins, as in picocli. */
  private static Optional<String> optionValue(List<String> args, String name) {
    Optional<String> found = Optional.empty();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--")) {
        break;
      }
      if (a.equals(name) && i + 1 < args.size()) {
        found = Optional.of(args.get(++i));
      } else if (a.startsWith(name + "=")) {
        found = Optional.of(a.substring(name.length() + 1));
      }
    }
    return found;
  }
}
