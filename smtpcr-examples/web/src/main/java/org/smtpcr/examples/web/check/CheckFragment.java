package org.smtpcr.examples.web.check;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a {@link HumanCheck} renders: its whole {@code <form>} as HTML (every text in it escaped)
 * and the scripts the page loads for it, each with {@code defer}, in the page's {@code <head>}.
 *
 * <p>A script is either the page's own, named relative to the site root ({@code static/pow.js}; the
 * page prefixes the way to the root), or a provider's, as an absolute {@code https:} URL whose
 * origin the check also lists in {@link HumanCheck#cspSources()}. A check shown inside {@code
 * <noscript>} (the no-JavaScript fallback) loads no script.
 *
 * @param html the form, escaped; no {@code <script>} element (the policy forbids inline scripts)
 * @param scripts the scripts to load
 * @since 0.4.0
 */
public record CheckFragment(String html, List<String> scripts) {
  private static final Pattern OWN = Pattern.compile("static/[a-z0-9][a-z0-9.-]{0,60}\\.js");
  private static final Pattern HOSTED = Pattern.compile("https://[!#-~&&[^\"'<>\\\\`]]{1,500}");

  /** Checks and copies the parts. */
  public CheckFragment {
    requireNonNull(html, "html");
    scripts = List.copyOf(scripts);
    for (String s : scripts) {
      checkArgument(
          OWN.matcher(s).matches() || HOSTED.matcher(s).matches(),
          "a check's script is static/<name>.js or an https: URL, got %s",
          s);
    }
  }

  /**
   * A form that needs no script.
   *
   * @param html the form
   * @return the fragment
   */
  public static CheckFragment of(String html) {
    return new CheckFragment(html, List.of());
  }

  /**
   * The hidden field that names the check, to put first in its form.
   *
   * @param check the check
   * @return {@code <input type="hidden" name="check" value="<name>">} and a newline
   */
  public static String checkField(HumanCheck check) {
    return "<input type=\"hidden\" name=\""
        + HumanCheck.CHECK_FIELD
        + "\" value=\""
        + CheckHtml.escape(check.name())
        + "\">\n";
  }
}
