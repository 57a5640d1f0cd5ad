package org.smtpcr.examples.web.captcha;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.smtpcr.examples.runtime.SecretFiles;
import org.smtpcr.examples.runtime.Settings;

/**
 * Builds a {@link SiteVerifier} from the runtime's settings: {@link Settings#CAPTCHA_SITE_KEY},
 * {@link Settings#CAPTCHA_SECRET_FILE} (read once, with the key file's permission warning), {@link
 * Settings#CAPTCHA_HOSTNAMES} (default: the host of {@link Settings#CHALLENGE_BASE}), {@link
 * Settings#CAPTCHA_TIMEOUT} (connect and request each) and {@link Settings#CAPTCHA_SITEVERIFY_URL}.
 */
final class CaptchaSettings {
  private CaptchaSettings() {}

  /**
   * The verifier for {@code provider} as the settings configure it.
   *
   * @throws IllegalArgumentException naming the setting that is missing or wrong; never the secret
   */
  static SiteVerifier verifier(CaptchaProvider provider, Settings settings) {
    requireNonNull(provider, "provider");
    requireNonNull(settings, "settings");
    String name = CaptchaCheck.nameOf(provider);
    String siteKey =
        settings
            .find(Settings.CAPTCHA_SITE_KEY)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "the "
                            + name
                            + " check needs captcha-site-key (captchaSiteKey): the site key the"
                            + " provider gave for this site"));
    Path secretFile =
        settings
            .find(Settings.CAPTCHA_SECRET_FILE)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "the "
                            + name
                            + " check needs captcha-secret-file (captchaSecretFile): a file whose"
                            + " first line is the provider's secret key"));
    try {
      SecretFiles.warnIfLoose(secretFile, "CAPTCHA secret file");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "captcha-secret-file "
              + secretFile
              + " cannot be read ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
    CaptchaSecret secret;
    try {
      secret = CaptchaSecret.fromFile(secretFile);
    } catch (java.io.UncheckedIOException e) {
      throw new IllegalArgumentException(
          "captcha-secret-file "
              + secretFile
              + " cannot be read ("
              + e.getCause().getClass().getSimpleName()
              + ")",
          e);
    }
    Duration timeout = settings.get(Settings.CAPTCHA_TIMEOUT);
    SiteVerifier.Builder b =
        SiteVerifier.builder()
            .provider(provider)
            .siteKey(siteKey)
            .secret(secret)
            .hostnames(hostnames(settings, name))
            .connectTimeout(timeout)
            .requestTimeout(timeout);
    settings
        .find(Settings.CAPTCHA_SITEVERIFY_URL)
        .ifPresent(
            u -> {
              try {
                b.endpoint(u);
              } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("captcha-siteverify-url: " + e.getMessage(), e);
              }
            });
    return b.build();
  }

  /** The configured hostnames, else the challenge base's host. */
  static Set<String> hostnames(Settings settings, String name) {
    List<String> given = settings.get(Settings.CAPTCHA_HOSTNAMES);
    if (!given.isEmpty()) {
      return new LinkedHashSet<>(given);
    }
    return settings
        .find(Settings.CHALLENGE_BASE)
        .map(URI::getHost)
        .map(Set::of)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "the "
                        + name
                        + " check needs the page's hostname: set captcha-hostname, or"
                        + " challenge-base (whose host is the default)"));
  }
}
