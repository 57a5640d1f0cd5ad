package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.MutableClock;
import org.smtpcr.tokens.PassCodes;

/**
 * The challenge page in a real headless Chromium: the proof of work runs in the page's worker, the
 * answer is posted, and only that POST whitelists. Needs Chromium (see {@link ChromiumBrowser});
 * each test starts one, so there are few of them. Screenshots go to {@code target/screenshots/}.
 */
final class ChallengePageBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SENDER = "alice@example.org";
  private static final String RECIPIENT = "bob@example.com";
  private static final WhitelistKey PAIR =
      WhitelistKey.pair(
          CanonicalAddress.parseCanonical(SENDER), CanonicalAddress.parseCanonical(RECIPIENT));
  private static final Path SHOTS = Path.of("target", "screenshots");

  private final KeyRing keyRing = KeyRing.generate();
  private final ChallengeTokens tokens =
      ChallengeTokens.builder().keyRing(keyRing).clock(Clock.systemUTC()).build();
  private final PassCodes passCodes = PassCodes.of(keyRing);
  private final CountingStore store = new CountingStore();

  @Test
  void challengeLink_opened_provesWorkPostsByItselfAndWhitelistsThePair() throws Exception {
    try (ChallengeWebServer web = server(page(false));
        ChromiumBrowser browser = ChromiumBrowser.launchOrSkip()) {
      URI link = web.baseUri().resolve("c/" + tokens.mint(SENDER, RECIPIENT, Duration.ofDays(1)));

      browser.navigate(link);
      browser.waitFor("document.getElementById('done') !== null", WAIT);

      assertEquals(List.of(PAIR), store.adds());
      String text = browser.pageText();
      assertTrue(text.contains("Send every message that bounced again"), text);
      assertTrue(
          text.contains(
              "bob+" + PassCodes.grouped(passCodes.compute(SENDER, RECIPIENT)) + "@example.com"),
          text);
      assertEquals(
          link.toString(), browser.currentUrl(), "the answer is posted back to the link itself");
      assertTrue(Files.size(browser.screenshot(SHOTS.resolve("challenge-success.png"))) > 1000);
    }
  }

  @Test
  void challengeLink_checkDoneButNotSent_hasWrittenNothingUntilTheButtonIsPressed()
      throws Exception {
    try (ChallengeWebServer web = server(page(true));
        ChromiumBrowser browser = ChromiumBrowser.launchOrSkip()) {
      browser.navigate(
          web.baseUri().resolve("c/" + tokens.mint(SENDER, RECIPIENT, Duration.ofDays(1))));
      browser.waitFor(
          "document.getElementById('pow-form').getAttribute('data-state') === 'found'", WAIT);

      assertEquals(
          List.of(), store.adds(), "rendering the page and running the check wrote to the store");
      assertEquals(
          "100",
          browser.evaluateString("document.getElementById('pow-progress').value"),
          "the progress bar is full once the check is done");
      assertEquals(
          "Check done. Press the button to confirm.",
          browser.evaluateString("document.getElementById('pow-status').textContent"),
          "the status line's text comes from the page's data-text-found");
      assertTrue(
          browser
              .pageText()
              .contains("You are confirming that alice@example.org may write to bob@example.com"),
          browser.pageText());
      browser.screenshot(SHOTS.resolve("challenge-page.png"));

      browser.evaluate("document.getElementById('pow-button').click()");
      browser.waitFor("document.getElementById('done') !== null", WAIT);
      assertEquals(List.of(PAIR), store.adds());
    }
  }

  @Test
  void expiredLink_opened_showsTheExpiredPageAndWritesNothing() throws Exception {
    ChallengeTokens past =
        ChallengeTokens.builder()
            .keyRing(keyRing)
            .clock(
                Clock.fixed(Instant.now().minus(Duration.ofDays(2)), Clock.systemUTC().getZone()))
            .build();
    try (ChallengeWebServer web = server(page(false));
        ChromiumBrowser browser = ChromiumBrowser.launchOrSkip()) {
      browser.navigate(
          web.baseUri().resolve("c/" + past.mint(SENDER, RECIPIENT, Duration.ofDays(1))));

      browser.waitFor("document.title === 'This link has expired'", WAIT);
      assertTrue(browser.pageText().contains("Send your message again"), browser.pageText());
      assertEquals(List.of(), store.adds());
    }
  }

  @Test
  void challengeLink_overPlainHttpOffLoopback_saysToUseHttpsInsteadOfHanging() throws Exception {
    String host = "challenge.smtpcr.test";
    try (ChallengeWebServer web = server(page(false));
        ChromiumBrowser browser = ChromiumBrowser.launchOrSkip(List.of(host))) {
      String token = tokens.mint(SENDER, RECIPIENT, Duration.ofDays(1));
      browser.navigate(URI.create("http://" + host + ":" + web.port() + "/c/" + token));

      browser.waitFor(
          "document.getElementById('pow-form').getAttribute('data-state') === 'insecure'", WAIT);
      assertTrue(browser.pageText().contains("open this link over https"), browser.pageText());
      assertEquals(
          "true", browser.evaluateString("document.getElementById('pow-button').disabled"));
      assertEquals(List.of(), store.adds());
    }
  }

  @Test
  void challengeLink_withScriptsOff_confirmsThroughTheWaitFormAfterTheWait() throws Exception {
    // the page's clock is the test's: the wait passes by advancing it, not by sleeping
    MutableClock clock = new MutableClock(Instant.now());
    ChallengePage page =
        ChallengePage.builder()
            .tokens(tokens)
            .passCodes(passCodes)
            .store(store)
            .clock(clock)
            .powDifficultyBits(12)
            .build();
    try (ChallengeWebServer web = server(page);
        ChromiumBrowser browser = ChromiumBrowser.launchOrSkip()) {
      browser.send("Emulation.setScriptExecutionDisabled", Map.of("value", true));
      URI link = web.baseUri().resolve("c/" + tokens.mint(SENDER, RECIPIENT, Duration.ofDays(1)));
      browser.navigate(link);
      browser.waitFor("document.getElementById('wait-button') !== null", WAIT);

      String text = browser.pageText();
      assertTrue(text.contains("Confirm without JavaScript"), text);
      assertFalse(text.contains("Press the button to confirm"), "the scripted form is hidden");
      assertEquals(
          "true",
          browser.evaluateString("document.getElementById('pow-form').hidden"),
          "without scripts the proof-of-work form stays hidden");
      browser.screenshot(SHOTS.resolve("challenge-noscript.png"));

      browser.evaluate("document.getElementById('wait-button').click()");
      browser.waitFor("document.title === 'Please wait a moment'", WAIT);
      assertEquals(List.of(), store.adds(), "pressed before the wait: nothing written");

      browser.navigate(link);
      browser.waitFor("document.getElementById('wait-button') !== null", WAIT);
      clock.advance(Duration.ofSeconds(5));
      browser.evaluate("document.getElementById('wait-button').click()");
      browser.waitFor("document.getElementById('done') !== null", WAIT);
      assertEquals(List.of(PAIR), store.adds());
      assertEquals(link.toString(), browser.currentUrl());
    }
  }

  private ChallengePage page(boolean confirmOnClick) {
    return ChallengePage.builder()
        .tokens(tokens)
        .passCodes(passCodes)
        .store(store)
        .powDifficultyBits(12)
        .confirmOnClick(confirmOnClick)
        .build();
  }

  private static ChallengeWebServer server(ChallengePage page) throws Exception {
    return ChallengeWebServer.builder()
        .page(page)
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .build()
        .start();
  }
}
