/**
 * Hosted CAPTCHAs, server side: {@link org.smtpcr.examples.web.captcha.SiteVerifier} asks
 * Cloudflare Turnstile, hCaptcha or reCAPTCHA v2 through their documented {@code siteverify} APIs
 * whether a response token that a browser posted is good, and answers with a {@link
 * org.smtpcr.examples.web.captcha.CaptchaVerdict}: passed, failed (with the provider's error codes)
 * or unavailable (the provider could not be asked or gave no usable answer: "try again", which
 * never whitelists).
 *
 * <p>A {@link org.smtpcr.examples.web.captcha.SiteVerifier} is immutable and thread-safe once
 * built; its builder is not. No method accepts or returns {@code null}; absent values are {@link
 * java.util.Optional}. The secret key never appears in a log line, a {@code toString()} or an
 * exception message.
 *
 * @since 0.1.0
 */
package org.smtpcr.examples.web.captcha;
