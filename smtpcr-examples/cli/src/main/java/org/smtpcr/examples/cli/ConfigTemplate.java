package org.smtpcr.examples.cli;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Splitter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.smtpcr.examples.runtime.Setting;
import org.smtpcr.examples.runtime.Settings;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The configuration file a package installs ({@code /etc/smtpcr/smtpcr.properties}): every option
 * of the server commands, commented, with its description and default. It is made from picocli's
 * model of the commands at build time, so a new option is in it without anyone remembering to add
 * it.
 *
 * <p>An option that the commands share with one default is one unprefixed key ({@code data}); an
 * option whose default differs between them is one key per command ({@code
 * smtpcr.policy-server.listen}), as {@link ConfigFile} reads them.
 */
final class ConfigTemplate {
  /** The commands the file is for: the long-running servers a package runs as services. */
  static final List<String> SERVER_COMMANDS = List.of("policy-server", "web", "smtp-server");

  /** Example values of options that have no default worth showing. */
  private static final Map<String, String> EXAMPLES =
      Map.of(
          "challenge-base", "https://cr.example.com/",
          "store", "jdbc:postgresql://db.example.com/smtpcr?user=smtpcr",
          "domain", "example.com,example.net",
          "trusted-network", "192.0.2.0/24,2001:db8::/32");

  /** What a hidden option without a description is, in this file. */
  private static final String HIDDEN = "Read from this file only, never from the command line.";

  private static final int WIDTH = 100;

  private ConfigTemplate() {}

  /**
   * The file's text for the command line whose root is {@code root}.
   *
   * <p>The text names no version: a conffile that changed with every release would make every
   * upgrade ask the administrator, who has edited it (the challenge base is required).
   *
   * @param root the {@code smtpcr} command line
   * @return the commented properties file
   */
  static String render(CommandLine root) {
    requireNonNull(root, "root");
    String prefix = root.getCommandName() + ".";
    // option name -> (command -> option), in the order the commands and their options come
    Map<String, Map<String, OptionSpec>> byName = new LinkedHashMap<>();
    for (String command : SERVER_COMMANDS) {
      CommandLine sub = root.getSubcommands().get(command);
      if (sub == null) {
        throw new IllegalArgumentException("no command " + command);
      }
      for (OptionSpec o : listedOptions(sub.getCommandSpec())) {
        byName.computeIfAbsent(key(o), k -> new LinkedHashMap<>()).put(command, o);
      }
    }

    StringBuilder out = new StringBuilder();
    header(out, root.getCommandName());
    out.append(
        "\n# ---- Shared by the servers named: one key for every command that has it ----\n");
    for (Map.Entry<String, Map<String, OptionSpec>> e : byName.entrySet()) {
      if (shared(e.getValue().values())) {
        entry(out, e.getKey(), e.getValue());
      }
    }
    for (String command : SERVER_COMMANDS) {
      out.append("\n# ---- ")
          .append(command)
          .append(" only: keys ")
          .append(prefix)
          .append(command)
          .append(".NAME ----\n");
      for (Map.Entry<String, Map<String, OptionSpec>> e : byName.entrySet()) {
        OptionSpec o = e.getValue().get(command);
        if (o != null && !shared(e.getValue().values())) {
          entry(out, prefix + command + "." + e.getKey(), Map.of(command, o));
        }
      }
    }
    return out.toString();
  }

  /** The properties key of an option: its longest name without the dashes. */
  static String key(OptionSpec o) {
    return o.longestName().replaceFirst("^-+", "");
  }

  private static void header(StringBuilder out, String name) {
    out.append(
        """
        # %1$s configuration: the settings of the %1$s servers (policy-server, web, smtp-server), and
        # defaults for the other %1$s commands' options of the same name.
        #
        # Java properties. A key is an option name without its dashes ("listen") and applies to every
        # command that has the option, or starts with "%1$s.COMMAND." ("%1$s.web.listen") to apply to
        # one command. Options on the command line win. Lists are comma-separated; durations are 30s,
        # 10m, 12h, 7d or ISO 8601 (P7D). Options that are runtime settings may also be given by the
        # setting's key, as James's XML spells it ("also as ..." below).
        #
        # Every setting is listed below, commented out, with its default where it has one: remove the
        # "#" to change it. "%1$s COMMAND --help" and "man %1$s-COMMAND" tell more.
        #
        # This file may hold a database password (store.password): keep it readable by root and the
        # %1$s group only (root:%1$s, mode 640, as the package installs it).
        """
            .formatted(name));
  }

  /**
   * Whether an option gets one unprefixed key: several servers have it, with one default. One
   * server's own option gets a prefixed key, so that it never sets an option of that name that
   * another command has for something else.
   */
  private static boolean shared(Collection<OptionSpec> options) {
    return options.size() > 1
        && options.stream().map(ConfigTemplate::defaultText).distinct().count() == 1;
  }

  private static void entry(StringBuilder out, String key, Map<String, OptionSpec> byCommand) {
    OptionSpec first = byCommand.values().iterator().next();
    out.append('\n');
    String label = first.paramLabel();
    String synopsis =
        first.longestName()
            + (first.typeInfo().isBoolean() ? "" : " " + label)
            + "  ("
            + String.join(", ", byCommand.keySet())
            + ")";
    out.append("# ").append(synopsis).append('\n');
    // one description for the commands that describe it alike
    Map<String, List<String>> commandsByText = new LinkedHashMap<>();
    byCommand.forEach(
        (command, o) ->
            commandsByText.computeIfAbsent(description(o), t -> new ArrayList<>()).add(command));
    commandsByText.forEach(
        (text, commands) -> {
          String lead = commandsByText.size() == 1 ? "" : String.join(", ", commands) + ": ";
          wrap(out, "#   ", lead + text);
        });
    Settings.named(first.longestName())
        .map(Setting::key)
        .filter(k -> !k.equals(key(first)))
        .ifPresent(k -> out.append("#   (also as ").append(k).append(")\n"));
    out.append('#').append(key).append('=').append(value(first)).append('\n');
  }

  /** The option's description as one line, its variables rendered. */
  static String description(OptionSpec o) {
    String text = String.join(" ", o.description()).strip();
    if (text.isEmpty()) {
      text = o.hidden() ? HIDDEN : "";
    }
    String candidates = "";
    if (o.completionCandidates() != null) {
      List<String> c = new ArrayList<>();
      o.completionCandidates().forEach(c::add);
      candidates = String.join(", ", c);
    }
    return text.replace("${DEFAULT-VALUE}", defaultText(o).orElse(""))
        .replace("${COMPLETION-CANDIDATES}", candidates)
        .replaceAll("\\s+", " ");
  }

  /** The value shown: an example, else the default, else the parameter's label. */
  private static String value(OptionSpec o) {
    String example = EXAMPLES.get(key(o));
    if (example != null) {
      return example;
    }
    return defaultText(o).orElse(o.typeInfo().isBoolean() ? "false" : o.paramLabel());
  }

  /**
   * The default as the file would spell it, if there is one: the command line's default provider's
   * (the installation's data directory, say), else the option's own.
   */
  static Optional<String> defaultText(OptionSpec o) {
    IDefaultValueProvider provider = o.command().defaultValueProvider();
    if (provider != null) {
      try {
        String v = provider.defaultValue(o);
        if (v != null) {
          return Optional.of(v);
        }
      } catch (Exception e) {
        throw new IllegalStateException("no default for " + o.longestName(), e);
      }
    }
    return Optional.ofNullable(o.defaultValue());
  }

  private static void wrap(StringBuilder out, String indent, String text) {
    StringBuilder line = new StringBuilder(indent);
    for (String word : Splitter.on(' ').omitEmptyStrings().split(text)) {
      if (line.length() > indent.length() && line.length() + 1 + word.length() > WIDTH) {
        out.append(line.toString().stripTrailing()).append('\n');
        line = new StringBuilder(indent);
      }
      if (line.length() > indent.length()) {
        line.append(' ');
      }
      line.append(word);
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }

  /**
   * The option specs of {@code command} that the file lists (all but help, version and the
   * inherited {@code --config}).
   */
  static List<OptionSpec> listedOptions(CommandSpec command) {
    List<OptionSpec> list = new ArrayList<>();
    for (OptionSpec o : command.options()) {
      if (!o.usageHelp() && !o.versionHelp() && !o.inherited()) {
        list.add(o);
      }
    }
    return list;
  }
}
