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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import org.smtpcr.examples.web.Pages.View;
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
 * <p>Pages come in the language the request's {@code Accept-Language} prefers among the built-in
 * ones and those of {@link Builder#pageTexts(Path) an operator's directory} (English by default and
 * for the overloads without the header), with {@code <html lang dir>}, {@code Content-Language} and
 * {@code Vary: Accept-Language}, and name the operator ({@link Builder#organization}, {@link
 * Builder#contact}, {@link Builder#privacyNotice}) in a header and footer; see
 * docs/challenge-page.md, "Languages" and "Branding the page".
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
  private final int perRecipientPerDay;
  private final int perSenderDomainPerDay;
  private final int perNetworkPerHour;
  private final PageListener listener;
  private final LogLine lines;
  private final PageTexts texts;
  private final PageShell shell;
  private final Map<String, Asset> assets;

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
    this.texts = b.pageTexts == null ? PageTexts.builtIn() : PageTexts.load(b.pageTexts);
    this.shell =
        PageShell.of(
            Optional.ofNullable(b.template),
            new PageShell.Branding(
                Optional.ofNullable(b.organization),
                Optional.ofNullable(b.contact),
                Optional.ofNullable(b.privacyNotice),
                whitelistExpiry));
    if (b.stylesheet == null) {
      this.assets = ASSETS;
    } else {
      Map<String, Asset> a = new java.util.HashMap<>(ASSETS);
      a.put("/static/page.css", Asset.file(b.stylesheet, "text/css; charset=utf-8"));
      this.assets = Map.copyOf(a);
    }
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
    return get(path, "");
  }

  /**
   * Answers a GET (or HEAD) in the language the request prefers: {@link #get(String)} with the
   * request's {@code Accept-Language}.
   *
   * @param path the request path, such as {@code /c/<token>}; a query string is ignored
   * @param acceptLanguage the request's {@code Accept-Language} header, empty when absent
   * @return the response
   * @since 0.4.0
   */
  public PageResponse get(String path, String acceptLanguage) {
    requireNonNull(path, "path");
    requireNonNull(acceptLanguage, "acceptLanguage");
    if (path.length() > MAX_PATH_LENGTH) {
      return view("/", acceptLanguage).error(414, "error.too-long");
    }
    String p = stripQuery(path);
    if (!p.startsWith("/")) {
      return notFound(view("/", acceptLanguage));
    }
    Asset asset = assets.get(p);
    if (asset != null) {
      return asset.response();
    }
    View v = view(Pages.rootOf(p), acceptLanguage);
    if (p.equals("/")) {
      return v.error(200, "home");
    }
    if (p.startsWith(TOKEN_PREFIX)) {
      String token = p.substring(TOKEN_PREFIX.length());
      if (token.indexOf('/') >= 0) {
        return notFound(v);
      }
      return challenge(v, token);
    }
    return notFound(v);
  }

  /** A view of the page in the language {@code acceptLanguage} prefers, with this site's shell. */
  View view(String root, String acceptLanguage) {
    return new View(root, texts.select(acceptLanguage), shell);
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
    return post(path, contentType, body, client, "");
  }

  /**
   * Answers a POST in the language the request prefers: {@link #post(String, String, byte[],
   * InetAddress)} with the request's {@code Accept-Language}.
   *
   * @param path the request path; a query string is ignored
   * @param contentType the request's Content-Type header, empty when absent
   * @param body the request body
   * @param client the client's address (as resolved through trusted proxies by the host)
   * @param acceptLanguage the request's {@code Accept-Language} header, empty when absent
   * @return the response
   * @since 0.4.0
   */
  public PageResponse post(
      String path, String contentType, byte[] body, InetAddress client, String acceptLanguage) {
    requireNonNull(path, "path");
    requireNonNull(contentType, "contentType");
    requireNonNull(body, "body");
    requireNonNull(client, "client");
    requireNonNull(acceptLanguage, "acceptLanguage");
    if (path.length() > MAX_PATH_LENGTH) {
      return view("/", acceptLanguage).error(414, "error.too-long");
    }
    String p = stripQuery(path);
    if (!p.startsWith("/")) {
      return notFound(view("/", acceptLanguage));
    }
    String root = Pages.rootOf(p);
    View v = view(root, acceptLanguage);
    if (!p.startsWith(TOKEN_PREFIX) || p.indexOf('/', TOKEN_PREFIX.length()) >= 0) {
      if (p.equals("/") || assets.containsKey(p)) {
        return v.error(405, "error.read-only", Map.of("Allow", "GET, HEAD"));
      }
      return notFound(v);
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
      return tokenProblem(v, e.reason());
    }
    String canonicalToken = token.toLowerCase(Locale.ROOT);
    if (body.length > MAX_FORM_BYTES) {
      tell(l -> l.onRefusal("bad-request"));
      return v.error(413, "error.too-large");
    }
    if (!isForm(contentType)) {
      tell(l -> l.onRefusal("bad-request"));
      return v.error(415, "error.not-a-form");
    }
    Optional<FormBody> parsed = FormBody.parse(body);
    if (parsed.isEmpty()) {
      logRefusal("bad-check", "-", "missing", link, network);
      return checkProblem(400, v, canonicalToken, "check.absent.title", "check.absent.text");
    }
    FormBody form = parsed.get();
    Optional<String> named = form.get(HumanCheck.CHECK_FIELD);
    Optional<HumanCheck> check =
        named.isEmpty()
            ? Optional.of(checks.get(0))
            : checks.stream().filter(c -> c.name().equals(named.get())).findFirst();
    if (check.isEmpty()) {
      logRefusal("bad-check", "-", "not-offered", link, network);
      return checkProblem(400, v, canonicalToken, "check.unknown.title", "check.unknown.text");
    }
    HumanCheck answered = check.get();
    CheckResult result;
    try {
      result = answered.verify(context(v, canonicalToken, Optional.of(client)), form::get);
    } catch (RuntimeException e) {
      log.warn("human check {} failed: {}", answered.name(), e.getClass().getSimpleName());
      result = CheckResult.unavailable("check-error", Duration.ofSeconds(60));
    }
    if (result == null) {
      // a site's own check with a bug: never a confirmation
      log.warn("human check {} answered null", answered.name());
      result = CheckResult.unavailable("check-error", Duration.ofSeconds(60));
    }
    if (result instanceof CheckResult.Absent) {
      logRefusal("bad-check", answered.name(), "missing", link, network);
      return checkProblem(400, v, canonicalToken, "check.absent.title", "check.absent.text");
    }
    if (result instanceof CheckResult.Failed f) {
      logRefusal("bad-check", answered.name(), f.detail(), link, network);
      return checkProblem(
          f.status(), v, canonicalToken, f.titleKey(), f.textKey(), f.textArgs().toArray());
    }
    if (result instanceof CheckResult.Unavailable u) {
      logRefusal("check-unavailable", answered.name(), u.detail(), link, network);
      return v.simple(
          503,
          v.t("check.unavailable.title"),
          Map.of("Retry-After", Long.toString(u.retryAfter().toSeconds())),
          v.t("check.unavailable.text"),
          v.t("common.nothing-recorded"));
    }
    if (!(result instanceof CheckResult.Passed)) {
      throw new IllegalStateException("a check result this page does not know: " + result);
    }
    return confirm(v, link, network);
  }

  /**
   * Deny list, then the limits (only for a pair that has no entry yet), then {@link
   * WhitelistStore#confirm}, which creates, renews or keeps the entry atomically.
   */
  private PageResponse confirm(View v, Link link, String network) {
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
        String main =
            "<h1>"
                + Html.escape(v.t("refused.denied.title"))
                + "</h1>\n<p>"
                + v.h("refused.denied.text", bdi(claims.sender()), bdi(claims.recipient()))
                + "</p>\n<p>"
                + Html.escape(v.t("refused.denied.futile"))
                + "</p>\n";
        return v.page(403, v.t("refused.denied.title"), main, false);
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
          return v.keyed(
              429,
              "refused.limit",
              Map.of("Retry-After", Long.toString(wait)),
              "refused.limit.text",
              "common.nothing-recorded");
        }
      }
      done = store.confirm(pair, expiresAt, claims.authentication(), EntryOrigin.PAGE);
    } catch (RuntimeException e) {
      log.warn(
          "whitelist store failed while confirming a sender: {}: {}",
          e.getClass().getSimpleName(),
          LogSafe.of(String.valueOf(e.getMessage())));
      tell(l -> l.onRefusal("store-failure"));
      return v.error(503, "refused.store", Map.of("Retry-After", "120"));
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
      case CREATED -> created(v, link, expiresAt);
      case RENEWED -> renewed(v, link, renewedUntil(existing, expiresAt));
      case KEPT -> kept(v, link);
    };
  }

  private PageResponse created(View v, Link link, Optional<Instant> expiresAt) {
    ChallengeClaims claims = link.claims();
    String code = PassCodes.grouped(passCodes.compute(claims.sender(), claims.recipient()));
    String viaCode = withSubaddress(link.recipient(), code);

    StringBuilder sb = new StringBuilder(1024);
    sb.append("<h1 id=\"done\">")
        .append(Html.escape(v.t("done.heading")))
        .append("</h1>\n")
        .append(pairLine(v, "done.pair", claims))
        .append("<p class=\"next\"><strong>")
        .append(Html.escape(v.t("done.resend")))
        .append("</strong> ")
        .append(Html.escape(v.t("done.accepted")))
        .append("</p>\n");
    expiresAt.ifPresent(
        t ->
            sb.append("<p>")
                .append(Html.escape(v.t("done.until", v.text().dateTime(t))))
                .append("</p>\n"));
    sb.append("<h2>")
        .append(Html.escape(v.t("done.code.heading")))
        .append("</h2>\n<p>")
        .append(Html.escape(v.t("done.code.text")))
        .append("</p>\n")
        .append("<p class=\"code\"><code id=\"pass-address\"><bdi>")
        .append(Html.escape(viaCode))
        .append("</bdi></code></p>\n")
        .append("<p>")
        .append(
            v.h(
                "done.code.is",
                "<code id=\"pass-code\">" + Html.escape(code) + "</code>",
                bdi(claims.sender())))
        .append("</p>\n");
    return v.page(200, v.t("done.title"), sb.toString(), false);
  }

  /** A pair confirmed before: renewed, and no pass code (it was shown when the entry was made). */
  private PageResponse renewed(View v, Link link, Optional<Instant> until) {
    StringBuilder sb = new StringBuilder(512);
    sb.append("<h1 id=\"renewed\">")
        .append(Html.escape(v.t("renewed.heading")))
        .append("</h1>\n")
        .append(pairLine(v, "renewed.pair", link.claims()))
        .append("<p>")
        .append(
            Html.escape(
                until
                    .map(t -> v.t("renewed.until", v.text().dateTime(t)))
                    .orElseGet(() -> v.t("renewed.for-good"))))
        .append("</p>\n")
        .append("<p class=\"next\"><strong>")
        .append(Html.escape(v.t("done.resend")))
        .append("</strong> ")
        .append(Html.escape(v.t("renewed.accepted")))
        .append("</p>\n");
    return v.page(200, v.t("renewed.title"), sb.toString(), false);
  }

  /** An administrator's entry: nothing was written, and no pass code. */
  private PageResponse kept(View v, Link link) {
    StringBuilder sb = new StringBuilder(512);
    sb.append("<h1 id=\"kept\">")
        .append(Html.escape(v.t("kept.heading")))
        .append("</h1>\n")
        .append(pairLine(v, "renewed.pair", link.claims()))
        .append("<p>")
        .append(Html.escape(v.t("kept.text")))
        .append("</p>\n")
        .append("<p class=\"next\"><strong>")
        .append(Html.escape(v.t("done.resend")))
        .append("</strong></p>\n");
    return v.page(200, v.t("kept.title"), sb.toString(), false);
  }

  private static String pairLine(View v, String key, ChallengeClaims claims) {
    return "<p class=\"pair\">"
        + v.h(key, strongBdi(claims.sender()), strongBdi(claims.recipient()))
        + "</p>\n";
  }

  private static String bdi(String text) {
    return "<bdi>" + Html.escape(text) + "</bdi>";
  }

  private static String strongBdi(String text) {
    return "<strong>" + bdi(text) + "</strong>";
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

  private PageResponse challenge(View v, String token) {
    ChallengeClaims claims;
    try {
      claims = verify(token).claims();
    } catch (TokenException e) {
      tell(l -> l.onView(e.reason() == TokenException.Reason.EXPIRED ? "expired" : "invalid"));
      return tokenProblem(v, e.reason());
    }
    tell(l -> l.onView("valid"));
    String canonicalToken = token.toLowerCase(Locale.ROOT);
    CheckContext context = context(v, canonicalToken, Optional.empty());
    StringBuilder sb = new StringBuilder(4096);
    sb.append("<h1>")
        .append(Html.escape(v.t("challenge.title")))
        .append("</h1>\n")
        .append(pairLine(v, "challenge.pair", claims))
        .append("<h2>")
        .append(Html.escape(v.t("challenge.why.heading")))
        .append("</h2>\n<p>")
        .append(v.h("challenge.why.text", bdi(claims.recipient())))
        .append("</p>\n");
    HumanCheck main = checks.get(0);
    CheckFragment mainForm = main.render(context);
    sb.append(mainForm.html());
    CspSources csp = main.cspSources();
    if (main.needsScript()) {
      Optional<HumanCheck> fallback = checks.stream().filter(c -> !c.needsScript()).findFirst();
      if (fallback.isPresent()) {
        sb.append("<noscript>\n<h2 id=\"noscript-title\">")
            .append(Html.escape(v.t("check.noscript.title")))
            .append("</h2>\n")
            .append(fallback.get().render(context).html())
            .append("</noscript>\n");
        csp = csp.and(fallback.get().cspSources());
      } else {
        sb.append("<noscript><p class=\"problem\">")
            .append(Html.escape(v.t("check.noscript.none")))
            .append("</p></noscript>\n");
      }
    }
    sb.append("<p class=\"small\">")
        .append(Html.escape(v.t("check.expires", Math.max(1, powValidity.toMinutes()))))
        .append("</p>\n");
    return v.page(200, v.t("challenge.title"), sb.toString(), mainForm.scripts(), csp, Map.of());
  }

  /** What the checks get to know about one request. */
  private CheckContext context(View v, String token, Optional<InetAddress> client) {
    return new Context(token, client, clock.instant(), powValidity, v.root(), stamps, v.text());
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
      int status, View v, String token, String titleKey, String textKey, Object... args) {
    String title = v.t(titleKey);
    String main =
        "<h1>"
            + Html.escape(title)
            + "</h1>\n<p>"
            + Html.escape(v.t(textKey, args))
            + "</p>\n"
            + "<p>"
            + Html.escape(v.t("common.nothing-recorded"))
            + "</p>\n"
            + "<p><a href=\""
            + Html.escape(token)
            + "\">"
            + Html.escape(v.t("common.open-check-again"))
            + "</a></p>\n";
    return v.page(status, title, main, false);
  }

  /**
   * The page for a token that did not verify. The status and the text differ by reason, so a person
   * (and a test) can tell a cut-off link from an expired one.
   */
  static PageResponse tokenProblem(View v, TokenException.Reason reason) {
    return switch (reason) {
      case MALFORMED, UNSUPPORTED_VERSION -> linkProblem(v, 400, "link.malformed");
      case BAD_SIGNATURE -> linkProblem(v, 403, "link.bad-signature");
      case NOT_YET_VALID -> linkProblem(v, 403, "link.not-yet-valid");
      case EXPIRED -> linkProblem(v, 410, "link.expired");
      case UNKNOWN_KEY -> linkProblem(v, 404, "link.unknown-key");
    };
  }

  private static PageResponse linkProblem(View v, int status, String key) {
    return v.keyed(status, key, Map.of(), key + ".text", "common.nothing-recorded");
  }

  private static PageResponse notFound(View v) {
    return v.error(404, "error.not-found");
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

    /** An operator's file, read once at start; at most {@value #MAX_FILE_BYTES} bytes. */
    static Asset file(Path file, String contentType) {
      try {
        if (Files.size(file) > MAX_FILE_BYTES) {
          throw new IllegalArgumentException(file + ": larger than " + MAX_FILE_BYTES + " bytes");
        }
        return new Asset(Files.readAllBytes(file), contentType);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }

    static final int MAX_FILE_BYTES = 512 * 1024;

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
    private Path pageTexts;
    private Path template;
    private Path stylesheet;
    private String organization;
    private String contact;
    private URI privacyNotice;

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
     * A directory of page texts merged over the built-in ones, read when the page is built ({@link
     * Settings#PAGE_TEXTS}): {@code messages_xx.properties} files (UTF-8) that change single texts
     * of a language or add one; see docs/challenge-page.md, "Languages".
     *
     * @param dir the directory
     * @return this builder
     * @since 0.4.0
     */
    public Builder pageTexts(Path dir) {
      checkState(this.pageTexts == null, "pageTexts was already set");
      this.pageTexts = requireNonNull(dir, "dir");
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
     * An HTML template of the operator's own for every page ({@link Settings#PAGE_TEMPLATE}), with
     * placeholders {@code {{lang}} {{dir}} {{title}} {{head}} {{main}}} (required) and {@code
     * {{org}} {{header}} {{footer}}}; read and checked when the page is built.
     *
     * @param file the template file (UTF-8)
     * @return this builder
     * @since 0.4.0
     */
    public Builder template(Path file) {
      checkState(this.template == null, "template was already set");
      this.template = requireNonNull(file, "file");
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
     * A stylesheet of the operator's own, served as {@code /static/page.css} in place of the
     * built-in one ({@link Settings#PAGE_CSS}); read when the page is built.
     *
     * @param file the CSS file (UTF-8)
     * @return this builder
     * @since 0.4.0
     */
    public Builder stylesheet(Path file) {
      checkState(this.stylesheet == null, "stylesheet was already set");
      this.stylesheet = requireNonNull(file, "file");
      return this;
    }

    /**
     * The name of the organisation that runs the page, shown on every page ({@link
     * Settings#PAGE_ORGANIZATION}).
     *
     * @param name 1 to 200 characters of one line
     * @return this builder
     * @throws IllegalArgumentException for a blank or long name, or one with control characters
     * @since 0.4.0
     */
    public Builder organization(String name) {
      checkState(this.organization == null, "organization was already set");
      this.organization = PageShell.Branding.checkOrganization(requireNonNull(name, "name"));
      return this;
    }

    /**
     * The address people may write to about the page, shown as a mail link on every page ({@link
     * Settings#PAGE_CONTACT}). Not guessed when absent: the page then names no contact.
     *
     * @param address a plain address such as {@code postmaster@example.com}
     * @return this builder
     * @since 0.4.0
     */
    public Builder contact(String address) {
      checkState(this.contact == null, "contact was already set");
      this.contact = PageShell.Branding.checkContact(requireNonNull(address, "address"));
      return this;
    }

    /**
     * The https URL of the operator's privacy notice, linked on every page next to how long a
     * confirmation is kept ({@link Settings#PAGE_PRIVACY_URL}).
     *
     * @param url an absolute https URL
     * @return this builder
     * @since 0.4.0
     */
    public Builder privacyNotice(URI url) {
      checkState(this.privacyNotice == null, "privacyNotice was already set");
      this.privacyNotice = PageShell.Branding.checkPrivacyNotice(requireNonNull(url, "url"));
      return this;
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
     * Settings#PAGE_WAIT}, each as configured or defaulted, and the page's texts and branding
     * ({@link Settings#PAGE_TEXTS}, {@link Settings#PAGE_TEMPLATE}, {@link Settings#PAGE_CSS},
     * {@link Settings#PAGE_ORGANIZATION}, {@link Settings#PAGE_CONTACT}, {@link
     * Settings#PAGE_PRIVACY_URL}) when configured. Sets all of these options; do not set them
     * separately as well. Checks registered in {@link HumanCheckRegistry} are made from these
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
      settings.find(Settings.PAGE_TEXTS).ifPresent(this::pageTexts);
      settings.find(Settings.PAGE_TEMPLATE).ifPresent(this::template);
      settings.find(Settings.PAGE_CSS).ifPresent(this::stylesheet);
      settings.find(Settings.PAGE_ORGANIZATION).ifPresent(this::organization);
      settings.find(Settings.PAGE_CONTACT).ifPresent(this::contact);
      settings.find(Settings.PAGE_PRIVACY_URL).ifPresent(this::privacyNotice);
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
     * @throws IllegalArgumentException naming the file (and line) when the page texts, the template
     *     or the stylesheet cannot be read or are wrong
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
