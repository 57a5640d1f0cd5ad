package org.smtpcr.examples.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes the files a package of the {@code smtpcr} command carries that are made from picocli's
 * model of its commands, so that none of them can fall behind an option: the commented
 * configuration file ({@link ConfigTemplate}), bash completion ({@link AutoComplete}), and one
 * AsciiDoc man page per command (picocli-codegen's {@link ManPageGenerator}, which the build turns
 * into troff). Run by the Debian package's build, never by the command:
 *
 * <pre>
 * java -cp smtpcr.jar:picocli-codegen.jar org.smtpcr.examples.cli.PackageFiles OUTDIR
 *   OUTDIR/smtpcr.properties
 *   OUTDIR/bash-completion/smtpcr
 *   OUTDIR/man/smtpcr.adoc, OUTDIR/man/smtpcr-policy-server.adoc, ...
 * </pre>
 *
 * The command line is built here rather than by {@link Cli#commandLine}, which would read a
 * configuration file of the build machine's and show its values as the defaults.
 *
 * @since 0.1.0
 */
public final class PackageFiles {
  /** The command's name in the files: the name the package installs it under. */
  static final String NAME = Cli.DEFAULT_NAME;

  private PackageFiles() {}

  /**
   * Writes the files.
   *
   * @param args the output directory
   * @throws IOException if a file cannot be written
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: PackageFiles OUTDIR");
      System.exit(2);
    }
    write(Path.of(args[0]));
  }

  /**
   * Writes the configuration file, the completion script and the AsciiDoc man pages under {@code
   * dir}.
   *
   * @param dir the output directory, created when missing
   * @throws IOException if a file cannot be written
   */
  static void write(Path dir) throws IOException {
    CommandLine cl = commandLine();
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("smtpcr.properties"), ConfigTemplate.render(cl), StandardCharsets.UTF_8);
    Path completion = dir.resolve("bash-completion");
    Files.createDirectories(completion);
    Files.writeString(
        completion.resolve(NAME), AutoComplete.bash(NAME, cl), StandardCharsets.UTF_8);
    int code =
        ManPageGenerator.generateManPage(
            dir.resolve("man").toFile(), null, new boolean[0], true, cl.getCommandSpec());
    if (code != 0) {
      throw new IOException("the man pages were not written (exit code " + code + ")");
    }
  }

  /**
   * The {@code smtpcr} command line as the command builds it, without a configuration file, but
   * with the defaults of the installation this JVM describes ({@code -Dsmtpcr.packaged=true}: the
   * data directory {@value Installation#PACKAGED_DATA}, but for {@code demo}), so that the man
   * pages and the configuration file show the defaults the installed command uses.
   */
  static CommandLine commandLine() {
    return commandLine(Installation.current());
  }

  /** The {@code smtpcr} command line with the defaults of {@code installation}. */
  static CommandLine commandLine(Installation installation) {
    CommandLine cl =
        new CommandLine(
            new SmtpcrCommand(
                () -> {
                  throw new IllegalStateException("a command line for documentation only");
                }));
    cl.setCommandName(NAME);
    cl.registerConverter(Duration.class, new DurationConverter());
    cl.registerConverter(InetSocketAddress.class, new HostPortConverter());
    cl.setDefaultValueProvider(ConfigFile.defaults(List.of(), List.of(), installation));
    cl.getSubcommands()
        .forEach(
            (name, sub) ->
                sub.setDefaultValueProvider(
                    ConfigFile.defaults(List.of(), List.of(name), installation)));
    return cl;
  }
}
