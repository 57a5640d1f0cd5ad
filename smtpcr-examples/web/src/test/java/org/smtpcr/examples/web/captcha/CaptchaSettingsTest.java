package org.smtpcr.examples.web.captcha;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.web.check.HumanCheck;

/** The hosted CAPTCHA's settings, as the check factories read them. */
final class CaptchaSettingsTest {
  private static final String SECRET = "0x0000000000000000000000000000000000000000";

  @TempDir Path dir;

  private Path secretFile() throws IOException {
    Path f = dir.resolve("captcha.secret");
    Files.writeString(f, SECRET + "\n");
    return f;
  }

  private Settings.Builder complete() throws IOException {
    return Settings.builder()
        .text(Settings.CAPTCHA_SITE_KEY, "10000000-ffff-ffff-ffff-000000000001")
        .text(Settings.CAPTCHA_SECRET_FILE, secretFile().toString())
        .set(Settings.CHALLENGE_BASE, URI.create("https://cr.example.com/"));
  }

  @Test
  void verifier_takesEverySetting_andTheChallengeBaseHostByDefault() throws IOException {
    SiteVerifier v =
        CaptchaSettings.verifier(
            CaptchaProvider.HCAPTCHA,
            complete()
                .text(Settings.CAPTCHA_TIMEOUT, "PT0.5S")
                .text(Settings.CAPTCHA_SITEVERIFY_URL, "http://127.0.0.1:9/siteverify")
                .build());

    assertEquals(CaptchaProvider.HCAPTCHA, v.provider());
    assertEquals("10000000-ffff-ffff-ffff-000000000001", v.siteKey());
    assertEquals(Set.of("cr.example.com"), v.hostnames());
    String s = v.toString();
    assertTrue(s.contains("connectTimeout=PT0.5S") && s.contains("requestTimeout=PT0.5S"), s);
    assertTrue(s.contains("http://127.0.0.1:9/siteverify"), s);
    assertFalse(s.contains(SECRET), s);
  }

  @Test
  void verifier_configuredHostnames_replaceTheDefault() throws IOException {
    SiteVerifier v =
        CaptchaSettings.verifier(
            CaptchaProvider.RECAPTCHA_V2,
            complete()
                .text(Settings.CAPTCHA_HOSTNAMES, "cr.example.com, testkey.google.com")
                .build());

    assertEquals(Set.of("cr.example.com", "testkey.google.com"), v.hostnames());
    assertTrue(
        v.toString().contains("https://www.google.com/recaptcha/api/siteverify"),
        "the provider's own endpoint by default: " + v);
  }

  @Test
  void verifier_withoutSiteKeySecretOrHostname_namesTheSetting() throws IOException {
    Settings full = complete().build();
    IllegalArgumentException noKey =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CaptchaSettings.verifier(
                    CaptchaProvider.TURNSTILE,
                    Settings.builder()
                        .text(Settings.CAPTCHA_SECRET_FILE, secretFile().toString())
                        .build()));
    assertTrue(noKey.getMessage().contains("captcha-site-key"), noKey.getMessage());
    IllegalArgumentException noSecret =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CaptchaSettings.verifier(
                    CaptchaProvider.TURNSTILE,
                    Settings.builder()
                        .text(Settings.CAPTCHA_SITE_KEY, "1x00000000000000000000AA")
                        .build()));
    assertTrue(noSecret.getMessage().contains("captcha-secret-file"), noSecret.getMessage());
    IllegalArgumentException noHost =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CaptchaSettings.verifier(
                    CaptchaProvider.TURNSTILE,
                    Settings.builder()
                        .text(Settings.CAPTCHA_SITE_KEY, "1x00000000000000000000AA")
                        .text(Settings.CAPTCHA_SECRET_FILE, secretFile().toString())
                        .build()));
    assertTrue(noHost.getMessage().contains("captcha-hostname"), noHost.getMessage());
    assertEquals(
        CaptchaProvider.TURNSTILE,
        CaptchaSettings.verifier(CaptchaProvider.TURNSTILE, full).provider());
  }

  @Test
  void verifier_proxyCredentials_stayOutOfItsDescription() throws IOException {
    SiteVerifier v =
        CaptchaSettings.verifier(
            CaptchaProvider.TURNSTILE,
            complete()
                .text(
                    Settings.CAPTCHA_SITEVERIFY_URL,
                    "https://user:hunter2@proxy.example.com:8443/turnstile/siteverify?k=hunter3")
                .build());

    String s = v.toString();
    assertTrue(s.contains("https://proxy.example.com:8443/turnstile/siteverify"), s);
    assertFalse(s.contains("hunter"), s);
  }

  @Test
  void verifier_plainHttpToAnotherHost_isRefusedNamingTheSetting() throws IOException {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CaptchaSettings.verifier(
                    CaptchaProvider.TURNSTILE,
                    complete()
                        .text(Settings.CAPTCHA_SITEVERIFY_URL, "http://proxy.example.com/verify")
                        .build()));
    assertTrue(e.getMessage().startsWith("captcha-siteverify-url"), e.getMessage());
  }

  @Test
  void verifier_missingOrBadSecretFile_neverShowsTheSecret() throws IOException {
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CaptchaSettings.verifier(
                    CaptchaProvider.TURNSTILE,
                    complete()
                        .text(Settings.CAPTCHA_SECRET_FILE, dir.resolve("nope").toString())
                        .build()));
    assertTrue(missing.getMessage().contains("captcha-secret-file"), missing.getMessage());
    Path spaced = dir.resolve("spaced");
    Files.writeString(spaced, "top secret value\n");
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CaptchaSettings.verifier(
                    CaptchaProvider.TURNSTILE,
                    complete().text(Settings.CAPTCHA_SECRET_FILE, spaced.toString()).build()));
    assertFalse(bad.getMessage().contains("secret value"), bad.getMessage());
  }

  @Test
  void verifier_secretFileOthersCanRead_warnsLikeTheKeyFile() throws IOException {
    Path f = secretFile();
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buffer, true, UTF_8));
    try {
      CaptchaSettings.verifier(
          CaptchaProvider.HCAPTCHA,
          complete().text(Settings.CAPTCHA_SECRET_FILE, f.toString()).build());
    } finally {
      System.setErr(original);
    }

    String log = buffer.toString(UTF_8);
    assertTrue(log.contains("CAPTCHA secret file " + f + " has mode rw-r--r--"), log);
    assertTrue(log.contains("chmod 600 " + f), log);
    assertFalse(log.contains(SECRET), log);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    buffer.reset();
    System.setErr(new PrintStream(buffer, true, UTF_8));
    try {
      CaptchaSettings.verifier(
          CaptchaProvider.HCAPTCHA,
          complete().text(Settings.CAPTCHA_SECRET_FILE, f.toString()).build());
    } finally {
      System.setErr(original);
    }
    assertFalse(buffer.toString(UTF_8).contains("chmod"), buffer.toString(UTF_8));
  }

  @Test
  void factory_makesTheNamedCheck() throws IOException {
    for (CaptchaProvider p : CaptchaProvider.values()) {
      HumanCheck c = CaptchaCheck.factory(p).create(complete().build());
      assertEquals(CaptchaCheck.nameOf(p), c.name());
      assertEquals(CaptchaCheck.providerNamed(c.name()).orElseThrow(), p);
      assertTrue(c.needsScript());
      assertFalse(c.cspSources().isEmpty());
      assertFalse(c.toString().contains(SECRET), c.toString());
    }
  }
}
