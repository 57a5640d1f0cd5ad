package org.smtpcr.core.spi;

import java.util.Optional;
import org.smtpcr.core.Decision;

/** {@link DecisionRule#acceptAll()}. */
final class AcceptAll implements DecisionRule {
  static final AcceptAll INSTANCE = new AcceptAll();

  private AcceptAll() {}

  @Override
  public Optional<Decision> decide(RuleContext context) {
    return Optional.of(Decision.accept());
  }

  @Override
  public String id() {
    return "accept-all";
  }

  @Override
  public String toString() {
    return "DecisionRule.acceptAll()";
  }
}
