package org.smtpcr.examples.james;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.examples.runtime.EnforcementMode;
import org.smtpcr.examples.runtime.KeyRings;
import org.smtpcr.examples.runtime.Setting;
import org.smtpcr.examples.runtime.SettingSource;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.runtime.SharedStores;
import org.smtpcr.examples.runtime.StandardEngine;
import org.smtpcr.examples.runtime.StoreSpec;
import org.smtpcr.tokens.KeyRing;

/**
 * Reads {@link SmtpcrRcptHook}'s {@code <handler>} element through the runtime's {@link Settings}
 * (the same keys and grammar as a properties file: {@code challengeLifetime} may be {@code 7d} or
 * {@code P7D}) and builds the {@linkplain StandardEngine standard engine}. Every error becomes a
 * {@link ConfigurationException} that names the setting and what is wrong with it, never a secret
 * (key material, the store URL or password).
 */
final class HookConfig {
  static final String KEY_FILE = Settings.KEY_FILE.key();
  static final String STORE = "store";

  /** The settings the hook reads; any other key is refused as misspelt. */
  private static final List<Setting<?>> HOOK_SETTINGS =
      List.of(
          Settings.KEY_FILE,
          Settings.CHALLENGE_BASE,
          Settings.CHALLENGE_LIFETIME,
          Settings.CHALLENGE_CODE,
          Settings.MODE,
          Settings.TRUSTED_NETWORKS,
          Settings.EXEMPT_RECIPIENTS,
          // read once when James starts: James has no SIGHUP for its extensions
          Settings.TRUSTED_CLIENTS_FILE,
          Settings.EXEMPT_RECIPIENTS_FILE,
          Settings.SENDER_WHITELIST_FILE,
          Settings.DENY_FILE,
          Settings.REPLY_TEMPLATES_FILE,
          Settings.LOCAL_DOMAINS,
          Settings.NULL_SENDER,
          Settings.NULL_SENDER_NEEDS_OUTBOUND,
          Settings.SUBJECT_PASS_CODES,
          Settings.SUBADDRESS_PASS_CODES,
          Settings.RECIPIENT_PASSWORDS_FILE,
          Settings.FAILURE_REPLY,
          Settings.TRUST_RELAYING_CLIENTS,
          Settings.SUBADDRESS_SEPARATORS,
          Settings.SPF,
          Settings.DKIM,
          Settings.DNS_SERVER,
          Settings.DNS_TIMEOUT,
          Settings.AUTH_DEADLINE,
          Settings.TRUSTED_AUTHSERV_IDS,
          Settings.TRUSTED_FORWARDERS,
          Settings.AUTHENTICATION_OPTIONAL_DOMAINS,
          Settings.ADMIT_UNAUTHENTICATED,
          Settings.REJECT_SPF_FAIL,
          Settings.HONOUR_UNVERIFIED_CONFIRMATIONS,
          Settings.LOG_ADDRESSES,
          Settings.STORE_URL,
          Settings.STORE_USER,
          Settings.STORE_PASSWORD,
          Settings.STORE_DRIVER_CLASS,
          Settings.STORE_POOL_SIZE,
          Settings.STORE_CONNECTION_TIMEOUT,
          Settings.STORE_TABLE_PREFIX,
          Settings.STORE_CACHE,
          Settings.STORE_CACHE_SIZE,
          Settings.STORE_CACHE_TTL,
          Settings.STORE_CACHE_FILTER_KEYS);

  /**
   * The James-only key saying that {@link SmtpcrMessageHook} is in the same handler chain, so that
   * recipients may wait for the end of DATA. Without it every answer is given at RCPT: a recipient
   * left waiting for a hook that never runs would be delivered undecided.
   */
  static final String MESSAGE_HOOK = "messageHook";

  private static final Set<String> KNOWN =
      Stream.concat(HOOK_SETTINGS.stream().map(Setting::key), Stream.of(MESSAGE_HOOK))
          .collect(Collectors.toSet());

  private HookConfig() {}

  /** What the hook runs with; the lease is the hook's to close. */
  record Setup(
      DecisionEngine engine,
      SharedStores.Lease lease,
      boolean trustRelayingClients,
      boolean engineChecksSpf,
      boolean messageHook,
      EnforcementMode mode) {
    Setup {
      requireNonNull(mode, "mode");
      requireNonNull(engine, "engine");
      requireNonNull(lease, "lease");
    }
  }

  /** James's configuration as a settings source: every value of a (possibly repeated) element. */
  static SettingSource source(Configuration config) {
    return name -> Arrays.asList(config.getStringArray(name));
  }

  /**
   * The runtime settings in {@code config}.
   *
   * @throws ConfigurationException if a setting is unknown or its value wrong
   */
  static Settings settings(Configuration config) throws ConfigurationException {
    requireNonNull(config, "config");
    checkKnown(config);
    try {
      return Settings.read(source(config));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage()); // names the setting
    }
  }

  /**
   * Reads the settings, loads the key file, opens (or shares) the store and builds the engine.
   *
   * @throws ConfigurationException if a setting is missing, unknown or wrong, or the key file
   *     cannot be read
   */
  static Setup read(Configuration config) throws ConfigurationException {
    Settings settings = settings(config);
    boolean messageHook = messageHook(config);
    Path keyFile = required(settings, Settings.KEY_FILE);
    required(settings, Settings.CHALLENGE_BASE);
    StoreSpec store;
    try {
      store =
          StoreSpec.parse(
              name ->
                  Settings.named(STORE + "." + name).flatMap(settings::find).map(Object::toString));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(STORE + ": " + e.getMessage());
    }
    // checked before anything is opened: a wrong setting leaves no pool behind
    try {
      StandardEngine.builder(
          settings, KeyRing.generate(), InMemoryWhitelistStore.builder().build());
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage());
    }
    KeyRing keyRing;
    try {
      keyRing = KeyRings.read(keyFile);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage());
    }
    SharedStores.Lease lease;
    try {
      lease = SharedStores.acquire(store);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(STORE + ": " + e.getMessage());
    }
    try {
      DecisionEngine engine = StandardEngine.build(settings, keyRing, lease.store());
      return new Setup(
          engine,
          lease,
          settings.get(Settings.TRUST_RELAYING_CLIENTS),
          settings.get(Settings.SPF),
          messageHook,
          settings.get(Settings.MODE));
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
  }

  private static <T> T required(Settings settings, Setting<T> setting)
      throws ConfigurationException {
    return settings
        .find(setting)
        .orElseThrow(() -> new ConfigurationException(setting.key() + " is required"));
  }

  /** Rejects settings this hook does not know, so that a misspelt one does not go unnoticed. */
  private static void checkKnown(Configuration config) throws ConfigurationException {
    for (Iterator<String> keys = config.getKeys(); keys.hasNext(); ) {
      String key = keys.next();
      if (key.startsWith("[@")) {
        continue; // attributes of <handler>, such as class
      }
      if (KNOWN.contains(key)) {
        continue;
      }
      throw new ConfigurationException(
          "unknown setting " + printable(key) + "; known: " + new TreeSet<>(KNOWN));
    }
  }

  private static boolean messageHook(Configuration config) throws ConfigurationException {
    Optional<String> v = optional(config, MESSAGE_HOOK);
    if (v.isEmpty() || v.get().equalsIgnoreCase("false")) {
      return false;
    }
    if (v.get().equalsIgnoreCase("true")) {
      return true;
    }
    throw new ConfigurationException(MESSAGE_HOOK + " must be true or false");
  }

  static Optional<String> optional(Configuration config, String key) {
    String[] values = config.getStringArray(key);
    if (values.length == 0) {
      return Optional.empty();
    }
    return Optional.of(values[values.length - 1].strip()).filter(v -> !v.isEmpty());
  }

  /** A configuration key or reason, safe for a message: printable ASCII, at most 100 characters. */
  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < 100; i++) {
      char c = s.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return sb.toString();
  }
}
