package org.smtpcr.core.rules;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;
import org.smtpcr.core.address.ParsedAddress;
import org.smtpcr.core.reply.ReplyKind;
import org.smtpcr.core.spi.DecisionRule;
import org.smtpcr.core.spi.RuleContext;
import org.smtpcr.core.store.OutboundMarks;
import org.smtpcr.core.store.WhitelistStore;

/**
 * Decides mail from the null sender {@code <>} (bounces, delivery status notifications, read
 * receipts, sender-verification probes), which is never challenged: no person can answer a
 * challenge sent to a bounce. What it does is a {@link NullSenderPolicy}:
 *
 * <ul>
 *   <li>{@link NullSenderPolicy#BOUNCES} (the default, {@link #bounces()}): accepted where it looks
 *       like a real bounce, which has one recipient and answers mail that was sent:
 *       <ol>
 *         <li><b>One recipient per transaction.</b> A second or later recipient gets {@code 452
 *             4.5.3} (the sending MTA retries it in a transaction of its own). The count is {@link
 *             org.smtpcr.core.Transaction#acceptedRecipients()}: a route must hand in the
 *             forward-paths it accepted earlier in the same mail transaction. The engine's {@code
 *             TransactionState} (the embedded SMTP server, the James hooks) does so itself; a
 *             stateless route, such as the Postfix policy server, sets {@code
 *             Transaction.Builder.acceptedRecipients} from what it answered earlier for the same
 *             Postfix {@code instance}. A route that hands in nothing gets no count.
 *         <li><b>Where the route sees the message</b> ({@link RuleContext#seesMessage()}), the
 *             recipient waits for the end of DATA and is accepted only when the message's top-level
 *             {@code Content-Type} is {@code multipart/report} with {@code report-type} {@code
 *             delivery-status} or {@code disposition-notification} (RFC 6522, 3464, 8098; also
 *             their {@code global-} forms, RFC 6533); otherwise {@code 550 5.7.1}, no link.
 *         <li><b>Where it does not</b> (a Postfix policy server), and a whitelist store was given
 *             ({@link #bounces(WhitelistStore)}), the recipient must have sent mail recently
 *             ({@link OutboundMarks#sentRecently}, recorded by outbound learning); otherwise {@code
 *             550 5.7.1}, no link. A store that fails makes the engine answer {@code 451 4.3.0}.
 *       </ol>
 *       A spammer who sends one transaction per recipient therefore still needs a report body, or a
 *       recipient who just sent mail.
 *   <li>{@link NullSenderPolicy#ANY} ({@link #accept()}): accepted for every recipient, whatever
 *       the message, as before 0.3.0; an explicit opt-in.
 *   <li>{@link NullSenderPolicy#REJECT} ({@link #reject()}): refused at RCPT and DATA with the
 *       reject reply. It abstains at MAIL: RFC 5321 §4.5.5 has servers accept {@code MAIL FROM:<>}.
 * </ul>
 *
 * @since 0.1.0
 */
public final class NullSenderRule implements DecisionRule {
  private static final NullSenderRule ACCEPT = new NullSenderRule(NullSenderPolicy.ANY, null);
  private static final NullSenderRule REJECT = new NullSenderRule(NullSenderPolicy.REJECT, null);
  private static final NullSenderRule BOUNCES = new NullSenderRule(NullSenderPolicy.BOUNCES, null);

  /** Only this much of a Content-Type field is read. */
  static final int MAX_CONTENT_TYPE = 1024;

  private static final Set<String> REPORT_TYPES =
      Set.of(
          "delivery-status",
          "disposition-notification",
          "global-delivery-status",
          "global-disposition-notification");

  private final NullSenderPolicy policy;
  private final WhitelistStore marks; // null: no outbound check

  private NullSenderRule(NullSenderPolicy policy, WhitelistStore marks) {
    this.policy = policy;
    this.marks = marks;
  }

  /**
   * The rule that accepts the null sender for every recipient, at every stage from MAIL on ({@link
   * NullSenderPolicy#ANY}).
   *
   * @return the rule
   */
  public static NullSenderRule accept() {
    return ACCEPT;
  }

  /**
   * The rule that refuses the null sender at RCPT and DATA with the reject reply ({@link
   * NullSenderPolicy#REJECT}).
   *
   * @return the rule
   */
  public static NullSenderRule reject() {
    return REJECT;
  }

  /**
   * The rule that accepts what looks like a real bounce ({@link NullSenderPolicy#BOUNCES}), without
   * the outbound check on routes that do not see the message.
   *
   * @return the rule
   * @since 0.3.0
   */
  public static NullSenderRule bounces() {
    return BOUNCES;
  }

  /**
   * The rule that accepts what looks like a real bounce ({@link NullSenderPolicy#BOUNCES}), and on
   * routes that do not see the message only for a recipient with a recent outbound mark in {@code
   * store}.
   *
   * @param store the store that holds the outbound marks
   * @return the rule
   * @since 0.3.0
   */
  public static NullSenderRule bounces(WhitelistStore store) {
    return new NullSenderRule(NullSenderPolicy.BOUNCES, requireNonNull(store, "store"));
  }

  /**
   * The policy this rule applies.
   *
   * @return the policy
   * @since 0.3.0
   */
  public NullSenderPolicy policy() {
    return policy;
  }

  @Override
  public Optional<Decision> decide(RuleContext context) {
    if (!context.isNullSender()) {
      return Optional.empty();
    }
    return switch (policy) {
      case ANY -> Optional.of(context.accept());
      case REJECT ->
          context.stage().compareTo(Stage.RCPT) >= 0
              ? Optional.of(context.reject())
              : Optional.empty();
      case BOUNCES -> bounce(context);
    };
  }

  private Optional<Decision> bounce(RuleContext context) {
    Stage stage = context.stage();
    if (stage.compareTo(Stage.RCPT) < 0) {
      return Optional.of(context.accept());
    }
    if (stage == Stage.RCPT) {
      if (!context.transaction().acceptedRecipients().isEmpty()) {
        return Optional.of(new Decision.Defer(context.reply(ReplyKind.NULL_SENDER_RECIPIENTS)));
      }
      if (context.seesMessage()) {
        return Optional.of(
            context.awaitMessage(
                new Decision.Reject(context.reply(ReplyKind.NULL_SENDER_NOT_REPORT))));
      }
      if (marks != null) {
        Optional<ParsedAddress> rcpt = context.recipient();
        if (rcpt.isPresent() && !OutboundMarks.sentRecently(marks, rcpt.get().canonical())) {
          return Optional.of(new Decision.Reject(context.reply(ReplyKind.NULL_SENDER_UNEXPECTED)));
        }
      }
      return Optional.of(context.accept());
    }
    // the end of DATA: the message must be a report
    if (isReport(context.transaction().header("Content-Type").orElse(""))) {
      return Optional.of(context.accept());
    }
    return Optional.of(new Decision.Reject(context.reply(ReplyKind.NULL_SENDER_NOT_REPORT)));
  }

  /**
   * Whether a Content-Type field value is {@code multipart/report} with a delivery-status or
   * disposition-notification report type. Reads at most {@value #MAX_CONTENT_TYPE} characters;
   * comments are not supported (a report with one in its Content-Type is refused).
   */
  static boolean isReport(String contentType) {
    String v =
        contentType.length() > MAX_CONTENT_TYPE
            ? contentType.substring(0, MAX_CONTENT_TYPE)
            : contentType;
    int semi = v.indexOf(';');
    if (semi < 0 || !v.substring(0, semi).trim().equalsIgnoreCase("multipart/report")) {
      return false;
    }
    int i = semi + 1;
    int n = v.length();
    while (i < n) {
      // name
      int eq = v.indexOf('=', i);
      if (eq < 0) {
        return false;
      }
      String name = v.substring(i, eq).trim().toLowerCase(Locale.ROOT);
      int j = eq + 1;
      while (j < n && isBlank(v.charAt(j))) {
        j++;
      }
      StringBuilder value = new StringBuilder();
      if (j < n && v.charAt(j) == '"') {
        j++;
        while (j < n && v.charAt(j) != '"') {
          if (v.charAt(j) == '\\' && j + 1 < n) {
            j++;
          }
          value.append(v.charAt(j));
          j++;
        }
        j++; // the closing quote
        while (j < n && v.charAt(j) != ';') {
          j++;
        }
      } else {
        while (j < n && v.charAt(j) != ';') {
          value.append(v.charAt(j));
          j++;
        }
      }
      if (name.equals("report-type")) {
        return REPORT_TYPES.contains(value.toString().trim().toLowerCase(Locale.ROOT));
      }
      i = j + 1;
    }
    return false;
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  @Override
  public String id() {
    return "null-sender";
  }

  @Override
  public String toString() {
    return switch (policy) {
      case ANY -> "NullSenderRule.accept()";
      case REJECT -> "NullSenderRule.reject()";
      case BOUNCES -> marks == null ? "NullSenderRule.bounces()" : "NullSenderRule.bounces(store)";
    };
  }
}
