package org.smtpcr.examples.james;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.auth.SpfResult;

final class JamesSpfTest {
  @Test
  void parse_jspfHeaderTexts_giveTheirResult() {
    assertEquals(
        Optional.of(SpfResult.PASS),
        JamesSpf.parse(
            "pass (spfCheck: domain of example.org designates 192.0.2.1 as permitted sender)"
                + " client-ip=192.0.2.1; envelope-from=a@example.org; helo=mx.example.org;"));
    assertEquals(Optional.of(SpfResult.SOFTFAIL), JamesSpf.parse("softfail (spfCheck: ...)"));
    assertEquals(Optional.of(SpfResult.TEMPERROR), JamesSpf.parse("temperror (spfCheck: ...)"));
    assertEquals(Optional.of(SpfResult.TEMPERROR), JamesSpf.parse("error (spfCheck: ...)"));
    assertEquals(Optional.of(SpfResult.PERMERROR), JamesSpf.parse("unknown (spfCheck: ...)"));
    assertEquals(Optional.of(SpfResult.NONE), JamesSpf.parse("none"));
  }

  @Test
  void parse_emptyOrStrange_givesNothing() {
    assertEquals(Optional.empty(), JamesSpf.parse(""));
    assertEquals(Optional.empty(), JamesSpf.parse("passed (x)"));
    assertEquals(Optional.empty(), JamesSpf.parse("pass-ish"));
    assertEquals(Optional.empty(), JamesSpf.parse("(spfCheck: pass)"));
  }
}
