package org.smtpcr.core.spi;

import java.util.Optional;
import org.smtpcr.core.Decision;

/**
 * One link of the decision chain: looks at a transaction and either gives a {@link Decision} or
 * abstains ({@link Optional#empty()}) so that the next rule decides. The first rule with an opinion
 * wins, like Postfix restrictions; when every rule abstains the engine challenges (at RCPT and
 * DATA) or accepts (before RCPT).
 *
 * <pre>{@code
 * DecisionRule noBulkFromHelo = ctx -> ctx.transaction().helo()
 *     .filter(h -> h.endsWith(".bulk.example"))
 *     .map(h -> ctx.reject());
 * }</pre>
 *
 * <p>Implementations must be thread-safe: one instance serves every transaction. A rule may throw
 * any unchecked exception (a store that is down, a bug): the engine catches it, logs it at WARN
 * with the rule's id and answers the configured temporary failure ({@code 451 4.3.0} by default),
 * never a permanent one. Build replies with the {@link RuleContext} helpers so that operators'
 * templates apply.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface DecisionRule {
  /**
   * Decides or abstains.
   *
   * @param context the transaction and its canonical addresses, plus reply helpers
   * @return the decision, or empty to let the next rule decide
   */
  Optional<Decision> decide(RuleContext context);

  /**
   * A short name for logs and {@link org.smtpcr.core.DecisionOutcome#ruleId() outcomes}: 1 to 64
   * characters of letters, digits, {@code .}, {@code _}, {@code :} and {@code -}. The default is
   * the class's simple name, which lambdas and anonymous classes do not have: give those an id with
   * {@link RuleChain.Builder#rule(String, DecisionRule)}.
   *
   * @return the id
   */
  default String id() {
    return getClass().getSimpleName();
  }

  /**
   * Whether this rule may decide differently at the end of DATA, once it sees the message headers
   * (as a pass code in the Subject does). When a rule of the chain says so, the engine's
   * transaction state accepts a recipient that would be challenged at RCPT provisionally and
   * decides at the end of DATA.
   *
   * @return false by default
   */
  default boolean usesHeaders() {
    return false;
  }

  /**
   * A rule that accepts everything, for tests and catch-all chains.
   *
   * @return the rule, with id {@code accept-all}
   */
  static DecisionRule acceptAll() {
    return AcceptAll.INSTANCE;
  }
}
