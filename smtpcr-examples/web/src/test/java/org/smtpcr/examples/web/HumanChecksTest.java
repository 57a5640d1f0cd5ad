package org.smtpcr.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.smtpcr.examples.web.check.CheckContext;
import org.smtpcr.examples.web.check.CheckForm;
import org.smtpcr.examples.web.check.CheckFragment;
import org.smtpcr.examples.web.check.CheckResult;
import org.smtpcr.examples.web.check.CheckStamps;
import org.smtpcr.examples.web.check.CspSources;
import org.smtpcr.examples.web.check.HumanCheck;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.MutableClock;

/** The built-in checks' verify, each on its own, with an injected clock and no page around them. */
final class HumanChecksTest {
  private static final String TOKEN = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final InetAddress CLIENT = InetAddresses.forString("192.0.2.7");
  private static final Pattern FIELD =
      Pattern.compile("<input type=\"hidden\" name=\"([a-z-]+)\" value=\"([^\"]*)\">");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final KeyRing keyRing = KeyRing.generate();
  private final CheckStamps stamps = CheckStamps.of(keyRing);
  private final WaitCheck wait = new WaitCheck(Duration.ofSeconds(5));
  private final PowCheck pow = new PowCheck(8, true);

  /** A context as the page makes one: the token, the clock's now, 10 minutes' validity. */
  private CheckContext context(String token) {
    PageText text = PageText.english();
    Instant now = clock.instant();
    CheckStamps s = stamps;
    return new CheckContext() {
      @Override
      public String token() {
        return token;
      }

      @Override
      public Optional<InetAddress> client() {
        return Optional.of(CLIENT);
      }

      @Override
      public Instant now() {
        return now;
      }

      @Override
      public Duration validity() {
        return Duration.ofMinutes(10);
      }

      @Override
      public String text(String key, Object... args) {
        return text.get(key, args);
      }

      @Override
      public String languageTag() {
        return text.languageTag();
      }

      @Override
      public String root() {
        return "../";
      }

      @Override
      public CheckStamps stamps() {
        return s;
      }
    };
  }

  /** The hidden fields of a rendered form. */
  static Map<String, String> fields(String html) {
    Map<String, String> out = new HashMap<>();
    Matcher m = FIELD.matcher(html);
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

  private static CheckForm form(Map<String, String> fields) {
    return name -> Optional.ofNullable(fields.get(name));
  }

  private Map<String, String> renderWait() {
    CheckFragment f = wait.render(context(TOKEN));
    return new HashMap<>(fields(f.html()));
  }

  private static String detail(CheckResult r) {
    return assertInstanceOf(CheckResult.Failed.class, r).detail();
  }

  // ---- wait ----

  @Test
  void wait_render_namesItselfSignsTheTimeAndNeedsNoScript() {
    CheckFragment f = wait.render(context(TOKEN));
    Map<String, String> fields = fields(f.html());

    assertEquals("wait", fields.get("check"));
    assertEquals(Long.toString(clock.instant().getEpochSecond()), fields.get("wait-issued"));
    assertEquals(33, fields.get("wait-stamp").length());
    assertEquals(List.of(), f.scripts());
    assertFalse(wait.needsScript());
    assertFalse(wait.cognitive());
    assertEquals(CspSources.none(), wait.cspSources());
    assertTrue(f.html().contains("Wait 5 seconds"), f.html());
    assertTrue(f.html().contains("action=\"" + TOKEN + "\""), f.html());
  }

  @Test
  void wait_afterTheWait_passes() {
    Map<String, String> fields = renderWait();
    clock.advance(Duration.ofSeconds(5));

    assertEquals(CheckResult.passed(), wait.verify(context(TOKEN), form(fields)));
  }

  @Test
  void wait_atTheEndOfTheValidity_passesAndAfterItIsStale() {
    Map<String, String> fields = renderWait();
    clock.advance(Duration.ofMinutes(10));
    assertEquals(CheckResult.passed(), wait.verify(context(TOKEN), form(fields)));

    clock.advance(Duration.ofSeconds(1));
    CheckResult late = wait.verify(context(TOKEN), form(fields));
    assertEquals("stale", detail(late));
    assertEquals(400, ((CheckResult.Failed) late).status());
  }

  @Test
  void wait_tooEarly_isRefusedAndSaysHowLongToWait() {
    Map<String, String> fields = renderWait();
    clock.advance(Duration.ofSeconds(4));

    CheckResult r = wait.verify(context(TOKEN), form(fields));
    assertEquals("early", detail(r));
    CheckResult.Failed f = (CheckResult.Failed) r;
    assertEquals(400, f.status());
    assertEquals(List.of(5L), f.textArgs());
    assertTrue(PageText.english().get(f.textKey(), f.textArgs().toArray()).contains("5 seconds"));
  }

  @Test
  void wait_issuedInTheFuture_isTooEarly() {
    Map<String, String> fields = renderWait();
    clock.advance(Duration.ofSeconds(-30));

    assertEquals("early", detail(wait.verify(context(TOKEN), form(fields))));
  }

  @Test
  void wait_tamperedTime_failsTheStamp() {
    Map<String, String> fields = renderWait();
    fields.put("wait-issued", Long.toString(Long.parseLong(fields.get("wait-issued")) - 60));
    clock.advance(Duration.ofSeconds(5));

    CheckResult r = wait.verify(context(TOKEN), form(fields));
    assertEquals("stamp", detail(r));
    assertEquals(403, ((CheckResult.Failed) r).status());
  }

  @Test
  void wait_tamperedStamp_fails() {
    Map<String, String> fields = renderWait();
    String s = fields.get("wait-stamp");
    fields.put(
        "wait-stamp", s.substring(0, 20) + (s.charAt(20) == 'a' ? 'b' : 'a') + s.substring(21));
    clock.advance(Duration.ofSeconds(5));

    assertEquals("stamp", detail(wait.verify(context(TOKEN), form(fields))));
  }

  @Test
  void wait_formOfAnotherLink_fails() {
    Map<String, String> fields = renderWait();
    clock.advance(Duration.ofSeconds(5));

    assertEquals("stamp", detail(wait.verify(context(TOKEN + "x"), form(fields))));
  }

  @Test
  void wait_stampOfTheProofOfWork_failsForTheWait() {
    long issued = clock.instant().getEpochSecond();
    String powStamp =
        stamps.sign(ProofOfWork.DOMAIN, TOKEN, Long.toString(issued), Integer.toString(8));
    clock.advance(Duration.ofSeconds(5));

    assertEquals(
        "stamp",
        detail(
            wait.verify(
                context(TOKEN),
                form(Map.of("wait-issued", Long.toString(issued), "wait-stamp", powStamp)))));
  }

  @Test
  void wait_missingOrMalformedFields_isAbsent() {
    Map<String, String> fields = renderWait();
    for (String missing : List.of("wait-issued", "wait-stamp")) {
      Map<String, String> f = new HashMap<>(fields);
      f.remove(missing);
      assertEquals(CheckResult.absent(), wait.verify(context(TOKEN), form(f)), missing);
    }
    for (String bad : List.of("", "-1", "+5", "1e3", "12345678901234567890", " 1")) {
      Map<String, String> f = new HashMap<>(fields);
      f.put("wait-issued", bad);
      assertEquals(CheckResult.absent(), wait.verify(context(TOKEN), form(f)), bad);
    }
  }

  @Test
  void wait_outOfRangeWait_isRefusedAtConstruction() {
    assertThrows(IllegalArgumentException.class, () -> new WaitCheck(Duration.ofMillis(500)));
    assertThrows(IllegalArgumentException.class, () -> new WaitCheck(Duration.ofMinutes(3)));
  }

  // ---- pow ----

  private Map<String, String> solvedPow() {
    CheckFragment f = pow.render(context(TOKEN));
    Map<String, String> fields = new HashMap<>(fields(f.html()));
    fields.put(
        "nonce", Long.toString(ProofOfWork.solve(ProofOfWork.challenge(fields.get("stamp")), 8)));
    return fields;
  }

  @Test
  void pow_render_keepsTheWireFieldsAndPassesItsTextsToTheScript() {
    CheckFragment f = pow.render(context(TOKEN));
    Map<String, String> fields = fields(f.html());

    assertEquals("pow", fields.get("check"));
    assertEquals("8", fields.get("bits"));
    assertEquals(List.of("static/pow.js"), f.scripts());
    assertTrue(pow.needsScript());
    for (String t : PowCheck.SCRIPT_TEXTS) {
      assertTrue(f.html().contains(" data-text-" + t + "=\""), t);
    }
    assertTrue(f.html().contains("data-text-progress=\"Checking\u2026 about {0} s left.\""));
    assertTrue(f.html().contains("<progress id=\"pow-progress\""), f.html());
  }

  @Test
  void pow_solved_passes() {
    assertEquals(CheckResult.passed(), pow.verify(context(TOKEN), form(solvedPow())));
  }

  @Test
  void pow_wrongNonce_failsTheWork() {
    Map<String, String> fields = solvedPow();
    long nonce = Long.parseLong(fields.get("nonce"));
    // find a nonce that does not pass
    long bad = nonce + 1;
    while (ProofOfWork.passes(ProofOfWork.challenge(fields.get("stamp")), bad, 8)) {
      bad++;
    }
    fields.put("nonce", Long.toString(bad));
    assertEquals("work", detail(pow.verify(context(TOKEN), form(fields))));
  }

  @Test
  void pow_loweredDifficulty_failsTheStamp() {
    Map<String, String> fields = solvedPow();
    fields.put("bits", "0");
    assertEquals("stamp", detail(pow.verify(context(TOKEN), form(fields))));
  }

  @Test
  void pow_anotherLink_failsTheStamp() {
    assertEquals("stamp", detail(pow.verify(context(TOKEN + "x"), form(solvedPow()))));
  }

  @Test
  void pow_afterTheValidity_isStale() {
    Map<String, String> fields = solvedPow();
    clock.advance(Duration.ofMinutes(10).plusSeconds(1));
    assertEquals("stale", detail(pow.verify(context(TOKEN), form(fields))));
  }

  @Test
  void pow_missingFields_isAbsent() {
    for (String missing : List.of("issued", "bits", "stamp", "nonce")) {
      Map<String, String> f = solvedPow();
      f.remove(missing);
      assertEquals(CheckResult.absent(), pow.verify(context(TOKEN), form(f)), missing);
    }
  }

  @Test
  void pow_stampOfTheWait_failsForTheProofOfWork() {
    Map<String, String> fields = solvedPow();
    fields.put("stamp", stamps.sign(WaitCheck.SCHEME, TOKEN, fields.get("issued")));
    assertEquals("stamp", detail(pow.verify(context(TOKEN), form(fields))));
  }

  @Test
  void names_matchTheRegistryAndThePattern() {
    for (HumanCheck c : List.of(pow, wait)) {
      assertTrue(HumanCheck.NAME.matcher(c.name()).matches(), c.name());
    }
  }
}
