package org.smtpcr.examples.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.Decision;
import org.smtpcr.core.reply.SmtpReply;

final class EnforcementModeTest {
  private static final SmtpReply REJECT = SmtpReply.of(550, "5.7.1", "no");
  private static final SmtpReply DEFER = SmtpReply.of(451, "4.3.0", "later");

  @Test
  void refusal_enforce_isTheDecisionsNegativeReply() {
    assertEquals(Optional.of(REJECT), EnforcementMode.ENFORCE.refusal(new Decision.Reject(REJECT)));
    assertEquals(Optional.empty(), EnforcementMode.ENFORCE.refusal(Decision.accept()));
  }

  @Test
  void refusal_observe_neverRefuses() {
    assertEquals(Optional.empty(), EnforcementMode.OBSERVE.refusal(new Decision.Reject(REJECT)));
    assertEquals(Optional.empty(), EnforcementMode.OBSERVE.refusal(new Decision.Defer(DEFER)));
  }

  @Test
  void wouldBe_namesTheVerdict() {
    assertEquals(Optional.of("would-reject"), EnforcementMode.wouldBe(new Decision.Reject(REJECT)));
    assertEquals(Optional.of("would-defer"), EnforcementMode.wouldBe(new Decision.Defer(DEFER)));
    assertEquals(Optional.empty(), EnforcementMode.wouldBe(Decision.accept()));
  }

  @Test
  void parse_bothModesInAnyCase_elseThrows() {
    assertEquals(EnforcementMode.OBSERVE, EnforcementMode.parse(" Observe "));
    assertEquals(EnforcementMode.ENFORCE, EnforcementMode.parse("enforce"));
    assertThrows(IllegalArgumentException.class, () -> EnforcementMode.parse("warn"));
    assertEquals(
        "mode must be enforce or observe",
        assertThrows(IllegalArgumentException.class, () -> Settings.MODE.parse("dry-run"))
            .getMessage());
  }
}
