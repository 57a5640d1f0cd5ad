package org.smtpcr.examples.web.captcha;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.internal.LogSafe;
import org.smtpcr.examples.web.captcha.CaptchaVerdict.Failed;
import org.smtpcr.examples.web.captcha.CaptchaVerdict.Passed;
import org.smtpcr.examples.web.captcha.CaptchaVerdict.Unavailable;
import org.smtpcr.examples.web.check.CheckContext;
import org.smtpcr.examples.web.check.CheckForm;
import org.smtpcr.examples.web.check.CheckFragment;
import org.smtpcr.examples.web.check.CheckHtml;
import org.smtpcr.examples.web.check.CheckResult;
import org.smtpcr.examples.web.check.CspSources;
import org.smtpcr.examples.web.check.HumanCheck;

/**
 * A hosted CAPTCHA as a {@link HumanCheck}: {@code turnstile} (Cloudflare Turnstile), {@code
 * hcaptcha} or {@code recaptcha} (reCAPTCHA v2), verified server side by a {@link SiteVerifier}.
 *
 * <p>The form carries the provider's widget, which adds its response token when solved, and two
 * hidden fields: {@code issued} (when the page was rendered, in epoch seconds) and {@code stamp}
 * (the site's {@linkplain CheckContext#stamps() stamp} over the token and {@code issued}). For
 * Turnstile the stamp is also the widget's {@code cdata}, and the answer must repeat it (with the
 * {@code action} {@value #ACTION}): a Turnstile solution made for one link cannot confirm another.
 * hCaptcha and reCAPTCHA v2 offer no such binding; their tokens are single-use and expire within
 * minutes.
 *
 * <p>{@link #verify} refuses, without asking the provider, a form whose stamp does not verify for
 * this link (403) or whose {@code issued} is older than the page's validity (400); a form without
 * the response field is {@linkplain CheckResult#absent() absent} (the widget's script did not run),
 * one with an empty field failed (400: the widget was not solved). Otherwise it asks the provider:
 * {@link Passed} passes; {@link Failed} is 403, its log detail the provider's first error code
 * ({@code invalid-input-response}, {@code timeout-or-duplicate}) or the reason ({@code
 * wrong-hostname}, {@code cdata-mismatch}); {@link Unavailable} (timeout, refused connection, HTTP
 * 5xx, malformed answer, {@code internal-error}, our own configuration refused) is {@linkplain
 * CheckResult#unavailable unavailable}: 503 "try again later" with {@code Retry-After: 60}, which
 * never whitelists. The provider's error codes are logged through {@link LogSafe}, never the secret
 * or the token.
 *
 * <p>Scripts: needs them ({@link #needsScript()}); a site gives people without scripts its next
 * check, such as {@code wait}. Turnstile never shows a puzzle; hCaptcha and reCAPTCHA may (picture
 * puzzles), so they count as {@linkplain #cognitive() cognitive}. Immutable and thread-safe.
 *
 * @since 0.4.0
 */
public final class CaptchaCheck implements HumanCheck {
  /** Turnstile's {@code action}: what the widget was solved for, repeated in the answer. */
  public static final String ACTION = "smtpcr-confirm";

  /** How long a person is asked to wait when the provider is unavailable. */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(60);

  /** The stamp scheme of the form's {@code issued} time, bound to the token. */
  static final String SCHEME = "smtpcr-captcha-v1";

  /** The page's own script that shows the form (the provider's comes after it). */
  static final String SCRIPT = "static/captcha.js";

  static final String ISSUED_FIELD = "issued";
  static final String STAMP_FIELD = "stamp";

  /** How far in the future an {@code issued} may lie (the clocks of several page hosts differ). */
  private static final long FUTURE_SKEW_SECONDS = 60;

  private static final Logger log = LoggerFactory.getLogger(CaptchaCheck.class);

  private final SiteVerifier verifier;
  private final String name;
  private final CspSources csp;

  private CaptchaCheck(SiteVerifier verifier) {
    this.verifier = verifier;
    this.name = nameOf(verifier.provider());
    this.csp = CaptchaWidget.cspSources(verifier.provider());
  }

  /**
   * The check that asks {@code verifier}.
   *
   * @param verifier the provider, site key, secret and hostnames
   * @return the check
   */
  public static CaptchaCheck of(SiteVerifier verifier) {
    return new CaptchaCheck(requireNonNull(verifier, "verifier"));
  }

  /**
   * The check for {@code provider}, configured from the settings {@code captcha-site-key}, {@code
   * captcha-secret-file}, {@code captcha-hostname} (default: the host of {@code challenge-base}),
   * {@code captcha-timeout} and {@code captcha-siteverify-url}.
   *
   * @param provider the provider
   * @return the factory
   */
  public static HumanCheck.Factory factory(CaptchaProvider provider) {
    requireNonNull(provider, "provider");
    return settings -> of(CaptchaSettings.verifier(provider, settings));
  }

  /**
   * The check's name for {@code provider}: {@code turnstile}, {@code hcaptcha} or {@code
   * recaptcha}.
   *
   * @param provider the provider
   * @return the name
   */
  public static String nameOf(CaptchaProvider provider) {
    return switch (requireNonNull(provider, "provider")) {
      case TURNSTILE -> "turnstile";
      case HCAPTCHA -> "hcaptcha";
      case RECAPTCHA_V2 -> "recaptcha";
    };
  }

  /**
   * The provider a check name stands for.
   *
   * @param name a check name
   * @return the provider, or empty when the name is not a hosted CAPTCHA's
   */
  public static Optional<CaptchaProvider> providerNamed(String name) {
    requireNonNull(name, "name");
    for (CaptchaProvider p : CaptchaProvider.values()) {
      if (nameOf(p).equals(name)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The provider asked. */
  public CaptchaProvider provider() {
    return verifier.provider();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean needsScript() {
    return true;
  }

  /** hCaptcha and reCAPTCHA may show picture puzzles; Turnstile never does. */
  @Override
  public boolean cognitive() {
    return verifier.provider() != CaptchaProvider.TURNSTILE;
  }

  @Override
  public CspSources cspSources() {
    return csp;
  }

  @Override
  public CheckFragment render(CheckContext context) {
    requireNonNull(context, "context");
    String issued = Long.toString(context.now().getEpochSecond());
    String stamp = context.stamps().sign(SCHEME, context.token(), issued);
    CaptchaProvider p = verifier.provider();
    String providerName = context.text("check.captcha.provider." + name);
    StringBuilder sb = new StringBuilder(1024);
    // hidden until static/captcha.js runs: without scripts the widget cannot, and only the
    // no-JavaScript fallback shows
    sb.append("<form id=\"captcha-form\" class=\"check check-captcha\" method=\"post\" action=\"")
        .append(context.formAction())
        .append("\" hidden>\n")
        .append(CheckFragment.checkField(this))
        .append("<input type=\"hidden\" name=\"" + ISSUED_FIELD + "\" value=\"")
        .append(issued)
        .append("\">\n")
        .append("<input type=\"hidden\" name=\"" + STAMP_FIELD + "\" value=\"")
        .append(stamp)
        .append("\">\n")
        .append("<p>")
        .append(CheckHtml.escape(context.text("check.captcha.instructions")))
        .append("</p>\n")
        .append(
            CaptchaWidget.div(
                p,
                verifier.siteKey(),
                context.languageTag(),
                p.bindsCdata() ? Optional.of(stamp) : Optional.empty(),
                ACTION))
        .append("\n<p class=\"small\">")
        .append(CheckHtml.escape(context.text("check.captcha.privacy", providerName)))
        .append("</p>\n")
        .append("<button type=\"submit\" id=\"captcha-button\">")
        .append(CheckHtml.escape(context.text("check.captcha.button")))
        .append("</button>\n")
        .append("</form>\n");
    return new CheckFragment(
        sb.toString(), List.of(SCRIPT, CaptchaWidget.scriptUrl(p, context.languageTag())));
  }

  @Override
  public CheckResult verify(CheckContext context, CheckForm form) {
    requireNonNull(context, "context");
    requireNonNull(form, "form");
    Optional<Long> issued = form.decimal(ISSUED_FIELD);
    Optional<String> stamp = form.field(STAMP_FIELD);
    Optional<String> response = form.field(verifier.provider().formField());
    if (issued.isEmpty() || stamp.isEmpty() || response.isEmpty()) {
      return CheckResult.absent();
    }
    if (!context
        .stamps()
        .verifies(stamp.get(), SCHEME, context.token(), Long.toString(issued.get()))) {
      return failed(403, "stamp");
    }
    long age = context.now().getEpochSecond() - issued.get();
    if (age > context.validity().toSeconds() || -age > FUTURE_SKEW_SECONDS) {
      return CheckResult.failed(
          400,
          "stale",
          "check.stale.title",
          "check.stale.text",
          Math.max(1, context.validity().toMinutes()));
    }
    if (response.get().isEmpty()) {
      return CheckResult.failed(
          400, "missing-response", "check.captcha.missing.title", "check.captcha.missing.text");
    }
    Optional<InetAddress> client = context.client();
    if (client.isEmpty()) {
      throw new IllegalStateException("the page verifies a check only on a POST, with a client");
    }
    CaptchaSubmission submission = CaptchaSubmission.of(response.get(), client.get());
    if (verifier.provider().bindsCdata()) {
      submission = submission.withCdata(stamp.get()).withAction(ACTION);
    }
    CaptchaVerdict verdict = verifier.verify(submission);
    if (verdict instanceof Passed) {
      return CheckResult.passed();
    }
    if (verdict instanceof Failed f) {
      if (!f.errorCodes().isEmpty()) {
        log.info(
            "captcha refused check={} reason={} error-codes={}",
            name,
            kebab(f.reason().name()),
            LogSafe.of(String.join(",", f.errorCodes())));
      }
      return failed(403, detail(f));
    }
    Unavailable u = (Unavailable) verdict;
    String reason = kebab(u.reason().name());
    return CheckResult.unavailable(
        reason.startsWith("provider-") ? reason : "provider-" + reason, RETRY_AFTER);
  }

  private static CheckResult failed(int status, String detail) {
    return CheckResult.failed(
        status, detail, "check.captcha.failed.title", "check.captcha.failed.text");
  }

  /** The provider's first error code when it makes a log detail, else the reason. */
  static String detail(Failed f) {
    if (!f.errorCodes().isEmpty()) {
      String code = f.errorCodes().get(0);
      if (CheckResult.DETAIL.matcher(code).matches()) {
        return code;
      }
    }
    return kebab(f.reason().name());
  }

  private static String kebab(String enumName) {
    return enumName.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Names the check and its verifier (never the secret). */
  @Override
  public String toString() {
    return "CaptchaCheck[" + name + ", " + verifier + "]";
  }
}
