package org.smtpcr.examples.web.captcha;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smtpcr.examples.web.captcha.CaptchaVerdict.Failed;
import org.smtpcr.examples.web.captcha.CaptchaVerdict.FailureReason;
import org.smtpcr.examples.web.captcha.CaptchaVerdict.Passed;
import org.smtpcr.examples.web.captcha.CaptchaVerdict.Unavailable;
import org.smtpcr.examples.web.captcha.CaptchaVerdict.UnavailableReason;

/** Each provider against a local stub of its {@code siteverify} endpoint. */
final class SiteVerifierTest {
  /** The providers' published test keys: site key, secret key. */
  static final Map<CaptchaProvider, List<String>> TEST_KEYS =
      Map.of(
          CaptchaProvider.TURNSTILE,
          List.of("1x00000000000000000000AA", "1x0000000000000000000000000000000AA"),
          CaptchaProvider.HCAPTCHA,
          List.of(
              "10000000-ffff-ffff-ffff-000000000001", "0x0000000000000000000000000000000000000000"),
          CaptchaProvider.RECAPTCHA_V2,
          List.of(
              "6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI",
              "6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe"));

  static final String HOST = "cr.example.com";
  static final String TOKEN = "XXXX.DUMMY.TOKEN.XXXX";
  static final InetAddress CLIENT = ipv4(192, 0, 2, 7);

  private SiteVerifyStub stub;

  @BeforeEach
  void start() throws IOException {
    stub = new SiteVerifyStub();
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  private SiteVerifier verifier(CaptchaProvider p) {
    return verifier(p, Duration.ofSeconds(10));
  }

  private SiteVerifier verifier(CaptchaProvider p, Duration requestTimeout) {
    return SiteVerifier.builder()
        .provider(p)
        .siteKey(TEST_KEYS.get(p).get(0))
        .secret(CaptchaSecret.of(TEST_KEYS.get(p).get(1)))
        .hostnames(Set.of(HOST))
        .endpoint(stub.uri())
        .connectTimeout(Duration.ofSeconds(10))
        .requestTimeout(requestTimeout)
        .build();
  }

  private static String success(String host) {
    return "{\"success\":true,\"challenge_ts\":\"2026-12-06T01:02:03.456Z\",\"hostname\":\""
        + host
        + "\",\"error-codes\":[]}";
  }

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void verify_success_passesAndSendsTheDocumentedForm(CaptchaProvider p) {
    stub.answer(200, success(HOST));

    CaptchaVerdict v = verifier(p).verify(CaptchaSubmission.of(TOKEN, CLIENT));

    Passed passed = assertInstanceOf(Passed.class, v);
    assertEquals(HOST, passed.hostname());
    assertEquals(Optional.of(Instant.parse("2026-12-06T01:02:03.456Z")), passed.challengeTs());
    assertEquals(p, passed.provider());
    SiteVerifyStub.Request r = stub.onlyRequest();
    assertEquals("POST", r.method());
    assertEquals("application/x-www-form-urlencoded", r.contentType());
    assertEquals(TEST_KEYS.get(p).get(1), r.form().get("secret"));
    assertEquals(TOKEN, r.form().get("response"));
    assertEquals("192.0.2.7", r.form().get("remoteip"));
    if (p == CaptchaProvider.HCAPTCHA) {
      assertEquals(TEST_KEYS.get(p).get(0), r.form().get("sitekey"));
      assertEquals(4, r.form().size(), r.form().keySet()::toString);
    } else {
      assertEquals(3, r.form().size(), r.form().keySet()::toString);
    }
  }

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void verify_invalidInputResponse_failsWithTheCodes(CaptchaProvider p) {
    stub.answer(200, "{\"success\":false,\"error-codes\":[\"invalid-input-response\"]}");

    Failed f =
        assertInstanceOf(Failed.class, verifier(p).verify(CaptchaSubmission.of(TOKEN, CLIENT)));

    assertEquals(FailureReason.REJECTED, f.reason());
    assertEquals(List.of("invalid-input-response"), f.errorCodes());
  }

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void verify_timeoutOrDuplicate_failsWithTheCodes(CaptchaProvider p) {
    stub.answer(
        200, "{\"success\":false,\"hostname\":\"\",\"error-codes\":[\"timeout-or-duplicate\"]}");

    Failed f =
        assertInstanceOf(Failed.class, verifier(p).verify(CaptchaSubmission.of(TOKEN, CLIENT)));

    assertEquals(FailureReason.REJECTED, f.reason());
    assertEquals(List.of("timeout-or-duplicate"), f.errorCodes());
  }

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void verify_successForAnotherHostname_fails(CaptchaProvider p) {
    stub.answer(200, success("evil.example.net"));

    Failed f =
        assertInstanceOf(Failed.class, verifier(p).verify(CaptchaSubmission.of(TOKEN, CLIENT)));

    assertEquals(FailureReason.WRONG_HOSTNAME, f.reason());
  }

  @Test
  void verify_successWithoutHostname_fails() {
    stub.answer(200, "{\"success\":true}");

    Failed f =
        assertInstanceOf(
            Failed.class,
            verifier(CaptchaProvider.RECAPTCHA_V2).verify(CaptchaSubmission.of(TOKEN, CLIENT)));

    assertEquals(FailureReason.WRONG_HOSTNAME, f.reason());
  }

  @Test
  void verify_hostnameInOtherCaseWithTrailingDot_passes() {
    stub.answer(200, success("CR.Example.COM."));

    assertTrue(
        verifier(CaptchaProvider.HCAPTCHA).verify(CaptchaSubmission.of(TOKEN, CLIENT)).isPassed());
  }

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void verify_http500_isUnavailable(CaptchaProvider p) {
    stub.answer(500, "{\"success\":true,\"hostname\":\"cr.example.com\"}");

    Unavailable u =
        assertInstanceOf(
            Unavailable.class, verifier(p).verify(CaptchaSubmission.of(TOKEN, CLIENT)));

    assertEquals(UnavailableReason.HTTP_STATUS, u.reason());
    assertEquals("HTTP 500", u.detail());
    assertFalse(u.isPassed());
  }

  @Test
  void verify_redirect_isUnavailableAndNotFollowed() {
    stub.redirect("http://127.0.0.1:1/siteverify");

    Unavailable u =
        assertInstanceOf(
            Unavailable.class,
            verifier(CaptchaProvider.TURNSTILE).verify(CaptchaSubmission.of(TOKEN, CLIENT)));

    assertEquals(UnavailableReason.HTTP_STATUS, u.reason());
    assertEquals(1, stub.requests().size());
  }

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void verify_answerSlowerThanTheTimeout_isUnavailable(CaptchaProvider p) {
    stub.hold().answer(200, success(HOST));

    CaptchaVerdict v =
        verifier(p, Duration.ofMillis(300)).verify(CaptchaSubmission.of(TOKEN, CLIENT));
    stub.release();

    Unavailable u = assertInstanceOf(Unavailable.class, v);
    assertEquals(UnavailableReason.TIMEOUT, u.reason());
  }

  @Test
  void verify_connectionRefused_isUnavailable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    SiteVerifier v =
        SiteVerifier.builder()
            .provider(CaptchaProvider.TURNSTILE)
            .siteKey("1x00000000000000000000AA")
            .secret(CaptchaSecret.of("1x0000000000000000000000000000000AA"))
            .hostnames(Set.of(HOST))
            .endpoint(URI.create("http://127.0.0.1:" + port + "/siteverify"))
            .build();

    Unavailable u =
        assertInstanceOf(Unavailable.class, v.verify(CaptchaSubmission.of(TOKEN, CLIENT)));

    assertEquals(UnavailableReason.CONNECTION, u.reason());
  }

  @Test
  void verify_oversizedAnswer_isUnavailable() {
    byte[] big = new byte[SiteVerifier.MAX_ANSWER_BYTES + 1];
    Arrays.fill(big, (byte) ' ');
    byte[] json = success(HOST).getBytes(UTF_8);
    System.arraycopy(json, 0, big, 0, json.length);
    stub.answer(200, big);

    Unavailable u =
        assertInstanceOf(
            Unavailable.class,
            verifier(CaptchaProvider.HCAPTCHA).verify(CaptchaSubmission.of(TOKEN, CLIENT)));

    assertEquals(UnavailableReason.OVERSIZED_ANSWER, u.reason());
  }

  @Test
  void verify_answerOfExactlyTheBound_isRead() {
    StringBuilder sb = new StringBuilder(success(HOST));
    while (sb.length() < SiteVerifier.MAX_ANSWER_BYTES) {
      sb.append(' ');
    }
    stub.answer(200, sb.toString());

    assertTrue(
        verifier(CaptchaProvider.HCAPTCHA).verify(CaptchaSubmission.of(TOKEN, CLIENT)).isPassed());
  }

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void verify_malformedAnswers_areUnavailable(CaptchaProvider p) {
    for (String bad :
        List.of(
            "",
            "<html>Bad gateway</html>",
            "{\"success\":true,\"hostname\":\"cr.example.com\"",
            "{\"success\":\"true\",\"hostname\":\"cr.example.com\"}",
            "{\"hostname\":\"cr.example.com\"}",
            "[{\"success\":true,\"hostname\":\"cr.example.com\"}]",
            "{\"success\":false,\"success\":true,\"hostname\":\"cr.example.com\"}",
            "{\"success\":true,\"hostname\":\"cr.example.com\"} trailing")) {
      stub.answer(200, bad);
      CaptchaVerdict v = verifier(p).verify(CaptchaSubmission.of(TOKEN, CLIENT));
      Unavailable u = assertInstanceOf(Unavailable.class, v, bad);
      assertEquals(UnavailableReason.MALFORMED_ANSWER, u.reason(), bad);
    }
  }

  @Test
  void verify_answerNotUtf8_isUnavailable() {
    byte[] json = success(HOST).getBytes(UTF_8);
    json[json.length - 2] = (byte) 0xff;
    stub.answer(200, json);

    Unavailable u =
        assertInstanceOf(
            Unavailable.class,
            verifier(CaptchaProvider.TURNSTILE).verify(CaptchaSubmission.of(TOKEN, CLIENT)));

    assertEquals(UnavailableReason.MALFORMED_ANSWER, u.reason());
  }

  @Test
  void verify_internalError_isUnavailable() {
    stub.answer(200, "{\"success\":false,\"error-codes\":[\"internal-error\"]}");

    Unavailable u =
        assertInstanceOf(
            Unavailable.class,
            verifier(CaptchaProvider.TURNSTILE).verify(CaptchaSubmission.of(TOKEN, CLIENT)));

    assertEquals(UnavailableReason.PROVIDER_ERROR, u.reason());
  }

  @ParameterizedTest
  @EnumSource(CaptchaProvider.class)
  void verify_invalidSecret_isUnavailableAsMisconfigured(CaptchaProvider p) {
    stub.answer(200, "{\"success\":false,\"error-codes\":[\"invalid-input-secret\"]}");

    Unavailable u =
        assertInstanceOf(
            Unavailable.class, verifier(p).verify(CaptchaSubmission.of(TOKEN, CLIENT)));

    assertEquals(UnavailableReason.MISCONFIGURED, u.reason());
    assertTrue(u.detail().contains("invalid-input-secret"), u.detail());
  }

  @Test
  void verify_turnstileCdataAndActionMatch_passesAndSendsTheIdempotencyKey() {
    stub.answer(
        200,
        "{\"success\":true,\"hostname\":\"cr.example.com\",\"action\":\"confirm\","
            + "\"cdata\":\"c0ffee\",\"metadata\":{\"interactive\":false},\"error-codes\":[]}");
    UUID key = UUID.fromString("8f0c8a2e-2d4b-4c1e-9e7a-0d3b5e1f2a4c");

    CaptchaVerdict v =
        verifier(CaptchaProvider.TURNSTILE)
            .verify(
                CaptchaSubmission.of(TOKEN, CLIENT)
                    .withCdata("c0ffee")
                    .withAction("confirm")
                    .withIdempotencyKey(key));

    assertTrue(v.isPassed(), v::toString);
    assertEquals(key.toString(), stub.onlyRequest().form().get("idempotency_key"));
  }

  @Test
  void verify_turnstileCdataMismatch_fails() {
    stub.answer(200, "{\"success\":true,\"hostname\":\"cr.example.com\",\"cdata\":\"other\"}");

    Failed f =
        assertInstanceOf(
            Failed.class,
            verifier(CaptchaProvider.TURNSTILE)
                .verify(CaptchaSubmission.of(TOKEN, CLIENT).withCdata("c0ffee")));

    assertEquals(FailureReason.CDATA_MISMATCH, f.reason());
  }

  @Test
  void verify_turnstileCdataAbsentFromTheAnswer_fails() {
    stub.answer(200, success(HOST));

    Failed f =
        assertInstanceOf(
            Failed.class,
            verifier(CaptchaProvider.TURNSTILE)
                .verify(CaptchaSubmission.of(TOKEN, CLIENT).withCdata("c0ffee")));

    assertEquals(FailureReason.CDATA_MISMATCH, f.reason());
  }

  @Test
  void verify_turnstileActionMismatch_fails() {
    stub.answer(200, "{\"success\":true,\"hostname\":\"cr.example.com\",\"action\":\"login\"}");

    Failed f =
        assertInstanceOf(
            Failed.class,
            verifier(CaptchaProvider.TURNSTILE)
                .verify(CaptchaSubmission.of(TOKEN, CLIENT).withAction("confirm")));

    assertEquals(FailureReason.ACTION_MISMATCH, f.reason());
  }

  @ParameterizedTest
  @EnumSource(
      value = CaptchaProvider.class,
      names = {"HCAPTCHA", "RECAPTCHA_V2"})
  void verify_cdataForAProviderWithout_throws(CaptchaProvider p) {
    SiteVerifier v = verifier(p);

    assertThrows(
        IllegalArgumentException.class,
        () -> v.verify(CaptchaSubmission.of(TOKEN, CLIENT).withCdata("c0ffee")));
    assertTrue(stub.requests().isEmpty());
  }

  @Test
  void verify_emptyOrMalformedToken_failsWithoutAsking() {
    SiteVerifier v = verifier(CaptchaProvider.TURNSTILE);

    Failed empty = assertInstanceOf(Failed.class, v.verify(CaptchaSubmission.of("", CLIENT)));
    Failed crlf = assertInstanceOf(Failed.class, v.verify(CaptchaSubmission.of("a\r\nb", CLIENT)));
    Failed huge =
        assertInstanceOf(
            Failed.class,
            v.verify(
                CaptchaSubmission.of(
                    "x".repeat(SiteVerifier.MAX_RESPONSE_TOKEN_LENGTH + 1), CLIENT)));

    assertEquals(FailureReason.MISSING_RESPONSE, empty.reason());
    assertEquals(FailureReason.MALFORMED_RESPONSE, crlf.reason());
    assertEquals(FailureReason.MALFORMED_RESPONSE, huge.reason());
    assertTrue(stub.requests().isEmpty());
  }

  @Test
  void verify_tokenWithFormCharacters_isSentIntact() {
    stub.answer(200, success(HOST));
    String token = "a&secret=evil&b=c+d%20";

    assertTrue(
        verifier(CaptchaProvider.RECAPTCHA_V2)
            .verify(CaptchaSubmission.of(token, CLIENT))
            .isPassed());

    assertEquals(token, stub.onlyRequest().form().get("response"));
    assertEquals(
        TEST_KEYS.get(CaptchaProvider.RECAPTCHA_V2).get(1),
        stub.onlyRequest().form().get("secret"));
  }

  @Test
  void verify_ipv6Client_isSentAsRemoteip() throws IOException {
    stub.answer(200, success(HOST));

    verifier(CaptchaProvider.HCAPTCHA)
        .verify(CaptchaSubmission.of(TOKEN, InetAddress.getByName("2001:db8::7")));

    assertEquals(
        InetAddress.getByName("2001:db8::7"),
        InetAddress.getByName(stub.onlyRequest().form().get("remoteip")));
  }

  @Test
  void verify_hostileErrorCodes_areMadeSafeToLog() {
    stub.answer(
        200,
        "{\"success\":false,\"error-codes\":[\"bad\\r\\nFAKE log line\",1,\"x\",\"x\",\"x\","
            + "\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]}");

    Failed f =
        assertInstanceOf(
            Failed.class,
            verifier(CaptchaProvider.TURNSTILE).verify(CaptchaSubmission.of(TOKEN, CLIENT)));

    assertEquals("bad??FAKE log line", f.errorCodes().get(0));
    assertEquals(SiteVerifier.MAX_ERROR_CODES + 1, f.errorCodes().size());
    assertEquals("...", f.errorCodes().get(SiteVerifier.MAX_ERROR_CODES));
  }

  @Test
  void secret_neverInToStringsOrVerdicts() {
    String secret = TEST_KEYS.get(CaptchaProvider.TURNSTILE).get(1);
    SiteVerifier v = verifier(CaptchaProvider.TURNSTILE);
    stub.answer(500, "{}");
    CaptchaVerdict verdict = v.verify(CaptchaSubmission.of(TOKEN, CLIENT));

    for (String text :
        List.of(
            v.toString(),
            CaptchaSecret.of(secret).toString(),
            verdict.toString(),
            CaptchaSubmission.of(TOKEN, CLIENT).toString())) {
      assertFalse(text.contains(secret), text);
      assertFalse(text.contains(TOKEN), text);
    }
  }

  @Test
  void secret_badValueMessage_doesNotQuoteIt() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CaptchaSecret.of("top secret"));
    assertFalse(e.getMessage().contains("top secret"), e.getMessage());
  }

  @Test
  void secret_fromFile_readsTheFirstLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("turnstile.secret");
    Files.writeString(file, "  1x0000000000000000000000000000000AA  \nsecond line\n", UTF_8);

    CaptchaSecret s = CaptchaSecret.fromFile(file);

    assertTrue(s.sameSecretAs(CaptchaSecret.of("1x0000000000000000000000000000000AA")));
  }

  @Test
  void secret_fromFileTooLargeOrEmpty_throws(@TempDir Path dir) throws IOException {
    Path big = dir.resolve("big");
    Files.write(big, new byte[CaptchaSecret.MAX_FILE_BYTES + 1]);
    Path empty = dir.resolve("empty");
    Files.writeString(empty, "\n", UTF_8);

    assertThrows(IllegalArgumentException.class, () -> CaptchaSecret.fromFile(big));
    assertThrows(IllegalArgumentException.class, () -> CaptchaSecret.fromFile(empty));
  }

  @Test
  void builder_plainHttpEndpointOffLoopback_isRefused() {
    SiteVerifier.Builder b = SiteVerifier.builder();

    assertThrows(
        IllegalArgumentException.class,
        () -> b.endpoint(URI.create("http://siteverify.example.com/siteverify")));
    // names that only look like loopback addresses
    assertThrows(
        IllegalArgumentException.class,
        () -> b.endpoint(URI.create("http://127.attacker.example/siteverify")));
    assertThrows(
        IllegalArgumentException.class,
        () -> b.endpoint(URI.create("http://127.0.0.1.nip.io/siteverify")));
    // and no secret of the address in the message
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> b.endpoint(URI.create("http://user:pw@siteverify.example.com/siteverify")));
    assertFalse(e.getMessage().contains("pw"), e.getMessage());
  }

  @Test
  void builder_plainHttpEndpointOnLoopbackLiteral_isAccepted() {
    SiteVerifier.builder().endpoint(URI.create("http://[::1]:8443/siteverify"));
    SiteVerifier.builder().endpoint(URI.create("http://127.0.0.2/siteverify"));
  }

  @Test
  void builder_defaults_areTheProvidersEndpointsAndThreeSeconds() {
    assertEquals(
        URI.create("https://challenges.cloudflare.com/turnstile/v0/siteverify"),
        CaptchaProvider.TURNSTILE.endpoint());
    assertEquals(
        URI.create("https://api.hcaptcha.com/siteverify"), CaptchaProvider.HCAPTCHA.endpoint());
    assertEquals(
        URI.create("https://www.google.com/recaptcha/api/siteverify"),
        CaptchaProvider.RECAPTCHA_V2.endpoint());
    assertEquals(Duration.ofSeconds(3), SiteVerifier.DEFAULT_TIMEOUT);
    SiteVerifier v =
        SiteVerifier.builder()
            .provider(CaptchaProvider.TURNSTILE)
            .siteKey("1x00000000000000000000AA")
            .secret(CaptchaSecret.of("1x0000000000000000000000000000000AA"))
            .hostnames(Set.of("CR.example.com."))
            .build();
    assertTrue(v.toString().contains("challenges.cloudflare.com"), v::toString);
    assertEquals(Set.of(HOST), v.hostnames());
  }

  @Test
  void builder_missingHostnames_throws() {
    SiteVerifier.Builder b =
        SiteVerifier.builder()
            .provider(CaptchaProvider.TURNSTILE)
            .siteKey("1x00000000000000000000AA")
            .secret(CaptchaSecret.of("1x0000000000000000000000000000000AA"));

    assertThrows(IllegalStateException.class, b::build);
  }

  private static InetAddress ipv4(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
