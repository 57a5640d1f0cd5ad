package org.smtpcr.examples.james;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.reply.SmtpReply;
import org.smtpcr.core.rules.ExemptRecipientsRule;
import org.smtpcr.core.rules.NullSenderRule;
import org.smtpcr.core.rules.PassCodeRule;
import org.smtpcr.core.rules.TrustedClientsRule;
import org.smtpcr.core.rules.WhitelistStoreRule;
import org.smtpcr.tokens.KeyFileException;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.KeyRingFile;
import org.smtpcr.tokens.PassCodes;

/**
 * Reads {@link SmtpcrRcptHook}'s {@code <handler>} element and builds the engine it describes. Every
 * error becomes a {@link ConfigurationException} that names the setting and what is wrong with it,
 * never a secret (key material, the store URL or password).
 */
final class HookConfig {
  static final String KEY_FILE = "keyFile";
  static final String CHALLENGE_BASE = "challengeBase";
  static final String CHALLENGE_LIFETIME = "challengeLifetime";
  static final String TRUSTED_NETWORKS = "trustedNetworks";
  static final String EXEMPT_RECIPIENTS = "exemptRecipients";
  static final String SUBJECT_PASS_CODES = "subjectPassCodes";
  static final String FAILURE_REPLY = "failureReply";
  static final String TRUST_RELAYING_CLIENTS = "trustRelayingClients";
  static final String STORE = "store";

  private static final Set<String> SETTINGS = Set.of(KEY_FILE, CHALLENGE_BASE, CHALLENGE_LIFETIME, TRUSTED_NETWORKS,
      EXEMPT_RECIPIENTS, SUBJECT_PASS_CODES, FAILURE_REPLY, TRUST_RELAYING_CLIENTS);
  private static final Set<String> STORE_SETTINGS = Set.of(StoreSettings.URL, StoreSettings.USER,
      StoreSettings.PASSWORD, StoreSettings.DRIVER_CLASS, StoreSettings.POOL_SIZE, StoreSettings.CONNECTION_TIMEOUT,
      StoreSettings.TABLE_PREFIX);
  private static final Pattern REPLY = Pattern.compile("([2-5][0-9][0-9]) ([245]\\.[0-9]{1,3}\\.[0-9]{1,3}) (.+)");
  private static final Pattern SEPARATORS = Pattern.compile("[,\\s]+");
  private static final int MAX_LIST = 1000;

  private HookConfig() {}

  /** What the hook runs with; the lease is the hook's to close. */
  record Setup(DecisionEngine engine, SharedStores.Lease lease, boolean trustRelayingClients) {
    Setup {
      requireNonNull(engine, "engine");
      requireNonNull(lease, "lease");
    }
  }

  /**
   * Reads the settings, loads the key file, opens (or shares) the store and builds the engine.
   *
   * @throws ConfigurationException if a setting is missing, unknown or wrong, or the key file cannot
   *     be read
   */
  static Setup read(Configuration config) throws ConfigurationException {
    requireNonNull(config, "config");
    checkKnown(config);
    Path keyFile = path(required(config, KEY_FILE), KEY_FILE);
    URI challengeBase = uri(required(config, CHALLENGE_BASE));
    Optional<String> lifetime = optional(config, CHALLENGE_LIFETIME);
    Optional<String> failureReply = optional(config, FAILURE_REPLY);
    List<String> networks = list(config, TRUSTED_NETWORKS);
    List<String> exempt = list(config, EXEMPT_RECIPIENTS);
    boolean subjectPassCodes = bool(config, SUBJECT_PASS_CODES, false);
    boolean trustRelaying = bool(config, TRUST_RELAYING_CLIENTS, true);
    StoreSettings storeSettings;
    try {
      storeSettings = StoreSettings.parse(name -> optional(config, STORE + "." + name));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(STORE + ": " + e.getMessage());
    }

    DecisionEngine.Builder builder = DecisionEngine.builder();
    try {
      builder.challengeBase(challengeBase);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(CHALLENGE_BASE + ": " + e.getMessage());
    }
    if (lifetime.isPresent()) {
      try {
        builder.challengeLifetime(StoreSettings.parseDuration(lifetime.get(), CHALLENGE_LIFETIME));
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(e.getMessage()); // names the setting
      }
    }
    if (failureReply.isPresent()) {
      try {
        builder.failureReply(reply(failureReply.get()));
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(FAILURE_REPLY + ": " + e.getMessage());
      }
    }
    ExemptRecipientsRule.Builder exemptRule = ExemptRecipientsRule.builder();
    for (String r : exempt) {
      try {
        if (r.indexOf('@') >= 0) {
          exemptRule.address(r);
        } else {
          exemptRule.localPart(r);
        }
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(EXEMPT_RECIPIENTS + ": " + e.getMessage());
      }
    }
    TrustedClientsRule.Builder trustedRule = TrustedClientsRule.builder();
    for (String n : networks) {
      try {
        trustedRule.network(n);
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(TRUSTED_NETWORKS + ": " + e.getMessage());
      }
    }
    KeyRing keyRing = keyRing(keyFile);
    builder.keyRing(keyRing);

    SharedStores.Lease lease;
    try {
      lease = SharedStores.acquire(storeSettings);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(STORE + ": " + e.getMessage());
    }
    try {
      DecisionEngine engine = builder
          .rule(exemptRule.build())
          .rule(trustedRule.build())
          .rule(NullSenderRule.accept())
          .rule(WhitelistStoreRule.of(lease.store()))
          .rule(PassCodeRule.builder().passCodes(PassCodes.of(keyRing)).subject(subjectPassCodes).build())
          .build();
      return new Setup(engine, lease, trustRelaying);
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
  }

  private static KeyRing keyRing(Path keyFile) throws ConfigurationException {
    try {
      return KeyRingFile.read(keyFile);
    } catch (KeyFileException e) {
      throw new ConfigurationException(KEY_FILE + " " + keyFile + ": " + e.getMessage());
    } catch (IOException e) {
      throw new ConfigurationException(KEY_FILE + " " + keyFile + " cannot be read (" + e.getClass().getSimpleName()
          + ")");
    }
  }

  /** Rejects settings this hook does not know, so that a misspelt one does not go unnoticed. */
  private static void checkKnown(Configuration config) throws ConfigurationException {
    for (Iterator<String> keys = config.getKeys(); keys.hasNext(); ) {
      String key = keys.next();
      if (key.startsWith("[@")) {
        continue; // attributes of <handler>, such as class
      }
      int dot = key.indexOf('.');
      String top = dot < 0 ? key : key.substring(0, dot);
      if (top.equals(STORE) && dot >= 0 && STORE_SETTINGS.contains(key.substring(dot + 1))) {
        continue;
      }
      if (dot < 0 && SETTINGS.contains(key)) {
        continue;
      }
      throw new ConfigurationException("unknown setting " + printable(key) + "; known: " + SETTINGS + " and "
          + STORE + "." + STORE_SETTINGS);
    }
  }

  static String required(Configuration config, String key) throws ConfigurationException {
    return optional(config, key).orElseThrow(() -> new ConfigurationException(key + " is required"));
  }

  static Optional<String> optional(Configuration config, String key) {
    String[] values = config.getStringArray(key);
    if (values.length == 0) {
      return Optional.empty();
    }
    return Optional.of(values[values.length - 1].strip()).filter(v -> !v.isEmpty());
  }

  /** Every value of a repeatable setting, each split at commas and white space. */
  static List<String> list(Configuration config, String key) throws ConfigurationException {
    List<String> out = new ArrayList<>();
    for (String value : config.getStringArray(key)) {
      for (String item : SEPARATORS.split(value.strip())) {
        if (!item.isEmpty()) {
          out.add(item);
        }
      }
      if (out.size() > MAX_LIST) {
        throw new ConfigurationException(key + " has more than " + MAX_LIST + " entries");
      }
    }
    return out;
  }

  static boolean bool(Configuration config, String key, boolean fallback) throws ConfigurationException {
    Optional<String> value = optional(config, key);
    if (value.isEmpty()) {
      return fallback;
    }
    switch (value.get().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new ConfigurationException(key + " must be true or false");
    }
  }

  private static Path path(String value, String key) throws ConfigurationException {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new ConfigurationException(key + " is not a valid path");
    }
  }

  private static URI uri(String value) throws ConfigurationException {
    try {
      return new URI(value);
    } catch (URISyntaxException e) {
      throw new ConfigurationException(CHALLENGE_BASE + " is not a valid URL: " + printable(e.getReason()));
    }
  }

  /** {@code 451 4.3.0 text}: code, enhanced status, one line of text. */
  private static SmtpReply reply(String value) {
    Matcher m = REPLY.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException(FAILURE_REPLY + " must look like \"451 4.3.0 text\"");
    }
    return SmtpReply.of(Integer.parseInt(m.group(1)), m.group(2), m.group(3));
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
