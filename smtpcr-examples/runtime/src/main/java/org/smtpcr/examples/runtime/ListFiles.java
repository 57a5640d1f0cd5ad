package org.smtpcr.examples.runtime;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Stage;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.core.address.ParsedAddress;
import org.smtpcr.core.reply.ReplyKind;
import org.smtpcr.core.rules.ExemptRecipientsRule;
import org.smtpcr.core.rules.IpNetwork;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.rules.StaticWhitelistRule;
import org.smtpcr.core.spi.DecisionRule;
import org.smtpcr.core.spi.RuleContext;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistKey;

/**
 * The list files an administrator edits, as Postgrey has them, and their rules in the standard
 * chain: {@linkplain Settings#TRUSTED_CLIENTS_FILE trusted clients}, {@linkplain
 * Settings#EXEMPT_RECIPIENTS_FILE exempt recipients}, the {@linkplain
 * Settings#SENDER_WHITELIST_FILE sender whitelist} and {@linkplain Settings#DENY_FILE deny
 * entries}. Each file {@code FOO} is read together with {@code FOO.local} when that exists; one
 * entry a line, {@code #} starts a comment (at the start of a line or after a blank), blank lines
 * are ignored, at most {@value #MAX_LINE_BYTES} bytes a line and {@value #MAX_FILE_BYTES} a file,
 * UTF-8. An error names the setting, the file and the line.
 *
 * <p>The rules stay in the chain for the engine's life and read the lists through one reference,
 * which {@link #reload()} swaps: a server keeps its connections, and the next decision uses the new
 * lists. A reload that fails keeps the lists in force. Where the rules go:
 *
 * <ul>
 *   <li>{@value #EXEMPT_RECIPIENTS_RULE}, after the built-in exempt recipients;
 *   <li>{@value #TRUSTED_CLIENTS_RULE}, after the built-in trusted clients; a host name or {@code
 *       /regex/} matches only the name the MTA verified ({@link
 *       org.smtpcr.core.Transaction#clientName()}: Postfix's {@code client_name}), never {@code
 *       unknown}, and so only on routes that are given one;
 *   <li>{@value #DENY_RULE}, after the store's deny list and before every rule that admits;
 *   <li>{@value #SENDER_WHITELIST_RULE}, before the whitelist store; like a confirmed pair, an
 *       entry counts only for a sender that authenticates (or whose domain publishes nothing).
 * </ul>
 *
 * <p>Thread-safe.
 *
 * @since 0.3.0
 */
public final class ListFiles {
  /**
   * The longest line, in bytes.
   *
   * @since 0.3.0
   */
  public static final int MAX_LINE_BYTES = 1000;

  /**
   * The biggest file (each of {@code FOO} and {@code FOO.local}), in bytes.
   *
   * @since 0.3.0
   */
  public static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

  /** Most {@code /regex/} entries in one list (its file and {@code .local} together). */
  public static final int MAX_PATTERNS = 1000;

  /**
   * Most characters one {@code /regex/} may read while matching one input: a pattern that
   * backtracks badly on what a peer sent gives up there (no match, one WARN) instead of holding a
   * worker thread.
   */
  public static final int MATCH_BUDGET = 100_000;

  /** The longest client name matched against names and patterns (a DNS name's limit). */
  private static final int MAX_CLIENT_NAME = 253;

  /**
   * Id of the rule of the exempt-recipients file.
   *
   * @since 0.3.0
   */
  public static final String EXEMPT_RECIPIENTS_RULE = "exempt-recipients-file";

  /**
   * Id of the rule of the trusted-clients file.
   *
   * @since 0.3.0
   */
  public static final String TRUSTED_CLIENTS_RULE = "trusted-clients-file";

  /**
   * Id of the rule of the deny file.
   *
   * @since 0.3.0
   */
  public static final String DENY_RULE = "deny-file";

  /**
   * Id of the rule of the sender-whitelist file.
   *
   * @since 0.3.0
   */
  public static final String SENDER_WHITELIST_RULE = "sender-whitelist-file";

  private static final Logger log = LoggerFactory.getLogger(ListFiles.class);

  /** The kinds of list, in chain order, with their setting, rule id and place in the chain. */
  private enum Kind {
    EXEMPT_RECIPIENTS(
        Settings.EXEMPT_RECIPIENTS_FILE, EXEMPT_RECIPIENTS_RULE, StandardRules.TRUSTED_CLIENTS),
    TRUSTED_CLIENTS(Settings.TRUSTED_CLIENTS_FILE, TRUSTED_CLIENTS_RULE, StandardRules.NULL_SENDER),
    DENY(Settings.DENY_FILE, DENY_RULE, StandardRules.SENDER_AUTHENTICATION),
    SENDER_WHITELIST(
        Settings.SENDER_WHITELIST_FILE, SENDER_WHITELIST_RULE, StandardRules.WHITELIST_STORE);

    final Setting<Path> setting;
    final String ruleId;
    final String before;

    Kind(Setting<Path> setting, String ruleId, String before) {
      this.setting = setting;
      this.ruleId = ruleId;
      this.before = before;
    }
  }

  /** One list as read: its rule and how many entries it has. */
  private record Loaded(DecisionRule rule, int entries) {}

  private final Map<Kind, Path> files;
  private final AddressCanonicalizer canonicalizer;
  private final AtomicReference<Map<Kind, Loaded>> current;

  private ListFiles(Map<Kind, Path> files, AddressCanonicalizer canonicalizer) {
    this.files = files;
    this.canonicalizer = canonicalizer;
    this.current = new AtomicReference<>(read(files, canonicalizer));
  }

  /**
   * Reads the list files the settings name (none: an empty set of lists, whose rules never run).
   *
   * @param settings the settings: the four file settings, and {@link Settings#canonicalizer()} for
   *     the addresses in them
   * @return the lists
   * @throws IllegalArgumentException naming the setting, the file and the line of the first error
   * @since 0.3.0
   */
  public static ListFiles load(Settings settings) {
    requireNonNull(settings, "settings");
    Map<Kind, Path> files = new EnumMap<>(Kind.class);
    for (Kind k : Kind.values()) {
      settings.find(k.setting).ifPresent(p -> files.put(k, p));
    }
    return new ListFiles(files, settings.canonicalizer());
  }

  /**
   * Whether no list file is configured.
   *
   * @return true when the settings name none
   * @since 0.3.0
   */
  public boolean isEmpty() {
    return files.isEmpty();
  }

  /**
   * Adds a rule for each configured file to the standard chain, at its place (see above). The rules
   * read the lists in force at each decision.
   *
   * @param rules the standard chain's builder
   * @return {@code rules}
   * @since 0.3.0
   */
  public StandardRules.Builder addTo(StandardRules.Builder rules) {
    requireNonNull(rules, "rules");
    for (Kind k : files.keySet()) {
      rules.addBefore(k.before, k.ruleId, new Reading(k));
    }
    return rules;
  }

  /**
   * Reads every file again and, when all of them parse, puts the new lists in force at once and
   * logs one INFO line with the entry counts. When one does not, the lists in force stay, and one
   * ERROR line names the setting, the file and the line. With no file configured, logs that there
   * is nothing to reload.
   *
   * @return whether the new lists are in force
   * @since 0.3.0
   */
  public synchronized boolean reload() {
    if (files.isEmpty()) {
      log.info("no list files configured; nothing to reload");
      return true;
    }
    Map<Kind, Loaded> next;
    try {
      next = read(files, canonicalizer);
    } catch (IllegalArgumentException e) {
      log.error("list files not reloaded, the previous lists stay in force: {}", e.getMessage());
      return false;
    }
    current.set(next);
    log.info("list files reloaded: {}", counts());
    return true;
  }

  /**
   * The entries in force per file, such as {@code trustedClientsFile=3 denyFile=1}; {@code none}
   * when no file is configured.
   *
   * @return the counts
   * @since 0.3.0
   */
  public String counts() {
    Map<Kind, Loaded> now = current.get();
    if (now.isEmpty()) {
      return "none";
    }
    return now.entrySet().stream()
        .map(e -> e.getKey().setting.key() + "=" + e.getValue().entries())
        .collect(Collectors.joining(" "));
  }

  @Override
  public String toString() {
    return "ListFiles[" + counts() + "]";
  }

  /** The rule in the chain: the list of its kind in force now. */
  private final class Reading implements DecisionRule {
    private final Kind kind;

    Reading(Kind kind) {
      this.kind = kind;
    }

    @Override
    public Optional<Decision> decide(RuleContext context) {
      Loaded l = current.get().get(kind);
      return l == null ? Optional.empty() : l.rule().decide(context);
    }

    @Override
    public String id() {
      return kind.ruleId;
    }

    @Override
    public String toString() {
      return "ListFiles.Reading[" + kind.setting.key() + "]";
    }
  }

  private static Map<Kind, Loaded> read(Map<Kind, Path> files, AddressCanonicalizer c) {
    Map<Kind, Loaded> out = new EnumMap<>(Kind.class);
    for (Map.Entry<Kind, Path> f : files.entrySet()) {
      Kind k = f.getKey();
      try {
        List<ListFile.Line> lines = ListFile.read(f.getValue());
        DecisionRule rule =
            switch (k) {
              case TRUSTED_CLIENTS -> clients(lines, c);
              case EXEMPT_RECIPIENTS -> recipients(lines, c);
              case SENDER_WHITELIST -> whitelist(lines, c);
              case DENY -> deny(lines, c);
            };
        out.put(k, new Loaded(rule, lines.size()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(k.setting.key() + ": " + e.getMessage(), e);
      }
    }
    return Map.copyOf(out);
  }

  // ---- trusted clients

  static DecisionRule clients(List<ListFile.Line> lines, AddressCanonicalizer c) {
    List<IpNetwork> networks = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<Pattern> patterns = new ArrayList<>();
    for (ListFile.Line l : lines) {
      String w = single(l, "an IP address, a network, a host name or /regex/");
      if (isRegex(w)) {
        patterns.add(regex(l, w, patterns.size()));
      } else if (w.indexOf('/') >= 0 || w.indexOf(':') >= 0 || w.matches("[0-9.]+")) {
        try {
          networks.add(IpNetwork.parse(w));
        } catch (IllegalArgumentException e) {
          throw l.error(
              "not an IP address or network: " + ListFile.shown(w) + ": " + e.getMessage());
        }
      } else {
        names.add(domain(l, c, w, "host name"));
      }
    }
    return new ClientList(List.copyOf(networks), Set.copyOf(names), List.copyOf(patterns));
  }

  private record ClientList(List<IpNetwork> networks, Set<String> names, List<Pattern> patterns)
      implements DecisionRule {
    @Override
    public Optional<Decision> decide(RuleContext context) {
      var tx = context.transaction();
      for (IpNetwork n : networks) {
        if (n.contains(tx.clientAddress())) {
          return Optional.of(context.accept());
        }
      }
      Optional<String> name = tx.clientName();
      if (name.isEmpty() || (names.isEmpty() && patterns.isEmpty())) {
        return Optional.empty();
      }
      String given = name.get();
      if (given.length() > MAX_CLIENT_NAME) {
        return Optional.empty(); // no verified DNS name is that long
      }
      String n = given.toLowerCase(Locale.ROOT);
      if (n.endsWith(".")) {
        n = n.substring(0, n.length() - 1);
      }
      if (inDomains(names, n)) {
        return Optional.of(context.accept());
      }
      for (Pattern p : patterns) {
        if (finds(p, given)) {
          return Optional.of(context.accept());
        }
      }
      return Optional.empty();
    }

    @Override
    public String id() {
      return TRUSTED_CLIENTS_RULE;
    }
  }

  // ---- exempt recipients

  static DecisionRule recipients(List<ListFile.Line> lines, AddressCanonicalizer c) {
    ExemptRecipientsRule.Builder exact =
        ExemptRecipientsRule.builder().canonicalizer(c).standardLocalParts(false);
    Set<String> domains = new HashSet<>();
    List<Pattern> patterns = new ArrayList<>();
    for (ListFile.Line l : lines) {
      String w = single(l, "an address, local@, @domain or /regex/");
      if (isRegex(w)) {
        patterns.add(regex(l, w, patterns.size()));
      } else if (w.startsWith("@")) {
        domains.add(domain(l, c, w, "domain"));
      } else if (w.endsWith("@")) {
        try {
          exact.localPart(w.substring(0, w.length() - 1));
        } catch (IllegalArgumentException e) {
          throw l.error("not a local part: " + ListFile.shown(w));
        }
      } else if (w.indexOf('@') > 0) {
        try {
          exact.address(w);
        } catch (IllegalArgumentException e) {
          throw l.error("not an address: " + ListFile.shown(w));
        }
      } else {
        throw l.error(
            "not an address, local@ or @domain: "
                + ListFile.shown(w)
                + " (write local@ for a local part at every domain, @domain for a domain)");
      }
    }
    return new RecipientList(exact.build(), Set.copyOf(domains), List.copyOf(patterns));
  }

  private record RecipientList(
      ExemptRecipientsRule exact, Set<String> domains, List<Pattern> patterns)
      implements DecisionRule {
    @Override
    public Optional<Decision> decide(RuleContext context) {
      Optional<ParsedAddress> rcpt = context.recipient();
      if (rcpt.isEmpty()) {
        return Optional.empty();
      }
      Optional<Decision> d = exact.decide(context);
      if (d.isPresent()) {
        return d;
      }
      CanonicalAddress a = rcpt.get().canonical();
      if (inDomains(domains, a.domain())) {
        return Optional.of(context.accept());
      }
      for (Pattern p : patterns) {
        if (finds(p, a.value())) {
          return Optional.of(context.accept());
        }
      }
      return Optional.empty();
    }

    @Override
    public String id() {
      return EXEMPT_RECIPIENTS_RULE;
    }
  }

  // ---- sender whitelist and deny entries: SENDER [RECIPIENT]

  static DecisionRule whitelist(List<ListFile.Line> lines, AddressCanonicalizer c) {
    StaticWhitelistRule.Builder b = StaticWhitelistRule.builder().canonicalizer(c);
    for (ListFile.Line l : lines) {
      WhitelistKey unused = key(l, c); // checks the line, with its number
      String sender = l.words().get(0);
      Optional<String> rcpt = recipientWord(l);
      if (sender.startsWith("@")) {
        rcpt.ifPresentOrElse(r -> b.senderDomainFor(r, sender), () -> b.senderDomain(sender));
      } else {
        rcpt.ifPresentOrElse(r -> b.senderFor(r, sender), () -> b.sender(sender));
      }
    }
    return b.build();
  }

  static DecisionRule deny(List<ListFile.Line> lines, AddressCanonicalizer c) {
    Set<WhitelistKey> keys = new HashSet<>();
    for (ListFile.Line l : lines) {
      keys.add(key(l, c));
    }
    return new DenyList(Set.copyOf(keys));
  }

  private record DenyList(Set<WhitelistKey> keys) implements DecisionRule {
    @Override
    public Optional<Decision> decide(RuleContext context) {
      if (keys.isEmpty() || context.stage().compareTo(Stage.RCPT) < 0 || context.isNullSender()) {
        return Optional.empty();
      }
      Optional<ParsedAddress> sender = context.sender();
      Optional<ParsedAddress> rcpt = context.recipient();
      if (sender.isEmpty() || rcpt.isEmpty()) {
        return Optional.empty();
      }
      // no log line of its own: the decision log records the refusal, with --log-addresses
      for (WhitelistKey k :
          WhitelistCandidates.of(sender.get().canonical(), rcpt.get().canonical()).keys()) {
        if (keys.contains(k)) {
          return Optional.of(new Decision.Reject(context.reply(ReplyKind.DENIED)));
        }
      }
      return Optional.empty();
    }

    @Override
    public String id() {
      return DENY_RULE;
    }
  }

  private static Optional<String> recipientWord(ListFile.Line l) {
    if (l.words().size() > 2) {
      throw l.error("expected SENDER [RECIPIENT], got " + l.words().size() + " words");
    }
    if (l.words().size() == 1 || l.words().get(1).equals("*")) {
      return Optional.empty();
    }
    return Optional.of(l.words().get(1));
  }

  /** The key of a {@code SENDER [RECIPIENT]} line, as the store keys its entries. */
  private static WhitelistKey key(ListFile.Line l, AddressCanonicalizer c) {
    String sender = l.words().get(0);
    Optional<String> rcpt = recipientWord(l);
    Optional<CanonicalAddress> r = rcpt.map(w -> address(l, c.forRecipients(), w, "recipient"));
    if (sender.startsWith("@")) {
      String d = domain(l, c, sender, "sender domain");
      return r.map(a -> WhitelistKey.domain(d, a)).orElseGet(() -> WhitelistKey.globalDomain(d));
    }
    if (sender.indexOf('@') <= 0) {
      throw l.error("the sender is an address or @domain, got " + ListFile.shown(sender));
    }
    CanonicalAddress s = address(l, c, sender, "sender");
    return r.map(a -> WhitelistKey.pair(s, a)).orElseGet(() -> WhitelistKey.globalSender(s));
  }

  // ---- shared

  private static String single(ListFile.Line l, String what) {
    if (l.words().size() != 1) {
      throw l.error("one entry a line: " + what + "; got " + l.words().size() + " words");
    }
    return l.words().get(0);
  }

  private static boolean isRegex(String w) {
    return w.length() >= 2 && w.startsWith("/") && w.endsWith("/");
  }

  /** {@code /regex/}: case-insensitive, matched anywhere (Postgrey's {@code =~ /regex/i}). */
  private static Pattern regex(ListFile.Line l, String w, int before) {
    if (before >= MAX_PATTERNS) {
      throw l.error(
          "more than "
              + MAX_PATTERNS
              + " /regex/ entries in one list; each decision tries them all: use domains");
    }
    String body = w.substring(1, w.length() - 1);
    if (body.isEmpty()) {
      throw l.error("an empty /regex/ matches everything; write the entries out");
    }
    try {
      return Pattern.compile(body, Pattern.CASE_INSENSITIVE);
    } catch (PatternSyntaxException e) {
      throw l.error("not a regular expression: " + ListFile.shown(w) + ": " + e.getDescription());
    }
  }

  /** Patterns that gave up once; each is warned about once. */
  private static final Set<Pattern> GAVE_UP = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** {@code p.matcher(input).find()}, within {@link #MATCH_BUDGET}; giving up is no match. */
  static boolean finds(Pattern p, String input) {
    try {
      return p.matcher(new Budgeted(input)).find();
    } catch (Budgeted.Exhausted e) {
      if (GAVE_UP.add(p) && GAVE_UP.size() < 10_000) {
        log.warn(
            "list entry /{}/ read more than {} characters matching one input and gave up (no"
                + " match); it backtracks badly: simplify it or use domains",
            p.pattern(),
            MATCH_BUDGET);
      }
      return false;
    }
  }

  /** The input of one match, which counts the characters the matcher reads. */
  private static final class Budgeted implements CharSequence {
    /** Thrown when the budget is spent; no stack trace, it is control flow. */
    static final class Exhausted extends RuntimeException {
      private static final long serialVersionUID = 1L;

      Exhausted() {
        super(null, null, false, false);
      }
    }

    private final String text;
    private int left = MATCH_BUDGET;

    Budgeted(String text) {
      this.text = text;
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public char charAt(int index) {
      if (--left < 0) {
        throw new Exhausted();
      }
      return text.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return text.subSequence(start, end);
    }

    @Override
    public String toString() {
      return text;
    }
  }

  private static String domain(ListFile.Line l, AddressCanonicalizer c, String w, String what) {
    try {
      String d = c.canonicalizeDomain(w).value();
      if (d.isEmpty() || d.startsWith("[")) {
        throw l.error("not a " + what + ": " + ListFile.shown(w));
      }
      return d;
    } catch (InvalidAddressException e) {
      throw l.error("not a " + what + ": " + ListFile.shown(w) + ": " + e.getMessage());
    }
  }

  private static CanonicalAddress address(
      ListFile.Line l, AddressCanonicalizer c, String w, String what) {
    try {
      return c.canonicalize(w);
    } catch (InvalidAddressException e) {
      throw l.error(
          "the " + what + " is not an address: " + ListFile.shown(w) + ": " + e.getMessage());
    }
  }

  private static boolean inDomains(Set<String> domains, String domain) {
    for (String d = domain; !d.isEmpty(); ) {
      if (domains.contains(d)) {
        return true;
      }
      int dot = d.indexOf('.');
      d = dot < 0 ? "" : d.substring(dot + 1);
    }
    return false;
  }
}
