package org.smtpcr.examples.web.captcha;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.net.InetAddresses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smtpcr.examples.web.check.CheckForm;
import org.smtpcr.examples.web.check.CheckFragment;
import org.smtpcr.examples.web.check.CheckResult;
import org.smtpcr.examples.web.check.CheckStamps;
import org.smtpcr.examples.web.check.CspSources.Directive;
import org.smtpcr.examples.web.check.HumanCheck;
import org.smtpcr.examples.web.check.HumanCheckRegistry;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.MasterKey;
import org.smtpcr.tokens.MutableClock;

/**
 * Each hosted CAPTCHA as a {@link HumanCheck}, against a local stub of its {@code siteverify}
 * endpoint: what it renders, and that it passes, fails and is unavailable as the provider answers.
 */
final class CaptchaCheckTest {
  private static final String HOST = SiteVerifierTest.HOST;
  private static final String RESPONSE = SiteVerifierTest.TOKEN;
  private static final String TOKEN = "cmagsvnzaatwaelbnruwgzkamv4gc3lqnrss433sm5rg6y";
  private static final String OTHER_TOKEN = "cmagsvnzaatwaelbnruwgzkamv4gc3lqnrss433sm5rg6z";
  private static final InetAddress CLIENT = InetAddresses.forString("192.0.2.7");
  private static final Pattern ISSUED = Pattern.compile("name=\"issued\" value=\"(\\d+)\"");
  private static final Pattern STAMP = Pattern.compile("name=\"stamp\" value=\"([0-9a-f]{33})\"");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T03:00:00Z"));
  private final CheckStamps stamps =
      CheckStamps.of(KeyRing.builder().key(2, MasterKey.generate()).active(2).build());
  private SiteVerifyStub stub;

  @BeforeEach
  void start() throws IOException {
    stub = new SiteVerifyStub();
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  private CaptchaCheck check(CaptchaProvider p) {
    return check(p, Duration.ofSeconds(10));
  }

  private CaptchaCheck check(CaptchaProvider p, Duration timeout) {
    return CaptchaCheck.of(
        SiteVerifier.builder()
            .provider(p)
            .siteKey(SiteVerifierTest.TEST_KEYS.get(p).get(0))
            .secret(CaptchaSecret.of(SiteVerifierTest.TEST_KEYS.get(p).get(1)))
            .hostnames(Set.of(HOST))
            .endpoint(stub.uri())
            .connectTimeout(timeout)
            .requestTimeout(timeout)
            .build());
  }

  private TestContext get(String token) {
    return new TestContext(token, Optional.empty(), clock, Duration.ofMinutes(10), stamps);
  }

  private TestContext post(String token) {
    return new TestContext(token, Optional.of(CLIENT), clock, Duration.ofMinutes(10), stamps);
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
  private static CheckForm solved(CaptchaProvider p, String html, String response) {
    Map<String, String> f = new HashMap<>();
    f.put(HumanCheck.CHECK_FIELD, CaptchaCheck.nameOf(p));
    f.put("issued", group(ISSUED, html));
    f.put("stamp", group(STAMP, html));
    f.put(p.formField(), response);
    return name -> Optional.ofNullable(f.get(name));
  }

  private static String group(Pattern p, String html) {
    Matcher m = p.matcher(html);
    assertTrue(m.find(), () -> p + " not in " + html);
    return m.group(1);
  }

  private String render(CaptchaCheck c) {
    return c.render(get(TOKEN)).html();
  }

  // ---- render ----

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void render_theProvidersDocumentedEmbed_boundToTheTokenAndTheTime(CaptchaProvider p) {
    CheckFragment f = check(p).render(get(TOKEN));

    String html = f.html();
    String siteKey = SiteVerifierTest.TEST_KEYS.get(p).get(0);
    String stamp = group(STAMP, html);
    String issued = group(ISSUED, html);
    assertEquals(Long.toString(clock.instant().getEpochSecond()), issued);
    assertTrue(stamps.verifies(stamp, CaptchaCheck.SCHEME, TOKEN, issued));
    assertTrue(html.startsWith("<form "), html);
    assertTrue(html.contains("\" hidden>\n"), "shown by static/captcha.js only: " + html);
    assertTrue(html.contains("method=\"post\" action=\"" + TOKEN + "\""), html);
    assertTrue(html.contains(CheckFragment.checkField(check(p))), html);
    assertFalse(html.contains("<script"), "scripts go in the fragment's list: " + html);
    switch (p) {
      case TURNSTILE -> {
        assertTrue(
            html.contains(
                "<div class=\"cf-turnstile\" data-sitekey=\""
                    + siteKey
                    + "\" data-action=\"smtpcr-confirm\" data-cdata=\""
                    + stamp
                    + "\" data-language=\"en\"></div>"),
            html);
        assertEquals(
            List.of("static/captcha.js", "https://challenges.cloudflare.com/turnstile/v0/api.js"),
            f.scripts());
      }
      case HCAPTCHA -> {
        assertTrue(
            html.contains("<div class=\"h-captcha\" data-sitekey=\"" + siteKey + "\"></div>"),
            html);
        assertEquals(
            List.of("static/captcha.js", "https://js.hcaptcha.com/1/api.js?hl=en"), f.scripts());
      }
      case RECAPTCHA_V2 -> {
        assertTrue(
            html.contains("<div class=\"g-recaptcha\" data-sitekey=\"" + siteKey + "\"></div>"),
            html);
        assertEquals(
            List.of("static/captcha.js", "https://www.google.com/recaptcha/api.js?hl=en"),
            f.scripts());
      }
    }
    assertTrue(html.contains("sees your IP address"), "the privacy note: " + html);
    assertEquals(List.of(), stub.requests(), "rendering never asks the provider");
  }

  @Test
  void cspSources_areTheProvidersDocumentedOnes() {
    assertEquals(
        Map.of(
            Directive.SCRIPT_SRC,
            List.of("https://challenges.cloudflare.com"),
            Directive.FRAME_SRC,
            List.of("https://challenges.cloudflare.com")),
        check(CaptchaProvider.TURNSTILE).cspSources().asMap());
    List<String> h = List.of("https://hcaptcha.com", "https://*.hcaptcha.com");
    assertEquals(
        Map.of(
            Directive.SCRIPT_SRC, h,
            Directive.FRAME_SRC, h,
            Directive.STYLE_SRC, h,
            Directive.CONNECT_SRC, h),
        check(CaptchaProvider.HCAPTCHA).cspSources().asMap());
    assertEquals(
        Map.of(
            Directive.SCRIPT_SRC,
            List.of("https://www.google.com/recaptcha/", "https://www.gstatic.com/recaptcha/"),
            Directive.FRAME_SRC,
            List.of(
                "https://www.google.com/recaptcha/", "https://recaptcha.google.com/recaptcha/")),
        check(CaptchaProvider.RECAPTCHA_V2).cspSources().asMap());
  }

  @Test
  void names_areRegistered_andOnlyPuzzlesAreCognitive() {
    for (CaptchaProvider p : CaptchaProvider.values()) {
      String name = CaptchaCheck.nameOf(p);
      assertTrue(HumanCheck.NAME.matcher(name).matches(), name);
      assertTrue(HumanCheckRegistry.factory(name).isPresent(), name);
      assertEquals(Optional.of(p), CaptchaCheck.providerNamed(name));
      assertEquals(name, check(p).name());
      assertTrue(check(p).needsScript());
    }
    assertEquals(
        Set.of("turnstile", "hcaptcha", "recaptcha", "pow", "wait"), HumanCheckRegistry.names());
    assertFalse(check(CaptchaProvider.TURNSTILE).cognitive());
    assertTrue(check(CaptchaProvider.HCAPTCHA).cognitive());
    assertTrue(check(CaptchaProvider.RECAPTCHA_V2).cognitive());
    assertEquals(Optional.empty(), CaptchaCheck.providerNamed("pow"));
  }

  // ---- verify ----

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void verify_solved_passesAndSendsTheDocumentedRequest(CaptchaProvider p) {
    CaptchaCheck c = check(p);
    String html = render(c);
    stub.answer(200, success(p, HOST, group(STAMP, html)));

    CheckResult r = c.verify(post(TOKEN), solved(p, html, RESPONSE));

    assertInstanceOf(CheckResult.Passed.class, r);
    SiteVerifyStub.Request sent = stub.onlyRequest();
    assertEquals(RESPONSE, sent.form().get("response"));
    assertEquals("192.0.2.7", sent.form().get("remoteip"));
    assertEquals(SiteVerifierTest.TEST_KEYS.get(p).get(1), sent.form().get("secret"));
    assertEquals(
        p == CaptchaProvider.HCAPTCHA
            ? Optional.of(SiteVerifierTest.TEST_KEYS.get(p).get(0))
            : Optional.empty(),
        Optional.ofNullable(sent.form().get("sitekey")));
  }

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void verify_invalidInputResponse_fails403WithTheCode(CaptchaProvider p) {
    assertFails(
        p,
        "{\"success\":false,\"error-codes\":[\"invalid-input-response\"]}",
        "invalid-input-response");
  }

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void verify_timeoutOrDuplicate_fails403WithTheCode(CaptchaProvider p) {
    assertFails(
        p,
        "{\"success\":false,\"error-codes\":[\"timeout-or-duplicate\"]}",
        "timeout-or-duplicate");
  }

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void verify_answerForAnotherHostname_fails(CaptchaProvider p) {
    String html = render(check(p));
    assertFails(p, success(p, "evil.example.net", group(STAMP, html)), "wrong-hostname");
  }

  @Test
  void verify_turnstileSolvedOnAnotherLinksPage_failsOnTheCdata() {
    CaptchaProvider p = CaptchaProvider.TURNSTILE;
    CaptchaCheck c = check(p);
    String html = render(c);
    String other = c.render(get(OTHER_TOKEN)).html();
    // the widget was solved on the other link's page: the provider repeats that page's cdata
    stub.answer(200, success(p, HOST, group(STAMP, other)));

    CheckResult.Failed f =
        assertInstanceOf(
            CheckResult.Failed.class, c.verify(post(TOKEN), solved(p, html, RESPONSE)));

    assertEquals(403, f.status());
    assertEquals("cdata-mismatch", f.detail());
    SiteVerifyStub.Request sent = stub.onlyRequest();
    assertEquals(RESPONSE, sent.form().get("response"));
  }

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void verify_http500_isUnavailable(CaptchaProvider p) {
    CaptchaCheck c = check(p);
    String html = render(c);
    stub.answer(500, success(p, HOST, group(STAMP, html)));

    CheckResult.Unavailable u =
        assertInstanceOf(
            CheckResult.Unavailable.class, c.verify(post(TOKEN), solved(p, html, RESPONSE)));

    assertEquals("provider-http-status", u.detail());
    assertEquals(Duration.ofSeconds(60), u.retryAfter());
  }

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void verify_providerSlowerThanTheTimeout_isUnavailable(CaptchaProvider p) {
    CaptchaCheck c = check(p, Duration.ofMillis(300));
    String html = render(c);
    stub.hold().answer(200, success(p, HOST, group(STAMP, html)));

    CheckResult r;
    try {
      r = c.verify(post(TOKEN), solved(p, html, RESPONSE));
    } finally {
      stub.release();
    }

    CheckResult.Unavailable u = assertInstanceOf(CheckResult.Unavailable.class, r);
    assertEquals("provider-timeout", u.detail());
  }

  @Test
  void verify_misconfiguredSecret_isUnavailable() {
    CaptchaProvider p = CaptchaProvider.RECAPTCHA_V2;
    CaptchaCheck c = check(p);
    String html = render(c);
    stub.answer(200, "{\"success\":false,\"error-codes\":[\"invalid-input-secret\"]}");

    CheckResult.Unavailable u =
        assertInstanceOf(
            CheckResult.Unavailable.class, c.verify(post(TOKEN), solved(p, html, RESPONSE)));

    assertEquals("provider-misconfigured", u.detail());
  }

  @Test
  void verify_refusal_logsTheErrorCodesSafelyAndNeverTheSecretOrToken() {
    CaptchaProvider p = CaptchaProvider.HCAPTCHA;
    CaptchaCheck c = check(p);
    String html = render(c);
    stub.answer(
        200,
        "{\"success\":false,\"error-codes\":[\"invalid-input-response\",\"x\\r\\nforged=line\"]}");
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buffer, true, UTF_8));
    CheckResult r;
    try {
      r = c.verify(post(TOKEN), solved(p, html, RESPONSE));
    } finally {
      System.setErr(original);
    }

    assertEquals("invalid-input-response", assertInstanceOf(CheckResult.Failed.class, r).detail());
    String log = buffer.toString(UTF_8);
    List<String> lines = log.lines().filter(l -> l.contains("captcha refused")).toList();
    assertEquals(1, lines.size(), log);
    assertTrue(lines.get(0).contains("check=hcaptcha reason=rejected"), log);
    assertTrue(lines.get(0).contains("error-codes=invalid-input-response,x"), log);
    assertFalse(log.lines().anyMatch(l -> l.startsWith("forged=line")), log);
    assertFalse(log.contains(SiteVerifierTest.TEST_KEYS.get(p).get(1)), log);
    assertFalse(log.contains(RESPONSE), log);
  }

  @Test
  void verify_internalError_isUnavailable() {
    CaptchaProvider p = CaptchaProvider.TURNSTILE;
    CaptchaCheck c = check(p);
    String html = render(c);
    stub.answer(200, "{\"success\":false,\"error-codes\":[\"internal-error\"]}");

    CheckResult.Unavailable u =
        assertInstanceOf(
            CheckResult.Unavailable.class, c.verify(post(TOKEN), solved(p, html, RESPONSE)));

    assertEquals("provider-error", u.detail());
  }

  @Test
  void verify_formOfAnotherLink_failsWithoutAskingTheProvider() {
    CaptchaProvider p = CaptchaProvider.HCAPTCHA;
    CaptchaCheck c = check(p);
    String other = c.render(get(OTHER_TOKEN)).html();

    CheckResult.Failed f =
        assertInstanceOf(
            CheckResult.Failed.class, c.verify(post(TOKEN), solved(p, other, RESPONSE)));

    assertEquals(403, f.status());
    assertEquals("stamp", f.detail());
    assertEquals(List.of(), stub.requests());
  }

  @Test
  void verify_staleForm_failsWithoutAskingTheProvider() {
    CaptchaProvider p = CaptchaProvider.TURNSTILE;
    CaptchaCheck c = check(p);
    String html = render(c);
    clock.advance(Duration.ofMinutes(10).plusSeconds(1));

    CheckResult.Failed f =
        assertInstanceOf(
            CheckResult.Failed.class, c.verify(post(TOKEN), solved(p, html, RESPONSE)));

    assertEquals(400, f.status());
    assertEquals("stale", f.detail());
    assertEquals(List.of(), stub.requests());
  }

  @Test
  void verify_widgetNotSolved_failsWithoutAskingTheProvider() {
    CaptchaProvider p = CaptchaProvider.RECAPTCHA_V2;
    CaptchaCheck c = check(p);
    String html = render(c);

    CheckResult.Failed f =
        assertInstanceOf(CheckResult.Failed.class, c.verify(post(TOKEN), solved(p, html, "")));

    assertEquals(400, f.status());
    assertEquals("missing-response", f.detail());
    assertEquals("check.captcha.missing.title", f.titleKey());
    assertEquals(List.of(), stub.requests());
  }

  @Test
  void verify_withoutTheWidgetsField_isAbsent() {
    CaptchaProvider p = CaptchaProvider.TURNSTILE;
    CaptchaCheck c = check(p);
    String html = render(c);
    Map<String, String> f = Map.of("issued", group(ISSUED, html), "stamp", group(STAMP, html));

    assertInstanceOf(
        CheckResult.Absent.class, c.verify(post(TOKEN), name -> Optional.ofNullable(f.get(name))));
    assertEquals(List.of(), stub.requests());
  }

  private void assertFails(CaptchaProvider p, String answer, String detail) {
    CaptchaCheck c = check(p);
    String html = render(c);
    stub.answer(200, answer);

    CheckResult.Failed f =
        assertInstanceOf(
            CheckResult.Failed.class, c.verify(post(TOKEN), solved(p, html, RESPONSE)));

    assertEquals(403, f.status());
    assertEquals(detail, f.detail());
    assertEquals("check.captcha.failed.title", f.titleKey());
    assertEquals(1, stub.requests().size());
  }
}
