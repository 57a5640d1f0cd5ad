package org.smtpcr.core.rules;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;
import org.smtpcr.core.internal.LogSafe;
import org.smtpcr.core.reply.ReplyKind;
import org.smtpcr.core.spi.DecisionRule;
import org.smtpcr.core.spi.RuleContext;
import org.smtpcr.core.store.PairLookup;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistStore;

/**
 * Refuses a sender on the {@linkplain WhitelistStore#findDenial deny list}: a sender address or
 * domain (and its subdomains), for one recipient or for all. It runs before every rule that admits
 * (static whitelists, the whitelist store, pass codes, recipients' passwords), so a deny entry
 * beats every way in; only exempt recipients ({@code postmaster}, {@code abuse}) and trusted
 * clients come first. A denied sender gets {@code 550 5.7.1} without a link, whose default text
 * says only that the message is not accepted; nothing of the entry is logged here (the engine's
 * listener logs the decision). A store that fails makes the engine answer {@code 451 4.3.0}, never
 * a permanent refusal. Decides at RCPT and DATA for senders other than the null sender.
 *
 * @since 0.3.0
 */
public final class DenyListRule implements DecisionRule {
  private static final Logger log = LoggerFactory.getLogger(DenyListRule.class);

  private final WhitelistStore store;

  private DenyListRule(WhitelistStore store) {
    this.store = store;
  }

  /**
   * The rule for the deny list in {@code store}.
   *
   * @param store the store
   * @return the rule
   */
  public static DenyListRule of(WhitelistStore store) {
    return new DenyListRule(requireNonNull(store, "store"));
  }

  @Override
  public Optional<Decision> decide(RuleContext context) {
    if (context.stage().compareTo(Stage.RCPT) < 0 || context.isNullSender()) {
      return Optional.empty();
    }
    // the whitelist rule later in the chain reads the entry from the same call
    Optional<WhitelistKey> denied = context.lookUp(store).flatMap(PairLookup::denial);
    if (denied.isEmpty()) {
      return Optional.empty();
    }
    // no address here: the decision is logged by the engine's listener, which honours the
    // site's choice of what to log of addresses (a decision log with --log-addresses none)
    log.debug(
        "a {} deny entry matched; answering 5.7.1 without a link (session {})",
        denied.get().isGlobal() ? "global" : "per-recipient",
        LogSafe.of(context.transaction().sessionId()));
    return Optional.of(new Decision.Reject(context.reply(ReplyKind.DENIED)));
  }

  @Override
  public String id() {
    return StandardRules.DENY_LIST;
  }

  @Override
  public String toString() {
    return "DenyListRule[" + store + "]";
  }
}
