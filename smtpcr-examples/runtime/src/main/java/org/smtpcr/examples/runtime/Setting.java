package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One setting, declared once: its key, the other names it is known by (James's mailet parameters,
 * older spellings), its command-line option names, its default and a description. The value is
 * parsed by {@link SettingGrammar} whatever the source; {@link Settings} holds the declared
 * settings.
 *
 * @param <T> the type of the value
 * @since 0.1.0
 */
public final class Setting<T> {
  /** Turns the configured values (one or more; the last wins for a single value) into the value. */
  @FunctionalInterface
  interface Parser<T> {
    T parse(String key, List<String> values);
  }

  private final String key;
  private final List<String> otherNames;
  private final List<String> options;
  private final Optional<T> defaultValue;
  private final String description;
  private final boolean secret;
  private final Parser<T> parser;

  Setting(
      String key,
      List<String> otherNames,
      List<String> options,
      Optional<T> defaultValue,
      String description,
      boolean secret,
      Parser<T> parser) {
    this.key = requireNonNull(key, "key");
    this.otherNames = List.copyOf(otherNames);
    this.options = List.copyOf(options);
    this.defaultValue = requireNonNull(defaultValue, "defaultValue");
    this.description = requireNonNull(description, "description");
    this.secret = secret;
    this.parser = requireNonNull(parser, "parser");
  }

  /**
   * The key, as properties files and James's {@code <handler>} element spell it ({@code
   * challengeLifetime}, {@code store.url}).
   *
   * @return the key
   */
  public String key() {
    return key;
  }

  /**
   * Other names a source may use for this setting (such as a mailet's {@code storeUrl}); the key
   * wins over them.
   *
   * @return the other names
   */
  public List<String> otherNames() {
    return otherNames;
  }

  /**
   * The command-line option names that set it ({@code --challenge-lifetime}); a properties file may
   * also use them without the dashes.
   *
   * @return the option names, possibly empty
   */
  public List<String> options() {
    return options;
  }

  /**
   * The value when none is configured.
   *
   * @return the default, or empty when the setting has none
   */
  public Optional<T> defaultValue() {
    return defaultValue;
  }

  /**
   * What the setting means.
   *
   * @return one sentence
   */
  public String description() {
    return description;
  }

  /**
   * Whether the value may be secret (never logged or repeated in a message).
   *
   * @return true for passwords and URLs that may carry them
   */
  public boolean isSecret() {
    return secret;
  }

  /**
   * Parses configured text into the value, as every source does.
   *
   * @param values the configured values (repeated options or elements), at least one
   * @return the value
   * @throws IllegalArgumentException naming the key and the expected form
   */
  public T parse(List<String> values) {
    requireNonNull(values, "values");
    if (values.isEmpty()) {
      throw new IllegalArgumentException(key + " has no value");
    }
    return parser.parse(key, values);
  }

  /**
   * Parses values found under {@code name} (the key or another name); messages name {@code name}.
   */
  T parseAs(String name, List<String> values) {
    return parser.parse(name, values);
  }

  /**
   * Parses one configured text.
   *
   * @param text the value as written
   * @return the value
   * @throws IllegalArgumentException naming the key and the expected form
   */
  public T parse(String text) {
    return parse(List.of(requireNonNull(text, "text")));
  }

  /** Names the key. */
  @Override
  public String toString() {
    return "Setting[" + key + "]";
  }
}
