package org.smtpcr.examples.cli;

import java.time.Duration;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.runtime.ExpirySweeper;
import org.smtpcr.examples.runtime.Settings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --sweep-interval} of the long-running commands (the runtime setting {@code
 * sweepInterval}): how often they delete expired entries from the store.
 */
final class SweepOption {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--sweep-interval",
      paramLabel = "DURATION",
      description =
          "How often expired whitelist entries are deleted from the store (default 1h; at least"
              + " 1s).")
  String sweepInterval;

  /** The interval; a bad value is a usage error naming the option. */
  Duration interval() {
    if (sweepInterval == null) {
      return Settings.defaults().get(Settings.SWEEP_INTERVAL);
    }
    try {
      return Settings.SWEEP_INTERVAL.parse(sweepInterval);
    } catch (IllegalArgumentException e) {
      throw Cli.usage(spec, "--sweep-interval: " + e.getMessage());
    }
  }

  /** Starts sweeping {@code store}, first now; close it with the store. */
  ExpirySweeper start(WhitelistStore store) {
    return ExpirySweeper.start(store, interval());
  }
}
