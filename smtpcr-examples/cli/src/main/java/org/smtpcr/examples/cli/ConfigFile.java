package org.smtpcr.examples.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.smtpcr.examples.runtime.SecretFiles;
import org.smtpcr.examples.runtime.Setting;
import org.smtpcr.examples.runtime.Settings;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.PropertiesDefaultProvider;

/**
 * Finds the configuration file for a command line: {@code --config FILE} when given (anywhere on
 * the line), else {@value DataDirectory#CONFIG_FILE} in the data directory ({@code --data DIR}, or
 * {@code smtpcr-data}) when it exists. The file is Java properties; its keys are option names
 * without dashes, for every command ({@code data=/srv/smtpcr}) or for one ({@code
 * smtpcr.demo.smtp-port=2526}). An option that is a runtime {@link Settings} setting may also be
 * given by the setting's key, as James's XML spells it ({@code trustedNetworks}, {@code
 * challengeLifetime=7d}); the option name wins over the key. Options on the command line win.
 */
final class ConfigFile {
  /** The commented file a new data directory gets. */
  static final String TEMPLATE =
      """
      # smtpcr configuration: defaults for the options of the smtpcr commands.
      # Java properties. A key is an option name without its dashes and applies to every command
      # that has the option, or is prefixed with the command ("smtpcr.demo.smtp-port") to apply to
      # one. Options given on the command line win. Lists are comma-separated.
      #
      # This file is read when it is in the data directory (--data, default ./smtpcr-data) or
      # named with --config FILE.
      #
      # store=jdbc:postgresql://db.example.com/smtpcr?user=smtpcr
      # store.passwordFile=/etc/smtpcr/db.password
      # (or store.password=..., here only: never on the command line; keep this file mode 600)
      # smtpcr.demo.smtp-port=2525
      # smtpcr.demo.http-port=8080
      # domain=example.com,example.net
      # smtpcr.smtp-server.listen=127.0.0.1:2525
      # smtpcr.smtp-server.challenge-base=https://cr.example.com/
      # smtpcr.smtp-server.trusted-network=192.0.2.0/24,2001:db8::/32
      # smtpcr.web.listen=127.0.0.1:8080
      # pow-bits=18
      # whitelist-expiry=365d
      # sweep-interval=1h
      #
      # The settings shared with James's XML may also be given by their key there:
      # trustedNetworks=192.0.2.0/24
      # challengeLifetime=7d
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

  /**
   * The default values {@code file} gives: picocli's properties lookup by option name, then, for an
   * option that is a runtime setting, the setting's key and other names.
   */
  static IDefaultValueProvider defaults(Path file) {
    Properties properties = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      // it may name a store password: the key file's rule (warn when group or others may read it)
      SecretFiles.warnIfLoose(file, "configuration file");
      properties.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PropertiesDefaultProvider byOption = new PropertiesDefaultProvider(properties);
    return new IDefaultValueProvider() {
      @Override
      public String defaultValue(ArgSpec arg) throws Exception {
        String v = byOption.defaultValue(arg);
        if (v != null || !(arg instanceof OptionSpec option)) {
          return v;
        }
        Optional<Setting<?>> setting = Settings.named(option.longestName());
        if (setting.isEmpty()) {
          return null;
        }
        String value = properties.getProperty(setting.get().key());
        for (int i = 0; value == null && i < setting.get().otherNames().size(); i++) {
          value = properties.getProperty(setting.get().otherNames().get(i));
        }
        return value;
      }
    };
  }

  /**
   * The value of {@code --name VALUE} or {@code --name=VALUE}; the last one wins, as in picocli.
   */
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
