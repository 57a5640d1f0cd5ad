package org.smtpcr.examples.web;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.smtpcr.examples.web.check.CheckContext;
import org.smtpcr.examples.web.check.CheckForm;
import org.smtpcr.examples.web.check.CheckFragment;
import org.smtpcr.examples.web.check.CheckHtml;
import org.smtpcr.examples.web.check.CheckResult;
import org.smtpcr.examples.web.check.HumanCheck;
import org.smtpcr.examples.web.check.HumanCheckRegistry;

/**
 * The proof-of-work check, {@code pow} (scheme {@code smtpcr-pow-v2}, see {@link ProofOfWork}): the
 * page's script finds a nonce in a Web Worker with Web Crypto; the form posts {@code issued},
 * {@code bits}, {@code stamp} (as the page issued them) and {@code nonce}. The wire fields are the
 * same as before checks had names, and a form without a {@code check} field still reaches it when
 * it is the site's first check.
 *
 * <p>The script shows a progress bar and, once it has measured this browser's rate, an estimate of
 * the time left (from the expected 2<sup>bits</sup> attempts), and announces it through the form's
 * {@code role=status} line at most every few seconds. Its texts come from the page's catalogue
 * ({@code check.pow.js.*}) in {@code data-text-*} attributes of the form, since the policy allows
 * no inline script.
 */
final class PowCheck implements HumanCheck {
  /** The script's texts: data-text-NAME carries key check.pow.js.NAME. */
  static final List<String> SCRIPT_TEXTS =
      List.of(
          "working",
          "progress",
          "longer",
          "still",
          "found",
          "sending",
          "insecure",
          "nostart",
          "failed",
          "broken");

  private final int bits;
  private final boolean confirmOnClick;

  PowCheck(int bits, boolean confirmOnClick) {
    this.bits = bits;
    this.confirmOnClick = confirmOnClick;
  }

  int bits() {
    return bits;
  }

  @Override
  public String name() {
    return HumanCheckRegistry.POW;
  }

  @Override
  public boolean needsScript() {
    return true;
  }

  @Override
  public CheckFragment render(CheckContext c) {
    long issued = c.now().getEpochSecond();
    String stamp =
        c.stamps()
            .sign(ProofOfWork.DOMAIN, c.token(), Long.toString(issued), Integer.toString(bits));
    String challenge = ProofOfWork.hex(ProofOfWork.challenge(stamp));
    StringBuilder sb = new StringBuilder(2048);
    sb.append("<form id=\"pow-form\" method=\"post\" action=\"")
        .append(c.formAction())
        .append("\" data-challenge=\"")
        .append(challenge)
        .append("\" data-bits=\"")
        .append(bits)
        .append("\" data-auto=\"")
        .append(confirmOnClick ? "click" : "found")
        .append("\"");
    for (String t : SCRIPT_TEXTS) {
      // formatted with placeholder arguments, so that '' in a pattern becomes ' and {0} stays {0}
      sb.append(" data-text-")
          .append(t)
          .append("=\"")
          .append(CheckHtml.escape(c.text("check.pow.js." + t, "{0}", "{1}")))
          .append("\"");
    }
    // hidden until the script runs: without scripts only the no-JavaScript fallback shows
    sb.append(" data-state=\"ready\" hidden>\n");
    sb.append("<h2>")
        .append(CheckHtml.escape(c.text("check.pow.next")))
        .append("</h2>\n<ol>\n<li>")
        .append(
            CheckHtml.escape(
                c.text(confirmOnClick ? "check.pow.step.click" : "check.pow.step.auto")))
        .append("</li>\n<li>")
        .append(CheckHtml.escape(c.text("check.pow.step.send")))
        .append("</li>\n</ol>\n");
    sb.append(CheckFragment.checkField(this))
        .append("<input type=\"hidden\" name=\"issued\" value=\"")
        .append(issued)
        .append("\">\n")
        .append("<input type=\"hidden\" name=\"bits\" value=\"")
        .append(bits)
        .append("\">\n")
        .append("<input type=\"hidden\" name=\"stamp\" value=\"")
        .append(stamp)
        .append("\">\n")
        .append("<input type=\"hidden\" name=\"nonce\" value=\"\">\n")
        .append("<p id=\"pow-status\" role=\"status\" aria-live=\"polite\">")
        .append(
            CheckHtml.escape(
                c.text(confirmOnClick ? "check.pow.status.click" : "check.pow.status.auto")))
        .append("</p>\n")
        .append("<progress id=\"pow-progress\" max=\"100\" aria-label=\"")
        .append(CheckHtml.escape(c.text("check.pow.progress.label")))
        .append("\" hidden></progress>\n")
        .append("<button type=\"submit\" id=\"pow-button\">")
        .append(CheckHtml.escape(c.text("check.pow.button")))
        .append("</button>\n")
        .append("</form>\n");
    return new CheckFragment(sb.toString(), List.of("static/pow.js"));
  }

  @Override
  public CheckResult verify(CheckContext c, CheckForm form) {
    requireNonNull(form, "form");
    Optional<Long> issued = form.decimal("issued");
    Optional<Long> signedBits = form.decimal("bits");
    Optional<String> stamp = form.field("stamp");
    Optional<Long> nonce = form.decimal("nonce");
    if (issued.isEmpty()
        || signedBits.isEmpty()
        || signedBits.get() > ProofOfWork.MAX_BITS
        || stamp.isEmpty()
        || nonce.isEmpty()) {
      return CheckResult.absent();
    }
    int powBits = (int) (long) signedBits.get();
    if (!c.stamps()
        .verifies(
            stamp.get(),
            ProofOfWork.DOMAIN,
            c.token(),
            Long.toString(issued.get()),
            Integer.toString(powBits))) {
      // the time or the difficulty was changed, or the check was not issued by this site
      return CheckResult.failed(403, "stamp", "check.pow.wrong.title", "check.pow.wrong.text");
    }
    long age = c.now().getEpochSecond() - issued.get();
    if (age > c.validity().toSeconds() || -age > ChallengePage.FUTURE_SKEW.toSeconds()) {
      return CheckResult.failed(
          400,
          "stale",
          "check.stale.title",
          "check.stale.text",
          Math.max(1, c.validity().toMinutes()));
    }
    if (!ProofOfWork.passes(ProofOfWork.challenge(stamp.get()), nonce.get(), powBits)) {
      return CheckResult.failed(403, "work", "check.pow.wrong.title", "check.pow.wrong.text");
    }
    return CheckResult.passed();
  }

  @Override
  public String toString() {
    return "PowCheck[bits=" + bits + ", confirmOnClick=" + confirmOnClick + "]";
  }
}
