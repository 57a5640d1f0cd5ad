package org.smtpcr.examples.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.web.check.CheckContext;
import org.smtpcr.examples.web.check.CheckForm;
import org.smtpcr.examples.web.check.CheckFragment;
import org.smtpcr.examples.web.check.CheckHtml;
import org.smtpcr.examples.web.check.CheckResult;
import org.smtpcr.examples.web.check.CspSources;
import org.smtpcr.examples.web.check.HumanCheck;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.MutableClock;
import org.smtpcr.tokens.PassCodes;

/** The page with several human checks: what it renders, and how a POST finds its check. */
final class ChallengePageChecksTest {
  private static final String FORM = ChallengePageTest.FORM;
  private static final String SENDER = "alice@example.org";
  private static final String RECIPIENT = "bob@example.com";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final KeyRing keyRing = KeyRing.generate();
  private final ChallengeTokens tokens =
      ChallengeTokens.builder().keyRing(keyRing).clock(clock).build();
  private final CountingStore store = new CountingStore(clock);

  private ChallengePage.Builder builder() {
    return ChallengePage.builder()
        .tokens(tokens)
        .passCodes(PassCodes.of(keyRing))
        .store(store)
        .clock(clock)
        .powDifficultyBits(4);
  }

  /** The no-JavaScript form of a rendered page as a form body: check, wait-issued, wait-stamp. */
  static String waitForm(String html) {
    int at = html.indexOf("<form id=\"wait-form\"");
    assertTrue(at >= 0, html);
    Map<String, String> f = HumanChecksTest.fields(html.substring(at));
    return "check=wait&wait-issued=" + f.get("wait-issued") + "&wait-stamp=" + f.get("wait-stamp");
  }

  private static WhitelistKey pair() {
    return WhitelistKey.pair(
        CanonicalAddress.parseCanonical(SENDER), CanonicalAddress.parseCanonical(RECIPIENT));
  }

  @Test
  void byDefault_powIsTheMainCheckAndWaitTheNoScriptFallback() {
    ChallengePage page = builder().build();
    assertEquals(List.of("pow", "wait"), page.checkNames());

    PageResponse r = page.get("/c/" + tokens.mint(SENDER, RECIPIENT));
    String html = r.bodyText();
    int pow = html.indexOf("<form id=\"pow-form\"");
    int noscript = html.indexOf("<noscript>");
    int wait = html.indexOf("<form id=\"wait-form\"");
    assertTrue(pow >= 0 && pow < noscript && noscript < wait, html);
    assertTrue(html.indexOf("</noscript>") > wait, html);
    assertTrue(html.contains("<script src=\"../static/pow.js\" defer></script>"), html);
    assertEquals(Optional.of(Pages.CSP), r.header("Content-Security-Policy"));
  }

  @Test
  void waitForm_postedAfterTheWait_confirms() {
    ChallengePage page = builder().build();
    String token = tokens.mint(SENDER, RECIPIENT);
    String form = waitForm(page.get("/c/" + token).bodyText());

    PageResponse early =
        page.post("/c/" + token, FORM, form.getBytes(UTF_8), ChallengePageTest.CLIENT);
    assertEquals(400, early.status(), early.bodyText());
    assertTrue(early.bodyText().contains("Please wait a moment"), early.bodyText());
    assertEquals(List.of(), store.adds());

    clock.advance(Duration.ofSeconds(5));
    PageResponse r = page.post("/c/" + token, FORM, form.getBytes(UTF_8), ChallengePageTest.CLIENT);
    assertEquals(200, r.status(), r.bodyText());
    assertEquals(List.of(pair()), store.adds());
  }

  @Test
  void checkNotConfigured_isRefusedBeforeAnyCheckSeesIt() {
    ChallengePage withWait = builder().build();
    ChallengePage powOnly = builder().checks(List.of("pow")).build();
    String token = tokens.mint(SENDER, RECIPIENT);
    String form = waitForm(withWait.get("/c/" + token).bodyText());
    clock.advance(Duration.ofSeconds(5));

    for (String body : List.of(form, "check=bogus&nonce=1", "check=&nonce=1")) {
      PageResponse r =
          powOnly.post("/c/" + token, FORM, body.getBytes(UTF_8), ChallengePageTest.CLIENT);
      assertEquals(400, r.status(), body);
      assertTrue(r.bodyText().contains("This check is not offered here"), r.bodyText());
    }
    assertEquals(List.of(), store.adds());
  }

  @Test
  void powOnly_offersNoFormWithoutJavaScriptAndSaysSo() {
    String html =
        builder()
            .checks(List.of("pow"))
            .build()
            .get("/c/" + tokens.mint(SENDER, RECIPIENT))
            .bodyText();
    assertFalse(html.contains("wait-form"), html);
    assertTrue(html.contains("<noscript><p class=\"problem\">This check needs JavaScript."), html);
  }

  @Test
  void waitOnly_isTheMainFormWithoutScriptAndAnswersAFormWithoutCheckField() {
    ChallengePage page = builder().checks(List.of("wait")).pageWait(Duration.ofSeconds(2)).build();
    String token = tokens.mint(SENDER, RECIPIENT);
    String html = page.get("/c/" + token).bodyText();
    assertFalse(html.contains("<script"), html);
    assertFalse(html.contains("<noscript>"), html);
    assertFalse(html.contains("pow-form"), html);
    assertTrue(html.contains("Wait 2 seconds"), html);

    clock.advance(Duration.ofSeconds(2));
    String body = waitForm(html).replace("check=wait&", "");
    PageResponse r = page.post("/c/" + token, FORM, body.getBytes(UTF_8), ChallengePageTest.CLIENT);
    assertEquals(200, r.status(), r.bodyText());
  }

  @Test
  void settings_chooseTheChecksAndTheWait() {
    ChallengePage page =
        ChallengePage.builder()
            .tokens(tokens)
            .passCodes(PassCodes.of(keyRing))
            .store(store)
            .clock(clock)
            .settings(
                Settings.builder()
                    .text(Settings.PAGE_CHECKS, "wait")
                    .text(Settings.PAGE_WAIT, "3s")
                    .build())
            .build();
    assertEquals(List.of("wait"), page.checkNames());
    assertTrue(
        page.get("/c/" + tokens.mint(SENDER, RECIPIENT)).bodyText().contains("Wait 3 seconds"));
  }

  @Test
  void unknownCheckName_failsTheBuild() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> builder().checks(List.of("captcha9")).build());
    assertTrue(e.getMessage().contains("no human check named captcha9"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> builder().checks(List.of("pow", "pow")));
    assertThrows(IllegalArgumentException.class, () -> builder().checks(List.of()));
    assertThrows(IllegalArgumentException.class, () -> builder().addCheck(new PowCheck(4, true)));
  }

  /** A site's own check: its field {@code answer} must be {@code 42}, or its provider is down. */
  private static final class AnswerCheck implements HumanCheck {
    final AtomicReference<CheckContext> seen = new AtomicReference<>();

    @Override
    public String name() {
      return "answer";
    }

    @Override
    public boolean needsScript() {
      return true;
    }

    @Override
    public CspSources cspSources() {
      return CspSources.none()
          .with(CspSources.Directive.SCRIPT_SRC, "https://checks.example.net")
          .with(CspSources.Directive.FRAME_SRC, "https://checks.example.net");
    }

    @Override
    public CheckFragment render(CheckContext c) {
      return new CheckFragment(
          "<form id=\"answer-form\" method=\"post\" action=\""
              + c.formAction()
              + "\">\n"
              + CheckFragment.checkField(this)
              + "<p>"
              + CheckHtml.escape(c.text("check.pow.button"))
              + "</p></form>\n",
          List.of("https://checks.example.net/api.js"));
    }

    @Override
    public CheckResult verify(CheckContext c, CheckForm form) {
      seen.set(c);
      Optional<String> a = form.field("answer");
      if (a.isEmpty()) {
        return CheckResult.absent();
      }
      return switch (a.get()) {
        case "42" -> CheckResult.passed();
        case "down" -> CheckResult.unavailable("provider-timeout", Duration.ofSeconds(30));
        case "null" -> null; // a check with a bug
        default ->
            CheckResult.failed(403, "wrong", "check.pow.wrong.title", "check.pow.wrong.text");
      };
    }
  }

  @Test
  void addedCheck_getsItsScriptAndCspSourcesAndTheWaitFallback() {
    ChallengePage page =
        builder().addCheck(new AnswerCheck()).checks(List.of("answer", "wait")).build();
    PageResponse r = page.get("/c/" + tokens.mint(SENDER, RECIPIENT));
    String html = r.bodyText();

    assertTrue(
        html.contains("<script src=\"https://checks.example.net/api.js\" defer></script>"), html);
    assertFalse(html.contains("pow.js"), html);
    assertTrue(html.contains("wait-form"), html);
    String csp = r.header("Content-Security-Policy").orElseThrow();
    assertTrue(csp.contains("script-src 'self' https://checks.example.net;"), csp);
    assertTrue(csp.contains("frame-src 'self' https://checks.example.net;"), csp);
    assertTrue(
        csp.startsWith("default-src 'self';") && csp.endsWith("frame-ancestors 'none'"), csp);
    // other pages keep the plain policy
    assertEquals(
        Optional.of(Pages.CSP),
        page.get("/c/" + ChallengePageTest.tamper(tokens.mint(SENDER, RECIPIENT)))
            .header("Content-Security-Policy"));
  }

  @Test
  void addedCheck_verdictsMapToPagesAndOnlyPassedConfirms() {
    AnswerCheck check = new AnswerCheck();
    ChallengePage page = builder().addCheck(check).checks(List.of("answer", "wait")).build();
    String token = tokens.mint(SENDER, RECIPIENT);

    PageResponse down =
        page.post(
            "/c/" + token,
            FORM,
            "check=answer&answer=down".getBytes(UTF_8),
            ChallengePageTest.CLIENT);
    assertEquals(503, down.status(), down.bodyText());
    assertEquals(Optional.of("30"), down.header("Retry-After"));
    PageResponse wrong =
        page.post(
            "/c/" + token,
            FORM,
            "check=answer&answer=41".getBytes(UTF_8),
            ChallengePageTest.CLIENT);
    assertEquals(403, wrong.status());
    PageResponse absent =
        page.post("/c/" + token, FORM, "check=answer".getBytes(UTF_8), ChallengePageTest.CLIENT);
    assertEquals(400, absent.status());
    assertEquals(List.of(), store.adds(), "unavailable, failed and absent never whitelist");

    PageResponse ok =
        page.post(
            "/c/" + token,
            FORM,
            "check=answer&answer=42".getBytes(UTF_8),
            ChallengePageTest.CLIENT);
    assertEquals(200, ok.status(), ok.bodyText());
    assertEquals(List.of(pair()), store.adds());
    CheckContext c = check.seen.get();
    assertEquals(token.toLowerCase(java.util.Locale.ROOT), c.token());
    assertEquals(Optional.of(ChallengePageTest.CLIENT), c.client());
    assertEquals(clock.instant(), c.now());
    assertEquals("en", c.languageTag());
    assertEquals("../", c.root());
  }

  @Test
  void addedCheck_answeringNull_isUnavailableAndNeverConfirms() {
    ChallengePage page =
        builder().addCheck(new AnswerCheck()).checks(List.of("answer", "wait")).build();
    String token = tokens.mint(SENDER, RECIPIENT);

    PageResponse r =
        page.post(
            "/c/" + token,
            FORM,
            "check=answer&answer=null".getBytes(UTF_8),
            ChallengePageTest.CLIENT);

    assertEquals(503, r.status(), r.bodyText());
    assertEquals(List.of(), store.adds());
  }

  @Test
  void refusal_logLineNamesTheCheckAndTheDetail() {
    ChallengePage page = builder().build();
    String token = tokens.mint(SENDER, RECIPIENT);
    String form = waitForm(page.get("/c/" + token).bodyText());
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buffer, true, UTF_8));
    try {
      page.post("/c/" + token, FORM, form.getBytes(UTF_8), ChallengePageTest.CLIENT);
    } finally {
      System.setErr(original);
    }
    String log = buffer.toString(UTF_8);
    assertTrue(log.contains("action=refuse reason=bad-check check=wait detail=early"), log);
  }
}
