package org.smtpcr.examples.web.check;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.smtpcr.examples.web.captcha.CaptchaCheck;
import org.smtpcr.examples.web.captcha.CaptchaProvider;

/**
 * The human checks a site can name in its settings ({@code pageChecks}, option {@code
 * --page-checks}), by {@link HumanCheck#name()}.
 *
 * <p>{@value #POW} and {@value #WAIT} are built into the page, which makes them from its own
 * options (difficulty, validity, wait). Every other check is made by the {@link HumanCheck.Factory}
 * registered here under its name, from the site's {@code Settings}, when the page is built: to add
 * a check that settings can name (such as {@code turnstile}), add one entry to {@link #FACTORIES}
 * below, whose factory reads the check's own settings declarations (site key, secret) and throws
 * {@link IllegalArgumentException} when one it needs is missing. A site that builds the page in
 * code can instead hand a check instance to {@code ChallengePage.Builder.addCheck}.
 *
 * @since 0.4.0
 */
public final class HumanCheckRegistry {
  /** The proof-of-work, the default main check. */
  public static final String POW = "pow";

  /** The no-JavaScript wait form, the default fallback. */
  public static final String WAIT = "wait";

  /** The checks made from settings, by name. */
  private static final Map<String, HumanCheck.Factory> FACTORIES =
      Map.of(
          "turnstile", CaptchaCheck.factory(CaptchaProvider.TURNSTILE),
          "hcaptcha", CaptchaCheck.factory(CaptchaProvider.HCAPTCHA),
          "recaptcha", CaptchaCheck.factory(CaptchaProvider.RECAPTCHA_V2));

  private HumanCheckRegistry() {}

  /**
   * The factory of the check named {@code name}, for a check that is not built into the page.
   *
   * @param name a check name
   * @return the factory, or empty when no check of that name is registered
   */
  public static Optional<HumanCheck.Factory> factory(String name) {
    return Optional.ofNullable(FACTORIES.get(requireNonNull(name, "name")));
  }

  /**
   * Every name a site may list: the built-in checks and the registered ones.
   *
   * @return the names, sorted
   */
  public static Set<String> names() {
    Set<String> all = new TreeSet<>(FACTORIES.keySet());
    all.add(POW);
    all.add(WAIT);
    return all;
  }
}
