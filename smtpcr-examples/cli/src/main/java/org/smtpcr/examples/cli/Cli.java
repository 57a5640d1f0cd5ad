package org.smtpcr.examples.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.examples.runtime.Setting;
import org.smtpcr.examples.runtime.Settings;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Builds and runs the {@code smtpcr} command line; shared helpers of the commands. */
final class Cli {
  static final String DEFAULT_NAME = "smtpcr";
  private static final Pattern PROG = Pattern.compile("[A-Za-z0-9./_-]{1,100}");

  /** The runtime's canonicalizer (the engine's, with the default sub-address separator). */
  // a domain's canonical form does not depend on the sub-address separators
  private static final AddressCanonicalizer DOMAINS = AddressCanonicalizer.standard();

  private Cli() {}

  /**
   * The configured command line for {@code args}: converters, output streams, the configuration
   * files as default provider, and one-line errors.
   *
   * @throws UncheckedIOException if a configuration file cannot be read
   */
  static CommandLine commandLine(
      List<String> args, PrintWriter out, PrintWriter err, Lifecycle lifecycle) {
    return commandLine(args, out, err, lifecycle, Installation.current());
  }

  /** {@link #commandLine(List, PrintWriter, PrintWriter, Lifecycle)} for {@code installation}. */
  static CommandLine commandLine(
      List<String> args,
      PrintWriter out,
      PrintWriter err,
      Lifecycle lifecycle,
      Installation installation) {
    CommandLine cl = new CommandLine(new SmtpcrCommand(lifecycle));
    cl.setCommandName(programName());
    // after the subcommands exist, so that they get these too
    cl.registerConverter(Duration.class, new DurationConverter());
    cl.registerConverter(InetSocketAddress.class, new HostPortConverter());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (ex, line, parseResult) -> {
          line.getErr().println(line.getCommandSpec().root().name() + ": " + describe(ex));
          line.getErr().flush();
          return 1;
        });
    IParameterExceptionHandler usage = cl.getParameterExceptionHandler();
    cl.setParameterExceptionHandler(
        (ex, line) -> {
          if (!(ex instanceof OneLineUsageException)) {
            return usage.handleParseException(ex, line);
          }
          CommandLine c = ex.getCommandLine();
          c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
          c.getErr().flush();
          return 2;
        });
    List<String> command = ConfigFile.commandPath(cl, args);
    cl.setDefaultValueProvider(
        ConfigFile.defaults(
            ConfigFile.locate(args, command, installation).stream()
                .filter(Files::isRegularFile)
                .toList(),
            command,
            installation));
    return cl;
  }

  /** Runs {@code args}; returns the exit code. */
  static int execute(String[] args, PrintWriter out, PrintWriter err, Lifecycle lifecycle) {
    return execute(args, out, err, lifecycle, Installation.current());
  }

  /** {@link #execute(String[], PrintWriter, PrintWriter, Lifecycle)} for {@code installation}. */
  static int execute(
      String[] args,
      PrintWriter out,
      PrintWriter err,
      Lifecycle lifecycle,
      Installation installation) {
    List<String> list = Arrays.asList(args);
    Optional<Path> config = ConfigFile.explicit(list);
    if (config.isPresent() && !Files.isRegularFile(config.get())) {
      err.println(programName() + ": the configuration file " + config.get() + " does not exist");
      err.flush();
      return 2;
    }
    CommandLine cl;
    try {
      cl = commandLine(list, out, err, lifecycle, installation);
    } catch (UncheckedIOException e) {
      err.println(programName() + ": " + e.getMessage() + " (" + describe(e.getCause()) + ")");
      err.flush();
      return 1;
    }
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** The name to show: the launcher's ({@code SMTPCR_PROG}), else {@value #DEFAULT_NAME}. */
  static String programName() {
    String p = System.getenv("SMTPCR_PROG");
    return p != null && PROG.matcher(p).matches() ? p : DEFAULT_NAME;
  }

  /**
   * One safe line about a failure: the exception's kind and message, control characters removed.
   */
  static String describe(Throwable e) {
    String m = e.getMessage();
    String kind = e instanceof java.io.IOException ? e.getClass().getSimpleName() + ": " : "";
    String text = kind + (m == null || m.isBlank() ? e.getClass().getSimpleName() : m);
    StringBuilder sb = new StringBuilder();
    text.codePoints()
        .limit(500)
        .forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return sb.toString();
  }

  /**
   * Sets {@code setting} from an option's value when the option was given; a value the setting's
   * grammar refuses is a usage error naming the option. One parser for every option that has a
   * runtime setting, so an option and a configuration-file key mean the same.
   */
  static <T> void setOption(
      CommandSpec spec, Settings.Builder b, Setting<T> setting, String value) {
    if (value != null) {
      setOption(spec, b, setting, List.of(value));
    }
  }

  /** {@link #setOption(CommandSpec, Settings.Builder, Setting, String)} for a repeatable option. */
  static <T> void setOption(
      CommandSpec spec, Settings.Builder b, Setting<T> setting, List<String> values) {
    if (values.isEmpty()) {
      return;
    }
    try {
      b.set(setting, setting.parse(values));
    } catch (IllegalArgumentException e) {
      throw usage(spec, setting.options().get(0) + ": " + e.getMessage());
    }
  }

  /** A usage error (exit 2). */
  static ParameterException usage(CommandSpec spec, String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /**
   * A usage error (exit 2) that is said in one line, without the usage help: for a server that
   * refuses to start, whose standard error goes to the journal.
   */
  static ParameterException usageLine(CommandSpec spec, String message) {
    return new OneLineUsageException(spec.commandLine(), message);
  }

  /** A usage error that is shown as one line. */
  private static final class OneLineUsageException extends ParameterException {
    private static final long serialVersionUID = 1L;

    OneLineUsageException(CommandLine line, String message) {
      super(line, message);
    }
  }

  /** Whether {@code address} is on a loopback interface (127.0.0.0/8, ::1). */
  static boolean isLoopback(InetSocketAddress address) {
    return address.getAddress() != null && address.getAddress().isLoopbackAddress();
  }

  /**
   * Why a server refuses to start without {@code --challenge-base}, and what to set: one line.
   *
   * @param page where the server's own page listens, off loopback ({@code --with-web}), or empty
   */
  static String challengeBaseRequired(Optional<InetSocketAddress> page) {
    String why =
        page.map(
                p ->
                    "--with-web serves the page on "
                        + p.getHostString()
                        + ":"
                        + p.getPort()
                        + ", not on loopback, and senders reach it by another name")
            .orElse(
                "the links in replies go to senders on other machines, and no default address"
                    + " would reach them");
    return "--challenge-base is required: "
        + why
        + "; set the page's public address, e.g. --challenge-base https://cr.example.com/, or"
        + " challenge-base=https://cr.example.com/ in "
        + Installation.SYSTEM_CONFIG;
  }

  /** A canonical domain: lowercase A-labels, no trailing dot. */
  static String domain(CommandSpec spec, String option, String text) {
    if (text.isEmpty() || text.length() > 253 || text.indexOf('@') >= 0) {
      throw usage(spec, option + " must be a domain name such as example.com");
    }
    try {
      return DOMAINS.canonicalizeDomain(text).value();
    } catch (InvalidAddressException e) {
      throw usage(spec, option + " is not a valid domain: " + e.getMessage());
    }
  }
}
