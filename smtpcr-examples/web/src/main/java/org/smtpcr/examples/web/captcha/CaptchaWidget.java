package org.smtpcr.examples.web.captcha;

import static java.util.Objects.requireNonNull;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.smtpcr.examples.web.check.CheckHtml;
import org.smtpcr.examples.web.check.CspSources;
import org.smtpcr.examples.web.check.CspSources.Directive;

/**
 * What the page puts in front of the browser for one hosted CAPTCHA: the provider's documented
 * embed (a {@code div} with the provider's class and {@code data-sitekey}, and its {@code api.js}
 * loaded {@code async defer}), in the page's language where the provider lets the page choose it,
 * and the Content-Security-Policy sources the provider documents for that embed.
 *
 * <ul>
 *   <li>Turnstile: {@code <div class="cf-turnstile" data-sitekey data-action data-cdata
 *       data-language>} and {@code https://challenges.cloudflare.com/turnstile/v0/api.js}; CSP
 *       {@code script-src} and {@code frame-src https://challenges.cloudflare.com}.
 *   <li>hCaptcha: {@code <div class="h-captcha" data-sitekey>} and {@code
 *       https://js.hcaptcha.com/1/api.js?hl=LANG}; CSP {@code script-src}, {@code frame-src},
 *       {@code style-src} and {@code connect-src https://hcaptcha.com https://*.hcaptcha.com}.
 *   <li>reCAPTCHA v2: {@code <div class="g-recaptcha" data-sitekey>} and {@code
 *       https://www.google.com/recaptcha/api.js?hl=LANG}; CSP {@code script-src
 *       https://www.google.com/recaptcha/ https://www.gstatic.com/recaptcha/} and {@code frame-src
 *       https://www.google.com/recaptcha/ https://recaptcha.google.com/recaptcha/}.
 * </ul>
 *
 * <p>Each widget, once solved, adds its response token to the enclosing form as the field {@link
 * CaptchaProvider#formField()}; the page needs no script of its own for it.
 */
final class CaptchaWidget {
  private CaptchaWidget() {}

  /** The provider's script, with the page's language where the provider takes it in the URL. */
  static String scriptUrl(CaptchaProvider provider, String languageTag) {
    requireNonNull(languageTag, "languageTag");
    String hl = URLEncoder.encode(languageTag, StandardCharsets.UTF_8);
    return switch (provider) {
      case TURNSTILE -> "https://challenges.cloudflare.com/turnstile/v0/api.js";
      case HCAPTCHA -> "https://js.hcaptcha.com/1/api.js?hl=" + hl;
      case RECAPTCHA_V2 -> "https://www.google.com/recaptcha/api.js?hl=" + hl;
    };
  }

  /**
   * The widget's {@code div}, escaped. For Turnstile, {@code cdata} and {@code action} bind the
   * solution to this challenge, and the language goes in {@code data-language}.
   *
   * @param cdata Turnstile's {@code cdata} ({@code [A-Za-z0-9_-]}, at most 255 characters); empty
   *     for the other providers
   */
  static String div(
      CaptchaProvider provider,
      String siteKey,
      String languageTag,
      Optional<String> cdata,
      String action) {
    StringBuilder sb = new StringBuilder(256);
    sb.append("<div class=\"")
        .append(
            switch (provider) {
              case TURNSTILE -> "cf-turnstile";
              case HCAPTCHA -> "h-captcha";
              case RECAPTCHA_V2 -> "g-recaptcha";
            })
        .append("\" data-sitekey=\"")
        .append(escape(siteKey))
        .append('"');
    if (provider == CaptchaProvider.TURNSTILE) {
      sb.append(" data-action=\"").append(escape(action)).append('"');
      cdata.ifPresent(c -> sb.append(" data-cdata=\"").append(escape(c)).append('"'));
      sb.append(" data-language=\"").append(escape(languageTag)).append('"');
    }
    return sb.append("></div>").toString();
  }

  /** The sources the provider's embed needs, as its documentation gives them. */
  static CspSources cspSources(CaptchaProvider provider) {
    return switch (provider) {
      case TURNSTILE ->
          CspSources.none()
              .with(Directive.SCRIPT_SRC, "https://challenges.cloudflare.com")
              .with(Directive.FRAME_SRC, "https://challenges.cloudflare.com");
      case HCAPTCHA -> {
        String[] h = {"https://hcaptcha.com", "https://*.hcaptcha.com"};
        yield CspSources.none()
            .with(Directive.SCRIPT_SRC, h)
            .with(Directive.FRAME_SRC, h)
            .with(Directive.STYLE_SRC, h)
            .with(Directive.CONNECT_SRC, h);
      }
      case RECAPTCHA_V2 ->
          CspSources.none()
              .with(
                  Directive.SCRIPT_SRC,
                  "https://www.google.com/recaptcha/",
                  "https://www.gstatic.com/recaptcha/")
              .with(
                  Directive.FRAME_SRC,
                  "https://www.google.com/recaptcha/",
                  "https://recaptcha.google.com/recaptcha/");
    };
  }

  private static String escape(String s) {
    return CheckHtml.escape(s);
  }
}
