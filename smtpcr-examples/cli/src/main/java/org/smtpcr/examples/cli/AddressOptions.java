package org.smtpcr.examples.cli;

import java.util.List;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.examples.runtime.Settings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How a command reads the addresses it is given: with the canonicalizer the site's engine uses
 * ({@link Settings#canonicalizer()}), so that {@code whitelist}, {@code token} and {@code passcode}
 * name the same pairs the servers decide on. The separators come from the same option, or the same
 * properties-file key ({@code subaddress-separators} or {@code subaddressSeparators}), as the
 * servers'.
 */
final class AddressOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--subaddress-separators",
      paramLabel = "CHARS",
      defaultValue = "+",
      description =
          "Sub-address separators, as Postfix's recipient_delimiter and the servers' setting"
              + " (default ${DEFAULT-VALUE}).")
  String subaddressSeparators;

  /** The engine's canonicalizer for these options; a wrong value is a usage error. */
  AddressCanonicalizer canonicalizer() {
    try {
      return Settings.builder()
          .set(
              Settings.SUBADDRESS_SEPARATORS,
              Settings.SUBADDRESS_SEPARATORS.parse(List.of(subaddressSeparators)))
          .build()
          .canonicalizer();
    } catch (IllegalArgumentException e) {
      throw Cli.usage(spec, "--subaddress-separators: " + e.getMessage());
    }
  }

  /** {@code text} as the engine canonicalizes a reverse-path. */
  CanonicalAddress sender(String text) {
    try {
      return canonicalizer().canonicalize(text);
    } catch (InvalidAddressException e) {
      throw Cli.usage(spec, "--sender is not a valid address: " + e.getMessage());
    }
  }

  /** {@code text} as the engine canonicalizes a forward-path. */
  CanonicalAddress recipient(String text) {
    try {
      return canonicalizer().forRecipients().canonicalize(text);
    } catch (InvalidAddressException e) {
      throw Cli.usage(spec, "--recipient is not a valid address: " + e.getMessage());
    }
  }
}
