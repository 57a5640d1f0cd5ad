package org.smtpcr.examples.web.captcha;

import java.net.URI;

/**
 * The hosted CAPTCHA services that {@link SiteVerifier} can ask, each with its documented {@code
 * siteverify} endpoint and what its API offers.
 *
 * @since 0.1.0
 */
public enum CaptchaProvider {
  /**
   * Cloudflare Turnstile: {@code POST https://challenges.cloudflare.com/turnstile/v0/siteverify}
   * with {@code secret}, {@code response}, {@code remoteip} and optionally {@code idempotency_key};
   * the answer carries the widget's {@code action} and {@code cdata}, so a check can be bound to
   * the challenge it was solved for.
   */
  TURNSTILE(
      "https://challenges.cloudflare.com/turnstile/v0/siteverify",
      "cf-turnstile-response",
      true,
      false),
  /**
   * hCaptcha: {@code POST https://api.hcaptcha.com/siteverify} with {@code secret}, {@code
   * response}, {@code remoteip} and {@code sitekey} (tokens solved for another site key fail).
   */
  HCAPTCHA("https://api.hcaptcha.com/siteverify", "h-captcha-response", false, true),
  /**
   * Google reCAPTCHA v2 (checkbox or invisible): {@code POST
   * https://www.google.com/recaptcha/api/siteverify} with {@code secret}, {@code response} and
   * {@code remoteip}.
   */
  RECAPTCHA_V2(
      "https://www.google.com/recaptcha/api/siteverify", "g-recaptcha-response", false, false);

  private final String endpoint;
  private final String formField;
  private final boolean bindsCdata;
  private final boolean sendsSiteKey;

  CaptchaProvider(String endpoint, String formField, boolean bindsCdata, boolean sendsSiteKey) {
    this.endpoint = endpoint;
    this.formField = formField;
    this.bindsCdata = bindsCdata;
    this.sendsSiteKey = sendsSiteKey;
  }

  /** The provider's documented {@code siteverify} address. */
  public URI endpoint() {
    return URI.create(endpoint);
  }

  /** The form field in which the provider's widget posts its response token. */
  public String formField() {
    return formField;
  }

  /**
   * Whether the provider returns the widget's {@code cdata} and {@code action}, so that a check can
   * be bound to a challenge ({@link CaptchaSubmission#withCdata}, {@link
   * CaptchaSubmission#withAction}).
   */
  public boolean bindsCdata() {
    return bindsCdata;
  }

  /** Whether the site key goes along with the request ({@code sitekey}). */
  boolean sendsSiteKey() {
    return sendsSiteKey;
  }
}
