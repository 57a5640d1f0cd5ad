package org.smtpcr.examples.cli;

import java.io.PrintWriter;
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
   * file as default provider, and one-line errors.
   */
  static CommandLine commandLine(
      List<String> args, PrintWriter out, PrintWriter err, Lifecycle lifecycle) {
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
    ConfigFile.locate(args)
        .filter(Files::isRegularFile)
        .ifPresent(f -> cl.setDefaultValueProvider(ConfigFile.defaults(f)));
    return cl;
  }

  /** Runs {@code args}; returns the exit code. */
  static int execute(String[] args, PrintWriter out, PrintWriter err, Lifecycle lifecycle) {
    List<String> list = Arrays.asList(args);
    Optional<Path> config = ConfigFile.locate(list);
    if (config.isPresent() && !Files.isRegularFile(config.get())) {
      err.println(programName() + ": the configuration file " + config.get() + " does not exist");
      err.flush();
      return 2;
    }
    int code = commandLine(list, out, err, lifecycle).execute(args);
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
