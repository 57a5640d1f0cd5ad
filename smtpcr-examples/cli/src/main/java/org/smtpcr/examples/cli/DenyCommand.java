package org.smtpcr.examples.cli;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistPage;
import org.smtpcr.core.store.WhitelistStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smtpcr deny add|remove|list}. */
@Command(
    name = "deny",
    mixinStandardHelpOptions = true,
    description = {
      "Look at and change the deny list.",
      "A denied sender (an address, or @domain for the domain and its subdomains) is refused before",
      "any whitelist entry, pass code or recipient password counts, and the challenge page will not",
      "confirm it. No recipient means every recipient."
    },
    subcommands = {DenyCommand.Add.class, DenyCommand.Remove.class, DenyCommand.ListDenials.class})
final class DenyCommand {
  private static final int PAGE = 500;

  /** {@code deny add}. */
  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Deny a sender (or @domain) for a recipient or for all.")
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DataOptions data;

    @Mixin EntryOptions entry;

    @Override
    public Integer call() throws Exception {
      WhitelistKey k = entry.key();
      try (DataDirectory d = data.open()) {
        d.store().deny(k);
      }
      spec.commandLine().getOut().println("denied " + WhitelistCommand.describe(k));
      return 0;
    }
  }

  /** {@code deny remove}. */
  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = {
        "Take one entry off the deny list.",
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
        removed = d.store().removeDenial(k);
      }
      if (!removed) {
        spec.commandLine().getErr().println("no deny entry " + WhitelistCommand.describe(k));
        return 1;
      }
      spec.commandLine().getOut().println("removed deny entry " + WhitelistCommand.describe(k));
      return 0;
    }
  }

  /** {@code deny list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "List the deny list.",
        "One a line, tab-separated: sender, recipient (* for any), and when it was denied. --json",
        "prints one JSON object a line instead."
      })
  static final class ListDenials implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DataOptions data;

    @Option(names = "--json", description = "One JSON object a line: sender, recipient, deniedAt.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      long shown = 0;
      try (DataDirectory d = data.open()) {
        WhitelistStore store = d.store();
        Optional<WhitelistKey> after = Optional.empty();
        do {
          WhitelistPage page = store.listDenials(after, PAGE);
          for (WhitelistEntry e : page.entries()) {
            out.println(json ? json(e) : text(e));
            shown++;
          }
          after = page.next();
        } while (after.isPresent());
      }
      spec.commandLine().getErr().println(shown + (shown == 1 ? " deny entry" : " deny entries"));
      return 0;
    }

    private static String text(WhitelistEntry e) {
      return e.key().sender() + "\t" + e.key().recipient() + "\t" + e.addedAt();
    }

    private static String json(WhitelistEntry e) {
      return Json.object()
          .field("sender", e.key().sender())
          .field("recipient", e.key().recipient())
          .field("deniedAt", e.addedAt().toString())
          .toString();
    }
  }
}
