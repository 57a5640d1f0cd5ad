package org.smtpcr.examples.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.store.EntryOrigin;
import org.smtpcr.core.store.WhitelistAddition;
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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code smtpcr whitelist add|remove|check|list|import|export|prune}. */
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
      WhitelistCommand.Import.class,
      WhitelistCommand.Export.class,
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

  /** {@code whitelist import}. */
  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Add or replace the entries of a file (- for standard input), all or nothing.",
        "UTF-8, one entry a line: SENDER RECIPIENT EXPIRY [AUTHENTICATION], separated by spaces or",
        "tabs. SENDER is an address or @domain, RECIPIENT an address or * (anyone), EXPIRY an",
        "ISO-8601 date and time such as 2027-06-30T00:00:00Z, or never (or -), AUTHENTICATION spf,",
        "dkim, none-published, unverified or unchecked (the default). Lines starting with # and blank",
        "lines are skipped; a later line for a key replaces an earlier one; entries already expired",
        "are skipped. Every entry becomes an administrator's (origin admin), added now. A bad line",
        "imports nothing: the errors name their lines, and the exit code is 1. See docs/stores.md."
      })
  static final class Import implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DataOptions data;

    @Mixin AddressOptions addresses;

    @Parameters(
        index = "0",
        paramLabel = "FILE",
        description = "The file, or - for standard input.")
    String file;

    @Option(
        names = "--dry-run",
        description = "Read the file and the store, and say what would change; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
      AddressCanonicalizer canonicalizer = addresses.canonicalizer();
      data.check();
      Instant now = Clock.systemUTC().instant();
      WhitelistFile.Parsed parsed;
      try (InputStream in = open()) {
        parsed = WhitelistFile.parse(in, canonicalizer, now);
      } catch (WhitelistFile.FormatException e) {
        PrintWriter err = spec.commandLine().getErr();
        e.errors().forEach(line -> err.println(name() + ": " + line));
        err.println("nothing imported");
        return 1;
      }
      List<WhitelistAddition> additions = parsed.additions();
      PrintWriter out = spec.commandLine().getOut();
      try (DataDirectory d = data.open()) {
        if (dryRun) {
          int added = 0;
          int changed = 0;
          for (WhitelistAddition a : additions) {
            Optional<WhitelistEntry> old = d.store().find(a.key());
            if (old.isEmpty()) {
              added++;
            } else if (!WhitelistAddition.from(old.get()).equals(a)
                || old.get().origin() != EntryOrigin.ADMIN) {
              changed++;
            }
          }
          out.println(
              "would add "
                  + added
                  + ", change "
                  + changed
                  + ", leave "
                  + (additions.size() - added - changed)
                  + " as they are"
                  + skipped(parsed));
          return 0;
        }
        d.store().addAll(additions);
      }
      out.println(
          "imported "
              + additions.size()
              + (additions.size() == 1 ? " entry" : " entries")
              + skipped(parsed));
      return 0;
    }

    private static String skipped(WhitelistFile.Parsed p) {
      return (p.expired() > 0 ? "; skipped " + p.expired() + " already expired" : "")
          + (p.replacedLines() > 0
              ? "; " + p.replacedLines() + " lines repeated a key (the last one counts)"
              : "");
    }

    private String name() {
      return file.equals("-") ? "standard input" : WhitelistFile.quote(file);
    }

    private InputStream open() throws IOException {
      if (file.equals("-")) {
        return new FilterInputStream(System.in) {
          @Override
          public void close() {
            // standard input stays open
          }
        };
      }
      try {
        return Files.newInputStream(Path.of(file));
      } catch (InvalidPathException e) {
        throw Cli.usage(spec, "FILE is not a valid path");
      }
    }
  }

  /** {@code whitelist export}. */
  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = {
        "Write every unexpired entry in the format of import, to standard output.",
        "One a line: SENDER RECIPIENT EXPIRY AUTHENTICATION, tab-separated, after two # comment",
        "lines. Import reads it back; who made each entry (origin) and when are not written: an",
        "imported entry is an administrator's, added at the import. See docs/stores.md."
      })
  static final class Export implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DataOptions data;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      long n = 0;
      try (DataDirectory d = data.open()) {
        WhitelistStore store = d.store();
        WhitelistFile.header(Clock.systemUTC().instant()).forEach(out::println);
        Optional<WhitelistKey> after = Optional.empty();
        do {
          WhitelistPage page =
              after.isPresent() ? store.listAfter(after.get(), PAGE) : store.list(PAGE);
          for (WhitelistEntry e : page.entries()) {
            out.println(WhitelistFile.format(e));
            n++;
          }
          after = page.next();
        } while (after.isPresent());
      }
      out.flush();
      spec.commandLine().getErr().println("exported " + n + (n == 1 ? " entry" : " entries"));
      return 0;
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
