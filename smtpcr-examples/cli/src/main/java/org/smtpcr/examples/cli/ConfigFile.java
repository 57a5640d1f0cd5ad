package org.smtpcr.examples.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.examples.runtime.SecretFiles;
import org.smtpcr.examples.runtime.Setting;
import org.smtpcr.examples.runtime.Settings;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.PropertiesDefaultProvider;

/**
 * Finds and reads the configuration files of a command line. They give option defaults, applied in
 * this order, a later one winning key by key, and options on the command line win over all:
 *
 * <ol>
 *   <li>the system-wide file, {@value Installation#SYSTEM_CONFIG} (or the file the system property
 *       {@value Installation#SYSTEM_CONFIG_PROPERTY} names), when it exists; every command reads it
 *       but {@code demo}, the self-contained try-out;
 *   <li>{@code --config FILE} when given (anywhere on the line), else {@value
 *       DataDirectory#CONFIG_FILE} in the data directory when it exists: the directory {@code
 *       --data DIR} names, else the one the system-wide file names ({@code data=}), else the
 *       default.
 * </ol>
 *
 * <p>A file is Java properties; its keys are option names without dashes, for every command ({@code
 * data=/srv/smtpcr}) or for one ({@code smtpcr.demo.smtp-port=2526}). An option that is a runtime
 * {@link Settings} setting may also be given by the setting's key, as James's XML spells it ({@code
 * trustedNetworks}, {@code challengeLifetime=7d}); in one file, the option name wins over the key.
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
      # Every command but demo first reads /etc/smtpcr/smtpcr.properties when it exists; then
      # this file, when it is in the data directory (--data, default ./smtpcr-data, or
      # /var/lib/smtpcr when installed as a package) or named with --config FILE. A key here wins
      # over the same key there; options on the command line win over both.
      #
      # store=jdbc:postgresql://db.example.com/smtpcr?user=smtpcr
      # store.passwordFile=/etc/smtpcr/db.password
      # (or store.password=..., here only: never on the command line; keep this file mode 600)
      # The near cache's key filter on PostgreSQL (about 1.8 MB per million keys; 0 turns it off):
      # store.cacheFilterKeys=1000000
      # smtpcr.demo.smtp-port=2525
      # smtpcr.demo.http-port=8080
      # domain=example.com,example.net
      # smtpcr.smtp-server.listen=127.0.0.1:2525
      # The challenge page's public address, for the links in replies: smtp-server and
      # policy-server refuse to start without it (unless policy-server --with-web serves the page
      # on loopback, for a test on this machine).
      # challenge-base=https://cr.example.com/
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

  private static final Logger log = LoggerFactory.getLogger(ConfigFile.class);

  private ConfigFile() {}

  /**
   * The file {@code --config FILE} names (anywhere on the line), whether or not it exists.
   *
   * @return the file, or empty when the option is not given
   */
  static Optional<Path> explicit(List<String> args) {
    return optionValue(args, "--config").map(Path::of);
  }

  /**
   * The configuration files of a command line, in the order they apply (a later one wins, key by
   * key): the system-wide file when it exists and the command reads it; then the {@code --config}
   * file, or else the data directory's file when it exists. The data directory is the one {@code
   * --data} names, else the one the system-wide file names, else the installation's default.
   *
   * @param command the subcommand's names below the root ({@code whitelist add}), as {@link
   *     #commandPath} finds them
   * @return the files, each a regular file except an explicit {@code --config} one
   * @throws UncheckedIOException if the system-wide file exists and cannot be read
   */
  static List<Path> locate(List<String> args, List<String> command, Installation installation) {
    List<Path> files = new ArrayList<>();
    Optional<Properties> system = Optional.empty();
    String top = command.isEmpty() ? "" : command.get(0);
    Path systemFile = installation.systemConfig();
    if (installation.readsSystemConfig(top)
        && !Files.notExists(systemFile)
        && readable(systemFile, Files.isReadable(systemFile), top)) {
      files.add(installation.systemConfig());
      system = Optional.of(load(installation.systemConfig(), true));
    }
    Optional<Path> explicit = explicit(args);
    if (explicit.isPresent()) {
      files.add(explicit.get());
      return files;
    }
    Optional<Properties> s = system;
    Path dir =
        optionValue(args, "--data")
            .or(() -> s.flatMap(p -> lookup(p, command, "data")))
            .map(Path::of)
            .orElse(installation.dataDirectory(top));
    Path f = dir.resolve(DataDirectory.CONFIG_FILE);
    if (Files.isRegularFile(f)) {
      files.add(f);
    }
    return files;
  }

  /**
   * The names of the subcommand {@code args} run, below the root: the leading words that name a
   * subcommand, after the root's own options.
   */
  static List<String> commandPath(CommandLine root, List<String> args) {
    List<String> path = new ArrayList<>();
    CommandLine at = root;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      boolean rootOption = path.isEmpty() && a.startsWith("-");
      if (rootOption && a.equals("--config")) {
        i++; // its value
      } else if (!rootOption && at.getSubcommands().containsKey(a)) {
        at = at.getSubcommands().get(a);
        path.add(at.getCommandName());
      } else if (!rootOption) {
        break;
      }
    }
    return List.copyOf(path);
  }

  /**
   * The default values {@code files} give, and those the installation gives: for each option the
   * value of the last file that has it, looked up by option name for the command ({@code
   * smtpcr.policy-server.listen}), then for every command ({@code listen}), then, for an option
   * that is a runtime setting, by the setting's key and other names; else, for {@code --data}, the
   * installation's data directory, and for the key file of the commands without {@code --data}, the
   * one in the data directory a file names or else the installation's.
   *
   * @throws UncheckedIOException if a file cannot be read
   */
  static IDefaultValueProvider defaults(
      List<Path> files, List<String> command, Installation installation) {
    List<Properties> layers = new ArrayList<>();
    for (Path f : files) {
      // the last file first
      layers.add(0, load(f, f.equals(installation.systemConfig())));
    }
    String top = command.isEmpty() ? "" : command.get(0);
    return arg -> {
      for (Properties p : layers) {
        String v = value(p, arg);
        if (v != null) {
          return v;
        }
      }
      if (!(arg instanceof OptionSpec option)) {
        return null;
      }
      if (option.longestName().equals("--data")) {
        return installation.dataDirectory(top).toString();
      }
      if (option.userObject() instanceof Field f && f.getDeclaringClass() == KeyOption.class) {
        List<String> path = path(option.command());
        Path dir =
            layers.stream()
                .map(p -> lookup(p, path, "data"))
                .flatMap(Optional::stream)
                .findFirst()
                .map(Path::of)
                .orElse(installation.dataDirectory(top));
        return dir.resolve(DataDirectory.KEY_FILE).toString();
      }
      return null;
    };
  }

  /**
   * The value {@code properties} give {@code arg}: by option name for its command, then for every
   * command, then by the runtime setting's key and other names. A positional parameter by picocli's
   * own rule.
   */
  private static String value(Properties properties, ArgSpec arg) throws Exception {
    if (!(arg instanceof OptionSpec option)) {
      return new PropertiesDefaultProvider(properties).defaultValue(arg);
    }
    String name = option.longestName().replaceFirst("^-+", "");
    Optional<String> v = lookup(properties, path(option.command()), name);
    if (v.isPresent()) {
      return v.get();
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

  /**
   * {@code smtpcr.<command>.<name>}, else {@code <name>}. The prefix is always {@code smtpcr}, the
   * name the launcher shows ({@code SMTPCR_PROG}) notwithstanding.
   */
  private static Optional<String> lookup(Properties properties, List<String> command, String name) {
    String qualified =
        command.isEmpty() ? null : "smtpcr." + String.join(".", command) + "." + name;
    String v = qualified == null ? null : properties.getProperty(qualified);
    return Optional.ofNullable(v != null ? v : properties.getProperty(name));
  }

  /** The names of {@code spec} and its parents below the root. */
  private static List<String> path(CommandSpec spec) {
    List<String> names = new ArrayList<>();
    for (CommandSpec c = spec; c != null && c.parent() != null; c = c.parent()) {
      names.add(0, c.name());
    }
    return names;
  }

  /**
   * Whether to read the system-wide file that is there (or may be: a directory this user may not
   * enter). A user who may not read it (the package makes it {@code root:smtpcr}, mode 640) may
   * still ask for {@code --version} or {@code help}: for those it is skipped, with a warning. Any
   * other command reads it, and so stops with "cannot read the configuration file": going on
   * without it would open another store, or another data directory, than the site's.
   *
   * @param top the command ({@code ""} for the root's own options, such as {@code --version})
   */
  static boolean readable(Path systemFile, boolean readable, String top) {
    if (!readable && (top.isEmpty() || top.equals("help"))) {
      log.warn(
          "cannot read {} (readable by root and the group smtpcr): going on without it",
          systemFile);
      return false;
    }
    return true;
  }

  private static Properties load(Path file, boolean system) {
    Properties properties = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(r);
      // it may name a store password: the key file's rule (warn when group or others may read it)
      warnIfLoose(file, properties, system);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the configuration file " + file, e);
    } catch (IllegalArgumentException e) {
      // a malformed Unicode escape
      throw new UncheckedIOException(
          "cannot read the configuration file " + file, new IOException(e.getMessage(), e));
    }
    return properties;
  }

  /**
   * Warns when a file that may hold a secret is readable by others than its owner. The system-wide
   * file is meant to be readable by the service's group ({@code root:smtpcr}, mode 640): it is
   * warned about only when it holds a password and others may read it.
   */
  private static void warnIfLoose(Path file, Properties properties, boolean system)
      throws IOException {
    if (!system) {
      SecretFiles.warnIfLoose(file, "configuration file");
      return;
    }
    boolean password =
        properties.stringPropertyNames().stream()
            .anyMatch(k -> k.toLowerCase(Locale.ROOT).endsWith("password"));
    if (password
        && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
        && Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_READ)) {
      log.warn(
          "configuration file {} holds a password and others can read it. Run: chmod o-rwx {}",
          file,
          file);
    }
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
