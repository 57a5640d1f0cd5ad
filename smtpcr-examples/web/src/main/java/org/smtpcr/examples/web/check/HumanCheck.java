package org.smtpcr.examples.web.check;

import java.util.regex.Pattern;
import org.smtpcr.examples.runtime.Settings;

/**
 * One way of telling a person from a bot on the challenge page, such as the proof-of-work ({@code
 * pow}), the no-JavaScript wait form ({@code wait}) or a hosted CAPTCHA.
 *
 * <p>The page calls a check twice per confirmation, both times with a {@link CheckContext} bound to
 * the link's token:
 *
 * <ol>
 *   <li>{@link #render} on {@code GET /c/<token>}: the check returns its whole {@code <form>}
 *       (method {@code post}, action {@link CheckContext#formAction()}), with a hidden field
 *       {@value #CHECK_FIELD} whose value is {@link #name()}, and the scripts it needs;
 *   <li>{@link #verify} on {@code POST /c/<token>}, with the posted form: the page dispatches by
 *       the {@value #CHECK_FIELD} field to the configured check of that name (a form without the
 *       field goes to the site's first check; a name the site did not configure is refused before
 *       any check sees it). Only {@link CheckResult.Passed} goes on to the deny list, the
 *       confirmation limits and the store.
 * </ol>
 *
 * <p>A check keeps no per-request state: what it must get back unchanged (a time, a difficulty) it
 * puts in hidden fields and signs with {@link CheckContext#stamps()}, bound to the token, so that
 * an answer for one link never confirms another and no answer can be prepared in advance. It must
 * refuse an answer older than {@link CheckContext#validity()}.
 *
 * <p>Every text a check shows or returns goes through {@link CheckContext#text} (keys in the page's
 * {@code messages.properties}, in a section {@code # check.<name>} with keys prefixed {@code
 * check.<name>.}); every piece of text in its HTML is escaped with {@link CheckHtml#escape}. The
 * page's Content-Security-Policy is {@code default-src 'self'} with no inline script or style; a
 * check that loads a provider's script or frame declares the origins in {@link #cspSources()}, and
 * the page adds them to the policy of the pages that show this check only.
 *
 * <p>Implementations must be immutable and thread-safe: one instance serves every request. A site
 * may implement its own check and hand it to {@code ChallengePage.Builder.addCheck}, or register a
 * factory by name in {@link HumanCheckRegistry} so that the settings can name it.
 *
 * @since 0.4.0
 */
public interface HumanCheck {
  /** The hidden form field that names the check that answered. */
  String CHECK_FIELD = "check";

  /** What a {@link #name()} looks like: 1 to 20 of {@code a-z}, {@code 0-9} and {@code -}. */
  Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,19}");

  /**
   * The check's stable short name, such as {@code pow}, {@code wait} or {@code turnstile}: the
   * value of the {@value #CHECK_FIELD} field, the name in the {@code page-checks} setting, the
   * {@code check=} field of the page's log lines and a metrics label. Matches {@link #NAME}.
   *
   * @return the name
   */
  String name();

  /**
   * Whether the check works only with JavaScript. A site whose first check needs scripts gets its
   * first later check that does not shown inside {@code <noscript>}, for browsers without scripts.
   *
   * @return true if the check needs scripts in the browser
   */
  boolean needsScript();

  /**
   * Whether the check asks the person to solve, recall or recognise something (a puzzle, a picture
   * CAPTCHA): a "cognitive function test" in the sense of WCAG 2.2 SC 3.3.8. A site whose checks
   * are all cognitive gets a warning in the log when the page is built, since it leaves people
   * without an alternative. Default: false.
   *
   * @return true for a cognitive test
   */
  default boolean cognitive() {
    return false;
  }

  /**
   * The sources the check adds to the page's Content-Security-Policy, on the pages that render it
   * (default: none; the page's own {@code 'self'} covers scripts under {@code static/}).
   *
   * @return the extra sources
   */
  default CspSources cspSources() {
    return CspSources.none();
  }

  /**
   * The check's part of the challenge page: a whole {@code <form>} with everything it needs.
   *
   * @param context the link's token, the time, the texts and the stamps
   * @return the form's HTML (escaped) and the scripts to load
   */
  CheckFragment render(CheckContext context);

  /**
   * Verifies the answer the check's form posted. Called only for a valid token, with a form whose
   * {@value #CHECK_FIELD} field names this check (or is missing, when this is the site's first
   * check). May block (a hosted CAPTCHA asks its provider), but should give up within a few seconds
   * and answer {@link CheckResult.Unavailable}.
   *
   * @param context the link's token, the client's address, the time, the texts and the stamps
   * @param form the posted form
   * @return passed, failed, unavailable, or absent when the check's fields are missing
   */
  CheckResult verify(CheckContext context, CheckForm form);

  /**
   * Makes a check from the site's settings, for {@link HumanCheckRegistry}: a check that has
   * options (a site key, a secret) reads them from its own {@link Settings} declarations.
   *
   * @since 0.4.0
   */
  @FunctionalInterface
  interface Factory {
    /**
     * The check, configured from {@code settings}.
     *
     * @param settings the site's settings
     * @return the check
     * @throws IllegalArgumentException if a setting the check needs is missing or wrong
     */
    HumanCheck create(Settings settings);
  }
}
