package org.smtpcr.core.rules;

import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;
import org.smtpcr.core.address.ParsedAddress;
import org.smtpcr.core.spi.DecisionRule;
import org.smtpcr.core.spi.RuleContext;
import org.smtpcr.tokens.PassCodes;

/**
 * Accepts a sender who gives the pass code of its (canonical sender, canonical recipient) pair
 * (docs/token-format.md, "Pass code"): in the recipient's sub-address ({@code
 * bob+abcdef-ghijkl-mnopqr@…}) or, at the end of DATA and when enabled, anywhere in the Subject.
 * The challenge page shows the code to a sender who passed the human check; no state is needed to
 * check it.
 *
 * <p>Enabling the Subject makes the engine decide would-be challenges at the end of DATA (see
 * {@code TransactionState}). At most 64 candidate words of the Subject are tried.
 *
 * @since 0.1.0
 */
public final class PassCodeRule implements DecisionRule {
  private static final int MAX_WORD_LENGTH =
      2 * PassCodes.LENGTH; // room for any grouping with dashes

  private final PassCodes passCodes;
  private final boolean subaddress;
  private final boolean subject;

  private PassCodeRule(PassCodes passCodes, boolean subaddress, boolean subject) {
    this.passCodes = passCodes;
    this.subaddress = subaddress;
    this.subject = subject;
  }

  /**
   * Starts a builder; the pass codes are required.
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
    Optional<ParsedAddress> sender = context.sender();
    if (sender.isEmpty()) {
      return Optional.empty();
    }
    if (subaddress) {
      Optional<String> ext = rcpt.get().subaddress();
      if (ext.isPresent()
          && looksLikeCode(ext.get())
          && passCodes.matches(
              ext.get(), sender.get().canonical().value(), rcpt.get().canonical().value())) {
        return context.admit();
      }
    }
    if (subject && context.stage() == Stage.DATA) {
      Optional<String> subj = context.subject();
      if (subj.isPresent()) {
        String s = sender.get().canonical().value();
        String r = rcpt.get().canonical().value();
        for (String w : Words.of(subj.get(), PassCodes.LENGTH, MAX_WORD_LENGTH)) {
          if (looksLikeCode(w) && passCodes.matches(w, s, r)) {
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
    return "pass-code";
  }

  @Override
  public String toString() {
    return "PassCodeRule[subaddress=" + subaddress + ", subject=" + subject + "]";
  }

  /** 18 base32 characters once dashes are dropped: the cheap test before computing a MAC. */
  private static boolean looksLikeCode(String w) {
    int n = 0;
    for (int i = 0; i < w.length(); i++) {
      char c = w.charAt(i);
      if (c == '-') {
        continue;
      }
      boolean b32 = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
      if (!b32 || ++n > PassCodes.LENGTH) {
        return false;
      }
    }
    return n == PassCodes.LENGTH;
  }

  /**
   * Builds a {@link PassCodeRule}. Each option may be set once. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private PassCodes passCodes;
    private Boolean subaddress;
    private Boolean subject;

    private Builder() {}

    /**
     * The pass codes to check, made from the engine's key ring (required).
     *
     * @param passCodes {@code PassCodes.of(keyRing)}
     * @return this builder
     */
    public Builder passCodes(PassCodes passCodes) {
      checkState(this.passCodes == null, "passCodes was already set");
      this.passCodes = requireNonNull(passCodes, "passCodes");
      return this;
    }

    /**
     * Whether a code in the recipient's sub-address counts (default true).
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
     * Whether a code in the Subject counts, at the end of DATA (default false).
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
     * @throws IllegalStateException if the pass codes are missing
     */
    public PassCodeRule build() {
      checkState(passCodes != null, "passCodes is required");
      return new PassCodeRule(
          passCodes, subaddress == null || subaddress, subject != null && subject);
    }
  }
}
