package org.smtpcr.examples.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.net.InetAddresses;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.EntryOrigin;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.examples.runtime.LogAddresses;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.MasterKey;
import org.smtpcr.tokens.MutableClock;
import org.smtpcr.tokens.PassCodes;
import org.smtpcr.tokens.SenderAuthentication;
import org.smtpcr.tokens.Stamps;

final class ChallengePageTest {
  static final String FORM = "application/x-www-form-urlencoded";
  static final int BITS = 8;
  private static final String SENDER = "alice@example.org";
  private static final String RECIPIENT = "bob@example.com";
  private static final Pattern ISSUED = Pattern.compile("name=\"issued\" value=\"(\\d+)\"");
  private static final Pattern CHALLENGE = Pattern.compile("data-challenge=\"([0-9a-f]{64})\"");
  private static final Pattern STAMP = Pattern.compile("name=\"stamp\" value=\"([0-9a-f]{33})\"");
  static final InetAddress CLIENT = InetAddresses.forString("192.0.2.7");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final KeyRing keyRing = KeyRing.builder().key(3, MasterKey.generate()).active(3).build();
  private final ChallengeTokens tokens =
      ChallengeTokens.builder().keyRing(keyRing).clock(clock).build();
  private final PassCodes passCodes = PassCodes.of(keyRing);
  private final CountingStore store = new CountingStore(clock);
  private final ChallengePage page =
      ChallengePage.builder()
          .tokens(tokens)
          .passCodes(passCodes)
          .store(store)
          .clock(clock)
          .powDifficultyBits(BITS)
          .build();

  // ---- GET ----

  @Test
  void get_validToken_showsWhoConfirmsForWhomAndTheCheck() {
    String token = tokens.mint(SENDER, RECIPIENT);
    PageResponse r = page.get("/c/" + token);

    assertEquals(200, r.status());
    String html = r.bodyText();
    assertTrue(
        html.contains(
            "<bdi>alice@example.org</bdi></strong> may write to <strong><bdi>bob@example.com</bdi>"),
        html);
    assertTrue(html.contains("action=\"" + token + "\""), html);
    assertTrue(html.contains("data-bits=\"" + BITS + "\""), html);
    assertTrue(html.contains("<noscript>"), html);
    assertTrue(html.contains("<button type=\"submit\" id=\"pow-button\">Confirm</button>"), html);
    long issued = issued(html);
    assertEquals(clock.instant().getEpochSecond(), issued);
    String stamp = stamp(html);
    Stamps.of(keyRing, "pow-challenge").verify(ProofOfWork.stamped(token, issued, BITS), stamp);
    assertEquals(ProofOfWork.hex(ProofOfWork.challenge(stamp)), challengeHex(html));
    assertTrue(html.contains("name=\"bits\" value=\"" + BITS + "\""), html);
  }

  @Test
  void get_validToken_writesNothing() {
    String token = tokens.mint(SENDER, RECIPIENT);
    for (int i = 0; i < 5; i++) {
      assertEquals(200, page.get("/c/" + token).status());
    }
    assertEquals(List.of(), store.adds());
    assertEquals(0, store.count());
  }

  @Test
  void get_upperCaseToken_bindsTheCheckToTheLowercaseToken() {
    String token = tokens.mint(SENDER, RECIPIENT);
    String html = page.get("/c/" + token.toUpperCase(Locale.ROOT)).bodyText();
    Stamps.of(keyRing, "pow-challenge")
        .verify(ProofOfWork.stamped(token, issued(html), BITS), stamp(html));
    assertEquals(ProofOfWork.hex(ProofOfWork.challenge(stamp(html))), challengeHex(html));
  }

  @Test
  void get_expiredToken_saysSendAgainWith410() {
    String token = tokens.mint(SENDER, RECIPIENT, Duration.ofMinutes(60));
    clock.advance(Duration.ofMinutes(60).plus(ChallengeTokens.DEFAULT_SKEW).plusSeconds(1));
    PageResponse r = page.get("/c/" + token);

    assertEquals(410, r.status());
    assertTrue(r.bodyText().contains("<title>This link has expired</title>"), r.bodyText());
    assertTrue(r.bodyText().contains("Send your message again"), r.bodyText());
    assertFalse(r.bodyText().contains("pow-form"));
  }

  @Test
  void get_tamperedToken_saysNotValidWith403() {
    PageResponse r = page.get("/c/" + tamper(tokens.mint(SENDER, RECIPIENT)));

    assertEquals(403, r.status());
    assertTrue(r.bodyText().contains("<title>This link is not valid</title>"), r.bodyText());
    assertFalse(r.bodyText().contains("alice"), "nothing from an unverified token is shown");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not-a-token",
        "aaaa",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "%3Cscript%3E"
      })
  void get_malformedToken_saysNotValidWith400(String token) {
    PageResponse r = page.get("/c/" + token);
    assertEquals(400, r.status());
    assertTrue(r.bodyText().contains("This link is not valid"), r.bodyText());
    assertTrue(r.bodyText().contains("cut off"), r.bodyText());
  }

  @Test
  void get_tokenOfRetiredKey_saysRetiredKeyAndSendAgainWith404() {
    KeyRing old = KeyRing.builder().key(1, MasterKey.generate()).active(1).build();
    String token =
        ChallengeTokens.builder().keyRing(old).clock(clock).build().mint(SENDER, RECIPIENT);
    PageResponse r = page.get("/c/" + token);

    assertEquals(404, r.status());
    assertTrue(r.bodyText().contains("retired"), r.bodyText());
    assertTrue(r.bodyText().contains("Send your message again"), r.bodyText());
  }

  @Test
  void get_tokenFromTheFuture_saysNotValidYet() {
    String token = tokens.mint(SENDER, RECIPIENT);
    clock.advance(ChallengeTokens.DEFAULT_SKEW.plusSeconds(1).negated());
    PageResponse r = page.get("/c/" + token);

    assertEquals(403, r.status());
    assertTrue(r.bodyText().contains("not valid yet"), r.bodyText());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/nothing",
        "/c",
        "/c/abc/def",
        "/static/",
        "/static/secret.txt",
        "/static/../pom.xml",
        "/C/abc",
        "relative",
        "//c/abc"
      })
  void get_unknownPath_404(String path) {
    assertEquals(404, page.get(path).status(), path);
  }

  @Test
  void get_root_explainsTheSite() {
    PageResponse r = page.get("/");
    assertEquals(200, r.status());
    assertTrue(r.bodyText().contains("open the link from the message"), r.bodyText());
  }

  @Test
  void get_pathLongerThanLimit_414() {
    assertEquals(414, page.get("/c/" + "a".repeat(ChallengePage.MAX_PATH_LENGTH)).status());
  }

  @Test
  void get_queryStringAndFragment_ignored() {
    String token = tokens.mint(SENDER, RECIPIENT);
    assertEquals(200, page.get("/c/" + token + "?utm_source=mail").status());
    assertEquals(200, page.get("/c/" + token + "#x").status());
  }

  @Test
  void get_staticAssets_servedFromClasspathWithContentTypes() {
    PageResponse js = page.get("/static/pow.js");
    assertEquals(200, js.status());
    assertEquals(Optional.of("text/javascript; charset=utf-8"), js.header("content-type"));
    assertTrue(js.bodyText().contains("new Worker("));
    PageResponse worker = page.get("/static/pow-worker.js");
    assertEquals(Optional.of("text/javascript; charset=utf-8"), worker.header("Content-Type"));
    assertTrue(worker.bodyText().contains("crypto.subtle.digest('SHA-256'"));
    PageResponse css = page.get("/static/page.css");
    assertEquals(Optional.of("text/css; charset=utf-8"), css.header("Content-Type"));
    assertTrue(css.bodyText().contains(":focus-visible"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/nothing", "/c/bad", "/static/pow.js", "/static/page.css"})
  void get_anyPath_carriesSecurityHeaders(String path) {
    assertSecurityHeaders(page.get(path));
  }

  @Test
  void get_tokenPage_carriesSecurityHeadersAndNoStore() {
    PageResponse r = page.get("/c/" + tokens.mint(SENDER, RECIPIENT));
    assertSecurityHeaders(r);
    assertEquals(Optional.of("no-store"), r.header("Cache-Control"));
    assertEquals(Optional.of("text/html; charset=utf-8"), r.header("Content-Type"));
    assertEquals(Optional.empty(), r.header("Set-Cookie"));
  }

  @Test
  void get_tokenPage_hasNoInlineScriptOrStyle() {
    String html = page.get("/c/" + tokens.mint(SENDER, RECIPIENT)).bodyText();
    Matcher scripts =
        Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
    int n = 0;
    while (scripts.find()) {
      n++;
      assertTrue(scripts.group(1).contains("src=\""), scripts.group());
      assertEquals("", scripts.group(2).trim(), scripts.group());
    }
    assertEquals(1, n);
    assertFalse(html.contains("<style"), html);
    assertFalse(Pattern.compile("\\sstyle=|\\son[a-z]+=").matcher(html).find(), html);
    assertTrue(html.contains("href=\"../static/page.css\""), html);
    assertTrue(html.contains("src=\"../static/pow.js\""), html);
  }

  @Test
  void get_hostileAddressesInToken_areEscaped() {
    String sender = "\"<script>alert('x')</script>&\"@evil.example";
    String recipient = "\"<img src=x onerror=alert(1)>\"@example.com";
    String html = page.get("/c/" + tokens.mint(sender, recipient)).bodyText();

    assertFalse(html.contains("<script>alert"), html);
    assertFalse(html.contains("<img"), html);
    assertTrue(
        html.contains(
            "&quot;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;@evil.example"),
        html);
  }

  // ---- POST ----

  @Test
  void post_validProof_writesExactlyThePairAndShowsSuccessWithPassCode() {
    String token = tokens.mint(SENDER, RECIPIENT);
    PageResponse r = page.post("/c/" + token, FORM, solvedForm(token), CLIENT);

    assertEquals(200, r.status(), r.bodyText());
    assertEquals(List.of(pair(SENDER, RECIPIENT)), store.adds());
    assertTrue(
        store.containsAny(
            WhitelistCandidates.of(
                CanonicalAddress.parseCanonical(SENDER),
                CanonicalAddress.parseCanonical(RECIPIENT))));
    assertEquals(
        List.of(Optional.of(clock.instant().plus(Duration.ofDays(400)))),
        store.expiries(),
        "page confirmations expire after 400 days by default");
    assertEquals(
        List.of(SenderAuthentication.UNCHECKED),
        store.authentications(),
        "a v1 token says nothing");
    String html = r.bodyText();
    assertTrue(html.contains("Send every message that bounced again."), html);
    String code = PassCodes.grouped(passCodes.compute(SENDER, RECIPIENT));
    assertTrue(html.contains("<bdi>bob+" + code + "@example.com</bdi>"), html);
    assertTrue(passCodes.matches(code, SENDER, RECIPIENT));
    assertSecurityHeaders(r);
    assertEquals(Optional.of("no-store"), r.header("Cache-Control"));
  }

  @Test
  void post_v2Token_recordsTheAuthenticationItCarries() {
    for (SenderAuthentication a : SenderAuthentication.values()) {
      String sender = a.keyword() + "@example.org";
      String token = tokens.mint(sender, RECIPIENT, Duration.ofDays(1), a);
      PageResponse r = page.post("/c/" + token, FORM, solvedForm(token), CLIENT);

      assertEquals(200, r.status(), r.bodyText());
      assertEquals(
          a,
          store
              .findAny(
                  WhitelistCandidates.of(
                      CanonicalAddress.parseCanonical(sender),
                      CanonicalAddress.parseCanonical(RECIPIENT)))
              .orElseThrow()
              .authentication());
    }
    assertEquals(List.of(SenderAuthentication.values()), store.authentications());
  }

  @Test
  void post_v2TokenAfterAV1Confirmation_replacesTheRecordedAuthentication() {
    String v1 = tokens.mint(SENDER, RECIPIENT);
    assertEquals(200, page.post("/c/" + v1, FORM, solvedForm(v1), CLIENT).status());
    String v2 = tokens.mint(SENDER, RECIPIENT, Duration.ofDays(1), SenderAuthentication.DKIM_PASS);
    assertEquals(200, page.post("/c/" + v2, FORM, solvedForm(v2), CLIENT).status());
    assertEquals(
        SenderAuthentication.DKIM_PASS,
        store.find(pair(SENDER, RECIPIENT)).orElseThrow().authentication());
    assertEquals(1, store.count());
  }

  @Test
  void post_unverifiedAfterAnSpfConfirmation_renewsButKeepsTheStrongerRecord() {
    String spf = tokens.mint(SENDER, RECIPIENT, Duration.ofDays(1), SenderAuthentication.SPF_PASS);
    assertEquals(200, page.post("/c/" + spf, FORM, solvedForm(spf), CLIENT).status());
    String weak =
        tokens.mint(SENDER, RECIPIENT, Duration.ofDays(1), SenderAuthentication.UNVERIFIED);
    assertEquals(200, page.post("/c/" + weak, FORM, solvedForm(weak), CLIENT).status());
    assertEquals(
        SenderAuthentication.SPF_PASS,
        store.find(pair(SENDER, RECIPIENT)).orElseThrow().authentication());
    assertEquals(1, store.count());
  }

  @Test
  void post_passCodeAddressShown_isAcceptedByPassCodeSyntax() {
    ChallengePage dashes =
        ChallengePage.builder()
            .tokens(tokens)
            .passCodes(passCodes)
            .store(store)
            .clock(clock)
            .powDifficultyBits(0)
            .canonicalizer(AddressCanonicalizer.builder().subaddressSeparators("-+").build())
            .build();
    String token = tokens.mint(SENDER, "\"john doe\"@example.com");
    String html = dashes.post("/c/" + token, FORM, solvedForm(dashes, token, 0), CLIENT).bodyText();
    String code = PassCodes.grouped(passCodes.compute(SENDER, "\"john doe\"@example.com"));
    assertTrue(html.contains("&quot;john doe-" + code + "&quot;@example.com"), html);
  }

  @Test
  void post_whitelistExpiry_storesEntryUntilNowPlusExpiry() {
    ChallengePage expiring =
        ChallengePage.builder()
            .tokens(tokens)
            .passCodes(passCodes)
            .store(store)
            .clock(clock)
            .powDifficultyBits(0)
            .whitelistExpiry(Duration.ofDays(30))
            .build();
    String token =
        tokens.mint(SENDER, RECIPIENT, Duration.ofDays(1), SenderAuthentication.SPF_PASS);
    PageResponse r = expiring.post("/c/" + token, FORM, solvedForm(expiring, token, 0), CLIENT);

    assertEquals(200, r.status());
    assertEquals(List.of(Optional.of(clock.instant().plus(Duration.ofDays(30)))), store.expiries());
    assertEquals(List.of(SenderAuthentication.SPF_PASS), store.authentications());
    assertTrue(r.bodyText().contains("lasts until March 31, 2026, 12:00 UTC"), r.bodyText());
  }

  @Test
  void post_wrongNonce_403AndWritesNothing() {
    String token = tokens.mint(SENDER, RECIPIENT);
    String html = page.get("/c/" + token).bodyText();
    byte[] c = ProofOfWork.challenge(stamp(html));
    long bad = 0;
    while (ProofOfWork.passes(c, bad, BITS)) {
      bad++;
    }
    PageResponse r =
        page.post("/c/" + token, FORM, form(issued(html), BITS, stamp(html), bad), CLIENT);

    assertEquals(403, r.status());
    assertTrue(r.bodyText().contains("The check did not pass"), r.bodyText());
    assertEquals(List.of(), store.adds());
  }

  @Test
  void post_proofOlderThanValidity_400AndWritesNothing() {
    String token = tokens.mint(SENDER, RECIPIENT);
    byte[] body = solvedForm(token);
    clock.advance(ChallengePage.DEFAULT_POW_VALIDITY.plusSeconds(1));
    PageResponse r = page.post("/c/" + token, FORM, body, CLIENT);

    assertEquals(400, r.status());
    assertTrue(r.bodyText().contains("run out of time"), r.bodyText());
    assertEquals(List.of(), store.adds());
  }

  @Test
  void post_proofExactlyAtValidity_accepted() {
    String token = tokens.mint(SENDER, RECIPIENT);
    byte[] body = solvedForm(token);
    clock.advance(ChallengePage.DEFAULT_POW_VALIDITY);
    assertEquals(200, page.post("/c/" + token, FORM, body, CLIENT).status());
  }

  @Test
  void post_checkIssuedInTheFutureByAnotherFrontEnd_400AndWritesNothing() {
    String token = tokens.mint(SENDER, RECIPIENT);
    Duration ahead = ChallengePage.FUTURE_SKEW.plusSeconds(1);
    clock.advance(ahead);
    byte[] body = solvedForm(token);
    clock.advance(ahead.negated());
    PageResponse r = page.post("/c/" + token, FORM, body, CLIENT);

    assertEquals(400, r.status());
    assertEquals(List.of(), store.adds());
  }

  @Test
  void post_clientPicksItsOwnTime_403AndWritesNothing() {
    String token = tokens.mint(SENDER, RECIPIENT);
    String html = page.get("/c/" + token).bodyText();
    String stamp = stamp(html);
    long nonce = ProofOfWork.solve(ProofOfWork.challenge(stamp), BITS);
    // work done for a page opened now, sent later with a later time: the stamp no longer matches
    clock.advance(ChallengePage.DEFAULT_POW_VALIDITY.plusMinutes(5));
    long later = clock.instant().getEpochSecond();
    PageResponse r = page.post("/c/" + token, FORM, form(later, BITS, stamp, nonce), CLIENT);

    assertEquals(403, r.status());
    assertTrue(r.bodyText().contains("The check did not pass"), r.bodyText());
    assertEquals(List.of(), store.adds());
  }

  @Test
  void post_clientLowersTheDifficulty_403AndWritesNothing() {
    String token = tokens.mint(SENDER, RECIPIENT);
    String html = page.get("/c/" + token).bodyText();
    PageResponse r = page.post("/c/" + token, FORM, form(issued(html), 0, stamp(html), 0), CLIENT);

    assertEquals(403, r.status());
    assertEquals(List.of(), store.adds());
  }

  @Test
  void post_challengeTheClientMadeItself_403AndWritesNothing() {
    // what a precomputing client would do: pick a time and a stamp, do the work ahead of time
    String token = tokens.mint(SENDER, RECIPIENT);
    long issued = clock.instant().getEpochSecond();
    KeyRing other = KeyRing.builder().key(3, MasterKey.generate()).active(3).build();
    String forged =
        Stamps.of(other, "pow-challenge").sign(ProofOfWork.stamped(token, issued, BITS));
    long nonce = ProofOfWork.solve(ProofOfWork.challenge(forged), BITS);
    PageResponse r = page.post("/c/" + token, FORM, form(issued, BITS, forged, nonce), CLIENT);

    assertEquals(403, r.status());
    assertEquals(List.of(), store.adds());
  }

  @Test
  void post_proofForAnotherToken_403AndWritesNothing() {
    String token = tokens.mint(SENDER, RECIPIENT);
    String other = tokens.mint("mallory@example.net", RECIPIENT);
    PageResponse r = page.post("/c/" + token, FORM, solvedForm(other), CLIENT);

    assertEquals(403, r.status());
    assertEquals(List.of(), store.adds());
  }

  @Test
  void post_replayWithinValidity_rewhitelistsOnlyTheSamePair() {
    String token = tokens.mint(SENDER, RECIPIENT);
    byte[] body = solvedForm(token);
    assertEquals(200, page.post("/c/" + token, FORM, body, CLIENT).status());
    clock.advance(Duration.ofMinutes(5));
    assertEquals(200, page.post("/c/" + token, FORM, body, CLIENT).status());

    assertEquals(List.of(pair(SENDER, RECIPIENT), pair(SENDER, RECIPIENT)), store.adds());
    assertEquals(1, store.count());
  }

  @Test
  void post_noProof_400SaysJavaScriptIsNeeded() {
    String token = tokens.mint(SENDER, RECIPIENT);
    PageResponse r = page.post("/c/" + token, FORM, "issued=&nonce=".getBytes(UTF_8), CLIENT);

    assertEquals(400, r.status());
    assertTrue(r.bodyText().contains("needs JavaScript"), r.bodyText());
    assertEquals(List.of(), store.adds());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "nonce=1",
        "issued=1&issued=2&nonce=1",
        "issued=-1&nonce=1",
        "issued=1&nonce=%ZZ",
        "issued=1&nonce=99999999999999999999",
        "issued=+1&nonce=1",
        "issued=1e3&nonce=1"
      })
  void post_malformedForm_400AndWritesNothing(String body) {
    String token = tokens.mint(SENDER, RECIPIENT);
    assertEquals(400, page.post("/c/" + token, FORM, body.getBytes(UTF_8), CLIENT).status());
    assertEquals(List.of(), store.adds());
  }

  @Test
  void post_otherContentType_415() {
    String token = tokens.mint(SENDER, RECIPIENT);
    assertEquals(
        415, page.post("/c/" + token, "application/json", solvedForm(token), CLIENT).status());
    assertEquals(415, page.post("/c/" + token, "", solvedForm(token), CLIENT).status());
    assertEquals(
        200,
        page.post(
                "/c/" + token,
                "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
                solvedForm(token),
                CLIENT)
            .status());
  }

  @Test
  void post_bodyOverLimit_413() {
    String token = tokens.mint(SENDER, RECIPIENT);
    assertEquals(
        413,
        page.post("/c/" + token, FORM, new byte[ChallengePage.MAX_FORM_BYTES + 1], CLIENT)
            .status());
    assertEquals(List.of(), store.adds());
  }

  @Test
  void post_storeFails_503TryLaterAndNoSuccessPage() {
    String token = tokens.mint(SENDER, RECIPIENT);
    store.failWrites(true);
    PageResponse r = page.post("/c/" + token, FORM, solvedForm(token), CLIENT);

    assertEquals(503, r.status());
    assertEquals(Optional.of("120"), r.header("Retry-After"));
    assertTrue(r.bodyText().contains("Nothing is lost"), r.bodyText());
    assertFalse(r.bodyText().contains("confirmed"), r.bodyText());
    assertFalse(
        r.bodyText().contains(PassCodes.grouped(passCodes.compute(SENDER, RECIPIENT))),
        "no pass code");
    assertEquals(0, store.count());
  }

  @Test
  void post_expiredToken_410AndWritesNothing() {
    String token = tokens.mint(SENDER, RECIPIENT, Duration.ofMinutes(30));
    byte[] body = solvedForm(token);
    clock.advance(Duration.ofMinutes(30).plus(ChallengeTokens.DEFAULT_SKEW).plusSeconds(1));
    assertEquals(410, page.post("/c/" + token, FORM, body, CLIENT).status());
    assertEquals(List.of(), store.adds());
  }

  @Test
  void post_tamperedToken_403AndWritesNothing() {
    String tampered = tamper(tokens.mint(SENDER, RECIPIENT));
    PageResponse r =
        page.post(
            "/c/" + tampered,
            FORM,
            form(clock.instant().getEpochSecond(), 0, "0".repeat(Stamps.LENGTH), 0),
            CLIENT);
    assertEquals(403, r.status());
    assertTrue(r.bodyText().contains("This link is not valid"), r.bodyText());
    assertEquals(List.of(), store.adds());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/static/pow.js"})
  void post_toReadOnlyPath_405WithAllow(String path) {
    PageResponse r = page.post(path, FORM, new byte[0], CLIENT);
    assertEquals(405, r.status());
    assertEquals(Optional.of("GET, HEAD"), r.header("Allow"));
  }

  @Test
  void post_unknownPath_404() {
    assertEquals(404, page.post("/elsewhere", FORM, new byte[0], CLIENT).status());
  }

  // ---- deny list, renewals, administrators' entries ----

  @Test
  void post_deniedSenderDomain_403SaysSoAndWritesNothing() {
    store.deny(new WhitelistKey("@example.org", WhitelistKey.ANY_RECIPIENT));
    String token = tokens.mint("alice@mail.example.org", RECIPIENT);
    PageResponse r = page.post("/c/" + token, FORM, solvedForm(token), CLIENT);

    assertEquals(403, r.status(), r.bodyText());
    assertTrue(r.bodyText().contains("cannot be confirmed"), r.bodyText());
    assertTrue(r.bodyText().contains("blocked this sender"), r.bodyText());
    assertFalse(r.bodyText().contains("pass-code"), r.bodyText());
    assertEquals(List.of(), store.adds());
    assertEquals(0, store.count());
    assertEquals(0, store.countOf(ChallengePage.BUCKET_RECIPIENT + RECIPIENT));
  }

  @Test
  void post_deniedPairAfterAConfirmation_refusedAndTheEntryIsNotRenewed() {
    String token = tokens.mint(SENDER, RECIPIENT);
    assertEquals(200, page.post("/c/" + token, FORM, solvedForm(token), CLIENT).status());
    store.deny(pair(SENDER, RECIPIENT));
    assertEquals(403, page.post("/c/" + token, FORM, solvedForm(token), CLIENT).status());
    assertEquals(1, store.adds().size());
  }

  @Test
  void post_secondConfirmation_renewsWithoutThePassCode() {
    String token = tokens.mint(SENDER, RECIPIENT);
    PageResponse first = page.post("/c/" + token, FORM, solvedForm(token), CLIENT);
    String code = PassCodes.grouped(passCodes.compute(SENDER, RECIPIENT));
    assertTrue(first.bodyText().contains(code), first.bodyText());

    clock.advance(Duration.ofDays(10));
    String again = tokens.mint(SENDER, RECIPIENT);
    PageResponse second = page.post("/c/" + again, FORM, solvedForm(again), CLIENT);

    assertEquals(200, second.status(), second.bodyText());
    assertTrue(second.bodyText().contains("You were already confirmed"), second.bodyText());
    assertTrue(
        second.bodyText().contains("renewed until April 15, 2027, 12:00 UTC"), second.bodyText());
    assertFalse(second.bodyText().contains(code), "the pass code only when the entry is created");
    assertFalse(second.bodyText().contains("pass-code"), second.bodyText());
    assertEquals(
        Optional.of(clock.instant().plus(Duration.ofDays(400))),
        store.find(pair(SENDER, RECIPIENT)).orElseThrow().expiresAt());
  }

  @Test
  void post_administratorsEntry_keptUnchangedAndNoPassCode() {
    Instant shortened = clock.instant().plus(Duration.ofDays(2));
    store.add(pair(SENDER, RECIPIENT), shortened, SenderAuthentication.UNCHECKED);
    String token =
        tokens.mint(SENDER, RECIPIENT, Duration.ofDays(1), SenderAuthentication.DKIM_PASS);
    PageResponse r = page.post("/c/" + token, FORM, solvedForm(token), CLIENT);

    assertEquals(200, r.status(), r.bodyText());
    assertTrue(r.bodyText().contains("already allowed"), r.bodyText());
    assertFalse(
        r.bodyText().contains(PassCodes.grouped(passCodes.compute(SENDER, RECIPIENT))),
        r.bodyText());
    WhitelistEntry e = store.find(pair(SENDER, RECIPIENT)).orElseThrow();
    assertEquals(
        Optional.of(shortened), e.expiresAt(), "the page never lengthens an admin's entry");
    assertEquals(EntryOrigin.ADMIN, e.origin());
    assertEquals(SenderAuthentication.UNCHECKED, e.authentication());
    assertEquals(
        0, store.countOf(ChallengePage.BUCKET_RECIPIENT + RECIPIENT), "kept costs nothing");
  }

  @Test
  void post_afterAnAdminRemovedTheEntry_createsItAgainWithThePassCode() {
    String token = tokens.mint(SENDER, RECIPIENT);
    assertEquals(200, page.post("/c/" + token, FORM, solvedForm(token), CLIENT).status());
    store.remove(pair(SENDER, RECIPIENT));
    PageResponse r = page.post("/c/" + token, FORM, solvedForm(token), CLIENT);
    assertTrue(r.bodyText().contains("id=\"pass-code\""), r.bodyText());
    assertEquals(EntryOrigin.PAGE, store.find(pair(SENDER, RECIPIENT)).orElseThrow().origin());
  }

  // ---- confirmation limits ----

  private ChallengePage limited(int perRecipient, int perDomain, int perNetwork) {
    return ChallengePage.builder()
        .tokens(tokens)
        .passCodes(passCodes)
        .store(store)
        .clock(clock)
        .powDifficultyBits(0)
        .confirmationsPerRecipientPerDay(perRecipient)
        .confirmationsPerSenderDomainPerDay(perDomain)
        .confirmationsPerNetworkPerHour(perNetwork)
        .build();
  }

  private PageResponse confirmOn(ChallengePage p, String sender, String recipient, String client) {
    String token = tokens.mint(sender, recipient);
    return p.post("/c/" + token, FORM, solvedForm(p, token, 0), InetAddresses.forString(client));
  }

  @Test
  void post_overRecipientLimit_429TryLaterAndWritesNothingUntilTheNextUtcDay() {
    ChallengePage p = limited(2, 100, 100);
    assertEquals(200, confirmOn(p, "a@one.example", RECIPIENT, "192.0.2.1").status());
    assertEquals(200, confirmOn(p, "b@two.example", RECIPIENT, "198.51.100.1").status());
    PageResponse r = confirmOn(p, "c@three.example", RECIPIENT, "203.0.113.1");

    assertEquals(429, r.status(), r.bodyText());
    assertTrue(r.bodyText().contains("Please try again later"), r.bodyText());
    assertTrue(r.bodyText().contains("Nothing was recorded"), r.bodyText());
    assertEquals(Optional.of("43200"), r.header("Retry-After"), "until 00:00 UTC");
    assertEquals(2, store.count());
    assertEquals(2, store.adds().size());
    assertEquals(200, confirmOn(p, "c@three.example", "carol@example.com", "203.0.113.1").status());

    clock.advance(Duration.ofHours(12));
    assertEquals(200, confirmOn(p, "c@three.example", RECIPIENT, "203.0.113.1").status());
  }

  @Test
  void post_renewalAtTheRecipientLimit_stillRenewsAndCountsNothing() {
    ChallengePage p = limited(1, 100, 100);
    assertEquals(200, confirmOn(p, SENDER, RECIPIENT, "192.0.2.1").status());
    PageResponse r = confirmOn(p, SENDER, RECIPIENT, "192.0.2.1");

    assertEquals(200, r.status(), r.bodyText());
    assertTrue(r.bodyText().contains("already confirmed"), r.bodyText());
    assertEquals(1, store.countOf(ChallengePage.BUCKET_RECIPIENT + RECIPIENT));
    assertEquals(429, confirmOn(p, "other@example.net", RECIPIENT, "192.0.2.1").status());
  }

  @Test
  void post_overSenderDomainLimit_countsTheOrganizationalDomain() {
    ChallengePage p = limited(100, 2, 100);
    assertEquals(200, confirmOn(p, "a@mail.example.co.uk", "x@example.com", "192.0.2.1").status());
    assertEquals(200, confirmOn(p, "b@example.co.uk", "y@example.com", "198.51.100.1").status());
    assertEquals(
        429, confirmOn(p, "c@other.example.co.uk", "z@example.com", "203.0.113.1").status());
    assertEquals(200, confirmOn(p, "c@example.org.uk", "z@example.com", "203.0.113.1").status());
    assertEquals(2, store.countOf(ChallengePage.BUCKET_SENDER_DOMAIN + "example.co.uk"));
  }

  @Test
  void post_overNetworkLimit_countsIpv4Slash24AndIpv6Slash48PerHour() {
    ChallengePage p = limited(100, 100, 1);
    assertEquals(200, confirmOn(p, "a@one.example", "x@example.com", "192.0.2.1").status());
    PageResponse r = confirmOn(p, "b@two.example", "y@example.com", "192.0.2.250");
    assertEquals(429, r.status());
    assertEquals(Optional.of("3600"), r.header("Retry-After"));
    assertEquals(200, confirmOn(p, "b@two.example", "y@example.com", "192.0.3.1").status());

    assertEquals(200, confirmOn(p, "c@three.example", "z@example.com", "2001:db8:1:2::1").status());
    assertEquals(
        429, confirmOn(p, "d@four.example", "z@example.com", "2001:db8:1:ffff::9").status());
    assertEquals(200, confirmOn(p, "d@four.example", "z@example.com", "2001:db8:2::1").status());

    clock.advance(Duration.ofHours(1));
    assertEquals(200, confirmOn(p, "e@five.example", "x@example.com", "192.0.2.9").status());
  }

  @Test
  void network_masksToSlash24AndSlash48() {
    assertEquals("192.0.2.0/24", ChallengePage.network(InetAddresses.forString("192.0.2.77")));
    assertEquals(
        "2001:db8:1::/48", ChallengePage.network(InetAddresses.forString("2001:db8:1:2:3::4")));
  }

  @Test
  void post_limitsAreSharedByPageFrontEndsOnOneStore() {
    ChallengePage a = limited(1, 100, 100);
    ChallengePage b = limited(1, 100, 100);
    assertEquals(200, confirmOn(a, "a@one.example", RECIPIENT, "192.0.2.1").status());
    assertEquals(429, confirmOn(b, "b@two.example", RECIPIENT, "198.51.100.1").status());
  }

  @Test
  void post_storeFailsWhileCounting_503() {
    String token = tokens.mint(SENDER, RECIPIENT);
    byte[] body = solvedForm(token);
    store.failWrites(true);
    PageResponse r = page.post("/c/" + token, FORM, body, CLIENT);
    assertEquals(503, r.status());
    assertEquals(Optional.of("120"), r.header("Retry-After"));
  }

  // ---- expiry ----

  @Test
  void post_whitelistExpiryZero_confirmsForGood() {
    ChallengePage forGood =
        ChallengePage.builder()
            .tokens(tokens)
            .passCodes(passCodes)
            .store(store)
            .clock(clock)
            .powDifficultyBits(0)
            .whitelistExpiry(Duration.ZERO)
            .build();
    String token = tokens.mint(SENDER, RECIPIENT);
    PageResponse r = forGood.post("/c/" + token, FORM, solvedForm(forGood, token, 0), CLIENT);
    assertEquals(200, r.status());
    assertEquals(List.of(Optional.empty()), store.expiries());
    assertFalse(r.bodyText().contains("lasts until"), r.bodyText());
  }

  @Test
  void settings_defaultsAgreeWithThePage_andForeverMeansForGood() {
    Settings defaults = Settings.builder().build();
    assertEquals(ChallengePage.DEFAULT_WHITELIST_EXPIRY, defaults.get(Settings.WHITELIST_EXPIRY));
    assertEquals(ChallengePage.DEFAULT_POW_DIFFICULTY_BITS, defaults.get(Settings.POW_BITS));
    assertEquals(
        ChallengePage.DEFAULT_CONFIRMATIONS_PER_RECIPIENT_PER_DAY,
        defaults.get(Settings.CONFIRMATIONS_PER_RECIPIENT_PER_DAY));
    assertEquals(
        ChallengePage.DEFAULT_CONFIRMATIONS_PER_SENDER_DOMAIN_PER_DAY,
        defaults.get(Settings.CONFIRMATIONS_PER_SENDER_DOMAIN_PER_DAY));
    assertEquals(
        ChallengePage.DEFAULT_CONFIRMATIONS_PER_NETWORK_PER_HOUR,
        defaults.get(Settings.CONFIRMATIONS_PER_NETWORK_PER_HOUR));
    assertEquals(Duration.ZERO, Settings.WHITELIST_EXPIRY.parse("forever"));

    Settings s =
        Settings.builder()
            .text(Settings.WHITELIST_EXPIRY, "forever")
            .text(Settings.POW_BITS, "4")
            .text(Settings.CONFIRMATIONS_PER_RECIPIENT_PER_DAY, "1")
            .build();
    ChallengePage p =
        ChallengePage.builder()
            .tokens(tokens)
            .passCodes(passCodes)
            .store(store)
            .clock(clock)
            .settings(s)
            .build();
    assertEquals(4, p.powDifficultyBits());
    assertEquals(200, confirmOn4(p, "a@one.example").status());
    assertEquals(List.of(Optional.empty()), store.expiries());
    assertEquals(429, confirmOn4(p, "b@two.example").status());
  }

  private PageResponse confirmOn4(ChallengePage p, String sender) {
    String token = tokens.mint(sender, RECIPIENT);
    return p.post("/c/" + token, FORM, solvedForm(p, token, 4), CLIENT);
  }

  // ---- one log line per confirmation and refusal ----

  @Test
  void post_eachOutcome_logsOneInfoLineWithItsReasonAndNoSecrets() {
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buffer, true, UTF_8));
    String token = tokens.mint(SENDER, RECIPIENT);
    String passCode = passCodes.compute(SENDER, RECIPIENT);
    try {
      page.post("/c/" + token, FORM, solvedForm(token), CLIENT); // created
      page.post("/c/" + token, FORM, solvedForm(token), CLIENT); // renewed
      page.post("/c/" + token, FORM, "issued=&nonce=".getBytes(UTF_8), CLIENT); // bad-check
      store.deny(pair(SENDER, RECIPIENT));
      page.post("/c/" + token, FORM, solvedForm(token), CLIENT); // denied
      String hostile = "jos\u00e9@example.org";
      String other = tokens.mint(hostile, RECIPIENT);
      store.add(pair(hostile, RECIPIENT));
      page.post("/c/" + other, FORM, solvedForm(other), CLIENT); // kept
      String old = tokens.mint(SENDER, RECIPIENT, Duration.ofMinutes(1));
      clock.advance(Duration.ofMinutes(1).plus(ChallengeTokens.DEFAULT_SKEW).plusSeconds(1));
      page.post("/c/" + old, FORM, new byte[0], CLIENT); // expired-token
    } finally {
      System.setErr(original);
    }
    List<String> lines =
        buffer.toString(UTF_8).lines().filter(l -> l.contains("ChallengePage - ")).toList();
    List<String> reasons =
        lines.stream().map(l -> l.replaceAll(".*reason=([a-z-]+).*", "$1")).toList();
    assertEquals(
        List.of("created", "renewed", "bad-check", "denied", "kept", "expired-token"),
        reasons,
        String.join("\n", lines));
    for (String l : lines) {
      assertTrue(l.chars().allMatch(c -> c >= 0x20 && c < 0x7f), l);
      assertFalse(l.contains(token) || l.contains(passCode), l);
      assertTrue(l.contains("network=192.0.2.0/24"), l);
      assertFalse(l.contains("192.0.2.7"), "the client's own address is not logged: " + l);
    }
    assertTrue(lines.get(0).contains("sender=alice@example.org recipient=bob@example.com"));
  }

  @Test
  void post_logAddressesHashOrNone_keepsTheAddressesOutOfTheLines() {
    List<String> hashed = new ArrayList<>();
    for (LogAddresses mode : List.of(LogAddresses.HASH, LogAddresses.HASH, LogAddresses.NONE)) {
      ChallengePage p =
          ChallengePage.builder()
              .tokens(tokens)
              .passCodes(passCodes)
              .store(new CountingStore(clock))
              .clock(clock)
              .settings(
                  Settings.builder()
                      .set(Settings.LOG_ADDRESSES, mode)
                      .text(Settings.POW_BITS, "4")
                      .build())
              .build();
      PrintStream original = System.err;
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      System.setErr(new PrintStream(buffer, true, UTF_8));
      try {
        String token = tokens.mint(SENDER, RECIPIENT);
        assertEquals(200, p.post("/c/" + token, FORM, solvedForm(p, token, 4), CLIENT).status());
        p.post("/c/" + token, FORM, "issued=&nonce=".getBytes(UTF_8), CLIENT); // bad-check
      } finally {
        System.setErr(original);
      }
      List<String> lines =
          buffer.toString(UTF_8).lines().filter(l -> l.contains("ChallengePage - ")).toList();
      assertEquals(2, lines.size(), String.join("\n", lines));
      assertTrue(lines.get(0).contains("action=confirm reason=created stage=page"), lines.get(0));
      assertTrue(lines.get(1).contains("action=refuse reason=bad-check"), lines.get(1));
      for (String l : lines) {
        assertFalse(l.contains("@") || l.contains("192.0.2."), l);
        if (mode == LogAddresses.NONE) {
          assertFalse(l.contains("sender=") || l.contains("network="), l);
        } else {
          assertTrue(l.matches(".* sender=h3:[0-9a-f]{16} recipient=h3:[0-9a-f]{16}.*"), l);
          assertTrue(l.matches(".* client_network=h3:[0-9a-f]{16} .*"), l);
        }
      }
      if (mode == LogAddresses.HASH) {
        hashed.add(lines.get(0).replaceAll(".*( sender=\\S+ ).*", "$1"));
      }
    }
    assertEquals(hashed.get(0), hashed.get(1), "the same key ring hashes alike");
  }

  // ---- builder ----

  @Test
  void builder_missingRequiredPart_throwsIllegalState() {
    assertThrows(
        IllegalStateException.class,
        () -> ChallengePage.builder().tokens(tokens).passCodes(passCodes).build());
    assertThrows(
        IllegalStateException.class,
        () -> ChallengePage.builder().tokens(tokens).store(store).build());
    assertThrows(
        IllegalStateException.class,
        () -> ChallengePage.builder().passCodes(passCodes).store(store).build());
  }

  @Test
  void builder_optionSetTwice_throwsIllegalState() {
    assertThrows(
        IllegalStateException.class,
        () -> ChallengePage.builder().powDifficultyBits(10).powDifficultyBits(11));
    assertThrows(
        IllegalStateException.class, () -> ChallengePage.builder().store(store).store(store));
  }

  @Test
  void builder_outOfRangeValues_throwIllegalArgument() {
    assertThrows(
        IllegalArgumentException.class, () -> ChallengePage.builder().powDifficultyBits(-1));
    assertThrows(
        IllegalArgumentException.class,
        () -> ChallengePage.builder().powDifficultyBits(ChallengePage.MAX_POW_DIFFICULTY_BITS + 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> ChallengePage.builder().powValidity(Duration.ofSeconds(10)));
    assertThrows(
        IllegalArgumentException.class,
        () -> ChallengePage.builder().whitelistExpiry(Duration.ofDays(-1)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ChallengePage.builder()
                .canonicalizer(AddressCanonicalizer.builder().subaddressSeparators("").build()));
  }

  @Test
  void defaults_difficultyIs18Bits() {
    ChallengePage defaults =
        ChallengePage.builder().tokens(tokens).passCodes(passCodes).store(store).build();
    assertEquals(18, defaults.powDifficultyBits());
    assertTrue(
        defaults
            .get("/c/" + tokens.mint(SENDER, RECIPIENT))
            .bodyText()
            .contains("data-bits=\"18\""));
  }

  // ---- helpers ----

  static void assertSecurityHeaders(PageResponse r) {
    assertEquals(Optional.of(Pages.CSP), r.header("Content-Security-Policy"));
    assertTrue(Pages.CSP.startsWith("default-src 'self'"));
    for (String directive :
        List.of("form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'")) {
      assertTrue(Pages.CSP.contains(directive), directive);
    }
    assertFalse(Pages.CSP.contains("unsafe-inline"));
    assertEquals(Optional.of("no-referrer"), r.header("Referrer-Policy"));
    assertEquals(Optional.of("nosniff"), r.header("X-Content-Type-Options"));
    assertTrue(r.header("Cache-Control").isPresent());
  }

  private byte[] solvedForm(String token) {
    return solvedForm(page, token, BITS);
  }

  /** GETs the page for {@code token} from {@code p} and answers its check as the browser does. */
  static byte[] solvedForm(ChallengePage p, String token, int bits) {
    String html = p.get("/c/" + token).bodyText();
    String stamp = stamp(html);
    long nonce = ProofOfWork.solve(ProofOfWork.challenge(stamp), bits);
    return form(issued(html), bits, stamp, nonce);
  }

  /**
   * Changes one character in the middle, where every bit counts: the signature no longer matches.
   */
  static String tamper(String token) {
    char c = token.charAt(40);
    return token.substring(0, 40) + (c == 'a' ? 'b' : 'a') + token.substring(41);
  }

  static byte[] form(long issued, int bits, String stamp, long nonce) {
    return ("issued=" + issued + "&bits=" + bits + "&stamp=" + stamp + "&nonce=" + nonce)
        .getBytes(UTF_8);
  }

  static String stamp(String html) {
    Matcher m = STAMP.matcher(html);
    assertTrue(m.find(), html);
    return m.group(1);
  }

  static long issued(String html) {
    Matcher m = ISSUED.matcher(html);
    assertTrue(m.find(), html);
    return Long.parseLong(m.group(1));
  }

  private static String challengeHex(String html) {
    Matcher m = CHALLENGE.matcher(html);
    assertTrue(m.find(), html);
    return m.group(1);
  }

  private static WhitelistKey pair(String sender, String recipient) {
    return WhitelistKey.pair(
        CanonicalAddress.parseCanonical(sender), CanonicalAddress.parseCanonical(recipient));
  }
}
