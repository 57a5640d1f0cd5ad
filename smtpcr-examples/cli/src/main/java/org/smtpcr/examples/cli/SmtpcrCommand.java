package org.smtpcr.examples.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The top command: only subcommands. */
@Command(
    name = "smtpcr",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {"Challenge/response inside the SMTP transaction.", ""},
    footer = {
      "",
      "Exit codes: 0 success, 1 failure (or a check that failed), 2 usage error.",
      "Option defaults may come from properties files: see --config and docs/operations.md."
    },
    subcommands = {
      DemoCommand.class,
      SmtpServerCommand.class,
      PolicyServerCommand.class,
      WebCommand.class,
      WhitelistCommand.class,
      DenyCommand.class,
      KeygenCommand.class,
      KeysCommand.class,
      TokenCommand.class,
      PasscodeCommand.class,
      HelpCommand.class
    })
final class SmtpcrCommand {
  private final Lifecycle lifecycle;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description =
          "Read option defaults from this properties file (default: smtpcr.properties in the"
              + " data directory, if there); its keys win over those of "
              + Installation.SYSTEM_CONFIG
              + ", which every command but demo reads first when it exists.")
  Path config;

  SmtpcrCommand(Lifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  Lifecycle lifecycle() {
    return lifecycle;
  }
}
