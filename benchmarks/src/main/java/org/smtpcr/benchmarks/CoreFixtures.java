package org.smtpcr.benchmarks;

import com.google.common.net.InetAddresses;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.auth.SenderAuthenticator;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.engine.DecisionListener;
import org.smtpcr.core.reply.ReplyFormatter;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistStore;

/**
 * Realistic mail traffic for the {@code core} benchmarks (see docs/benchmarks.md), from a fixed
 * seed so that every fork and test sees the same: the pairs a whitelist holds, and pairs from
 * senders it has never seen.
 */
final class CoreFixtures {
  static final URI CHALLENGE_BASE = URI.create("https://cr.example.com/");
  static final int TRAFFIC = 1024;
  static final int LOCAL_RECIPIENTS = 500;
  private static final int PAIRS_PER_SENDER = 4;
  private static final AddressCanonicalizer SENDERS = AddressCanonicalizer.standard();
  private static final AddressCanonicalizer RECIPIENTS = SENDERS.forRecipients();

  private static final long SEED = 0x5eed_c0de_2026L;

  private static final String[] FIRST =
      words(
          "alice bob carol dave erin frank grace heidi ivan judy mallory niaj olivia peggy",
          "rupert sybil trent victor walter xavier yvonne zoe ana bruno chloe dmitri elena",
          "fatima goran hiroshi ingrid jamal katarzyna lars mei nikolai oskar priya quentin",
          "rosa sven tomasz ursula vikram");

  private static final String[] LAST =
      words(
          "smith jones liddell garcia muller rossi dubois novak kowalski tanaka nguyen okafor",
          "johansson fernandes schmidt moreau bianchi silva kim patel oconnor van.der.berg",
          "lindqvist horvath papadopoulos yilmaz cohen andersen");

  private static final String[] SENDER_DOMAINS =
      words(
          "gmail.com outlook.com yahoo.co.uk web.de gmx.net icloud.com proton.me orange.fr",
          "libero.it seznam.cz mail.ru fastmail.com posteo.de example.org mail.acme-widgets.com",
          "lists.university.example.edu eu.mailer.example.net corp.example.co.jp");

  private static final String[] RECIPIENT_DOMAINS = {
    "example.com", "mail.example.com", "example.net"
  };

  private CoreFixtures() {}

  /** A path as an MTA hands it over, and its canonical form. */
  private record Address(String path, CanonicalAddress canonical) {
    static Address of(AddressCanonicalizer c, String path) {
      return new Address(path, c.canonicalize(path));
    }
  }

  record Pair(
      String reversePath, String forwardPath, CanonicalAddress sender, CanonicalAddress recipient) {
    static Pair of(Address sender, Address recipient) {
      return new Pair(sender.path(), recipient.path(), sender.canonical(), recipient.canonical());
    }

    /** The canonical pair as one string, {@code sender SP recipient}: the floor's map key. */
    String keyString() {
      return sender.value() + " " + recipient.value();
    }
  }

  /**
   * {@code unknown}: pairs whose sender is in no whitelisted pair, so nothing in the store matches.
   */
  record Traffic(List<Pair> whitelisted, List<Pair> known, List<Pair> unknown) {}

  static Traffic traffic(int whitelistSize, int recipients) {
    Random rnd = new Random(SEED);
    List<Address> rcpts =
        distinct(
            recipients,
            RECIPIENTS,
            () ->
                "<"
                    + pick(rnd, FIRST)
                    + (rnd.nextInt(3) == 0 ? "." + pick(rnd, LAST) : "")
                    + "@"
                    + pick(rnd, RECIPIENT_DOMAINS)
                    + ">");
    int poolSize = Math.max(1, whitelistSize / PAIRS_PER_SENDER);
    List<Address> senders = distinct(poolSize, SENDERS, () -> path(sender(rnd), rnd));
    Set<Long> seenPair = new HashSet<>();
    List<Pair> whitelisted = new ArrayList<>(whitelistSize);
    while (whitelisted.size() < whitelistSize) {
      int si = rnd.nextInt(poolSize);
      int ri = rnd.nextInt(recipients);
      if (seenPair.add((long) si * recipients + ri)) {
        whitelisted.add(Pair.of(senders.get(si), rcpts.get(ri)));
      }
    }
    List<Pair> known = new ArrayList<>(TRAFFIC);
    for (int i = 0; i < TRAFFIC; i++) {
      known.add(whitelisted.get(rnd.nextInt(whitelistSize)));
    }
    Set<CanonicalAddress> knownSenders = new HashSet<>();
    senders.forEach(a -> knownSenders.add(a.canonical()));
    List<Pair> unknown = new ArrayList<>(TRAFFIC);
    while (unknown.size() < TRAFFIC) {
      Address s = Address.of(SENDERS, path(sender(rnd), rnd));
      if (!knownSenders.contains(s.canonical())) {
        unknown.add(Pair.of(s, rcpts.get(rnd.nextInt(recipients))));
      }
    }
    return new Traffic(List.copyOf(whitelisted), List.copyOf(known), List.copyOf(unknown));
  }

  /** {@code n} addresses from {@code paths}, no two with the same canonical form. */
  private static List<Address> distinct(int n, AddressCanonicalizer c, Supplier<String> paths) {
    Map<CanonicalAddress, Address> seen = new LinkedHashMap<>();
    while (seen.size() < n) {
      Address a = Address.of(c, paths.get());
      seen.putIfAbsent(a.canonical(), a);
    }
    return List.copyOf(seen.values());
  }

  static void fill(WhitelistStore store, Traffic traffic) {
    for (Pair p : traffic.whitelisted()) {
      store.add(WhitelistKey.pair(p.sender(), p.recipient()));
    }
  }

  /**
   * The engine the decision benchmarks and the policy servers measure: the default rule chain over
   * {@code store}.
   */
  static DecisionEngine engine(WhitelistStore store, ReplyFormatter formatter) {
    return engine(store, formatter, Optional.empty());
  }

  /** The same, with the sender authenticator the engine calls when a rule needs the standing. */
  static DecisionEngine engine(
      WhitelistStore store, ReplyFormatter formatter, Optional<SenderAuthenticator> auth) {
    return engine(store, formatter, auth, Optional.empty());
  }

  /**
   * The same, with another decision listener than the engine's default (which writes its DEBUG line
   * only, off here as in production).
   */
  static DecisionEngine engine(
      WhitelistStore store,
      ReplyFormatter formatter,
      Optional<SenderAuthenticator> auth,
      Optional<DecisionListener> listener) {
    DecisionEngine.Builder b =
        DecisionEngine.builder()
            .keyRing(TokenFixtures.keyRing())
            .replyFormatter(formatter)
            .challengeBase(CHALLENGE_BASE)
            .rules(StandardRules.builder().whitelistStore(store).build());
    auth.ifPresent(b::authenticator);
    listener.ifPresent(b::listener);
    return b.build();
  }

  static Transaction rcpt(Pair pair, int n) {
    return session(n)
        .stage(Stage.RCPT)
        .reversePath(pair.reversePath())
        .forwardPath(pair.forwardPath())
        .build();
  }

  static Transaction mail(Pair pair, int n) {
    return session(n).stage(Stage.MAIL).reversePath(pair.reversePath()).build();
  }

  private static Transaction.Builder session(int n) {
    return Transaction.builder()
        .sessionId(String.format(Locale.ROOT, "4Q%08X", n))
        .clientAddress(InetAddresses.forString("198.51.100." + (n % 250 + 1)))
        .helo("mx" + (n % 7) + ".sender.example")
        .tls(n % 5 != 0);
  }

  private static String sender(Random rnd) {
    String first = pick(rnd, FIRST);
    String last = pick(rnd, LAST);
    String local =
        switch (rnd.nextInt(4)) {
          case 0 -> first + "." + last;
          case 1 -> first.charAt(0) + last.replace(".", "");
          case 2 -> first + "_" + last + rnd.nextInt(100);
          default -> first + last.charAt(0) + (1950 + rnd.nextInt(60));
        };
    return local + "@" + pick(rnd, SENDER_DOMAINS);
  }

  private static String path(String address, Random rnd) {
    int at = address.indexOf('@');
    String local = address.substring(0, at);
    String domain = address.substring(at + 1);
    switch (rnd.nextInt(8)) {
      case 0 -> {
        local = Character.toUpperCase(local.charAt(0)) + local.substring(1);
        domain = domain.toUpperCase(Locale.ROOT);
      }
      case 1 -> local = local + "+news";
      default -> {}
    }
    return "<" + local + "@" + domain + ">";
  }

  /** The words of {@code lines}, in order. */
  private static String[] words(String... lines) {
    return Tables.cells(String.join(" ", lines), " ").toArray(new String[0]);
  }

  private static String pick(Random rnd, String[] from) {
    return from[rnd.nextInt(from.length)];
  }
}
