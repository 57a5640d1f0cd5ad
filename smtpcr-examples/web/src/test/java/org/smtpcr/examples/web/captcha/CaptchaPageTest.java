package org.smtpcr.examples.web.captcha;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.net.InetAddresses;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.web.ChallengePage;
import org.smtpcr.examples.web.PageResponse;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.MasterKey;
import org.smtpcr.tokens.MutableClock;
import org.smtpcr.tokens.PassCodes;

/**
 * Each hosted CAPTCHA on the page, through {@link ChallengePage#get} and {@link ChallengePage#post}
 * against a local stub of its {@code siteverify} endpoint: it passes, fails and is unavailable, and
 * only a pass writes to the store.
 */
final class CaptchaPageTest {
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String SENDER = "alice@example.org";
  private static final String RECIPIENT = "bob@example.com";
  private static final String HOST = SiteVerifierTest.HOST;
  private static final String RESPONSE = SiteVerifierTest.TOKEN;
  private static final InetAddress CLIENT = InetAddresses.forString("192.0.2.7");
  private static final Pattern ISSUED = Pattern.compile("name=\"issued\" value=\"(\\d+)\"");
  private static final Pattern STAMP = Pattern.compile("name=\"stamp\" value=\"([0-9a-f]{33})\"");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T03:00:00Z"));
  private final KeyRing keyRing = KeyRing.builder().key(2, MasterKey.generate()).active(2).build();
  private final ChallengeTokens tokens =
      ChallengeTokens.builder().keyRing(keyRing).clock(clock).build();
  private final WhitelistStore store = InMemoryWhitelistStore.builder().clock(clock).build();
  private SiteVerifyStub stub;

  @BeforeEach
  void start() throws IOException {
    stub = new SiteVerifyStub();
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  private SiteVerifier verifier(CaptchaProvider p, Duration timeout) {
    return SiteVerifier.builder()
        .provider(p)
        .siteKey(SiteVerifierTest.TEST_KEYS.get(p).get(0))
        .secret(CaptchaSecret.of(SiteVerifierTest.TEST_KEYS.get(p).get(1)))
        .hostnames(Set.of(HOST))
        .endpoint(stub.uri())
        .connectTimeout(timeout)
        .requestTimeout(timeout)
        .build();
  }

  private ChallengePage page(CaptchaProvider p) {
    return page(p, Duration.ofSeconds(10));
  }

  private ChallengePage page(CaptchaProvider p, Duration timeout) {
    return ChallengePage.builder()
        .tokens(tokens)
        .passCodes(PassCodes.of(keyRing))
        .store(store)
        .clock(clock)
        .addCheck(CaptchaCheck.of(verifier(p, timeout)))
        .checks(List.of(CaptchaCheck.nameOf(p), "wait"))
        .build();
  }

  /** What the provider answers for a solved widget: our hostname, and Turnstile's binding. */
  private static String success(CaptchaProvider p, String hostname, String cdata) {
    return "{\"success\":true,\"challenge_ts\":\"2026-12-06T02:59:58Z\",\"hostname\":\""
        + hostname
        + "\""
        + (p == CaptchaProvider.TURNSTILE
            ? ",\"action\":\"" + CaptchaCheck.ACTION + "\",\"cdata\":\"" + cdata + "\""
            : "")
        + ",\"error-codes\":[]}";
  }

  /** The form the rendered page posts once the widget is solved. */
  private static byte[] solved(CaptchaProvider p, String html, String response) {
    return ("check="
            + CaptchaCheck.nameOf(p)
            + "&issued="
            + group(ISSUED, html)
            + "&stamp="
            + group(STAMP, html)
            + "&"
            + p.formField()
            + "="
            + URLEncoder.encode(response, UTF_8))
        .getBytes(UTF_8);
  }

  private static String group(Pattern p, String html) {
    Matcher m = p.matcher(html);
    assertTrue(m.find(), () -> p + " not in " + html);
    return m.group(1);
  }

  private void assertNothingRecorded() {
    assertEquals(0, store.count(), "nothing written");
    assertEquals(0, store.countOf("confirm-rcpt:" + RECIPIENT), "no limit counted");
  }

  private static WhitelistKey pair() {
    return WhitelistKey.pair(
        CanonicalAddress.parseCanonical(SENDER), CanonicalAddress.parseCanonical(RECIPIENT));
  }

  // ---- GET ----

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void get_rendersTheProvidersWidgetScriptAndCspSources(CaptchaProvider p) {
    String token = tokens.mint(SENDER, RECIPIENT);
    PageResponse r = page(p).get("/c/" + token);

    assertEquals(200, r.status(), r.bodyText());
    String html = r.bodyText();
    String csp = r.header("Content-Security-Policy").orElseThrow();
    String siteKey = SiteVerifierTest.TEST_KEYS.get(p).get(0);
    switch (p) {
      case TURNSTILE -> {
        String stamp = group(STAMP, html);
        assertTrue(
            html.contains(
                "<div class=\"cf-turnstile\" data-sitekey=\""
                    + siteKey
                    + "\" data-action=\"smtpcr-confirm\" data-cdata=\""
                    + stamp
                    + "\" data-language=\"en\"></div>"),
            html);
        assertTrue(
            html.contains("src=\"https://challenges.cloudflare.com/turnstile/v0/api.js\""), html);
        assertTrue(
            csp.matches(".*script-src 'self' https://challenges\\.cloudflare\\.com;.*"), csp);
        assertTrue(csp.matches(".*frame-src 'self' https://challenges\\.cloudflare\\.com.*"), csp);
      }
      case HCAPTCHA -> {
        assertTrue(
            html.contains("<div class=\"h-captcha\" data-sitekey=\"" + siteKey + "\"></div>"),
            html);
        assertTrue(html.contains("src=\"https://js.hcaptcha.com/1/api.js?hl=en\""), html);
        for (String d : List.of("script-src", "frame-src", "style-src", "connect-src")) {
          assertTrue(
              csp.contains(d + " 'self' https://hcaptcha.com https://*.hcaptcha.com"),
              d + ": " + csp);
        }
      }
      case RECAPTCHA_V2 -> {
        assertTrue(
            html.contains("<div class=\"g-recaptcha\" data-sitekey=\"" + siteKey + "\"></div>"),
            html);
        assertTrue(html.contains("src=\"https://www.google.com/recaptcha/api.js?hl=en\""), html);
        assertTrue(
            csp.contains(
                "script-src 'self' https://www.google.com/recaptcha/"
                    + " https://www.gstatic.com/recaptcha/"),
            csp);
        assertTrue(
            csp.contains(
                "frame-src 'self' https://www.google.com/recaptcha/"
                    + " https://recaptcha.google.com/recaptcha/"),
            csp);
      }
    }
    assertTrue(csp.contains("default-src 'self'"), csp);
    assertFalse(csp.contains("unsafe-inline"), csp);
    assertTrue(html.contains("<script src=\"../static/captcha.js\" defer></script>"), html);
    assertTrue(html.contains("<noscript>"), "the wait form for browsers without scripts: " + html);
    assertTrue(html.contains("sees your IP address"), "the privacy note: " + html);
    assertNothingRecorded();
    assertEquals(List.of(), stub.requests(), "a GET never asks the provider");
  }

  @Test
  void get_pagesWithoutTheCaptcha_keepThePlainPolicy() {
    String token = tokens.mint(SENDER, RECIPIENT);
    ChallengePage plain =
        ChallengePage.builder()
            .tokens(tokens)
            .passCodes(PassCodes.of(keyRing))
            .store(store)
            .clock(clock)
            .build();
    ChallengePage turnstile = page(CaptchaProvider.TURNSTILE);
    for (PageResponse r :
        List.of(
            plain.get("/c/" + token),
            turnstile.get("/"),
            turnstile.get("/c/not-a-token"),
            turnstile.post("/c/" + token, FORM, "check=turnstile".getBytes(UTF_8), CLIENT))) {
      String csp = r.header("Content-Security-Policy").orElseThrow();
      assertFalse(csp.contains("cloudflare"), csp);
      assertFalse(csp.contains("hcaptcha"), csp);
      assertFalse(csp.contains("google"), csp);
    }
  }

  @Test
  void get_captchaScript_isServedFromTheSite() {
    PageResponse r = page(CaptchaProvider.HCAPTCHA).get("/static/captcha.js");

    assertEquals(200, r.status());
    assertEquals(Optional.of("text/javascript; charset=utf-8"), r.header("Content-Type"));
    assertTrue(r.bodyText().contains("getElementById('captcha-form')"), r.bodyText());
  }

  // ---- POST ----

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void post_solved_confirmsAndSendsTheDocumentedRequest(CaptchaProvider p) {
    String token = tokens.mint(SENDER, RECIPIENT);
    ChallengePage page = page(p);
    String html = page.get("/c/" + token).bodyText();
    stub.answer(200, success(p, HOST, group(STAMP, html)));

    PageResponse r = page.post("/c/" + token, FORM, solved(p, html, RESPONSE), CLIENT);

    assertEquals(200, r.status(), r.bodyText());
    assertTrue(store.find(pair()).isPresent());
    SiteVerifyStub.Request sent = stub.onlyRequest();
    assertEquals(RESPONSE, sent.form().get("response"));
    assertEquals("192.0.2.7", sent.form().get("remoteip"));
    assertEquals(SiteVerifierTest.TEST_KEYS.get(p).get(1), sent.form().get("secret"));
    assertEquals(
        p == CaptchaProvider.HCAPTCHA
            ? Optional.of(SiteVerifierTest.TEST_KEYS.get(p).get(0))
            : Optional.empty(),
        Optional.ofNullable(sent.form().get("sitekey")));
    String csp = r.header("Content-Security-Policy").orElseThrow();
    assertFalse(
        csp.contains("https://"), "the result page loads nothing from the provider: " + csp);
  }

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void post_invalidInputResponse_failsAndRecordsNothing(CaptchaProvider p) {
    assertFailsWith(p, "{\"success\":false,\"error-codes\":[\"invalid-input-response\"]}", 403);
  }

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void post_timeoutOrDuplicate_failsAndRecordsNothing(CaptchaProvider p) {
    assertFailsWith(p, "{\"success\":false,\"error-codes\":[\"timeout-or-duplicate\"]}", 403);
  }

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void post_answerForAnotherHostname_failsAndRecordsNothing(CaptchaProvider p) {
    String token = tokens.mint(SENDER, RECIPIENT);
    ChallengePage page = page(p);
    String html = page.get("/c/" + token).bodyText();
    stub.answer(200, success(p, "evil.example.net", group(STAMP, html)));

    PageResponse r = page.post("/c/" + token, FORM, solved(p, html, RESPONSE), CLIENT);

    assertEquals(403, r.status(), r.bodyText());
    assertTrue(r.bodyText().contains("The check did not pass"), r.bodyText());
    assertNothingRecorded();
  }

  @Test
  void post_turnstileAnswerForAnotherCdata_failsAndRecordsNothing() {
    CaptchaProvider p = CaptchaProvider.TURNSTILE;
    String token = tokens.mint(SENDER, RECIPIENT);
    ChallengePage page = page(p);
    String html = page.get("/c/" + token).bodyText();
    String other = page.get("/c/" + tokens.mint("mallory@example.net", RECIPIENT)).bodyText();
    // a widget solved on another link's page: the provider repeats that page's cdata
    stub.answer(200, success(p, HOST, group(STAMP, other)));

    PageResponse r = page.post("/c/" + token, FORM, solved(p, html, RESPONSE), CLIENT);

    assertEquals(403, r.status(), r.bodyText());
    assertNothingRecorded();
  }

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void post_http500_isTryAgainLaterAndNeverWhitelists(CaptchaProvider p) {
    String token = tokens.mint(SENDER, RECIPIENT);
    ChallengePage page = page(p);
    String html = page.get("/c/" + token).bodyText();
    stub.answer(500, success(p, HOST, group(STAMP, html)));

    PageResponse r = page.post("/c/" + token, FORM, solved(p, html, RESPONSE), CLIENT);

    assertTryAgain(r);
  }

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void post_providerSlowerThanTheTimeout_isTryAgainLaterAndNeverWhitelists(CaptchaProvider p) {
    String token = tokens.mint(SENDER, RECIPIENT);
    ChallengePage page = page(p, Duration.ofMillis(300));
    String html = page.get("/c/" + token).bodyText();
    stub.hold().answer(200, success(p, HOST, group(STAMP, html)));

    PageResponse r;
    try {
      r = page.post("/c/" + token, FORM, solved(p, html, RESPONSE), CLIENT);
    } finally {
      stub.release();
    }

    assertTryAgain(r);
    assertEquals(1, stub.requests().size());
  }

  @Test
  void post_misconfiguredSecret_isTryAgainLaterAndNeverWhitelists() {
    CaptchaProvider p = CaptchaProvider.RECAPTCHA_V2;
    String token = tokens.mint(SENDER, RECIPIENT);
    ChallengePage page = page(p);
    String html = page.get("/c/" + token).bodyText();
    stub.answer(200, "{\"success\":false,\"error-codes\":[\"invalid-input-secret\"]}");

    assertTryAgain(page.post("/c/" + token, FORM, solved(p, html, RESPONSE), CLIENT));
  }

  @Test
  void post_formOfAnotherLink_isRefusedWithoutAskingTheProvider() {
    CaptchaProvider p = CaptchaProvider.HCAPTCHA;
    String token = tokens.mint(SENDER, RECIPIENT);
    ChallengePage page = page(p);
    String other = page.get("/c/" + tokens.mint("mallory@example.net", RECIPIENT)).bodyText();
    stub.answer(200, success(p, HOST, ""));

    PageResponse r = page.post("/c/" + token, FORM, solved(p, other, RESPONSE), CLIENT);

    assertEquals(403, r.status(), r.bodyText());
    assertEquals(List.of(), stub.requests());
    assertNothingRecorded();
  }

  @Test
  void post_staleForm_isRefusedWithoutAskingTheProvider() {
    CaptchaProvider p = CaptchaProvider.TURNSTILE;
    String token = tokens.mint(SENDER, RECIPIENT);
    ChallengePage page = page(p);
    String html = page.get("/c/" + token).bodyText();
    clock.advance(ChallengePage.DEFAULT_POW_VALIDITY.plusSeconds(1));
    stub.answer(200, success(p, HOST, group(STAMP, html)));

    PageResponse r = page.post("/c/" + token, FORM, solved(p, html, RESPONSE), CLIENT);

    assertEquals(400, r.status(), r.bodyText());
    assertEquals(List.of(), stub.requests());
    assertNothingRecorded();
  }

  @Test
  void post_widgetNotSolved_saysSoWithoutAskingTheProvider() {
    CaptchaProvider p = CaptchaProvider.RECAPTCHA_V2;
    String token = tokens.mint(SENDER, RECIPIENT);
    ChallengePage page = page(p);
    String html = page.get("/c/" + token).bodyText();

    PageResponse r = page.post("/c/" + token, FORM, solved(p, html, ""), CLIENT);

    assertEquals(400, r.status(), r.bodyText());
    assertTrue(r.bodyText().contains("The check was not completed"), r.bodyText());
    assertEquals(List.of(), stub.requests());
    assertNothingRecorded();
  }

  private void assertFailsWith(CaptchaProvider p, String answer, int status) {
    String token = tokens.mint(SENDER, RECIPIENT);
    ChallengePage page = page(p);
    String html = page.get("/c/" + token).bodyText();
    stub.answer(200, answer);

    PageResponse r = page.post("/c/" + token, FORM, solved(p, html, RESPONSE), CLIENT);

    assertEquals(status, r.status(), r.bodyText());
    assertTrue(r.bodyText().contains("The check did not pass"), r.bodyText());
    assertTrue(r.bodyText().contains("Nothing was recorded"), r.bodyText());
    assertNothingRecorded();
    assertEquals(1, stub.requests().size());
  }

  private void assertTryAgain(PageResponse r) {
    assertEquals(503, r.status(), r.bodyText());
    assertEquals(Optional.of("60"), r.header("Retry-After"));
    assertNothingRecorded();
  }
}
