package org.smtpcr.examples.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.smtpcr.examples.runtime.Setting;
import org.smtpcr.examples.runtime.Settings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The engine options the servers share; each maps onto one runtime {@link Settings} key (a
 * properties file may use either spelling: {@code trusted-network} or {@code trustedNetworks}).
 */
final class EngineOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--challenge-lifetime",
      paramLabel = "DURATION",
      defaultValue = "7d",
      description = "How long a challenge link is valid (default ${DEFAULT-VALUE}).")
  Duration challengeLifetime;

  @Option(
      names = "--trusted-network",
      paramLabel = "CIDR",
      split = ",",
      description =
          "Accept without challenge from this client network, e.g. 192.0.2.0/24 (repeatable).")
  List<String> trustedNetworks = new ArrayList<>();

  @Option(
      names = "--exempt-recipient",
      paramLabel = "ADDRESS",
      split = ",",
      description =
          "Never challenge mail to this local part or address, besides postmaster and abuse (repeatable).")
  List<String> exemptRecipients = new ArrayList<>();

  @Option(
      names = "--subaddress-separators",
      paramLabel = "CHARS",
      defaultValue = "+",
      description =
          "Sub-address separators, as Postfix's recipient_delimiter (default ${DEFAULT-VALUE}).")
  String subaddressSeparators;

  /** The runtime settings these options give; a wrong value is a usage error naming the option. */
  Settings.Builder settings() {
    Settings.Builder b = Settings.builder().set(Settings.CHALLENGE_LIFETIME, challengeLifetime);
    set(b, Settings.TRUSTED_NETWORKS, trustedNetworks);
    set(b, Settings.EXEMPT_RECIPIENTS, exemptRecipients);
    set(b, Settings.SUBADDRESS_SEPARATORS, List.of(subaddressSeparators));
    return b;
  }

  private <T> void set(Settings.Builder b, Setting<T> setting, List<String> values) {
    if (values.isEmpty()) {
      return;
    }
    try {
      b.set(setting, setting.parse(values));
    } catch (IllegalArgumentException e) {
      throw Cli.usage(spec, setting.options().get(0) + ": " + e.getMessage());
    }
  }
}
