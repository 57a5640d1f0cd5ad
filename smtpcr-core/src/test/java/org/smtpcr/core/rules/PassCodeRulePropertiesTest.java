package org.smtpcr.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.smtpcr.core.Header;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.tokens.PassCodes;

/** Whatever the subject, {@link PassCodeRule} with the subject check never fails the rule. */
final class PassCodeRulePropertiesTest {
  private static final PassCodes CODES = PassCodes.of(RuleProbe.RING);
  private final PassCodeRule withSubject = PassCodeRule.builder().passCodes(CODES).subject(true).build();

  private static Transaction data(String subject) {
    return RuleProbe.tx(Stage.DATA).reversePath("<Alice@example.org>").forwardPath("<bob@example.com>")
        .headers(List.of(new Header("Subject", subject))).build();
  }

  @Property(tries = 300)
  void subject_hostileText_neverFailsTheRule(@ForAll @Size(max = 6000) String subject) {
    assertEquals(false, RuleProbe.event(withSubject, data(subject)).failed());
  }
}
