package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.PassCodes;

/**
 * The page in a real headless Chromium that asks for German, then Arabic, through {@code
 * Accept-Language} (DevTools {@code Network.setExtraHTTPHeaders}): the page comes in that language,
 * with {@code <html lang>} and, for Arabic, right to left, the addresses still isolated in {@code
 * <bdi>}. One browser for both, since each start costs seconds. Screenshots go to {@code
 * target/screenshots/}.
 */
final class ChallengePageLanguageBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path SHOTS = Path.of("target", "screenshots");

  private final KeyRing keyRing = KeyRing.generate();
  private final ChallengeTokens tokens =
      ChallengeTokens.builder().keyRing(keyRing).clock(Clock.systemUTC()).build();

  @Test
  void acceptLanguageGermanThenArabic_givesAGermanPageThenARightToLeftArabicPage()
      throws Exception {
    ChallengePage page =
        ChallengePage.builder()
            .tokens(tokens)
            .passCodes(PassCodes.of(keyRing))
            .store(new CountingStore())
            .powDifficultyBits(1)
            .organization("Example Mail")
            .contact("postmaster@example.com")
            .build();
    try (ChallengeWebServer web =
            ChallengeWebServer.builder()
                .page(page)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .build()
                .start();
        ChromiumBrowser browser = ChromiumBrowser.launchOrSkip()) {
      URI link =
          web.baseUri()
              .resolve(
                  "c/" + tokens.mint("alice@example.org", "bob@example.com", Duration.ofDays(1)));
      browser.send("Network.enable", Map.of());

      browser.send(
          "Network.setExtraHTTPHeaders",
          Map.of("headers", Map.of("Accept-Language", "de-DE,de;q=0.9,en;q=0.5")));
      browser.navigate(link);
      browser.waitFor("document.querySelector('h1') !== null", WAIT);
      assertEquals("de", browser.evaluateString("document.documentElement.lang"));
      assertEquals("ltr", browser.evaluateString("document.documentElement.dir"));
      assertEquals(
          "Bestätigen Sie, dass Sie ein Mensch sind",
          browser.evaluateString("document.querySelector('h1').textContent"));
      assertTrue(browser.pageText().contains("Warum bin ich hier?"), browser.pageText());
      browser.screenshot(SHOTS.resolve("challenge-de.png"));

      browser.send(
          "Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Accept-Language", "ar-EG,ar")));
      browser.navigate(link);
      browser.waitFor("document.documentElement.lang === 'ar'", WAIT);
      assertEquals("rtl", browser.evaluateString("document.documentElement.dir"));
      assertEquals("rtl", browser.evaluateString("getComputedStyle(document.body).direction"));
      assertEquals(
          "أكّد أنك إنسان", browser.evaluateString("document.querySelector('h1').textContent"));
      // the addresses stay whole and left to right inside the Arabic sentence
      assertEquals(
          "alice@example.org",
          browser.evaluateString("document.querySelector('.pair bdi').textContent"));
      assertEquals(
          "ltr",
          browser.evaluateString(
              "getComputedStyle(document.querySelector('.pair bdi')).direction"));
      assertEquals(
          "mailto:postmaster@example.com",
          browser.evaluateString("document.querySelector('footer a').getAttribute('href')"));
      assertTrue(
          Files.size(browser.screenshot(SHOTS.resolve("challenge-ar.png"))) > 1000, "screenshot");
    }
  }
}
