package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.MutableClock;
import org.smtpcr.tokens.PassCodes;

/** The operator is named: organisation, contact, privacy notice, template and stylesheet. */
final class ChallengePageBrandingTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final KeyRing keyRing = KeyRing.generate();
  private final ChallengeTokens tokens =
      ChallengeTokens.builder().keyRing(keyRing).clock(clock).build();

  @TempDir Path dir;

  private ChallengePage.Builder builder() {
    return ChallengePage.builder()
        .tokens(tokens)
        .passCodes(PassCodes.of(keyRing))
        .store(new CountingStore())
        .clock(clock);
  }

  @Test
  void defaults_nameNoOneButSayHowLongAConfirmationIsKept() {
    String html = builder().build().get("/").bodyText();
    assertFalse(html.contains("<header>"), html);
    assertFalse(html.contains("mailto:"), html);
    assertTrue(html.contains("<footer>"), html);
    assertTrue(html.contains("A confirmation is kept for 400 days"), html);
  }

  @Test
  void branding_isShownEscapedOnEveryPage() {
    ChallengePage page =
        builder()
            .organization("<script>alert(1)</script> & Co")
            .contact("postmaster@example.com")
            .privacyNotice(URI.create("https://example.com/privacy?a=1&b=2"))
            .whitelistExpiry(Duration.ofDays(30))
            .build();
    for (String path :
        new String[] {
          "/", "/nothing", "/c/bad", "/c/" + tokens.mint("a@b.example", "c@d.example")
        }) {
      String html = page.get(path).bodyText();
      assertFalse(html.contains("<script>alert"), html);
      assertTrue(
          html.contains(
              "<header>\n<p class=\"org\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</p>"),
          html);
      assertTrue(
          html.contains(
              "<a href=\"mailto:postmaster@example.com\"><bdi>postmaster@example.com</bdi></a>"),
          html);
      assertTrue(
          html.contains("<a href=\"https://example.com/privacy?a=1&amp;b=2\">Privacy notice</a>"),
          html);
      assertTrue(html.contains("kept for 30 days"), html);
    }
  }

  @Test
  void keptForGood_saysSo() {
    String html = builder().whitelistExpiry(Duration.ZERO).build().get("/").bodyText();
    assertTrue(html.contains("kept until the site&#39;s administrator removes it"), html);
  }

  @Test
  void organizationWithALineBreakOrControl_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> builder().organization("Example\nInc"));
    assertThrows(IllegalArgumentException.class, () -> builder().organization("Ex\u0000"));
    assertThrows(IllegalArgumentException.class, () -> builder().organization(" "));
    assertThrows(
        IllegalArgumentException.class,
        () -> Settings.builder().text(Settings.PAGE_ORGANIZATION, "Example\u2028Inc"));
  }

  @Test
  void contactThatIsNotAPlainAddress_isRefused() {
    for (String bad :
        new String[] {
          "postmaster", "a@b.com?subject=x", "\"a\"@b.com", "a@b", "a b@c.com", "a@b.com\r\nX: y"
        }) {
      assertThrows(IllegalArgumentException.class, () -> builder().contact(bad), bad);
      assertThrows(
          IllegalArgumentException.class,
          () -> Settings.builder().text(Settings.PAGE_CONTACT, bad),
          bad);
    }
  }

  @Test
  void privacyNoticeThatIsNotHttps_isRefused() {
    for (String bad :
        new String[] {"http://example.com/p", "javascript:alert(1)", "/privacy", "https:///p"}) {
      assertThrows(
          IllegalArgumentException.class, () -> builder().privacyNotice(URI.create(bad)), bad);
      assertThrows(
          IllegalArgumentException.class,
          () -> Settings.builder().text(Settings.PAGE_PRIVACY_URL, bad),
          bad);
    }
  }

  @Test
  void settings_brandThePage() throws Exception {
    Settings s =
        Settings.builder()
            .text(Settings.PAGE_ORGANIZATION, "Example Mail")
            .text(Settings.PAGE_CONTACT, "postmaster@example.org")
            .text(Settings.PAGE_PRIVACY_URL, "https://example.org/privacy")
            .build();
    String html = builder().settings(s).build().get("/").bodyText();
    assertTrue(html.contains("<p class=\"org\">Example Mail</p>"), html);
    assertTrue(html.contains("This page is run by <bdi>Example Mail</bdi>."), html);
    assertTrue(html.contains("mailto:postmaster@example.org"), html);
    assertTrue(html.contains("href=\"https://example.org/privacy\""), html);
  }

  @Test
  void ownTemplate_isFilledInWithEscapedValues() throws Exception {
    Path t =
        Files.writeString(
            dir.resolve("page.html"),
            "<!DOCTYPE html><html lang=\"{{lang}}\" dir=\"{{dir}}\"><head><title>{{title}} |"
                + " {{org}}</title>{{head}}</head><body><div class=\"brand\">{{ org }}</div>"
                + "{{main}}{{footer}}</body></html>");
    PageResponse r = builder().template(t).organization("A <b> & \"C\"").build().get("/");
    String html = r.bodyText();
    assertTrue(html.startsWith("<!DOCTYPE html><html lang=\"en\" dir=\"ltr\"><head>"), html);
    assertTrue(
        html.contains("<title>Sender confirmation | A &lt;b&gt; &amp; &quot;C&quot;</title>"),
        html);
    assertTrue(html.contains("<div class=\"brand\">A &lt;b&gt; &amp; &quot;C&quot;</div>"), html);
    assertTrue(html.contains("<h1>Sender confirmation</h1>"), html);
    assertTrue(html.contains("<link rel=\"stylesheet\" href=\"static/page.css\">"), html);
  }

  @Test
  void templateWithAnUnknownPlaceholder_isAnErrorNamingTheLine() throws Exception {
    Path t =
        Files.writeString(
            dir.resolve("page.html"),
            "<html lang=\"{{lang}}\" dir=\"{{dir}}\">\n<title>{{title}}</title>{{head}}\n"
                + "{{script}}{{main}}</html>");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> builder().template(t).build());
    assertTrue(
        e.getMessage().startsWith(t + " line 3: unknown placeholder {{script}}"), e.getMessage());
  }

  @Test
  void templateWithoutMain_isAnError() throws Exception {
    Path t =
        Files.writeString(
            dir.resolve("page.html"),
            "<html lang=\"{{lang}}\" dir=\"{{dir}}\"><title>{{title}}</title>{{head}}</html>");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> builder().template(t).build());
    assertEquals(t + ": the template needs {{main}}", e.getMessage());
  }

  @Test
  void ownStylesheet_isServedAsPageCss_underTheSamePolicy() throws Exception {
    Path css = Files.writeString(dir.resolve("site.css"), "body { color: #123456; }\n");
    PageResponse r = builder().stylesheet(css).build().get("/static/page.css");
    assertEquals(200, r.status());
    assertEquals("body { color: #123456; }\n", r.bodyText());
    assertEquals(Optional.of(Pages.CSP), r.header("Content-Security-Policy"));
    assertEquals(Optional.of("text/css; charset=utf-8"), r.header("Content-Type"));
  }

  @Test
  void pages_sayTheirLanguage_andVaryByAcceptLanguage() {
    PageResponse r = builder().build().get("/", "sv");
    assertEquals(Optional.of("en"), r.header("Content-Language"));
    assertEquals(Optional.of("Accept-Language"), r.header("Vary"));
    assertTrue(r.bodyText().contains("<html lang=\"en\" dir=\"ltr\">"), r.bodyText());
  }
}
