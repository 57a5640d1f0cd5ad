package org.smtpcr.examples.web;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import org.smtpcr.examples.web.check.CheckContext;
import org.smtpcr.examples.web.check.CheckForm;
import org.smtpcr.examples.web.check.CheckFragment;
import org.smtpcr.examples.web.check.CheckHtml;
import org.smtpcr.examples.web.check.CheckResult;
import org.smtpcr.examples.web.check.HumanCheck;
import org.smtpcr.examples.web.check.HumanCheckRegistry;

/**
 * The no-JavaScript check, {@code wait}: "wait a few seconds, then press Confirm". The form carries
 * the time the page was rendered and a stamp over it and the token (scheme {@code smtpcr-wait-v1}:
 * {@code stamp = CheckStamps.sign("smtpcr-wait-v1", token, issued)}); a POST passes when the stamp
 * verifies and it comes at least the configured wait after {@code issued}, and at most the validity
 * after it. The page keeps no state.
 *
 * <p>It is the non-cognitive alternative WCAG 2.2 SC 3.3.8 asks for, and the way in for text
 * browsers and browsers with scripts turned off. It costs a person a few seconds and a click, and a
 * bot the same few seconds of latency (no work: a bot can wait for many links at once). So it is a
 * fallback, shown inside {@code <noscript>} under a scripted main check; the confirmation limits
 * per recipient, sender domain and network are what hold a bot that uses it.
 */
final class WaitCheck implements HumanCheck {
  /** The stamp scheme. */
  static final String SCHEME = "smtpcr-wait-v1";

  /** The form field with the issue time, epoch seconds. */
  static final String ISSUED = "wait-issued";

  /** The form field with the stamp. */
  static final String STAMP = "wait-stamp";

  /** Default wait: 5 seconds. */
  static final Duration DEFAULT_WAIT = Duration.ofSeconds(5);

  private final Duration wait;

  WaitCheck(Duration wait) {
    requireNonNull(wait, "wait");
    checkArgument(
        wait.compareTo(Duration.ofSeconds(1)) >= 0 && wait.compareTo(Duration.ofMinutes(2)) <= 0,
        "the wait must be 1 s..2 min, got %s",
        wait);
    this.wait = wait;
  }

  Duration waitTime() {
    return wait;
  }

  @Override
  public String name() {
    return HumanCheckRegistry.WAIT;
  }

  @Override
  public boolean needsScript() {
    return false;
  }

  @Override
  public CheckFragment render(CheckContext c) {
    long issued = c.now().getEpochSecond();
    String stamp = c.stamps().sign(SCHEME, c.token(), Long.toString(issued));
    long seconds = wait.toSeconds();
    StringBuilder sb = new StringBuilder(1024);
    sb.append("<form id=\"wait-form\" method=\"post\" action=\"")
        .append(c.formAction())
        .append("\">\n")
        .append(CheckFragment.checkField(this))
        .append("<input type=\"hidden\" name=\"")
        .append(ISSUED)
        .append("\" value=\"")
        .append(issued)
        .append("\">\n")
        .append("<input type=\"hidden\" name=\"")
        .append(STAMP)
        .append("\" value=\"")
        .append(stamp)
        .append("\">\n")
        .append("<p id=\"wait-text\">")
        .append(CheckHtml.escape(c.text("check.wait.text", seconds)))
        .append("</p>\n")
        .append("<button type=\"submit\" id=\"wait-button\">")
        .append(CheckHtml.escape(c.text("check.wait.button")))
        .append("</button>\n")
        .append("</form>\n");
    return CheckFragment.of(sb.toString());
  }

  @Override
  public CheckResult verify(CheckContext c, CheckForm form) {
    requireNonNull(form, "form");
    Optional<Long> issued = form.decimal(ISSUED);
    Optional<String> stamp = form.field(STAMP);
    if (issued.isEmpty() || stamp.isEmpty()) {
      return CheckResult.absent();
    }
    if (!c.stamps().verifies(stamp.get(), SCHEME, c.token(), Long.toString(issued.get()))) {
      return CheckResult.failed(403, "stamp", "check.wait.wrong.title", "check.wait.wrong.text");
    }
    long age = c.now().getEpochSecond() - issued.get();
    if (age > c.validity().toSeconds()) {
      return CheckResult.failed(
          400,
          "stale",
          "check.stale.title",
          "check.stale.text",
          Math.max(1, c.validity().toMinutes()));
    }
    if (age < wait.toSeconds()) {
      return CheckResult.failed(
          400, "early", "check.wait.early.title", "check.wait.early.text", wait.toSeconds());
    }
    return CheckResult.passed();
  }

  @Override
  public String toString() {
    return "WaitCheck[wait=" + wait + "]";
  }
}
