package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.EntryOrigin;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.examples.web.captcha.CaptchaCheck;
import org.smtpcr.examples.web.captcha.CaptchaProvider;
import org.smtpcr.examples.web.captcha.CaptchaSecret;
import org.smtpcr.examples.web.captcha.SiteVerifier;
import org.smtpcr.examples.web.captcha.SiteVerifyStub;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.MasterKey;
import org.smtpcr.tokens.PassCodes;
import org.smtpcr.tokens.SenderAuthentication;

/**
 * Every state of every page in a real headless Chromium, checked for accessibility: no axe-core
 * violation of the WCAG 2.2 A and AA rules (light and dark colour scheme, 800 and 320 CSS pixels
 * wide), no horizontal scrolling at 320 CSS pixels (also with addresses of 64-character local parts
 * at long domains), confirmation with the keyboard alone with a visible focus, and progress
 * announced to screen readers.
 *
 * <p>A state is one line in {@link #STATES}: its name (also the screenshots' file name), when a
 * person sees it, and how to bring the browser there. Screenshots of each state, 800 and 320 pixels
 * wide and as tall as the page, go to the directory the system property {@value #SCREENSHOTS} names
 * (the documentation's are made with {@code
 * -Dsmtpcr.screenshots=<repository>/docs/images/challenge-page}), else to {@code
 * target/screenshots/challenge-page/}.
 *
 * <p>Needs Chromium ({@link ChromiumBrowser}) and axe-core ({@link AxeCore}); one browser serves
 * the whole class.
 */
final class ChallengePageAccessibilityTest {
  /** System property naming the directory for the screenshots. */
  static final String SCREENSHOTS = "smtpcr.screenshots";

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int DESKTOP = 800;
  private static final int NARROW = 320;
  private static final int HEIGHT = 800;
  private static final String INSECURE_HOST = "challenge.smtpcr.test";
  private static final String SENDER = "alice@example.org";
  private static final String RECIPIENT = "bob@example.com";
  private static final String LONG_SENDER =
      "the.quick.brown.fox.jumps.over.the.lazy.dog.and.then.keeps.going"
          + "@mail.outbound.relay-cluster-number-seven.example-organisation.co.uk";
  private static final String LONG_RECIPIENT =
      "a.recipient.with.a.mailbox.name.as.long.as.the.standard.allows.i"
          + "@department-of-very-long-names.university-of-somewhere.example.edu";
  private static final String FORM_STATE = "document.getElementById('pow-form').dataset.state";
  private static final String WAIT_FORM_SHOWN =
      "document.getElementById('wait-button')?.offsetParent != null";

  /**
   * Every state of every page. To add one: a line with its name, when it appears, and how to bring
   * the browser there (see {@link Site} for the helpers).
   */
  static final List<PageState> STATES =
      List.of(
          state(
              "challenge",
              "The link is valid and the check is done: the page waits for Confirm.",
              (s, b) -> s.openLink(b, s.server(p -> p), FORM_STATE + " === 'found'")),
          state(
              "in-progress",
              "The check runs in the browser (a few seconds); the status line says so.",
              (s, b) ->
                  s.openLink(
                      b, s.server(ProofOfWork.MAX_BITS, p -> p), FORM_STATE + " === 'working'")),
          state(
              "confirmed",
              "The answer was accepted and the pair is new: the pass code is shown, once.",
              (s, b) -> s.openLink(b, s.server(p -> p.confirmOnClick(false)), "#done")),
          state(
              "renewed",
              "The page had confirmed this pair before: the confirmation is renewed.",
              (s, b) -> {
                s.store.confirm(
                    s.pair(),
                    Optional.of(Instant.now().plus(Duration.ofDays(30))),
                    SenderAuthentication.UNCHECKED,
                    EntryOrigin.PAGE);
                s.openLink(b, s.server(p -> p.confirmOnClick(false)), "#renewed");
              }),
          state(
              "kept",
              "An administrator already allows this sender: nothing needed to be done.",
              (s, b) -> {
                s.store.add(s.pair(), SenderAuthentication.UNCHECKED);
                s.openLink(b, s.server(p -> p.confirmOnClick(false)), "#kept");
              }),
          state(
              "denied",
              "An administrator has blocked this sender: confirming is refused (403).",
              (s, b) -> {
                s.store.deny(s.pair());
                s.openLink(
                    b,
                    s.server(p -> p.confirmOnClick(false)),
                    title("This sender cannot be confirmed"));
              }),
          state(
              "confirmation-limit",
              "Too many new senders were confirmed for this recipient today (429).",
              (s, b) -> {
                ChallengeWebServer web =
                    s.server(p -> p.confirmOnClick(false).confirmationsPerRecipientPerDay(1));
                s.open(b, s.link(web, "someone.else@example.net"), "#done");
                s.openLink(b, web, title("Please try again later"));
              }),
          state(
              "store-down",
              "The whitelist store failed while confirming: try again later (503).",
              (s, b) -> {
                s.store.failWrites(true);
                s.openLink(
                    b, s.server(p -> p.confirmOnClick(false)), title("Please try again later"));
              }),
          state(
              "check-failed",
              "The answer the browser sent does not pass the check (403).",
              (s, b) -> {
                ChallengeWebServer web = s.server(ProofOfWork.MAX_BITS, p -> p);
                s.openLink(b, web, FORM_STATE + " === 'working'");
                // a forged answer, sent past the page's script
                b.evaluate(
                    "(() => { const f = document.getElementById('pow-form');"
                        + " f.elements.namedItem('stamp').value = 'forged';"
                        + " f.elements.namedItem('nonce').value = '0';"
                        + " HTMLFormElement.prototype.submit.call(f); })()");
                s.await(b, title("The check did not pass"));
              }),
          state(
              "insecure",
              "The link was opened over plain http on a public name: the check cannot run.",
              (s, b) -> {
                ChallengeWebServer web = s.server(p -> p);
                s.open(
                    b,
                    URI.create("http://" + INSECURE_HOST + ":" + web.port() + "/c/" + s.token()),
                    FORM_STATE + " === 'insecure'");
              }),
          state(
              "expired",
              "The link is older than its lifetime (410).",
              (s, b) ->
                  s.open(
                      b,
                      s.server(p -> p).baseUri().resolve("c/" + s.tokenAt(Duration.ofDays(-2))),
                      title("This link has expired"))),
          state(
              "not-yet-valid",
              "The link is dated in the future: the clocks disagree (403).",
              (s, b) ->
                  s.open(
                      b,
                      s.server(p -> p).baseUri().resolve("c/" + s.tokenAt(Duration.ofDays(1))),
                      title("This link is not valid yet"))),
          state(
              "tampered",
              "The link was changed, or not made by this site: bad signature (403).",
              (s, b) ->
                  s.open(
                      b,
                      s.server(p -> p)
                          .baseUri()
                          .resolve("c/" + ChallengePageTest.tamper(s.token())),
                      title("This link is not valid"))),
          state(
              "malformed",
              "The link was cut off or mangled when copied (400).",
              (s, b) ->
                  s.open(
                      b,
                      s.server(p -> p).baseUri().resolve("c/not-a-whole-link"),
                      title("This link is not valid"))),
          state(
              "retired-key",
              "The link was made with a key the site has since retired (404).",
              (s, b) ->
                  s.open(
                      b,
                      s.server(p -> p).baseUri().resolve("c/" + s.tokenOfRetiredKey()),
                      title("This link is no longer valid"))),
          state(
              "not-found",
              "Any other address on the site (404).",
              (s, b) ->
                  s.open(
                      b, s.server(p -> p).baseUri().resolve("nothing/here"), title("Not found"))),
          state(
              "home",
              "The site's root: a one-line notice.",
              (s, b) -> s.open(b, s.server(p -> p).baseUri(), title("Sender confirmation"))),
          state(
              "too-many-requests",
              "PageGate: too many requests from this client (429).",
              (s, b) -> s.openResponse(b, s.tooManyRequests(), title("Too many requests"))),
          state(
              "request-too-large",
              "PageGate: the form sent was larger than allowed (413).",
              (s, b) -> s.openResponse(b, PageGate.bodyTooLarge(), title("Request too large"))),
          state(
              "request-timeout",
              "PageGate: the form did not arrive in time (408).",
              (s, b) -> s.openResponse(b, PageGate.requestTimeout(), title("Request timeout"))),
          state(
              "busy",
              "PageGate: no thread is free for the page (503).",
              (s, b) -> s.openResponse(b, PageGate.busy(), title("Busy"))),
          state(
              "server-error",
              "PageGate: the page failed (500).",
              (s, b) -> s.openResponse(b, PageGate.serverError(), title("Server error"))),
          state(
              "not-served",
              "PageGate: the HTTP server could not read the request (400).",
              (s, b) -> s.openResponse(b, PageGate.notServed(400), title("Request not served"))),
          state(
              "no-script",
              "Scripts are off: the no-JavaScript form asks to wait a few seconds, then confirm.",
              withoutScripts((s, b) -> s.openLink(b, s.server(p -> p), WAIT_FORM_SHOWN))),
          state(
              "wait-too-early",
              "The no-JavaScript form was sent before its wait was over (400).",
              withoutScripts(
                  (s, b) -> {
                    s.openLink(b, s.server(p -> p), WAIT_FORM_SHOWN);
                    b.evaluate("document.getElementById('wait-button').click()");
                    s.await(b, title("Please wait a moment"));
                  })),
          state(
              "challenge-de",
              "The browser asks for German (Accept-Language: de).",
              (s, b) ->
                  s.openLink(b, s.language(b, "de").server(p -> p), FORM_STATE + " === 'found'")),
          state(
              "challenge-ar",
              "The browser asks for Arabic (Accept-Language: ar): the page is right to left.",
              (s, b) ->
                  s.openLink(b, s.language(b, "ar").server(p -> p), FORM_STATE + " === 'found'")),
          state(
              "branded",
              "The operator set an organisation, a contact address and a privacy notice.",
              (s, b) ->
                  s.openLink(
                      b,
                      s.server(
                          p ->
                              p.organization("Example Mail")
                                  .contact("postmaster@example.com")
                                  .privacyNotice(URI.create("https://example.com/privacy"))),
                      FORM_STATE + " === 'found'")),
          state(
              "captcha",
              "The check is a hosted CAPTCHA (turnstile,wait) whose provider's script did not load.",
              (s, b) ->
                  s.openLink(b, s.captcha(200), "!document.getElementById('captcha-form').hidden")),
          state(
              "captcha-unavailable",
              "The CAPTCHA provider did not answer the site: try again later (503).",
              (s, b) -> {
                s.openLink(b, s.captcha(500), "!document.getElementById('captcha-form').hidden");
                // the response field the provider's widget adds once solved
                b.evaluate(
                    "(() => { const f = document.getElementById('captcha-form');"
                        + " const i = document.createElement('input'); i.type = 'hidden';"
                        + " i.name = 'cf-turnstile-response'; i.value = 'XXXX.DUMMY.TOKEN.XXXX';"
                        + " f.appendChild(i); HTMLFormElement.prototype.submit.call(f); })()");
                s.await(b, title("Please try again later"));
              }));

  private static ChromiumBrowser browser;
  private static AxeCore axe;

  /** Servers being stopped in the background (see {@link Site#close()}). */
  private static final List<CompletableFuture<Void>> CLOSING = new CopyOnWriteArrayList<>();

  private static final ExecutorService CLOSER =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "a11y-test-server-close");
            t.setDaemon(true);
            return t;
          });

  @AfterAll
  static void closeAll() {
    try {
      if (browser != null) {
        browser.close();
        browser = null;
      }
    } finally {
      CompletableFuture.allOf(CLOSING.toArray(CompletableFuture[]::new)).join();
      CLOSING.clear();
    }
  }

  static List<PageState> states() {
    return STATES;
  }

  /**
   * No axe-core violation in the light and the dark colour scheme at 800 pixels, nor at 320 pixels,
   * where the page does not scroll sideways either; screenshots at both widths.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("states")
  void state_hasNoAxeViolationsAndFits320Pixels(PageState state) throws Exception {
    ChromiumBrowser b = browser();
    AxeCore axe = axe();
    try (Site site = new Site(SENDER, RECIPIENT)) {
      viewport(b, DESKTOP, HEIGHT);
      state.opener().open(site, b);
      List<String> failures = new ArrayList<>();
      check(failures, () -> axe.assertNoViolations(b, state.name() + ", light, " + DESKTOP + "px"));
      colorScheme(b, "dark");
      check(failures, () -> axe.assertNoViolations(b, state.name() + ", dark, " + DESKTOP + "px"));
      colorScheme(b, "light");
      Path dir = screenshotDirectory();
      fullPageScreenshot(b, DESKTOP, dir.resolve(state.name() + ".png"));

      viewport(b, NARROW, HEIGHT);
      check(failures, () -> axe.assertNoViolations(b, state.name() + ", light, " + NARROW + "px"));
      check(failures, () -> assertNoHorizontalScroll(b, state.name() + " at " + NARROW + "px"));
      fullPageScreenshot(b, NARROW, dir.resolve(state.name() + "-320.png"));
      assertTrue(failures.isEmpty(), String.join("\n", failures));
    } finally {
      colorScheme(b, "light");
    }
  }

  /**
   * With a 64-character local part at a long domain for both addresses, at 320 pixels: the
   * addresses wrap, so the page does not scroll sideways, and there is still no violation.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("states")
  void state_withLongAddressesAt320Pixels_wrapsThemWithoutHorizontalScroll(PageState state)
      throws Exception {
    ChromiumBrowser b = browser();
    AxeCore axe = axe();
    try (Site site = new Site(LONG_SENDER, LONG_RECIPIENT)) {
      viewport(b, NARROW, HEIGHT);
      state.opener().open(site, b);
      fullPageScreenshot(
          b, NARROW, Path.of("target", "screenshots", "long-address", state.name() + "-320.png"));
      assertNoHorizontalScroll(b, state.name() + " with long addresses at " + NARROW + "px");
      axe.assertNoViolations(b, state.name() + " with long addresses, " + NARROW + "px");
    }
  }

  /** The harness can fail: a page with known faults gets their rules named in the message. */
  @Test
  void axe_onAFaultyPage_namesEachRuleWithItsElementAndHelp() throws Exception {
    ChromiumBrowser b = browser();
    AxeCore axe = axe();
    String faulty =
        "<!DOCTYPE html>\n<html><head><title>Faulty</title></head><body><main>"
            + "<h1>Faulty</h1><p style=\"color:#aaa;background:#fff\">Pale text</p>"
            + "<form><input id=\"name\" type=\"text\"></form>"
            + "<p id=\"wide\" style=\"width:600px\">Too wide for 320 pixels.</p></main></body></html>";
    PageResponse r =
        new PageResponse(
            200,
            Map.of("Content-Type", Pages.HTML),
            faulty.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try (Site site = new Site(SENDER, RECIPIENT)) {
      viewport(b, DESKTOP, HEIGHT);
      site.openResponse(b, r, title("Faulty"));

      List<String> rules = axe.run(b).stream().map(AxeCore.Violation::id).sorted().toList();
      assertEquals(List.of("color-contrast", "html-has-lang", "label"), rules);
      AssertionError e =
          assertThrows(AssertionError.class, () -> axe.assertNoViolations(b, "the faulty page"));
      assertTrue(
          e.getMessage().contains("- label [critical]") && e.getMessage().contains("at #name"),
          e.getMessage());
      AssertionError scroll =
          assertThrows(AssertionError.class, () -> assertNoHorizontalScroll(b, "the faulty page"));
      assertTrue(scroll.getMessage().contains("P#wide"), scroll.getMessage());
    }
  }

  @Test
  void longAddresses_areThoseOfTheLimits() {
    for (String a : List.of(LONG_SENDER, LONG_RECIPIENT)) {
      assertEquals(64, CanonicalAddress.parseCanonical(a).localPart().length(), a);
      assertTrue(a.length() > 120, a);
    }
  }

  /**
   * Confirms with the keyboard alone: Tab reaches the Confirm button, which then shows a visible
   * focus outline, and Enter or Space presses it.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Enter", "Space"})
  void confirmOnClick_keyboardOnly_tabReachesConfirmWithVisibleFocusAndKeyConfirms(String key)
      throws Exception {
    ChromiumBrowser b = browser();
    try (Site site = new Site(SENDER, RECIPIENT)) {
      viewport(b, DESKTOP, HEIGHT);
      site.openLink(b, site.server(p -> p.confirmOnClick(true)), FORM_STATE + " === 'found'");
      // the script focuses the button once the check is done; start from nothing focused, as a
      // person who has just opened the page
      b.evaluate("document.activeElement && document.activeElement.blur()");
      assertEquals("BODY", b.evaluateString("document.activeElement.tagName"));

      int presses = 0;
      while (!"pow-button".equals(b.evaluateString("document.activeElement.id"))) {
        assertTrue(presses < 10, "Tab did not reach the Confirm button in 10 presses");
        press(b, "Tab");
        presses++;
      }
      assertEquals(
          "true",
          b.evaluateString("document.getElementById('pow-button').matches(':focus-visible')"),
          "the button reached by Tab is not :focus-visible");
      List<?> outline =
          (List<?>)
              b.evaluate(
                      "(() => { const s = getComputedStyle(document.getElementById('pow-button'));"
                          + " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()")
                  .orElseThrow();
      assertTrue(
          !outline.get(0).equals("none") && ((Number) outline.get(1)).doubleValue() >= 2,
          "no visible focus outline on the Confirm button: " + outline);
      fullPageScreenshot(
          b, DESKTOP, Path.of("target", "screenshots", "keyboard", "focus-" + key + ".png"));
      assertEquals(List.of(), site.store.adds(), "focusing the button confirmed already");

      press(b, key);
      site.await(b, "#done");
      assertEquals(List.of(site.pair()), site.store.adds());
    }
  }

  /**
   * The status line is a polite live region (role=status), and its text changes while the check
   * runs: what a screen reader announces. Every text it shows is recorded from the start of the
   * document by a MutationObserver installed before the page's own script runs.
   */
  @Test
  void challenge_statusIsALiveRegionWhoseTextChangesAsTheCheckRuns() throws Exception {
    ChromiumBrowser b = browser();
    try (Site site = new Site(SENDER, RECIPIENT)) {
      viewport(b, DESKTOP, HEIGHT);
      Map<String, Object> added =
          b.send(
              "Page.addScriptToEvaluateOnNewDocument",
              Map.of(
                  "source",
                  "window.__status = [];"
                      + "new MutationObserver(() => {"
                      + "  const s = document.getElementById('pow-status');"
                      + "  const f = document.getElementById('pow-form');"
                      + "  if (!s || !f) return;"
                      + "  const all = window.__status;"
                      + "  const last = all[all.length - 1];"
                      + "  if (!last || last.text !== s.textContent)"
                      + "    all.push({state: f.dataset.state, text: s.textContent});"
                      + "}).observe(document, {subtree: true, childList: true,"
                      + " characterData: true, attributes: true});"));
      try {
        site.openLink(b, site.server(p -> p.confirmOnClick(true)), FORM_STATE + " === 'found'");
      } finally {
        b.send(
            "Page.removeScriptToEvaluateOnNewDocument",
            Map.of("identifier", added.get("identifier")));
      }

      assertEquals(
          "status", b.evaluateString("document.getElementById('pow-status').getAttribute('role')"));
      assertEquals(
          "polite",
          b.evaluateString("document.getElementById('pow-status').getAttribute('aria-live')"));
      // what the status line said, and in which state of the check, each time its text changed
      List<String> said = new ArrayList<>();
      for (Object o : (List<?>) b.evaluate("window.__status").orElseThrow()) {
        Map<?, ?> m = (Map<?, ?>) o;
        said.add(m.get("state") + ": " + m.get("text"));
      }
      assertTrue(said.size() >= 3, "the status line did not change as the check ran: " + said);
      assertTrue(said.get(0).startsWith("ready: "), said.toString());
      assertTrue(
          said.stream().anyMatch(t -> t.startsWith("working: ")),
          "nothing said while the check ran: " + said);
      assertTrue(said.get(said.size() - 1).startsWith("found: "), said.toString());
      assertEquals(
          "found: " + b.evaluateString("document.getElementById('pow-status').textContent"),
          said.get(said.size() - 1));
    }
  }

  // --- helpers ---

  private static ChromiumBrowser browser() throws IOException {
    if (browser == null) {
      browser = ChromiumBrowser.launchOrSkip(List.of(INSECURE_HOST));
    }
    return browser;
  }

  private static AxeCore axe() throws IOException {
    if (axe == null) {
      axe = AxeCore.loadOrSkip();
    }
    return axe;
  }

  private static Path screenshotDirectory() {
    String configured = System.getProperty(SCREENSHOTS, "").trim();
    return configured.isEmpty()
        ? Path.of("target", "screenshots", "challenge-page")
        : Path.of(configured);
  }

  private static void viewport(ChromiumBrowser b, int width, int height) {
    b.send(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
  }

  private static void colorScheme(ChromiumBrowser b, String scheme) {
    b.send(
        "Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
  }

  /**
   * Sets the width, then the height to the page's, takes a screenshot of the whole page and puts
   * the viewport back to {@code width} by {@value #HEIGHT}.
   */
  private static Path fullPageScreenshot(ChromiumBrowser b, int width, Path file)
      throws IOException {
    // a low viewport first: scrollHeight is never less than the viewport's height
    viewport(b, width, 100);
    long height =
        Math.min(
            4000,
            ((Number) b.evaluate("document.documentElement.scrollHeight").orElseThrow())
                .longValue());
    viewport(b, width, (int) height);
    try {
      b.screenshot(file);
      assertTrue(Files.size(file) > 0, file.toString());
      return file;
    } finally {
      viewport(b, width, HEIGHT);
    }
  }

  private static void assertNoHorizontalScroll(ChromiumBrowser b, String what) {
    viewport(b, NARROW, HEIGHT);
    List<?> widths =
        (List<?>)
            b.evaluate(
                    "(() => { const e = document.documentElement;"
                        + " return [e.scrollWidth, e.clientWidth, document.body.scrollWidth]; })()")
                .orElseThrow();
    long scroll = ((Number) widths.get(0)).longValue();
    long client = ((Number) widths.get(1)).longValue();
    long body = ((Number) widths.get(2)).longValue();
    assertEquals((long) NARROW, client, "viewport width");
    assertTrue(
        scroll <= client && body <= client,
        what
            + " scrolls horizontally: scrollWidth "
            + scroll
            + " (body "
            + body
            + ") > clientWidth "
            + client
            + "; widest elements: "
            + b.evaluateString(
                "[...document.querySelectorAll('body *')]"
                    + ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)"
                    + ".map(e => e.tagName + (e.id ? '#' + e.id : '') + ' ' + Math.round(e.getBoundingClientRect().right))"
                    + ".slice(0, 10).join(', ')"));
  }

  /** Presses and releases a key (Tab, Enter or Space) through the DevTools input domain. */
  private static void press(ChromiumBrowser b, String key) {
    record Key(String key, String code, int keyCode, String text) {}
    Key k =
        switch (key) {
          case "Tab" -> new Key("Tab", "Tab", 9, "");
          case "Enter" -> new Key("Enter", "Enter", 13, "\r");
          case "Space" -> new Key(" ", "Space", 32, " ");
          default -> throw new IllegalArgumentException(key);
        };
    Map<String, Object> down =
        new java.util.LinkedHashMap<>(
            Map.of(
                "type",
                k.text().isEmpty() ? "rawKeyDown" : "keyDown",
                "key",
                k.key(),
                "code",
                k.code(),
                "windowsVirtualKeyCode",
                k.keyCode()));
    if (!k.text().isEmpty()) {
      down.put("text", k.text());
    }
    b.send("Input.dispatchKeyEvent", down);
    b.send(
        "Input.dispatchKeyEvent",
        Map.of(
            "type",
            "keyUp",
            "key",
            k.key(),
            "code",
            k.code(),
            "windowsVirtualKeyCode",
            k.keyCode()));
  }

  private static void check(List<String> failures, Runnable check) {
    try {
      check.run();
    } catch (AssertionError e) {
      failures.add(e.getMessage());
    }
  }

  private static String title(String title) {
    return "document.title === '" + title.replace("'", "\\'") + "'";
  }

  /**
   * {@code opener} in a browser with scripts off (DevTools {@code
   * Emulation.setScriptExecutionDisabled}), as one without JavaScript. They are turned back on once
   * the state is reached, for axe-core, whose run needs timers; first the page is fixed as a
   * browser without scripts renders it: the content of each {@code <noscript>} (parsed as elements,
   * since scripts were off) takes its place, else Chromium would stop rendering it, and the {@code
   * <script>} elements (which did not run) are removed.
   */
  private static Opener withoutScripts(Opener opener) {
    return (s, b) -> {
      b.send("Emulation.setScriptExecutionDisabled", Map.of("value", true));
      try {
        opener.open(s, b);
        b.evaluate(
            "(() => { document.querySelectorAll('noscript').forEach(n =>"
                + " n.replaceWith(...n.childNodes));"
                + " document.querySelectorAll('script').forEach(e => e.remove()); })()");
      } finally {
        b.send("Emulation.setScriptExecutionDisabled", Map.of("value", false));
      }
    };
  }

  private static PageState state(String name, String when, Opener opener) {
    return new PageState(name, when, opener);
  }

  /**
   * One state of a page.
   *
   * @param name a short name, also the screenshots' file name
   * @param when when a person sees it
   * @param opener brings the browser there
   */
  record PageState(String name, String when, Opener opener) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Brings a browser to a state, using a {@link Site}. */
  @FunctionalInterface
  interface Opener {
    void open(Site site, ChromiumBrowser browser) throws Exception;
  }

  /**
   * What a state is opened on: a key ring, a store and a pair of addresses, and the servers the
   * state starts (closed with the site).
   */
  static final class Site implements AutoCloseable {
    final KeyRing keyRing = KeyRing.generate();
    final ChallengeTokens tokens = ChallengeTokens.builder().keyRing(keyRing).build();
    final PassCodes passCodes = PassCodes.of(keyRing);
    final CountingStore store = new CountingStore();
    final String sender;
    final String recipient;
    private final List<Runnable> closing = new ArrayList<>();
    private final List<Runnable> resets = new ArrayList<>();

    Site(String sender, String recipient) {
      this.sender = sender;
      this.recipient = recipient;
    }

    WhitelistKey pair() {
      return WhitelistKey.pair(
          CanonicalAddress.parseCanonical(sender), CanonicalAddress.parseCanonical(recipient));
    }

    /** A valid link's token for the pair. */
    String token() {
      return tokens.mint(sender, recipient, Duration.ofDays(1));
    }

    /** A token for the pair minted {@code shift} from now, valid for one day from then. */
    String tokenAt(Duration shift) {
      return ChallengeTokens.builder()
          .keyRing(keyRing)
          .clock(Clock.fixed(Instant.now().plus(shift), Clock.systemUTC().getZone()))
          .build()
          .mint(sender, recipient, Duration.ofDays(1));
    }

    /** A token for the pair made with a key id this site's ring does not hold. */
    String tokenOfRetiredKey() {
      KeyRing retired = KeyRing.builder().key(9, MasterKey.generate()).active(9).build();
      return ChallengeTokens.of(retired).mint(sender, recipient, Duration.ofDays(1));
    }

    /**
     * A started server for a page on this site's tokens and store, at 12 bits, confirming on a
     * click unless {@code options} say otherwise.
     */
    ChallengeWebServer server(UnaryOperator<ChallengePage.Builder> options) throws IOException {
      return server(12, options);
    }

    /** Like {@link #server(UnaryOperator)}, with a check of {@code bits}. */
    ChallengeWebServer server(int bits, UnaryOperator<ChallengePage.Builder> options)
        throws IOException {
      ChallengePage page =
          options
              .apply(
                  ChallengePage.builder()
                      .tokens(tokens)
                      .passCodes(passCodes)
                      .store(store)
                      .powDifficultyBits(bits))
              .build();
      ChallengeWebServer web =
          ChallengeWebServer.builder()
              .page(page)
              .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .build();
      closing.add(web::close);
      return web.start();
    }

    /** Makes {@code b} send {@code Accept-Language: tag} until the site is closed. */
    Site language(ChromiumBrowser b, String tag) {
      b.send("Network.enable", Map.of());
      b.send("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Accept-Language", tag)));
      resets.add(
          () -> {
            b.send("Network.setExtraHTTPHeaders", Map.of("headers", Map.of()));
            b.send("Network.disable", Map.of());
          });
      return this;
    }

    /**
     * A started server whose checks are {@code turnstile,wait}, with Turnstile's published test
     * keys and a local {@code siteverify} stub that answers {@code status} (200: a pass). The
     * provider's script cannot load here (every name but the loopback resolves to nothing): what a
     * visitor sees when it is blocked or slow.
     */
    ChallengeWebServer captcha(int status) throws IOException {
      SiteVerifyStub stub = new SiteVerifyStub();
      closing.add(stub::close);
      stub.answer(
          status,
          "{\"success\":true,\"hostname\":\"127.0.0.1\",\"action\":\""
              + CaptchaCheck.ACTION
              + "\",\"error-codes\":[]}");
      SiteVerifier verifier =
          SiteVerifier.builder()
              .provider(CaptchaProvider.TURNSTILE)
              .siteKey("1x00000000000000000000AA")
              .secret(CaptchaSecret.of("1x0000000000000000000000000000000AA"))
              .hostnames(Set.of("127.0.0.1"))
              .endpoint(stub.uri())
              .connectTimeout(Duration.ofSeconds(5))
              .requestTimeout(Duration.ofSeconds(5))
              .build();
      return server(
          p -> p.addCheck(CaptchaCheck.of(verifier)).checks(List.of("turnstile", "wait")));
    }

    /** The link of {@code otherSender} to the recipient on {@code web}. */
    URI link(ChallengeWebServer web, String otherSender) {
      return web.baseUri().resolve("c/" + tokens.mint(otherSender, recipient, Duration.ofDays(1)));
    }

    /** Opens the pair's link on {@code web} and waits for {@code until}. */
    void openLink(ChromiumBrowser b, ChallengeWebServer web, String until) {
      open(b, web.baseUri().resolve("c/" + token()), until);
    }

    /**
     * Opens {@code url} and waits until the page is loaded and {@code until} holds: a JavaScript
     * condition, or {@code #id} for an element that exists.
     */
    void open(ChromiumBrowser b, URI url, String until) {
      b.navigate(url);
      await(b, until);
    }

    void await(ChromiumBrowser b, String until) {
      String condition =
          until.startsWith("#")
              ? "document.getElementById('" + until.substring(1) + "') !== null"
              : until;
      b.waitFor("document.readyState === 'complete' && (" + condition + ")", WAIT);
    }

    /** The 429 page PageGate answers a client over its rate limit. */
    PageResponse tooManyRequests() throws IOException {
      PageGate gate =
          PageGate.builder()
              .page(
                  ChallengePage.builder().tokens(tokens).passCodes(passCodes).store(store).build())
              .requestsPerMinutePerClient(1)
              .build();
      InetAddress client = InetAddress.getLoopbackAddress();
      for (int i = 0; i < 10; i++) {
        Optional<PageResponse> r = gate.admit("GET", "/", "", -1, client);
        if (r.isPresent()) {
          assertEquals(429, r.get().status());
          return r.get();
        }
      }
      throw new AssertionError("PageGate never refused");
    }

    /**
     * Serves {@code response} at {@code /state} (and the page's stylesheet and scripts under {@code
     * /static/}) from a plain JDK server, opens it and waits for {@code until}: for the pages a
     * host answers before the page runs.
     */
    void openResponse(ChromiumBrowser b, PageResponse response, String until) throws IOException {
      ChallengePage page =
          ChallengePage.builder().tokens(tokens).passCodes(passCodes).store(store).build();
      HttpServer http =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      http.createContext(
          "/",
          exchange -> {
            try (exchange) {
              String path = exchange.getRequestURI().getRawPath();
              PageResponse r = path.equals("/state") ? response : page.get(path);
              r.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
              exchange.getResponseHeaders().remove("Connection");
              byte[] body = r.body();
              exchange.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
              }
            }
          });
      http.start();
      closing.add(() -> http.stop(0));
      open(b, URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/state"), until);
    }

    @Override
    public void close() {
      // the browser is shared: put back what a state changed in it before the next one
      resets.forEach(Runnable::run);
      // a Jetty server takes about a second to stop: stop them while the next test runs, and wait
      // for all of them after the last one (closeAll)
      closing.forEach(c -> CLOSING.add(CompletableFuture.runAsync(c, CLOSER)));
    }
  }
}
