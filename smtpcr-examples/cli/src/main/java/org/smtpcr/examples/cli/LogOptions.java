package org.smtpcr.examples.cli;

import org.smtpcr.examples.runtime.Settings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options of the decision log and the page's log lines, shared by the commands that decide or
 * serve the page (docs/operations.md).
 */
final class LogOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--log-addresses",
      paramLabel = "full|hash|none",
      description =
          "Sender, recipient and client address in the decision log and the page's lines: full,"
              + " hash (keyed by the site's key ring: stable, not reversible) or none (default"
              + " full).")
  String logAddresses;

  /** Adds the options given to {@code b}. */
  Settings.Builder addTo(Settings.Builder b) {
    Cli.setOption(spec, b, Settings.LOG_ADDRESSES, logAddresses);
    return b;
  }
}
