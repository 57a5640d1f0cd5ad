package org.smtpcr.examples.web.captcha;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.smtpcr.examples.web.captcha.CaptchaVerdict.Passed;
import org.smtpcr.examples.web.captcha.CaptchaVerdict.Unavailable;
import org.smtpcr.examples.web.captcha.CaptchaVerdict.UnavailableReason;

/**
 * The {@code siteverify} answer reader refuses hostile text only with IllegalArgumentException,
 * within its bounds, and no answer passes unless it says {@code success: true} for our hostname.
 */
final class SiteVerifyJsonPropertiesTest {
  private static final SiteVerifier VERIFIER =
      SiteVerifier.builder()
          .provider(CaptchaProvider.TURNSTILE)
          .siteKey("1x00000000000000000000AA")
          .secret(CaptchaSecret.of("1x0000000000000000000000000000000AA"))
          .hostnames(Set.of("cr.example.com"))
          .build();

  private static final CaptchaSubmission SUBMISSION =
      CaptchaSubmission.of("XXXX.DUMMY.TOKEN.XXXX", InetAddress.getLoopbackAddress());

  @Property(tries = 1000)
  void parse_anyText_throwsNothingButIllegalArgument(@ForAll("jsonish") String text) {
    try {
      Map<String, Object> m = SiteVerifyJson.parseObject(text);
      assertTrue(m.size() <= text.length());
    } catch (IllegalArgumentException expected) {
      // malformed input is reported this way and no other
    }
  }

  @Property(tries = 1000)
  void judge_anyAnswer_passesOnlyWithSuccessForOurHostname(@ForAll("answers") String text) {
    CaptchaVerdict v = VERIFIER.judge(SUBMISSION, text.getBytes(UTF_8));
    if (v instanceof Passed p) {
      Map<String, Object> m = SiteVerifyJson.parseObject(text);
      assertEquals(true, m.get("success"));
      assertEquals("cr.example.com", p.hostname());
    }
  }

  @Property(tries = 300)
  void judge_anyBytes_neverThrowsAndNeverPasses(@ForAll byte[] bytes) {
    CaptchaVerdict v = VERIFIER.judge(SUBMISSION, bytes);
    assertTrue(!v.isPassed() || new String(bytes, UTF_8).contains("cr.example.com"));
  }

  @Property(tries = 50)
  void parse_deepNesting_isRefusedWithoutOverflow(
      @ForAll @IntRange(min = 8, max = 100_000) int depth) {
    String text = "{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
    if (text.length() > SiteVerifyJson.MAX_LENGTH) {
      assertThrows(IllegalArgumentException.class, () -> SiteVerifyJson.parseObject(text));
      return;
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SiteVerifyJson.parseObject(text));
    assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
  }

  @Example
  void parse_overTheLengthBound_isRefused() {
    String text = "{\"a\":\"" + "x".repeat(SiteVerifyJson.MAX_LENGTH) + "\"}";
    assertThrows(IllegalArgumentException.class, () -> SiteVerifyJson.parseObject(text));
  }

  @Example
  void parse_duplicateName_isRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SiteVerifyJson.parseObject("{\"success\":false,\"success\":true}"));
  }

  @Example
  void parse_documentedTurnstileAnswer_reads() {
    Map<String, Object> m =
        SiteVerifyJson.parseObject(
            "{\"success\":true,\"challenge_ts\":\"2022-02-28T15:14:30.096Z\",\"hostname\":"
                + "\"example.com\",\"error-codes\":[],\"action\":\"login\",\"cdata\":"
                + "\"sessionid-123456789\",\"metadata\":{\"ephemeral_id\":\"x:y\"}}");
    assertEquals(true, m.get("success"));
    assertEquals("sessionid-123456789", m.get("cdata"));
  }

  @Example
  void judge_escapedHostname_comparesDecoded() {
    CaptchaVerdict v =
        VERIFIER.judge(
            SUBMISSION,
            "{\"success\":true,\"hostname\":\"cr.example.com\\u0000\"}".getBytes(UTF_8));
    assertTrue(!v.isPassed(), v::toString);
  }

  @Example
  void judge_numberAsSuccess_isMalformed() {
    Unavailable u =
        assertInstanceOf(
            Unavailable.class,
            VERIFIER.judge(
                SUBMISSION, "{\"success\":1,\"hostname\":\"cr.example.com\"}".getBytes(UTF_8)));
    assertEquals(UnavailableReason.MALFORMED_ANSWER, u.reason());
  }

  @Provide
  Arbitrary<String> jsonish() {
    return Arbitraries.strings()
        .withChars("{}[]\",:\\ -+.eE0123456789tfnrulasu\u0000\u00e9\ud800")
        .ofMaxLength(300);
  }

  /** Answers built from fragments of real ones, so that many parse. */
  @Provide
  Arbitrary<String> answers() {
    Arbitrary<String> member =
        Arbitraries.of(
            "\"success\":true",
            "\"success\":false",
            "\"success\":\"true\"",
            "\"hostname\":\"cr.example.com\"",
            "\"hostname\":\"evil.example.net\"",
            "\"hostname\":null",
            "\"error-codes\":[]",
            "\"error-codes\":[\"invalid-input-response\"]",
            "\"error-codes\":[\"internal-error\"]",
            "\"cdata\":\"x\"",
            "\"metadata\":{\"interactive\":true}",
            "\"challenge_ts\":\"2026-12-06T01:02:03Z\"",
            "\"challenge_ts\":\"yesterday\"",
            "\"x\":[1,2.5e3,-0,{}]");
    return member
        .list()
        .ofMaxSize(6)
        .map(l -> "{" + String.join(",", l) + "}")
        .flatMap(
            s ->
                Arbitraries.integers()
                    .between(0, s.length())
                    .map(cut -> cut % 4 == 0 ? s.substring(0, cut) : s));
  }
}
