package org.smtpcr.examples.cli;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Properties;

/**
 * What the way SMTPCR was installed decides for the commands, from two system properties: {@value
 * #PACKAGED_PROPERTY}{@code =true}, which the Debian package's launcher passes, makes {@value
 * #PACKAGED_DATA} the default data directory (of every command but {@code demo}, the self-contained
 * try-out, which keeps {@code ./smtpcr-data}); {@value #SYSTEM_CONFIG_PROPERTY}{@code =FILE} names
 * the system-wide configuration file instead of {@value #SYSTEM_CONFIG} (the tests point it at a
 * file of their own, so that none reads the machine's).
 *
 * @param packaged whether the package's launcher started the command
 * @param systemConfig the system-wide configuration file (read when it exists)
 */
record Installation(boolean packaged, Path systemConfig) {
  /** Set to {@code true} by the package's launcher. */
  static final String PACKAGED_PROPERTY = "smtpcr.packaged";

  /** Names the system-wide configuration file. */
  static final String SYSTEM_CONFIG_PROPERTY = "smtpcr.systemConfig";

  /** The system-wide configuration file, unless {@value #SYSTEM_CONFIG_PROPERTY} names another. */
  static final String SYSTEM_CONFIG = "/etc/smtpcr/smtpcr.properties";

  /** The data directory of an installed package. */
  static final String PACKAGED_DATA = "/var/lib/smtpcr";

  /** The command that never reads the system file, nor defaults to the package's directory. */
  static final String DEMO = "demo";

  Installation {
    requireNonNull(systemConfig, "systemConfig");
  }

  /** The installation the JVM's system properties describe. */
  static Installation current() {
    return from(System.getProperties());
  }

  /** The installation {@code properties} describe. */
  static Installation from(Properties properties) {
    return new Installation(
        Boolean.parseBoolean(properties.getProperty(PACKAGED_PROPERTY)),
        Path.of(properties.getProperty(SYSTEM_CONFIG_PROPERTY, SYSTEM_CONFIG)));
  }

  /**
   * The data directory of {@code command} when neither {@code --data} nor a configuration file
   * names one.
   */
  Path dataDirectory(String command) {
    return packaged && !command.equals(DEMO) ? Path.of(PACKAGED_DATA) : DataDirectory.DEFAULT;
  }

  /** Whether {@code command} reads the system-wide file: every one but {@code demo}. */
  boolean readsSystemConfig(String command) {
    return !command.equals(DEMO);
  }
}
