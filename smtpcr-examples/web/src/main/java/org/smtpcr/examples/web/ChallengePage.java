package org.smtpcr.examples.web;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import com.google.common.net.InternetDomainName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.core.internal.LogSafe;
import org.smtpcr.core.store.Confirmation;
import org.smtpcr.core.store.EntryOrigin;
import org.smtpcr.core.store.RateBucket;
import org.smtpcr.core.store.WhitelistCandidates;
import org.smtpcr.core.store.WhitelistEntry;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.examples.runtime.LogAddresses;
import org.smtpcr.examples.runtime.LogLine;
import org.smtpcr.examples.runtime.PageListener;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.web.check.CheckContext;
import org.smtpcr.examples.web.check.CheckFragment;
import org.smtpcr.examples.web.check.CheckResult;
import org.smtpcr.examples.web.check.CheckStamps;
import org.smtpcr.examples.web.check.CspSources;
import org.smtpcr.examples.web.check.HumanCheck;
import org.smtpcr.examples.web.check.HumanCheckRegistry;
import org.smtpcr.tokens.ChallengeClaims;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.PassCodes;
import org.smtpcr.tokens.SenderAuthentication;
import org.smtpcr.tokens.Stamps;
import org.smtpcr.tokens.TokenException;

/**
 * The challenge page, independent of any web framework: give it a request path (and, for a POST,
 * the content type and body) and it returns the {@link PageResponse} to send.
 *
 * <pre>{@code
 * ChallengePage page = ChallengePage.builder()
 *     .tokens(ChallengeTokens.of(keyRing))
 *     .passCodes(PassCodes.of(keyRing))
 *     .store(store)
 *     .build();
 * PageResponse r = page.get("/c/" + token);        // never changes state
 * PageResponse s = page.post("/c/" + token, "application/x-www-form-urlencoded", body, client);
 * }</pre>
 *
 * <p>Routes: {@code GET /} (a short notice), {@code GET /c/<token>} (the challenge), {@code POST
 * /c/<token>} (the answer), {@code GET /static/pow.js}, {@code /static/pow-worker.js}, {@code
 * /static/page.css}. Anything else is 404; a query string is ignored.
 *
 * <p>{@code GET /c/<token>} verifies the token first and shows a clear page for each way it can
 * fail, whitelisting nothing. A valid token gets a page saying who confirms for whom and why, with
 * the site's {@linkplain Builder#checks human checks} ({@link HumanCheck}; by default the
 * proof-of-work, and the no-JavaScript {@code wait} form inside {@code <noscript>}). A POST is
 * verified by the listed check its {@code check} field names (the first when the field is missing);
 * an unlisted name is refused. The default main check is a proof-of-work that the page's own script
 * computes with Web Crypto in a Web Worker (scheme {@code smtpcr-pow-v2}, see {@code ProofOfWork}):
 * the server issues the challenge, derived from a {@link Stamps stamp} (an HMAC under a key derived
 * from the key ring) over the token, the time and the difficulty, so the client can neither pick
 * its own time or difficulty nor do the work in advance. The server keeps no state for it: the POST
 * carries {@code issued}, {@code bits}, {@code stamp} and {@code nonce}, and is accepted while the
 * stamp verifies and {@code issued} is at most {@link Builder#powValidity(Duration) the validity}
 * old.
 *
 * <p>A POST that passes the check then goes, in this order: the deny list ({@link
 * WhitelistStore#findDenial}: a denied pair gets 403 and nothing is written); for a pair with no
 * entry yet, the confirmation limits ({@link WhitelistStore#countIfUnder}: per recipient and per
 * sender organizational domain per UTC day, per client network per hour; over a limit 429 with
 * {@code Retry-After}, nothing written); then {@link WhitelistStore#confirm} with {@link
 * EntryOrigin#PAGE}, the {@linkplain Builder#whitelistExpiry(Duration) expiry} and the {@link
 * SenderAuthentication} the token carries. {@code CREATED} shows the pass code as a second route
 * ({@code bob+CODE@example.com}); {@code RENEWED} says the sender was already confirmed and until
 * when, without the code; {@code KEPT} (an administrator's entry) says the sender is already
 * allowed, without the code. Renewals and kept entries count against no limit. A store that fails
 * gives 503 "try again later". Each outcome writes one INFO log line ({@code reason=created,
 * renewed, kept, denied, limit, bad-check, expired-token, bad-token}; addresses through {@code
 * LogSafe}, the client as its network).
 *
 * <p>Every response carries a Content-Security-Policy of {@code default-src 'self'} (no inline
 * script or style), {@code Referrer-Policy: no-referrer} and {@code X-Content-Type-Options:
 * nosniff}; pages are {@code Cache-Control: no-store} and escape every piece of text they show.
 * Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class ChallengePage {
  /**
   * Default proof-of-work difficulty in leading zero bits: about 2<sup>18</sup> hashes, about 3
   * seconds of one core in a browser, and about 17 ms for a native solver (measured:
   * docs/benchmarks.md, "Proof of work: browser against native").
   */
  public static final int DEFAULT_POW_DIFFICULTY_BITS = 18;

  /** Highest difficulty the builder accepts. */
  public static final int MAX_POW_DIFFICULTY_BITS = ProofOfWork.MAX_BITS;

  /** Default time a rendered check stays answerable: 10 minutes. */
  public static final Duration DEFAULT_POW_VALIDITY = Duration.ofMinutes(10);

  /**
   * Default lifetime of a confirmation made on the page: 400 days. A confirmed correspondent who
   * writes at least once a year is renewed before it ends (each confirmation renews it); one who
   * stopped writing, or a pair a bot confirmed, drops out by itself. {@link
   * Builder#whitelistExpiry(Duration) whitelistExpiry(Duration.ZERO)} keeps confirmations for good.
   *
   * @since 0.3.0
   */
  public static final Duration DEFAULT_WHITELIST_EXPIRY = Duration.ofDays(400);

  /**
   * Default most confirmations that create an entry per recipient per UTC day: 50. A person rarely
   * gets mail from 50 new correspondents in a day (a mailing-list sign-up brings one sender), while
   * a bot that has solved the check for one recipient stops there: at most 50 new ways in a day.
   *
   * @since 0.3.0
   */
  public static final int DEFAULT_CONFIRMATIONS_PER_RECIPIENT_PER_DAY = 50;

  /**
   * Default most confirmations that create an entry per sender organizational domain per UTC day:
   * 20. A real organization's people rarely write to this site's 20 new correspondents in a day; a
   * spammer forging one domain (or rotating its subdomains, which count as one) is held there.
   *
   * @since 0.3.0
   */
  public static final int DEFAULT_CONFIRMATIONS_PER_SENDER_DOMAIN_PER_DAY = 20;

  /**
   * Default most confirmations that create an entry per client network (IPv4 /24, IPv6 /48) per
   * clock hour: 30. An office behind one NAT confirms a handful of senders an hour; a bot farm in
   * one network is held to 30 an hour, and must spread over many networks to do more.
   *
   * @since 0.3.0
   */
  public static final int DEFAULT_CONFIRMATIONS_PER_NETWORK_PER_HOUR = 30;

  /** Prefix of the per-recipient counter's keys in the store. */
  static final String BUCKET_RECIPIENT = "confirm-rcpt:";

  /** Prefix of the per-sender-domain counter's keys in the store. */
  static final String BUCKET_SENDER_DOMAIN = "confirm-sdom:";

  /** Prefix of the per-network counter's keys in the store. */
  static final String BUCKET_NETWORK = "confirm-net:";

  /** The purpose of the key that stamps proof-of-work challenges (see {@link Stamps}). */
  static final String POW_STAMP_PURPOSE = CheckStamps.PURPOSE;

  /** Longest path (query string included) looked at; longer ones get 414. */
  public static final int MAX_PATH_LENGTH = 1024;

  /** Largest form body {@link #post} reads; larger ones get 413. */
  public static final int MAX_FORM_BYTES = FormBody.MAX_BYTES;

  /**
   * How far in the future a check's {@code issued} may lie (clocks of several web hosts differ).
   */
  static final Duration FUTURE_SKEW = Duration.ofSeconds(60);

  private static final Logger log = LoggerFactory.getLogger(ChallengePage.class);
  private static final String TOKEN_PREFIX = "/c/";
  private static final String FORM_TYPE = "application/x-www-form-urlencoded";
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("d MMMM uuuu, HH:mm 'UTC'", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  private static final Map<String, Asset> ASSETS =
      Map.of(
          "/static/pow.js", Asset.load("pow.js", "text/javascript; charset=utf-8"),
          "/static/pow-worker.js", Asset.load("pow-worker.js", "text/javascript; charset=utf-8"),
          "/static/captcha.js", Asset.load("captcha.js", "text/javascript; charset=utf-8"),
          "/static/page.css", Asset.load("page.css", "text/css; charset=utf-8"));

  private final ChallengeTokens tokens;
  private final PassCodes passCodes;
  private final WhitelistStore store;
  private final Clock clock;
  private final PowCheck pow;
  private final Duration powValidity;
  private final Optional<Duration> whitelistExpiry;
  private final char subaddressSeparator;
  private final CheckStamps stamps;
  private final List<HumanCheck> checks;
  private final PageText text = PageText.english();
  private final int perRecipientPerDay;
  private final int perSenderDomainPerDay;
  private final int perNetworkPerHour;
  private final PageListener listener;
  private final LogLine lines;

  private ChallengePage(Builder b) {
    this.tokens = b.tokens;
    this.passCodes = b.passCodes;
    this.store = b.store;
    this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
    this.pow =
        new PowCheck(
            b.bits == null ? DEFAULT_POW_DIFFICULTY_BITS : b.bits,
            b.confirmOnClick == null || b.confirmOnClick);
    this.powValidity = b.powValidity == null ? DEFAULT_POW_VALIDITY : b.powValidity;
    Duration expiry = b.whitelistExpiry == null ? DEFAULT_WHITELIST_EXPIRY : b.whitelistExpiry;
    this.whitelistExpiry = expiry.isZero() ? Optional.empty() : Optional.of(expiry);
    this.subaddressSeparator = b.canonicalizer.subaddressSeparators().charAt(0);
    this.stamps = CheckStamps.of(b.tokens.keyRing());
    this.checks = b.resolveChecks(pow);
    this.lines =
        LogLine.of(b.logAddresses == null ? LogAddresses.FULL : b.logAddresses, b.tokens.keyRing());
    this.perRecipientPerDay =
        b.perRecipientPerDay == null
            ? DEFAULT_CONFIRMATIONS_PER_RECIPIENT_PER_DAY
            : b.perRecipientPerDay;
    this.perSenderDomainPerDay =
        b.perSenderDomainPerDay == null
            ? DEFAULT_CONFIRMATIONS_PER_SENDER_DOMAIN_PER_DAY
            : b.perSenderDomainPerDay;
    this.perNetworkPerHour =
        b.perNetworkPerHour == null
            ? DEFAULT_CONFIRMATIONS_PER_NETWORK_PER_HOUR
            : b.perNetworkPerHour;
    this.listener = b.listener == null ? PageListener.none() : b.listener;
  }

  /**
   * Starts a builder; tokens, pass codes and store are required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The proof-of-work difficulty in leading zero bits.
   *
   * @return the difficulty
   */
  public int powDifficultyBits() {
    return pow.bits();
  }

  /**
   * The names of the human checks this page offers, in order: the first is the main check.
   *
   * @return the names, such as {@code [pow, wait]}
   * @since 0.4.0
   */
  public List<String> checkNames() {
    return checks.stream().map(HumanCheck::name).toList();
  }

  /**
   * Answers a GET (or, with the body dropped by the host, a HEAD). Never changes any state.
   *
   * @param path the request path, such as {@code /c/<token>}; a query string is ignored
   * @return the response
   */
  public PageResponse get(String path) {
    requireNonNull(path, "path");
    if (path.length() > MAX_PATH_LENGTH) {
      return Pages.simple(
          414, "/", "Address too long", "This address is too long to be a confirmation link.");
    }
    String p = stripQuery(path);
    if (!p.startsWith("/")) {
      return notFound("/");
    }
    String root = Pages.rootOf(p);
    if (p.equals("/")) {
      return Pages.simple(
          200,
          root,
          "Sender confirmation",
          "This site confirms senders of mail. To confirm, open the link from the message that was returned to you.");
    }
    Asset asset = ASSETS.get(p);
    if (asset != null) {
      return asset.response();
    }
    if (p.startsWith(TOKEN_PREFIX)) {
      String token = p.substring(TOKEN_PREFIX.length());
      if (token.indexOf('/') >= 0) {
        return notFound(root);
      }
      return challenge(root, token);
    }
    return notFound(root);
  }

  /**
   * Answers a POST: the answer to the check on {@code /c/<token>}. Writes to the store only when
   * the token is valid, the proof of work passes, the pair is not denied and the confirmation
   * limits allow it; see the class description for the order and what each outcome shows.
   *
   * @param path the request path; a query string is ignored
   * @param contentType the request's Content-Type header, empty when absent
   * @param body the request body
   * @param client the client's address (as resolved through trusted proxies by the host): its
   *     network (IPv4 /24, IPv6 /48) is what the per-network limit counts
   * @return the response: 200 on success, 4xx when the token or the proof fails or the pair is
   *     denied, 429 over a limit, 503 when the store cannot read or write
   * @since 0.3.0
   */
  public PageResponse post(String path, String contentType, byte[] body, InetAddress client) {
    requireNonNull(path, "path");
    requireNonNull(contentType, "contentType");
    requireNonNull(body, "body");
    requireNonNull(client, "client");
    if (path.length() > MAX_PATH_LENGTH) {
      return Pages.simple(
          414, "/", "Address too long", "This address is too long to be a confirmation link.");
    }
    String p = stripQuery(path);
    if (!p.startsWith("/")) {
      return notFound("/");
    }
    String root = Pages.rootOf(p);
    if (!p.startsWith(TOKEN_PREFIX) || p.indexOf('/', TOKEN_PREFIX.length()) >= 0) {
      if (p.equals("/") || ASSETS.containsKey(p)) {
        return Pages.simple(
            405,
            root,
            "Method not allowed",
            Map.of("Allow", "GET, HEAD"),
            "This address can only be read.");
      }
      return notFound(root);
    }
    String network = network(client);
    String token = p.substring(TOKEN_PREFIX.length());
    Link link;
    try {
      link = verify(token);
    } catch (TokenException e) {
      if (log.isInfoEnabled()) {
        log.info(
            "{}",
            lines
                .line()
                .add("action", "refuse")
                .add(
                    "reason",
                    e.reason() == TokenException.Reason.EXPIRED ? "expired-token" : "bad-token")
                .add("detail", e.reason().name().toLowerCase(Locale.ROOT))
                .add("stage", "page")
                .address("client_network", network));
      }
      tell(
          l ->
              l.onRefusal(
                  e.reason() == TokenException.Reason.EXPIRED ? "expired-token" : "bad-token"));
      return tokenProblem(root, e.reason());
    }
    String canonicalToken = token.toLowerCase(Locale.ROOT);
    if (body.length > MAX_FORM_BYTES) {
      tell(l -> l.onRefusal("bad-request"));
      return Pages.simple(413, root, "Request too large", "The form sent was too large.");
    }
    if (!isForm(contentType)) {
      tell(l -> l.onRefusal("bad-request"));
      return Pages.simple(
          415,
          root,
          "Unexpected request",
          "The confirmation must be sent by the form on this page.");
    }
    Optional<FormBody> parsed = FormBody.parse(body);
    if (parsed.isEmpty()) {
      logRefusal("bad-check", "-", "missing", link, network);
      return checkProblem(400, root, canonicalToken, "check.absent.title", "check.absent.text");
    }
    FormBody form = parsed.get();
    Optional<String> named = form.get(HumanCheck.CHECK_FIELD);
    Optional<HumanCheck> check =
        named.isEmpty()
            ? Optional.of(checks.get(0))
            : checks.stream().filter(c -> c.name().equals(named.get())).findFirst();
    if (check.isEmpty()) {
      logRefusal("bad-check", "-", "not-offered", link, network);
      return checkProblem(400, root, canonicalToken, "check.unknown.title", "check.unknown.text");
    }
    HumanCheck answered = check.get();
    CheckResult result;
    try {
      result = answered.verify(context(root, canonicalToken, Optional.of(client)), form::get);
    } catch (RuntimeException e) {
      log.warn("human check {} failed: {}", answered.name(), e.getClass().getSimpleName());
      result = CheckResult.unavailable("check-error", Duration.ofSeconds(60));
    }
    if (result instanceof CheckResult.Absent) {
      logRefusal("bad-check", answered.name(), "missing", link, network);
      return checkProblem(400, root, canonicalToken, "check.absent.title", "check.absent.text");
    }
    if (result instanceof CheckResult.Failed f) {
      logRefusal("bad-check", answered.name(), f.detail(), link, network);
      return checkProblem(
          f.status(), root, canonicalToken, f.titleKey(), f.textKey(), f.textArgs().toArray());
    }
    if (result instanceof CheckResult.Unavailable u) {
      logRefusal("check-unavailable", answered.name(), u.detail(), link, network);
      String title = text.get("check.unavailable.title");
      return Pages.simple(
          503,
          root,
          title,
          Map.of("Retry-After", Long.toString(u.retryAfter().toSeconds())),
          text.get("check.unavailable.text"),
          text.get("check.failed.nothing"));
    }
    return confirm(root, link, network);
  }

  /**
   * Deny list, then the limits (only for a pair that has no entry yet), then {@link
   * WhitelistStore#confirm}, which creates, renews or keeps the entry atomically.
   */
  private PageResponse confirm(String root, Link link, String network) {
    ChallengeClaims claims = link.claims();
    Instant now = clock.instant();
    Optional<Instant> expiresAt = whitelistExpiry.map(now::plus);
    WhitelistKey pair = WhitelistKey.pair(link.sender(), link.recipient());
    Confirmation done;
    Optional<WhitelistEntry> existing;
    try {
      Optional<WhitelistKey> denial =
          store.findDenial(WhitelistCandidates.of(link.sender(), link.recipient()));
      if (denial.isPresent()) {
        logRefusal("denied", "-", link, network);
        return Pages.simple(
            403,
            root,
            "This sender cannot be confirmed",
            "The site of "
                + claims.recipient()
                + " does not accept confirmations for mail from "
                + claims.sender()
                + ": its administrator has blocked this sender.",
            "Nothing was recorded, and sending the message again will not help.");
      }
      // Only a confirmation that creates an entry counts against the limits: renewing a pair that
      // is confirmed already, or finding an administrator's entry, adds no way in. A pair that is
      // created concurrently by another request may cost one count without creating anything.
      existing = store.find(pair);
      if (existing.isEmpty()) {
        Optional<RateBucket> full = store.countIfUnder(buckets(link, network, now));
        if (full.isPresent()) {
          logRefusal("limit", limitName(full.get()), link, network);
          long wait = Math.max(60, Duration.between(now, full.get().windowEnd()).toSeconds());
          return Pages.simple(
              429,
              root,
              "Please try again later",
              Map.of("Retry-After", Long.toString(wait)),
              "Too many senders have confirmed just now, so this confirmation was not recorded. "
                  + "Open the link again later and repeat the check.",
              "Nothing was recorded.");
        }
      }
      done = store.confirm(pair, expiresAt, claims.authentication(), EntryOrigin.PAGE);
    } catch (RuntimeException e) {
      log.warn(
          "whitelist store failed while confirming a sender: {}: {}",
          e.getClass().getSimpleName(),
          LogSafe.of(String.valueOf(e.getMessage())));
      tell(l -> l.onRefusal("store-failure"));
      return Pages.simple(
          503,
          root,
          "Please try again later",
          Map.of("Retry-After", "120"),
          "We could not record your confirmation just now. Nothing is lost: open the link again in a few "
              + "minutes and repeat the check.");
    }
    if (log.isInfoEnabled()) {
      log.info(
          "{}",
          lines
              .line()
              .add("action", "confirm")
              .add("reason", done.name().toLowerCase(Locale.ROOT))
              .add("stage", "page")
              .address("client_network", network)
              .address("sender", claims.sender())
              .address("recipient", claims.recipient())
              .add("authentication", claims.authentication().keyword()));
    }
    Confirmation outcome = done;
    tell(l -> l.onConfirmation(outcome));
    return switch (done) {
      case CREATED -> created(root, link, expiresAt);
      case RENEWED -> renewed(root, link, renewedUntil(existing, expiresAt));
      case KEPT -> kept(root, link);
    };
  }

  private PageResponse created(String root, Link link, Optional<Instant> expiresAt) {
    ChallengeClaims claims = link.claims();
    String code = PassCodes.grouped(passCodes.compute(claims.sender(), claims.recipient()));
    String viaCode = withSubaddress(link.recipient(), code);

    StringBuilder sb = new StringBuilder(1024);
    sb.append("<h1 id=\"done\">Thank you, you are confirmed</h1>\n")
        .append(pairLine(claims, "may now write to"))
        .append("<p class=\"next\"><strong>Send every message that bounced again.</strong> ")
        .append("It will be accepted this time.</p>\n");
    expiresAt.ifPresent(
        t ->
            sb.append("<p>This confirmation lasts until ")
                .append(Html.escape(DATE.format(t)))
                .append(".</p>\n"));
    sb.append("<h2>A second way in</h2>\n")
        .append(
            "<p>If a message is still refused, send it to this address instead; the code in it lets ")
        .append("your mail through:</p>\n")
        .append("<p class=\"code\"><code id=\"pass-address\"><bdi>")
        .append(Html.escape(viaCode))
        .append("</bdi></code></p>\n")
        .append("<p>Your pass code is <code id=\"pass-code\">")
        .append(Html.escape(code))
        .append("</code>. ")
        .append("It works only for mail from <bdi>")
        .append(Html.escape(claims.sender()))
        .append("</bdi>.</p>\n");
    return Pages.page(200, root, "Confirmed", sb.toString(), false);
  }

  /** A pair confirmed before: renewed, and no pass code (it was shown when the entry was made). */
  private PageResponse renewed(String root, Link link, Optional<Instant> until) {
    StringBuilder sb = new StringBuilder(512);
    sb.append("<h1 id=\"renewed\">You were already confirmed</h1>\n")
        .append(pairLine(link.claims(), "may write to"))
        .append("<p>Your confirmation was renewed")
        .append(
            until
                .map(t -> " until " + Html.escape(DATE.format(t)) + ".")
                .orElse("; it lasts for good."))
        .append("</p>\n")
        .append("<p class=\"next\"><strong>Send every message that bounced again.</strong> ")
        .append("It will be accepted.</p>\n");
    return Pages.page(200, root, "Already confirmed", sb.toString(), false);
  }

  /** An administrator's entry: nothing was written, and no pass code. */
  private PageResponse kept(String root, Link link) {
    StringBuilder sb = new StringBuilder(512);
    sb.append("<h1 id=\"kept\">This sender is already allowed</h1>\n")
        .append(pairLine(link.claims(), "may write to"))
        .append(
            "<p>The recipient's site already allows this sender, so nothing needed to be done.</p>\n")
        .append("<p class=\"next\"><strong>Send every message that bounced again.</strong></p>\n");
    return Pages.page(200, root, "Already allowed", sb.toString(), false);
  }

  private static String pairLine(ChallengeClaims claims, String verb) {
    return "<p class=\"pair\"><strong><bdi>"
        + Html.escape(claims.sender())
        + "</bdi></strong> "
        + verb
        + " <strong><bdi>"
        + Html.escape(claims.recipient())
        + "</bdi></strong>.</p>\n";
  }

  /** What a renewed entry now lasts until: the later of its old expiry and the new one. */
  private static Optional<Instant> renewedUntil(
      Optional<WhitelistEntry> existing, Optional<Instant> proposed) {
    if (existing.isEmpty()) {
      return proposed;
    }
    Optional<Instant> old = existing.get().expiresAt();
    if (old.isEmpty() || proposed.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(old.get().isAfter(proposed.get()) ? old.get() : proposed.get());
  }

  /** The three windows one created confirmation counts in. */
  private List<RateBucket> buckets(Link link, String network, Instant now) {
    Instant dayEnd = now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
    Instant hourEnd = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    return List.of(
        new RateBucket(
            bucketKey(BUCKET_RECIPIENT, link.recipient().value()), dayEnd, perRecipientPerDay),
        new RateBucket(
            bucketKey(BUCKET_SENDER_DOMAIN, organizationalDomain(link.sender().domain())),
            dayEnd,
            perSenderDomainPerDay),
        new RateBucket(bucketKey(BUCKET_NETWORK, network), hourEnd, perNetworkPerHour));
  }

  private static String limitName(RateBucket full) {
    if (full.key().startsWith(BUCKET_RECIPIENT)) {
      return "recipient";
    }
    return full.key().startsWith(BUCKET_SENDER_DOMAIN) ? "sender-domain" : "network";
  }

  /**
   * {@code prefix + value} when that is a valid bucket key; else {@code prefix} and the SHA-256 of
   * the value (an address is at most 254 octets, so this is for safety only).
   */
  static String bucketKey(String prefix, String value) {
    String k = prefix + value;
    boolean ok = k.length() <= RateBucket.MAX_KEY_LENGTH;
    for (int i = 0; ok && i < k.length(); i++) {
      char c = k.charAt(i);
      ok = !Character.isISOControl(c) && c != '\u2028' && c != '\u2029';
    }
    if (ok) {
      return k;
    }
    return prefix
        + "sha256:"
        + ProofOfWork.hex(ProofOfWork.sha256(value.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The registrable domain ("organizational domain") by the public suffix list Guava carries:
   * {@code mail.example.co.uk} counts as {@code example.co.uk}, so a spammer gains nothing by
   * inventing subdomains. A domain under no known public suffix, or an address literal, counts as
   * itself.
   */
  static String organizationalDomain(String domain) {
    if (domain.startsWith("[")) {
      return domain;
    }
    try {
      InternetDomainName name = InternetDomainName.from(domain);
      return name.isUnderPublicSuffix() ? name.topPrivateDomain().toString() : domain;
    } catch (IllegalArgumentException | IllegalStateException e) {
      return domain;
    }
  }

  /**
   * The client's network: IPv4 /24 or IPv6 /48, as {@code 192.0.2.0/24} or {@code 2001:db8:1::/48}.
   */
  static String network(InetAddress client) {
    byte[] a = client.getAddress();
    int keep = client instanceof Inet4Address ? 3 : 6;
    byte[] masked = new byte[a.length];
    System.arraycopy(a, 0, masked, 0, keep);
    try {
      return InetAddresses.toAddrString(InetAddress.getByAddress(masked)) + "/" + keep * 8;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException("an address of 4 or 16 bytes is always valid", e);
    }
  }

  private void logRefusal(String reason, String detail, Link link, String network) {
    logRefusal(reason, "-", detail, link, network);
  }

  private void logRefusal(String reason, String check, String detail, Link link, String network) {
    if (log.isInfoEnabled()) {
      log.info(
          "{}",
          lines
              .line()
              .add("action", "refuse")
              .add("reason", reason)
              .add("check", check)
              .add("detail", detail)
              .add("stage", "page")
              .address("client_network", network)
              .address("sender", link.claims().sender())
              .address("recipient", link.claims().recipient()));
    }
    tell(l -> l.onRefusal(reason));
  }

  /** Runs the listener; one that throws is logged and otherwise changes nothing. */
  private void tell(Consumer<PageListener> event) {
    try {
      event.accept(listener);
    } catch (RuntimeException e) {
      log.warn("page listener failed with {}", e.getClass().getName());
    }
  }

  private PageResponse challenge(String root, String token) {
    ChallengeClaims claims;
    try {
      claims = verify(token).claims();
    } catch (TokenException e) {
      tell(l -> l.onView(e.reason() == TokenException.Reason.EXPIRED ? "expired" : "invalid"));
      return tokenProblem(root, e.reason());
    }
    tell(l -> l.onView("valid"));
    String canonicalToken = token.toLowerCase(Locale.ROOT);
    CheckContext context = context(root, canonicalToken, Optional.empty());
    String s = Html.escape(claims.sender());
    String r = Html.escape(claims.recipient());

    StringBuilder sb = new StringBuilder(4096);
    sb.append("<h1>Confirm that you are a person</h1>\n")
        .append("<p class=\"pair\">You are confirming that <strong><bdi>")
        .append(s)
        .append("</bdi></strong>")
        .append(" may write to <strong><bdi>")
        .append(r)
        .append("</bdi></strong>.</p>\n")
        .append("<h2>Why am I here?</h2>\n")
        .append("<p><bdi>")
        .append(r)
        .append("</bdi> accepts mail only from senders who have confirmed once ")
        .append(
            "that they are a person. Your message was not delivered; it came back to you with this link.</p>\n");
    HumanCheck main = checks.get(0);
    CheckFragment mainForm = main.render(context);
    sb.append(mainForm.html());
    CspSources csp = main.cspSources();
    if (main.needsScript()) {
      Optional<HumanCheck> fallback = checks.stream().filter(c -> !c.needsScript()).findFirst();
      if (fallback.isPresent()) {
        sb.append("<noscript>\n<h2 id=\"noscript-title\">")
            .append(Html.escape(text.get("check.noscript.title")))
            .append("</h2>\n")
            .append(fallback.get().render(context).html())
            .append("</noscript>\n");
        csp = csp.and(fallback.get().cspSources());
      } else {
        sb.append("<noscript><p class=\"problem\">")
            .append(Html.escape(text.get("check.noscript.none")))
            .append("</p></noscript>\n");
      }
    }
    sb.append("<p class=\"small\">")
        .append(Html.escape(text.get("check.expires", Math.max(1, powValidity.toMinutes()))))
        .append("</p>\n");
    return Pages.page(
        200,
        root,
        "Confirm that you are a person",
        sb.toString(),
        mainForm.scripts(),
        csp,
        Map.of());
  }

  /** What the checks get to know about one request. */
  private CheckContext context(String root, String token, Optional<InetAddress> client) {
    return new Context(token, client, clock.instant(), powValidity, root, stamps, text);
  }

  /** The page's {@link CheckContext}: one per request. */
  private record Context(
      String token,
      Optional<InetAddress> client,
      Instant now,
      Duration validity,
      String root,
      CheckStamps stamps,
      PageText pageText)
      implements CheckContext {
    @Override
    public String text(String key, Object... args) {
      return pageText.get(key, args);
    }

    @Override
    public String languageTag() {
      return pageText.languageTag();
    }
  }

  /**
   * Whether {@code token} is a link this site minted and that has not expired: the server charges
   * the per-link POST cap only for these, so that posts to made-up links can neither be capped nor
   * push a real link's count out of the limiter's memory. Cheap (one HMAC), no store access.
   *
   * @param token the token part of a {@code /c/<token>} path
   * @return whether it verifies
   */
  boolean isAuthentic(String token) {
    try {
      tokens.verify(token);
      return true;
    } catch (TokenException e) {
      return false;
    }
  }

  /**
   * Verifies the token and that it carries canonical addresses (as every token a correct engine
   * mints does), so that the GET never offers a check the POST would then refuse.
   */
  private Link verify(String token) {
    ChallengeClaims claims = tokens.verify(token);
    try {
      return new Link(
          claims,
          CanonicalAddress.parseCanonical(claims.sender()),
          CanonicalAddress.parseCanonical(claims.recipient()));
    } catch (InvalidAddressException e) {
      log.warn(
          "challenge token signed with our key carries a non-canonical address (key id {})",
          claims.keyId());
      throw new TokenException(TokenException.Reason.MALFORMED, "token address is not canonical");
    }
  }

  private PageResponse checkProblem(
      int status, String root, String token, String titleKey, String textKey, Object... args) {
    String title = text.get(titleKey);
    String main =
        "<h1>"
            + Html.escape(title)
            + "</h1>\n<p>"
            + Html.escape(text.get(textKey, args))
            + "</p>\n"
            + "<p>"
            + Html.escape(text.get("check.failed.nothing"))
            + "</p>\n"
            + "<p><a href=\""
            + Html.escape(token)
            + "\">"
            + Html.escape(text.get("check.failed.again"))
            + "</a></p>\n";
    return Pages.page(status, root, title, main, false);
  }

  /**
   * The page for a token that did not verify. The status and the text differ by reason, so a person
   * (and a test) can tell a cut-off link from an expired one.
   */
  static PageResponse tokenProblem(String root, TokenException.Reason reason) {
    return switch (reason) {
      case MALFORMED, UNSUPPORTED_VERSION ->
          Pages.simple(
              400,
              root,
              "This link is not valid",
              "This confirmation link is not valid. It may have been cut off or changed when the message was "
                  + "copied: make sure you opened the whole link, which stands on a line of its own.",
              "Nothing was recorded.");
      case BAD_SIGNATURE ->
          Pages.simple(
              403,
              root,
              "This link is not valid",
              "This confirmation link is not valid: it was changed, or it was not made by this site.",
              "Nothing was recorded.");
      case NOT_YET_VALID ->
          Pages.simple(
              403,
              root,
              "This link is not valid yet",
              "This confirmation link is dated in the future, so the clocks of the mail system and of this site "
                  + "disagree. Try again in a few minutes.",
              "Nothing was recorded.");
      case EXPIRED ->
          Pages.simple(
              410,
              root,
              "This link has expired",
              "This confirmation link is too old. Send your message again: the reply you get back holds a "
                  + "fresh link.",
              "Nothing was recorded.");
      case UNKNOWN_KEY ->
          Pages.simple(
              404,
              root,
              "This link is no longer valid",
              "This confirmation link was made with a key this site has since retired. Send your message "
                  + "again: the reply you get back holds a fresh link.",
              "Nothing was recorded.");
    };
  }

  private static PageResponse notFound(String root) {
    return Pages.simple(404, root, "Not found", "There is nothing at this address.");
  }

  private String withSubaddress(CanonicalAddress recipient, String code) {
    String local = recipient.localPart();
    String ext = subaddressSeparator + code;
    if (local.length() >= 2 && local.startsWith("\"") && local.endsWith("\"")) {
      return local.substring(0, local.length() - 1) + ext + "\"@" + recipient.domain();
    }
    return local + ext + "@" + recipient.domain();
  }

  private static String stripQuery(String path) {
    int q = path.indexOf('?');
    int h = path.indexOf('#');
    int end = q < 0 ? h : (h < 0 ? q : Math.min(q, h));
    return end < 0 ? path : path.substring(0, end);
  }

  private static boolean isForm(String contentType) {
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    return type.equalsIgnoreCase(FORM_TYPE);
  }

  @Override
  public String toString() {
    return "ChallengePage[checks="
        + checkNames()
        + ", powDifficultyBits="
        + pow.bits()
        + ", powValidity="
        + powValidity
        + ", whitelistExpiry="
        + whitelistExpiry
        + ", store="
        + store.getClass().getSimpleName()
        + "]";
  }

  /** A verified link: its claims and its two addresses. */
  private record Link(
      ChallengeClaims claims, CanonicalAddress sender, CanonicalAddress recipient) {}

  /** A static file from the classpath, read once. */
  @SuppressWarnings("ArrayRecordComponent") // private holder, never compared, hashed or printed
  private record Asset(byte[] bytes, String contentType) {
    static Asset load(String name, String contentType) {
      try (InputStream in = ChallengePage.class.getResourceAsStream("static/" + name)) {
        if (in == null) {
          throw new IllegalStateException("missing resource static/" + name);
        }
        return new Asset(in.readAllBytes(), contentType);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read resource static/" + name, e);
      }
    }

    PageResponse response() {
      return new PageResponse(200, Pages.securityHeaders(contentType, "no-cache"), bytes);
    }
  }

  /**
   * Builds a {@link ChallengePage}. Each option may be set once. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private ChallengeTokens tokens;
    private PassCodes passCodes;
    private WhitelistStore store;
    private Clock clock;
    private Integer bits;
    private Duration powValidity;
    private Duration whitelistExpiry;
    private boolean whitelistExpirySet;
    private AddressCanonicalizer canonicalizer;
    private Boolean confirmOnClick;
    private PageListener listener;
    private Integer perRecipientPerDay;
    private Integer perSenderDomainPerDay;
    private Integer perNetworkPerHour;
    private LogAddresses logAddresses;
    private List<String> checkNames;
    private final Map<String, HumanCheck> added = new LinkedHashMap<>();
    private Duration pageWait;
    private Settings settings;

    private Builder() {}

    /**
     * The human checks the page offers, by name, in order (default {@code pow, wait}; setting
     * {@link Settings#PAGE_CHECKS}): the first is the main check, shown to everyone; when it needs
     * JavaScript, the first later check that does not (such as {@code wait}) is shown inside {@code
     * <noscript>}. A POST is verified by the listed check its {@code check} field names (by the
     * first when the field is missing); one naming a check not listed here is refused. Names are
     * {@code pow}, {@code wait}, those of checks {@linkplain #addCheck added} to this builder and
     * those registered in {@link HumanCheckRegistry} (made from the {@linkplain #settings
     * settings}).
     *
     * <p>A site may leave {@code wait} out (a bot pays nothing but the wait for it), but then a
     * browser without JavaScript cannot confirm, and a site whose only checks are CAPTCHAs offers
     * no alternative to a cognitive test (WCAG 2.2 SC 3.3.8); the page logs a warning for the
     * latter.
     *
     * @param names one or more check names, each once
     * @return this builder
     * @since 0.4.0
     */
    public Builder checks(List<String> names) {
      checkState(this.checkNames == null, "checks was already set");
      requireNonNull(names, "names");
      checkArgument(!names.isEmpty(), "checks needs at least one check");
      checkArgument(
          names.stream().distinct().count() == names.size(), "checks names a check twice");
      names.forEach(n -> requireNonNull(n, "check name"));
      this.checkNames = List.copyOf(names);
      return this;
    }

    /**
     * Makes a check of the site's own (or one configured in code, such as a hosted CAPTCHA with its
     * keys) available under its {@link HumanCheck#name()}; list the name in {@link #checks} to
     * offer it. Replaces a registered check of the same name; the names {@code pow} and {@code
     * wait} are the page's own.
     *
     * @param check the check
     * @return this builder
     * @since 0.4.0
     */
    public Builder addCheck(HumanCheck check) {
      requireNonNull(check, "check");
      String name = check.name();
      checkArgument(
          name != null && HumanCheck.NAME.matcher(name).matches(),
          "a check name is 1..20 of a-z, 0-9 and -, starting with a letter");
      checkArgument(
          !name.equals(HumanCheckRegistry.POW) && !name.equals(HumanCheckRegistry.WAIT),
          "%s is a built-in check",
          name);
      checkState(!added.containsKey(name), "a check named %s was already added", name);
      added.put(name, check);
      return this;
    }

    /**
     * How long the no-JavaScript check ({@code wait}) makes a person wait between opening the page
     * and pressing Confirm (default 5 seconds, 1 second to 2 minutes; setting {@link
     * Settings#PAGE_WAIT}). The time is checked in whole seconds.
     *
     * @param wait the wait
     * @return this builder
     * @since 0.4.0
     */
    public Builder pageWait(Duration wait) {
      checkState(this.pageWait == null, "pageWait was already set");
      requireNonNull(wait, "wait");
      checkArgument(
          wait.compareTo(Duration.ofSeconds(1)) >= 0 && wait.compareTo(Duration.ofMinutes(2)) <= 0,
          "pageWait must be 1 s..2 min, got %s",
          wait);
      this.pageWait = wait;
      return this;
    }

    /** The listed checks, made: the page's own, the added ones, then the registered ones. */
    private List<HumanCheck> resolveChecks(PowCheck pow) {
      List<String> names =
          checkNames == null
              ? List.of(HumanCheckRegistry.POW, HumanCheckRegistry.WAIT)
              : checkNames;
      List<HumanCheck> out = new ArrayList<>();
      for (String n : names) {
        if (n.equals(HumanCheckRegistry.POW)) {
          out.add(pow);
        } else if (n.equals(HumanCheckRegistry.WAIT)) {
          out.add(new WaitCheck(pageWait == null ? WaitCheck.DEFAULT_WAIT : pageWait));
        } else if (added.containsKey(n)) {
          out.add(added.get(n));
        } else {
          HumanCheck.Factory factory =
              HumanCheckRegistry.factory(n)
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              "no human check named "
                                  + LogSafe.of(n)
                                  + "; known: "
                                  + HumanCheckRegistry.names()));
          HumanCheck made = factory.create(settings == null ? Settings.defaults() : settings);
          checkArgument(
              n.equals(made.name()),
              "the factory of check %s made a check named %s",
              n,
              made.name());
          out.add(made);
        }
      }
      if (out.stream().allMatch(HumanCheck::cognitive)) {
        log.warn(
            "every human check of the page ({}) is a cognitive test: add wait or pow so that people"
                + " who cannot solve it can still confirm (WCAG 2.2 SC 3.3.8)",
            names);
      }
      return List.copyOf(out);
    }

    /**
     * The tokens to verify links with (required): the same key ring as the decision engine's.
     *
     * @param tokens the token verifier
     * @return this builder
     */
    public Builder tokens(ChallengeTokens tokens) {
      checkState(this.tokens == null, "tokens was already set");
      this.tokens = requireNonNull(tokens, "tokens");
      return this;
    }

    /**
     * The pass codes to show after a confirmation (required): the same key ring as the engine's
     * {@code PassCodeRule}.
     *
     * @param passCodes the pass codes
     * @return this builder
     */
    public Builder passCodes(PassCodes passCodes) {
      checkState(this.passCodes == null, "passCodes was already set");
      this.passCodes = requireNonNull(passCodes, "passCodes");
      return this;
    }

    /**
     * Where confirmed pairs are written (required): the store the engine's whitelist rule reads.
     *
     * @param store the whitelist store
     * @return this builder
     */
    public Builder store(WhitelistStore store) {
      checkState(this.store == null, "store was already set");
      this.store = requireNonNull(store, "store");
      return this;
    }

    /**
     * The clock for the check's time stamps and whitelist expiries (default: system UTC).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      checkState(this.clock == null, "clock was already set");
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The proof-of-work difficulty in leading zero bits of SHA-256, 0 to {@value
     * ChallengePage#MAX_POW_DIFFICULTY_BITS} (default {@value
     * ChallengePage#DEFAULT_POW_DIFFICULTY_BITS}; setting {@code powBits}). Each bit doubles the
     * expected work. Measured: a headless Chromium pays 11 to 14 µs of CPU per hash (about 3 s at
     * 18 bits, 13 s at 20), a native solver about 60 ns (17 ms at 18 bits), so the check slows a
     * bot about 200 times less than it slows a person; see docs/benchmarks.md.
     *
     * @param bits the difficulty
     * @return this builder
     */
    public Builder powDifficultyBits(int bits) {
      checkState(this.bits == null, "powDifficultyBits was already set");
      checkArgument(
          bits >= 0 && bits <= MAX_POW_DIFFICULTY_BITS,
          "powDifficultyBits must be 0..%s, got %s",
          MAX_POW_DIFFICULTY_BITS,
          bits);
      this.bits = bits;
      return this;
    }

    /**
     * How long a rendered check may be answered (default 10 minutes; 1 minute to 1 day).
     *
     * @param validity the time from rendering the page to posting the answer
     * @return this builder
     */
    public Builder powValidity(Duration validity) {
      checkState(this.powValidity == null, "powValidity was already set");
      requireNonNull(validity, "validity");
      checkArgument(
          validity.compareTo(Duration.ofMinutes(1)) >= 0
              && validity.compareTo(Duration.ofDays(1)) <= 0,
          "powValidity must be 1 minute..1 day, got %s",
          validity);
      this.powValidity = validity;
      return this;
    }

    /**
     * How long a confirmation lasts (default {@link ChallengePage#DEFAULT_WHITELIST_EXPIRY}, 400
     * days); {@link Duration#ZERO} keeps confirmations for good. Renewing a confirmation extends it
     * to this long from now.
     *
     * @param expiry the lifetime of a whitelist entry written by the page; zero for good
     * @return this builder
     */
    public Builder whitelistExpiry(Duration expiry) {
      checkState(!whitelistExpirySet, "whitelistExpiry was already set");
      requireNonNull(expiry, "expiry");
      checkArgument(!expiry.isNegative(), "whitelistExpiry must not be negative, got %s", expiry);
      this.whitelistExpiry = expiry;
      this.whitelistExpirySet = true;
      return this;
    }

    /**
     * Most confirmations that create an entry for one recipient in one UTC day (default {@value
     * ChallengePage#DEFAULT_CONFIRMATIONS_PER_RECIPIENT_PER_DAY}). Counted in the store, so every
     * page front end that shares it shares the limit.
     *
     * @param limit at least 1
     * @return this builder
     * @since 0.3.0
     */
    public Builder confirmationsPerRecipientPerDay(int limit) {
      checkState(perRecipientPerDay == null, "confirmationsPerRecipientPerDay was already set");
      this.perRecipientPerDay = positive("confirmationsPerRecipientPerDay", limit);
      return this;
    }

    /**
     * Most confirmations that create an entry for senders of one organizational domain (the
     * registrable domain by the public suffix list: {@code mail.example.co.uk} counts as {@code
     * example.co.uk}) in one UTC day (default {@value
     * ChallengePage#DEFAULT_CONFIRMATIONS_PER_SENDER_DOMAIN_PER_DAY}).
     *
     * @param limit at least 1
     * @return this builder
     * @since 0.3.0
     */
    public Builder confirmationsPerSenderDomainPerDay(int limit) {
      checkState(
          perSenderDomainPerDay == null, "confirmationsPerSenderDomainPerDay was already set");
      this.perSenderDomainPerDay = positive("confirmationsPerSenderDomainPerDay", limit);
      return this;
    }

    /**
     * Most confirmations that create an entry from one client network (IPv4 /24, IPv6 /48) in one
     * clock hour (default {@value ChallengePage#DEFAULT_CONFIRMATIONS_PER_NETWORK_PER_HOUR}).
     *
     * @param limit at least 1
     * @return this builder
     * @since 0.3.0
     */
    public Builder confirmationsPerNetworkPerHour(int limit) {
      checkState(perNetworkPerHour == null, "confirmationsPerNetworkPerHour was already set");
      this.perNetworkPerHour = positive("confirmationsPerNetworkPerHour", limit);
      return this;
    }

    private static int positive(String name, int limit) {
      checkArgument(limit >= 1, "%s must be at least 1, got %s", name, limit);
      return limit;
    }

    /**
     * The canonicalizer the site's engine uses (default {@link AddressCanonicalizer#standard()}):
     * the page shows the pass-code address with its first sub-address separator (Postfix's {@code
     * recipient_delimiter}), so that the engine finds the code there.
     *
     * @param canonicalizer the engine's canonicalizer; it must have a sub-address separator
     * @return this builder
     * @throws IllegalArgumentException if the canonicalizer keeps sub-addresses (no separator)
     */
    public Builder canonicalizer(AddressCanonicalizer canonicalizer) {
      checkState(this.canonicalizer == null, "canonicalizer was already set");
      requireNonNull(canonicalizer, "canonicalizer");
      checkArgument(
          !canonicalizer.subaddressSeparators().isEmpty(),
          "the page shows pass codes in the sub-address: the canonicalizer needs a sub-address separator");
      this.canonicalizer = canonicalizer;
      return this;
    }

    /**
     * Takes the page's options from the runtime's settings: the {@linkplain
     * Settings#canonicalizer() canonicalizer} it shares with the engine, {@link
     * Settings#WHITELIST_EXPIRY}, {@link Settings#POW_BITS} and the three confirmation limits
     * ({@link Settings#CONFIRMATIONS_PER_RECIPIENT_PER_DAY}, {@link
     * Settings#CONFIRMATIONS_PER_SENDER_DOMAIN_PER_DAY}, {@link
     * Settings#CONFIRMATIONS_PER_NETWORK_PER_HOUR}), {@link Settings#PAGE_CHECKS} and {@link
     * Settings#PAGE_WAIT}, each as configured or defaulted. Sets all of these options; do not set
     * them separately as well. Checks registered in {@link HumanCheckRegistry} are made from these
     * settings.
     *
     * @param settings the settings
     * @return this builder
     * @since 0.1.0
     */
    public Builder settings(Settings settings) {
      requireNonNull(settings, "settings");
      canonicalizer(settings.canonicalizer());
      settings.find(Settings.WHITELIST_EXPIRY).ifPresent(this::whitelistExpiry);
      settings.find(Settings.POW_BITS).ifPresent(this::powDifficultyBits);
      settings
          .find(Settings.CONFIRMATIONS_PER_RECIPIENT_PER_DAY)
          .ifPresent(this::confirmationsPerRecipientPerDay);
      settings
          .find(Settings.CONFIRMATIONS_PER_SENDER_DOMAIN_PER_DAY)
          .ifPresent(this::confirmationsPerSenderDomainPerDay);
      settings
          .find(Settings.CONFIRMATIONS_PER_NETWORK_PER_HOUR)
          .ifPresent(this::confirmationsPerNetworkPerHour);
      settings.find(Settings.LOG_ADDRESSES).ifPresent(this::logAddresses);
      settings.find(Settings.PAGE_CHECKS).ifPresent(this::checks);
      settings.find(Settings.PAGE_WAIT).ifPresent(this::pageWait);
      this.settings = settings;
      return this;
    }

    /**
     * What the page's log lines (one INFO line per confirmation and per refusal) write for the
     * sender, the recipient and the client's network (default {@link LogAddresses#FULL}); {@link
     * Settings#LOG_ADDRESSES}.
     *
     * @param mode full, hash or none
     * @return this builder
     * @since 0.3.0
     */
    public Builder logAddresses(LogAddresses mode) {
      checkState(this.logAddresses == null, "logAddresses was already set");
      this.logAddresses = requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Who hears the page's outcomes, for metrics (default {@link PageListener#none()}): link views,
     * recorded confirmations and refusals by reason.
     *
     * @param listener the listener
     * @return this builder
     * @since 0.3.0
     */
    public Builder listener(PageListener listener) {
      checkState(this.listener == null, "listener was already set");
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Whether the page waits for the person to press the button before it sends the answer (default
     * true). The check itself runs as soon as the page opens either way. With false the answer is
     * sent as soon as the check is done, which saves a click but lets a link scanner that runs
     * scripts (mail security gateways open the links in a bounce) confirm a sender by itself.
     *
     * @param enabled true to require a click
     * @return this builder
     */
    public Builder confirmOnClick(boolean enabled) {
      checkState(this.confirmOnClick == null, "confirmOnClick was already set");
      this.confirmOnClick = enabled;
      return this;
    }

    /**
     * The page.
     *
     * @return the page
     * @throws IllegalStateException if tokens, pass codes or store were not set
     */
    public ChallengePage build() {
      checkState(tokens != null, "tokens is required");
      checkState(passCodes != null, "passCodes is required");
      checkState(store != null, "store is required");
      if (canonicalizer == null) {
        canonicalizer = AddressCanonicalizer.standard();
      }
      return new ChallengePage(this);
    }
  }
}
