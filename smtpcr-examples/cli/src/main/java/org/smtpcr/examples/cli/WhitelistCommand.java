package org.smtpcr.examples.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistPage;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.runtime.ExpirySweeper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smtpcr whitelist add|remove|check|list|prune}. */
@Command(
    name = "whitelist",
    mixinStandardHelpOptions = true,
    description = {
      "Look at and change the whitelist.",
      "The SMTP server reads it, the challenge page writes it. A sender is an address or @domain (the",
      "domain and its subdomains); no recipient means any recipient."
    },
    subcommands = {
      WhitelistCommand.Add.class,
      WhitelistCommand.Remove.class,
      WhitelistCommand.Check.class,
      WhitelistCommand.ListEntries.class,
      WhitelistCommand.Prune.class
    })
final class WhitelistCommand {
  private static final int PAGE = 500;

  /** The key that {@code --sender} and {@code --recipient} name. */
  static String describe(WhitelistKey k) {
    return k.sender() + " -> " + (k.isGlobal() ? "any recipient" : k.recipient());
  }

  /** {@code whitelist add}. */
  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Whitelist a sender (or @domain) for a recipient or for all.")
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DataOptions data;

    @Mixin EntryOptions entry;

    @Option(
        names = "--expires",
        paramLabel = "DURATION",
        description = "Let the entry expire after this long, e.g. 90d (default: never).")
    Duration expires;

    @Override
    public Integer call() throws Exception {
      WhitelistKey k = entry.key();
      if (expires != null && (expires.isZero() || expires.isNegative())) {
        throw Cli.usage(spec, "--expires must be positive");
      }
      try (DataDirectory d = data.open()) {
        if (expires == null) {
          d.store().add(k);
        } else {
          d.store().add(k, Clock.systemUTC().instant().plus(expires));
        }
      }
      spec.commandLine().getOut().println("added " + describe(k));
      return 0;
    }
  }

  /** {@code whitelist remove}. */
  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = {
        "Remove one whitelist entry.",
        "Exactly the entry for the sender (or @domain) and the recipient (or any). Exit 1 when there was none."
      })
  static final class Remove implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DataOptions data;

    @Mixin EntryOptions entry;

    @Override
    public Integer call() throws Exception {
      WhitelistKey k = entry.key();
      boolean removed;
      try (DataDirectory d = data.open()) {
        removed = d.store().remove(k);
      }
      if (!removed) {
        spec.commandLine().getErr().println("no entry " + describe(k));
        return 1;
      }
      spec.commandLine().getOut().println("removed " + describe(k));
      return 0;
    }
  }

  /** {@code whitelist check}. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Say whether mail from a sender to a recipient passes the whitelist.",
        "Any entry counts: the pair, the sender for anyone, the sender's domain. Exit 0 when it does, 1 when not."
      })
  static final class Check implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DataOptions data;

    @Mixin AddressOptions addresses;

    @Option(names = "--sender", paramLabel = "S", required = true, description = "Sender address.")
    String sender;

    @Option(
        names = "--recipient",
        paramLabel = "R",
        required = true,
        description = "Recipient address.")
    String recipient;

    @Override
    public Integer call() throws Exception {
      CanonicalAddress s = addresses.sender(sender);
      CanonicalAddress r = addresses.recipient(recipient);
      boolean yes;
      try (DataDirectory d = data.open()) {
        yes = d.store().containsAny(WhitelistCandidates.of(s, r));
      }
      spec.commandLine()
          .getOut()
          .println((yes ? "whitelisted: " : "not whitelisted: ") + s.value() + " -> " + r.value());
      return yes ? 0 : 1;
    }
  }

  /** {@code whitelist list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "List the whitelist entries.",
        "One a line, tab-separated: sender, recipient (* for any), added, expires (or never), how the",
        "sender was authenticated when it was challenged: spf, dkim, none-published, unverified, or",
        "unchecked (added by hand, or confirmed through a token that did not say), and who made the",
        "entry: admin (this command), page (the challenge page) or learned (outbound mail). --json",
        "prints one JSON object a line instead. --sender and --recipient filter them."
      })
  static final class ListEntries implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DataOptions data;

    @Mixin AddressOptions addresses;

    @Option(
        names = "--sender",
        paramLabel = "S",
        description = "Only entries for this sender address or @domain.")
    String sender;

    @Option(
        names = "--recipient",
        paramLabel = "R",
        description = "Only entries for this recipient.")
    String recipient;

    @Option(
        names = "--json",
        description =
            "One JSON object a line: sender, recipient, addedAt, expiresAt (null: never),"
                + " authentication, origin.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      Optional<String> s =
          Optional.ofNullable(sender)
              .map(
                  x ->
                      x.startsWith("@")
                          ? "@" + Cli.domain(spec, "--sender", x.substring(1))
                          : addresses.sender(x).value());
      Optional<String> r = Optional.ofNullable(recipient).map(x -> addresses.recipient(x).value());
      PrintWriter out = spec.commandLine().getOut();
      long shown = 0;
      try (DataDirectory d = data.open()) {
        WhitelistStore store = d.store();
        Optional<WhitelistKey> after = Optional.empty();
        do {
          WhitelistPage page =
              after.isPresent() ? store.listAfter(after.get(), PAGE) : store.list(PAGE);
          for (WhitelistEntry e : page.entries()) {
            WhitelistKey k = e.key();
            if ((s.isPresent() && !s.get().equals(k.sender()))
                || (r.isPresent() && !r.get().equals(k.recipient()))) {
              continue;
            }
            out.println(json ? json(e) : text(e));
            shown++;
          }
          after = page.next();
        } while (after.isPresent());
      }
      spec.commandLine().getErr().println(shown + (shown == 1 ? " entry" : " entries"));
      return 0;
    }

    private static String text(WhitelistEntry e) {
      return e.key().sender()
          + "\t"
          + e.key().recipient()
          + "\t"
          + e.addedAt()
          + "\t"
          + e.expiresAt().map(Object::toString).orElse("never")
          + "\t"
          + e.authentication().keyword()
          + "\t"
          + e.origin().keyword();
    }

    private static String json(WhitelistEntry e) {
      Json j =
          Json.object()
              .field("sender", e.key().sender())
              .field("recipient", e.key().recipient())
              .field("addedAt", e.addedAt().toString());
      if (e.expiresAt().isPresent()) {
        j.field("expiresAt", e.expiresAt().get().toString());
      } else {
        j.nullField("expiresAt");
      }
      return j.field("authentication", e.authentication().keyword())
          .field("origin", e.origin().keyword())
          .toString();
    }
  }

  /** {@code whitelist prune}. */
  @Command(
      name = "prune",
      mixinStandardHelpOptions = true,
      description = {
        "Delete expired entries (and ended counter windows) from the store now.",
        "The servers do the same every --sweep-interval; expired entries never count meanwhile."
      })
  static final class Prune implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DataOptions data;

    @Override
    public Integer call() throws Exception {
      long removed;
      try (DataDirectory d = data.open()) {
        removed = ExpirySweeper.sweep(d.store());
      }
      spec.commandLine()
          .getOut()
          .println("removed " + removed + " expired entries and ended counter windows");
      return 0;
    }
  }
}
