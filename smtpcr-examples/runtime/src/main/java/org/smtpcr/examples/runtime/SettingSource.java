package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Where settings come from: the raw values configured under a name. A properties file, James's XML
 * configuration and a command line are each one source; {@link Settings#read(SettingSource)} reads
 * every declared {@link Setting} from it the same way.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface SettingSource {
  /**
   * The values configured under {@code name}, in order (a repeated element or option gives
   * several).
   *
   * @param name a setting's key or one of its other names
   * @return the values; empty when the name is not configured
   */
  List<String> values(String name);

  /**
   * The names this source configures, for reporting unknown (misspelt) ones; empty when the source
   * cannot list them.
   *
   * @return the configured names
   */
  default Set<String> names() {
    return Set.of();
  }

  /**
   * A source over Java properties (one value per name).
   *
   * @param properties the properties; read when the settings are read
   * @return the source
   */
  static SettingSource of(Properties properties) {
    requireNonNull(properties, "properties");
    return new SettingSource() {
      @Override
      public List<String> values(String name) {
        String v = properties.getProperty(name);
        return v == null ? List.of() : List.of(v);
      }

      @Override
      public Set<String> names() {
        return properties.stringPropertyNames();
      }
    };
  }

  /**
   * A source over a map of names to values.
   *
   * @param values the values by name
   * @return the source
   */
  static SettingSource of(Map<String, String> values) {
    Map<String, String> copy = Map.copyOf(values);
    return new SettingSource() {
      @Override
      public List<String> values(String name) {
        String v = copy.get(name);
        return v == null ? List.of() : List.of(v);
      }

      @Override
      public Set<String> names() {
        return copy.keySet();
      }
    };
  }
}
