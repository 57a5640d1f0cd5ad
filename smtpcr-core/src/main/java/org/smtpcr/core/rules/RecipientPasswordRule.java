package org.smtpcr.core.rules;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 *     .password("bob@example.com", "xyzzy-plugh")
 *     .subject(true)
 *     .build();
 * }</pre>
 *
 * <p>A password is 8 to 64 characters of ASCII letters, digits, {@code -} and {@code _}, so that it
 * survives as one word of a Subject and as a sub-address. Enabling the Subject makes the engine
 * decide would-be challenges at the end of DATA. At most 64 candidate words of the Subject are
 * tried.
 *
 * <p><b>Attempts are capped per client.</b> A decision whose candidates (a sub-address, or words of
 * the Subject of a password's length, for a recipient who has a password) were compared without a
 * match is a failed attempt of the client (its IPv4 address, or its IPv6 /64); each further 8
 * candidates in one decision count as one more, so an ordinary Subject costs one attempt and a
 * Subject stuffed with guesses costs up to 8. A client with {@linkplain Builder#attemptsPerHour as
 * many failed attempts} as allowed within the hour is not checked again until that hour ends: the
 * rule abstains, and the sender is challenged as usual. The counts are in memory (per engine, for
 * at most 10,000 clients at once), in windows of the engine's clock.
 *
 * @since 0.1.0
 */
public final class RecipientPasswordRule implements DecisionRule {
  /** Shortest password accepted (8 since 0.3.0; 4 before). */
  public static final int MIN_LENGTH = 8;

  /**
   * Failed attempts allowed per client per hour when none is configured.
   *
   * @since 0.3.0
   */
  public static final int DEFAULT_ATTEMPTS_PER_HOUR = 10;

  /**
   * Most failed attempts per client per hour that may be configured.
   *
   * @since 0.3.0
   */
  public static final int MAX_ATTEMPTS_PER_HOUR = 1_000_000;

  /** Longest password accepted. */
  public static final int MAX_LENGTH = 64;

  private final Map<String, byte[]>
      passwords; // canonical recipient -> lowercase password, US-ASCII
  private final boolean subaddress;
  private final boolean subject;

  /** Candidates compared in one decision that count as one failed attempt. */
  private static final int CANDIDATES_PER_ATTEMPT = 8;

  private final int attemptsPerHour;
  private final PasswordAttempts attempts;

  private RecipientPasswordRule(
      Map<String, byte[]> passwords,
      boolean subaddress,
      boolean subject,
      int attemptsPerHour,
      int maxClients) {
    this.passwords = Map.copyOf(passwords);
    this.subaddress = subaddress;
    this.subject = subject;
    this.attemptsPerHour = attemptsPerHour;
    this.attempts = new PasswordAttempts(attemptsPerHour, maxClients);
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
    List<String> candidates = new ArrayList<>();
    if (subaddress) {
      rcpt.get()
          .subaddress()
          .filter(ext -> ext.length() >= MIN_LENGTH && ext.length() <= MAX_LENGTH)
          .ifPresent(candidates::add);
    }
    if (subject && context.stage() == Stage.DATA) {
      context
          .subject()
          .ifPresent(subj -> candidates.addAll(Words.of(subj, MIN_LENGTH, MAX_LENGTH)));
    }
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    InetAddress client = context.transaction().clientAddress();
    Instant now = context.now();
    long budget = (long) attempts.remaining(client, now) * CANDIDATES_PER_ATTEMPT;
    int tried = 0;
    for (String candidate : candidates) {
      if (tried >= budget) {
        break; // over the cap: not checked; the sender is challenged as usual
      }
      if (matches(candidate, expected)) {
        return context.admit();
      }
      tried++;
    }
    // one attempt per decision, and one more per further 8 candidates: ordinary Subject words from
    // a shared relay must not use up everyone's budget
    attempts.failed(client, now, (tried + CANDIDATES_PER_ATTEMPT - 1) / CANDIDATES_PER_ATTEMPT);
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
        + ", attemptsPerHour="
        + attemptsPerHour
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
    private Integer attemptsPerHour;
    private int maxClients = PasswordAttempts.MAX_CLIENTS;

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
     * @param password 8 to 64 ASCII letters, digits, {@code -} or {@code _}
     * @return this builder
     * @throws IllegalArgumentException if the address or the password is not valid (the message
     *     does not contain the password), or the recipient already has one
     */
    public Builder password(String recipient, String password) {
      requireNonNull(recipient, "recipient");
      requireNonNull(password, "password");
      checkPassword(password);
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
     * How many failed attempts one client (an IPv4 address or an IPv6 /64) may make per hour
     * (default {@value RecipientPasswordRule#DEFAULT_ATTEMPTS_PER_HOUR}); past them its passwords
     * are not checked until the hour ends, and one WARN is logged.
     *
     * @param perHour 1 to {@value RecipientPasswordRule#MAX_ATTEMPTS_PER_HOUR}
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @since 0.3.0
     */
    public Builder attemptsPerHour(int perHour) {
      checkState(this.attemptsPerHour == null, "attemptsPerHour was already set");
      this.attemptsPerHour = checkAttemptsPerHour(perHour);
      return this;
    }

    /** The most clients tracked at once (default 10,000); for tests. */
    Builder maxClients(int maxClients) {
      checkArgument(maxClients > 0, "maxClients must be positive");
      this.maxClients = maxClients;
      return this;
    }

    /**
     * Builds the rule.
     *
     * @return the rule
     */
    public RecipientPasswordRule build() {
      return new RecipientPasswordRule(
          passwords,
          subaddress == null || subaddress,
          subject != null && subject,
          attemptsPerHour == null ? DEFAULT_ATTEMPTS_PER_HOUR : attemptsPerHour,
          maxClients);
    }
  }

  /**
   * Checks a recipient's password: {@value #MIN_LENGTH} to {@value #MAX_LENGTH} ASCII letters,
   * digits, {@code -} and {@code _}.
   *
   * @param password the password
   * @throws IllegalArgumentException saying what is wrong, never showing the password
   * @since 0.3.0
   */
  public static void checkPassword(String password) {
    requireNonNull(password, "password");
    checkArgument(
        password.length() >= MIN_LENGTH && password.length() <= MAX_LENGTH,
        "a recipient password has %s to %s characters, got %s",
        MIN_LENGTH,
        MAX_LENGTH,
        password.length());
    for (int i = 0; i < password.length(); i++) {
      checkArgument(
          isPasswordChar(password.charAt(i)),
          "a recipient password has only ASCII letters, digits, '-' and '_' (bad character at"
              + " index %s)",
          i);
    }
  }

  /**
   * Checks a cap of failed attempts per client per hour.
   *
   * @param perHour the cap
   * @return the cap
   * @throws IllegalArgumentException unless 1 to {@value #MAX_ATTEMPTS_PER_HOUR}
   * @since 0.3.0
   */
  public static int checkAttemptsPerHour(int perHour) {
    checkArgument(
        perHour >= 1 && perHour <= MAX_ATTEMPTS_PER_HOUR,
        "recipient password attempts per hour must be 1 to %s, got %s",
        MAX_ATTEMPTS_PER_HOUR,
        perHour);
    return perHour;
  }
}
