package org.smtpcr.examples.web.check;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What {@link HumanCheck#verify} found. Only {@link Passed} lets the page go on to confirm; the
 * others each give a page that records nothing:
 *
 * <ul>
 *   <li>{@link Failed}: the answer is wrong, tampered with, too early or too late; the page answers
 *       with the given status and texts and a link to open the check again;
 *   <li>{@link Unavailable}: the check could not decide (a hosted CAPTCHA's provider did not
 *       answer); the page answers 503 "try again later" with {@code Retry-After}. Never whitelists;
 *   <li>{@link Absent}: the check's fields are missing (a browser without scripts posted a scripted
 *       check's form); the page answers 400 saying the check did not run.
 * </ul>
 *
 * <p>Each refusal writes one log line {@code action=refuse reason=bad-check check=<name>
 * detail=<detail>} and counts as refusal {@code bad-check} in the metrics.
 *
 * @since 0.4.0
 */
public sealed interface CheckResult {
  /** What a log detail looks like: 1 to 40 of {@code a-z}, {@code 0-9} and {@code -}. */
  Pattern DETAIL = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

  /**
   * The answer is right.
   *
   * @return the result
   */
  static CheckResult passed() {
    return new Passed();
  }

  /**
   * The answer is wrong, with the page's texts for it.
   *
   * @param status the HTTP status, 400 to 499
   * @param detail the log detail, such as {@code stamp}, {@code early}, {@code stale}
   * @param titleKey the page-text key of the page's title
   * @param textKey the page-text key of the explanation
   * @param textArgs the arguments of the explanation
   * @return the result
   */
  static CheckResult failed(
      int status, String detail, String titleKey, String textKey, Object... textArgs) {
    return new Failed(status, detail, titleKey, textKey, List.of(textArgs));
  }

  /**
   * The check could not decide; try again later.
   *
   * @param detail the log detail, such as {@code provider-timeout}
   * @param retryAfter when to try again, at least one second
   * @return the result
   */
  static CheckResult unavailable(String detail, Duration retryAfter) {
    return new Unavailable(detail, retryAfter);
  }

  /**
   * The check's fields are missing.
   *
   * @return the result
   */
  static CheckResult absent() {
    return new Absent();
  }

  /** The answer is right. */
  record Passed() implements CheckResult {}

  /**
   * The answer is wrong.
   *
   * @param status the HTTP status, 400 to 499
   * @param detail the log detail, matching {@link CheckResult#DETAIL}
   * @param titleKey the page-text key of the title
   * @param textKey the page-text key of the explanation
   * @param textArgs the explanation's arguments (no nulls)
   */
  record Failed(int status, String detail, String titleKey, String textKey, List<Object> textArgs)
      implements CheckResult {
    /** Checks and copies the parts. */
    public Failed {
      checkArgument(status >= 400 && status <= 499, "status must be 400..499, got %s", status);
      checkDetail(detail);
      requireNonNull(titleKey, "titleKey");
      requireNonNull(textKey, "textKey");
      textArgs = List.copyOf(textArgs);
    }
  }

  /**
   * The check could not decide.
   *
   * @param detail the log detail, matching {@link CheckResult#DETAIL}
   * @param retryAfter when to try again, at least one second
   */
  record Unavailable(String detail, Duration retryAfter) implements CheckResult {
    /** Checks the parts. */
    public Unavailable {
      checkDetail(detail);
      requireNonNull(retryAfter, "retryAfter");
      checkArgument(retryAfter.toSeconds() >= 1, "retryAfter must be at least 1 second");
    }
  }

  /** The check's fields are missing. */
  record Absent() implements CheckResult {}

  private static void checkDetail(String detail) {
    requireNonNull(detail, "detail");
    checkArgument(DETAIL.matcher(detail).matches(), "a detail is 1..40 of a-z, 0-9 and -");
  }
}
