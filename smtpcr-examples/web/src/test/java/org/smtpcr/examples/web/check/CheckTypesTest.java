package org.smtpcr.examples.web.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smtpcr.tokens.KeyRing;

/** The value types of the check interface: what they accept and refuse. */
final class CheckTypesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://challenges.cloudflare.com",
        "https://*.hcaptcha.com",
        "https://www.google.com/recaptcha/",
        "https://example.net:8443"
      })
  void cspSources_acceptHttpsHostSources(String source) {
    CspSources s = CspSources.none().with(CspSources.Directive.FRAME_SRC, source);
    assertEquals(List.of(source), s.sources(CspSources.Directive.FRAME_SRC));
    assertFalse(s.isEmpty());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "'unsafe-inline'",
        "'unsafe-eval'",
        "'nonce-abc'",
        "*",
        "https://*",
        "http://example.net",
        "https://example.net; script-src *",
        "https://example.net evil.example",
        "data:",
        "https://exa\nmple.net"
      })
  void cspSources_refuseKeywordsWildcardsAndInjection(String source) {
    assertThrows(
        IllegalArgumentException.class,
        () -> CspSources.none().with(CspSources.Directive.SCRIPT_SRC, source));
  }

  @Test
  void cspSources_mergeWithoutDuplicates() {
    CspSources a = CspSources.none().with(CspSources.Directive.SCRIPT_SRC, "https://a.example");
    CspSources b =
        CspSources.none()
            .with(CspSources.Directive.SCRIPT_SRC, "https://a.example", "https://b.example")
            .with(CspSources.Directive.CONNECT_SRC, "https://c.example");
    CspSources both = a.and(b);
    assertEquals(
        List.of("https://a.example", "https://b.example"),
        both.sources(CspSources.Directive.SCRIPT_SRC));
    assertEquals(List.of("https://c.example"), both.sources(CspSources.Directive.CONNECT_SRC));
    assertTrue(CspSources.none().isEmpty());
    assertEquals("connect-src", CspSources.Directive.CONNECT_SRC.directiveName());
  }

  @Test
  void checkFragment_acceptsOwnAndHttpsScriptsOnly() {
    new CheckFragment("<form></form>", List.of("static/pow.js", "https://x.example/api.js?a=1"));
    for (String bad :
        List.of(
            "../static/pow.js",
            "static/../x.js",
            "http://x.example/a.js",
            "javascript:alert(1)",
            "https://x.example/a.js\" onload=\"x",
            "//x.example/a.js")) {
      assertThrows(IllegalArgumentException.class, () -> new CheckFragment("", List.of(bad)), bad);
    }
  }

  @Test
  void checkResult_refusesUnsafeDetailsAndOutOfRangeStatuses() {
    assertThrows(
        IllegalArgumentException.class, () -> CheckResult.failed(403, "bad detail", "t", "x"));
    assertThrows(
        IllegalArgumentException.class,
        () -> CheckResult.failed(403, "a\nreason=forged", "t", "x"));
    assertThrows(IllegalArgumentException.class, () -> CheckResult.failed(503, "x", "t", "x"));
    assertThrows(IllegalArgumentException.class, () -> CheckResult.unavailable("x", Duration.ZERO));
    assertEquals(
        List.of(5L),
        ((CheckResult.Failed) CheckResult.failed(400, "early", "t", "x", 5L)).textArgs());
  }

  @Test
  void checkStamps_bindSchemeAndEveryField() {
    CheckStamps s = CheckStamps.of(KeyRing.generate());
    String stamp = s.sign("smtpcr-wait-v1", "token", "1000");
    assertTrue(s.verifies(stamp, "smtpcr-wait-v1", "token", "1000"));
    assertFalse(s.verifies(stamp, "smtpcr-pow-v2", "token", "1000"));
    assertFalse(s.verifies(stamp, "smtpcr-wait-v1", "token", "1001"));
    assertFalse(s.verifies(stamp, "smtpcr-wait-v1", "token1", "000"), "fields are delimited");
    assertFalse(
        s.verifies(stamp.toUpperCase(java.util.Locale.ROOT), "smtpcr-wait-v1", "token", "1000"));
    assertFalse(s.verifies("", "smtpcr-wait-v1", "token", "1000"));
    assertFalse(
        CheckStamps.of(KeyRing.generate()).verifies(stamp, "smtpcr-wait-v1", "token", "1000"));
    assertThrows(IllegalArgumentException.class, () -> s.sign("smtpcr-wait-v1", "a\0b"));
    assertThrows(IllegalArgumentException.class, () -> s.sign("Bad Scheme"));
  }

  @Test
  void registry_knowsTheBuiltInChecks() {
    assertTrue(HumanCheckRegistry.names().containsAll(List.of("pow", "wait")));
    assertTrue(HumanCheckRegistry.factory("no-such-check").isEmpty());
  }
}
