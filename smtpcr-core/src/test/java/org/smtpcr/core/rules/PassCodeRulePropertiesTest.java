package org.smtpcr.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.smtpcr.tokens.PassCodes;

/** Whatever the subject, {@link PassCodeRule} with the subject check never fails the rule. */
final class PassCodeRulePropertiesTest {
  private final PassCodeRule withSubject =
      PassCodeRule.builder().passCodes(PassCodes.of(RuleProbe.RING)).subject(true).build();

  @Property(tries = 300)
  void subject_hostileText_neverFailsTheRule(@ForAll @Size(max = 6000) String subject) {
    assertEquals(false, RuleProbe.event(withSubject, PassCodeRuleTest.data(subject)).failed());
  }
}
