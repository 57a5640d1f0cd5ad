package org.smtpcr.core.rules;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.ParsedAddress;
import org.smtpcr.core.spi.DecisionRule;
import org.smtpcr.core.spi.RuleContext;

/**
 * Accepts anyone who gives a recipient's own published password ("put xyzzy in the Subject to reach
 * me"): in the recipient's sub-address ({@code bob+xyzzy@example.com}) or, at the end of DATA and
 * when enabled, as a word of the Subject. Passwords are configured per recipient, compared without
 * regard to ASCII case and in constant time, and never shown by {@code toString()}.
 *
 * <pre>{@code
 * DecisionRule passwords = RecipientPasswordRule.builder()
 *     .password("bob@example.com", "xyzzy")
 *     .subject(true)
 *     .build();
 * }</pre>
 *
 * <p>A password is 4 to 64 characters of ASCII letters, digits, {@code -} and {@code _}, so that it
 * survives as one word of a Subject and as a sub-address. Enabling the Subject makes the engine
 * decide would-be challenges at the end of DATA. At most 64 candidate words of the Subject are
 * tried.
 *
 * @since 0.1.0
 */
public final class RecipientPasswordRule implements DecisionRule {
  /** Shortest password accepted. */
  public static final int MIN_LENGTH = 4;

  /** Longest password accepted. */
  public static final int MAX_LENGTH = 64;

  private final Map<String, byte[]>
      passwords; // canonical recipient -> lowercase password, US-ASCII
  private final boolean subaddress;
  private final boolean subject;

  private RecipientPasswordRule(
      Map<String, byte[]> passwords, boolean subaddress, boolean subject) {
    this.passwords = Map.copyOf(passwords);
    this.subaddress = subaddress;
    this.subject = subject;
  }

  /**
   * Starts a builder without passwords.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Optional<Decision> decide(RuleContext context) {
    Optional<ParsedAddress> rcpt = context.recipient();
    if (rcpt.isEmpty()) {
      return Optional.empty();
    }
    byte[] expected = passwords.get(rcpt.get().canonical().value());
    if (expected == null) {
      return Optional.empty();
    }
    if (subaddress) {
      Optional<String> ext = rcpt.get().subaddress();
      if (ext.isPresent() && matches(ext.get(), expected)) {
        return context.admit();
      }
    }
    if (subject && context.stage() == Stage.DATA) {
      Optional<String> subj = context.subject();
      if (subj.isPresent()) {
        for (String w : Words.of(subj.get(), MIN_LENGTH, MAX_LENGTH)) {
          if (matches(w, expected)) {
            return context.admit();
          }
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean usesHeaders() {
    return subject;
  }

  @Override
  public String id() {
    return "recipient-password";
  }

  /** Counts recipients; never shows a password. */
  @Override
  public String toString() {
    return "RecipientPasswordRule["
        + passwords.size()
        + " recipients, subaddress="
        + subaddress
        + ", subject="
        + subject
        + "]";
  }

  private static boolean matches(String candidate, byte[] expected) {
    if (candidate.length() > MAX_LENGTH) {
      return false;
    }
    byte[] given = candidate.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, expected);
  }

  private static boolean isPasswordChar(char c) {
    return Words.isWordChar(c);
  }

  /**
   * Builds a {@link RecipientPasswordRule}. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final Map<String, byte[]> passwords = new HashMap<>();
    private AddressCanonicalizer canonicalizer;
    private Boolean subaddress;
    private Boolean subject;

    private Builder() {}

    /**
     * The canonicalizer for configured recipients (default {@link
     * AddressCanonicalizer#standard()}); set it before adding passwords.
     *
     * @param canonicalizer the engine's canonicalizer
     * @return this builder
     */
    public Builder canonicalizer(AddressCanonicalizer canonicalizer) {
      checkState(passwords.isEmpty(), "set the canonicalizer before adding passwords");
      checkState(this.canonicalizer == null, "canonicalizer was already set");
      this.canonicalizer = requireNonNull(canonicalizer, "canonicalizer");
      return this;
    }

    /**
     * Sets the password of one recipient.
     *
     * @param recipient the recipient address
     * @param password 4 to 64 ASCII letters, digits, {@code -} or {@code _}
     * @return this builder
     * @throws IllegalArgumentException if the address or the password is not valid (the message
     *     does not contain the password), or the recipient already has one
     */
    public Builder password(String recipient, String password) {
      requireNonNull(recipient, "recipient");
      requireNonNull(password, "password");
      checkArgument(
          password.length() >= MIN_LENGTH && password.length() <= MAX_LENGTH,
          "a password has %s..%s characters, got %s",
          MIN_LENGTH,
          MAX_LENGTH,
          password.length());
      for (int i = 0; i < password.length(); i++) {
        checkArgument(
            isPasswordChar(password.charAt(i)),
            "a password has only ASCII letters, digits, '-' and '_' (bad character at index %s)",
            i);
      }
      if (canonicalizer == null) {
        canonicalizer = AddressCanonicalizer.standard();
      }
      String r = Config.address(canonicalizer.forRecipients(), recipient, "recipient").value();
      checkArgument(!passwords.containsKey(r), "this recipient already has a password");
      passwords.put(r, password.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
      return this;
    }

    /**
     * Whether a password in the recipient's sub-address counts (default true).
     *
     * @param enabled false to ignore sub-addresses
     * @return this builder
     */
    public Builder subaddress(boolean enabled) {
      checkState(this.subaddress == null, "subaddress was already set");
      this.subaddress = enabled;
      return this;
    }

    /**
     * Whether a password in the Subject counts, at the end of DATA (default false).
     *
     * @param enabled true to look in the Subject
     * @return this builder
     */
    public Builder subject(boolean enabled) {
      checkState(this.subject == null, "subject was already set");
      this.subject = enabled;
      return this;
    }

    /**
     * Builds the rule.
     *
     * @return the rule
     */
    public RecipientPasswordRule build() {
      return new RecipientPasswordRule(
          passwords, subaddress == null || subaddress, subject != null && subject);
    }
  }
}
