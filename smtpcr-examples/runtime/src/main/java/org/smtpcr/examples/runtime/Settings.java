package org.smtpcr.examples.runtime;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.net.HostAndPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.core.reply.SmtpReply;
import org.smtpcr.core.rules.IpNetwork;
import org.smtpcr.core.rules.NullSenderPolicy;
import org.smtpcr.core.rules.RecipientPasswordRule;

/**
 * The settings every shipped route shares, each {@linkplain Setting declared} once here, and their
 * values. A route reads them the same way: a properties file and James's XML through {@link
 * #read(SettingSource)}, the command line through its options (whose converters use {@link
 * SettingGrammar}) and {@link #builder()}. Adding a setting means one constant here plus its option
 * names.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class Settings {
  private static final Pattern REPLY =
      Pattern.compile("([2-5][0-9][0-9]) ([245]\\.[0-9]{1,3}\\.[0-9]{1,3}) (.+)");
  private static final int MAX_TEXT = 2048;
  private static final Pattern AUTHSERV_ID = Pattern.compile("[A-Za-z0-9._-]{1,253}");
  private static final Pattern CHECK_NAME = Pattern.compile("[a-z][a-z0-9-]{0,19}");
  private static final List<Setting<?>> DECLARED = new ArrayList<>();

  /**
   * The key-ring file.
   *
   * @since 0.1.0
   */
  public static final Setting<Path> KEY_FILE =
      declare(
          "keyFile",
          List.of(),
          List.of("--keys"),
          null,
          "The key-ring file that signs challenge links and pass codes.",
          false,
          Settings::path);

  /**
   * Where the challenge page is served; links in challenges point below it.
   *
   * @since 0.1.0
   */
  public static final Setting<URI> CHALLENGE_BASE =
      declare(
          "challengeBase",
          List.of(),
          List.of("--challenge-base"),
          null,
          "Where the challenge page is served (https, or http on loopback).",
          false,
          Settings::uri);

  /**
   * How long a challenge link is valid.
   *
   * @since 0.1.0
   */
  public static final Setting<Duration> CHALLENGE_LIFETIME =
      declare(
          "challengeLifetime",
          List.of(),
          List.of("--challenge-lifetime"),
          Duration.ofDays(7),
          "How long a challenge link is valid.",
          false,
          (k, v) -> SettingGrammar.duration(k, last(v)));

  /**
   * Client networks whose mail is accepted without a challenge (CIDR).
   *
   * @since 0.1.0
   */
  public static final Setting<List<String>> TRUSTED_NETWORKS =
      declare(
          "trustedNetworks",
          List.of(),
          List.of("--trusted-network"),
          List.of(),
          "Client networks accepted without a challenge, e.g. 192.0.2.0/24.",
          false,
          Settings::networks);

  /**
   * Recipients that never challenge, besides postmaster and abuse: local parts or addresses.
   *
   * @since 0.1.0
   */
  public static final Setting<List<String>> EXEMPT_RECIPIENTS =
      declare(
          "exemptRecipients",
          List.of(),
          List.of("--exempt-recipient"),
          List.of(),
          "Recipients that never challenge, besides postmaster and abuse: local parts or addresses.",
          false,
          Settings::list);

  /**
   * The domains this site receives mail for. Challenge links are minted only for recipients in them
   * (and their subdomains), and only senders in them are learned from outbound mail. Empty (the
   * default): every recipient counts as local, as before 0.3.0, and a server warns at start.
   *
   * @since 0.3.0
   */
  public static final Setting<List<String>> LOCAL_DOMAINS =
      declare(
          "localDomains",
          List.of(),
          List.of("--local-domain"),
          List.of(),
          "Domains this site receives mail for: links only for them, learning only from them.",
          false,
          Settings::list);

  /**
   * What happens to mail from the null sender {@code <>}: {@code bounces} (the default) accepts one
   * recipient per transaction and only what looks like a real bounce; {@code any} accepts every
   * null-sender message (the behaviour before 0.3.0, an explicit opt-in); {@code reject} refuses
   * it.
   *
   * @since 0.3.0
   */
  public static final Setting<NullSenderPolicy> NULL_SENDER =
      declare(
          "nullSender",
          List.of(),
          List.of("--null-sender"),
          NullSenderPolicy.BOUNCES,
          "Mail from <>: bounces (one recipient, real bounces only), any (everything) or reject.",
          false,
          (k, v) -> nullSenderPolicy(k, last(v)));

  /**
   * Whether, where the route does not see the message (the Postfix policy server), a bounce is
   * accepted only for a recipient who sent mail recently (learned from outbound mail). It applies
   * only while {@link #LEARN_OUTBOUND} is on, since learning writes the marks it reads.
   *
   * @since 0.3.0
   */
  public static final Setting<Boolean> NULL_SENDER_NEEDS_OUTBOUND =
      declare(
          "nullSenderNeedsOutbound",
          List.of(),
          List.of("--null-sender-needs-outbound"),
          true,
          "Without the message (policy server), accept a bounce only for a recent sender (on/off).",
          false,
          (k, v) -> SettingGrammar.bool(k, last(v)));

  /**
   * Whether a pass code in the Subject is accepted (decided at the end of DATA).
   *
   * @since 0.1.0
   */
  public static final Setting<Boolean> SUBJECT_PASS_CODES =
      declare(
          "subjectPassCodes",
          List.of(),
          List.of("--subject-pass-codes"),
          false,
          "Also accept a pass code in the Subject.",
          false,
          (k, v) -> SettingGrammar.bool(k, last(v)));

  /**
   * The sub-address separator characters (Postfix's {@code recipient_delimiter}).
   *
   * @since 0.1.0
   */
  public static final Setting<String> SUBADDRESS_SEPARATORS =
      declare(
          "subaddressSeparators",
          List.of(),
          List.of("--subaddress-separators"),
          "+",
          "Sub-address separator characters, as Postfix's recipient_delimiter.",
          false,
          Settings::separators);

  /**
   * The reply when deciding fails.
   *
   * @since 0.1.0
   */
  public static final Setting<SmtpReply> FAILURE_REPLY =
      declare(
          "failureReply",
          List.of(),
          List.of(),
          Replies.FAILURE,
          "The reply when deciding fails, such as \"451 4.3.0 text\".",
          false,
          Settings::reply);

  /**
   * The reply code of a challenge: {@code 550} ({@code 5.7.1}, the default), or {@code 450} ({@code
   * 4.7.1}), a temporary failure during a rollout. With {@code 450} the sending MTA keeps the
   * message and retries, and once the person confirms, a retry goes through with nothing to resend;
   * but the person sees the link only in a delay notice, hours later, or never if the sending MTA
   * sends none ({@code docs/postfix.md}). Also written {@code 450 4.7.1} or {@code 550 5.7.1}.
   *
   * @since 0.3.0
   */
  public static final Setting<Integer> CHALLENGE_CODE =
      declare(
          "challengeCode",
          List.of(),
          List.of("--challenge-code"),
          550,
          "The challenge's reply code: 550 (5.7.1, default) or 450 (4.7.1, the sender's MTA retries).",
          false,
          (k, v) -> challengeCode(k, last(v)));

  /**
   * Whether the routes refuse what the engine refuses ({@code enforce}, the default) or only watch
   * ({@code observe}): decide, log and count, and accept everything; a failing store accepts too.
   * See {@link EnforcementMode}.
   *
   * @since 0.3.0
   */
  public static final Setting<EnforcementMode> MODE =
      declare(
          "mode",
          List.of(),
          List.of("--mode"),
          EnforcementMode.ENFORCE,
          "enforce (default), or observe: decide, log and count, but accept everything.",
          false,
          (k, v) -> {
            try {
              return EnforcementMode.parse(last(v));
            } catch (IllegalArgumentException e) {
              throw new IllegalArgumentException(k + " " + e.getMessage(), e);
            }
          });

  /**
   * Whether clients the MTA lets relay are trusted (James).
   *
   * @since 0.1.0
   */
  public static final Setting<Boolean> TRUST_RELAYING_CLIENTS =
      declare(
          "trustRelayingClients",
          List.of(),
          List.of(),
          true,
          "Accept without challenge from clients the MTA lets relay.",
          false,
          (k, v) -> SettingGrammar.bool(k, last(v)));

  /**
   * Whether the recipients of our users' outbound mail are learned.
   *
   * @since 0.1.0
   */
  public static final Setting<Boolean> LEARN_OUTBOUND =
      declare(
          "learnOutbound",
          List.of(),
          List.of("--learn-outbound"),
          true,
          "Whitelist the recipients of authenticated users' mail as senders to them.",
          false,
          (k, v) -> SettingGrammar.bool(k, last(v)));

  /**
   * How long a pair learned from outbound mail lasts: 365 days unless configured; {@code forever}
   * ({@link OutboundLearning#FOR_GOOD}) for good (the default before 0.3.0).
   *
   * @since 0.1.0
   */
  public static final Setting<Duration> LEARN_LIFETIME =
      declare(
          "learnLifetime",
          List.of("entryLifetime"),
          List.of("--learn-lifetime"),
          OutboundLearning.DEFAULT_LIFETIME,
          "How long a pair learned from outbound mail lasts (default 365d; \"forever\" for good).",
          false,
          (k, v) -> learnLifetime(k, last(v)));

  /**
   * How long a confirmation on the challenge page lasts: 400 days unless set; {@code forever} (or
   * any zero duration, such as {@code 0d}) keeps confirmations for good. Parsed to {@link
   * Duration#ZERO} for good.
   *
   * @since 0.1.0
   */
  public static final Setting<Duration> WHITELIST_EXPIRY =
      declare(
          "whitelistExpiry",
          List.of(),
          List.of("--whitelist-expiry"),
          Duration.ofDays(400),
          "How long a confirmation on the page lasts (default 400d; forever or 0d: for good).",
          false,
          (k, v) ->
              last(v).equalsIgnoreCase("forever")
                  ? Duration.ZERO
                  : SettingGrammar.duration(k, last(v)));

  /**
   * The challenge page's proof-of-work difficulty in leading zero bits, 0 to 40 (default 18). Each
   * bit doubles the work; {@code docs/benchmarks.md} ("Proof of work: browser against native")
   * gives what a browser and a native solver pay.
   *
   * @since 0.3.0
   */
  public static final Setting<Integer> POW_BITS =
      declare(
          "powBits",
          List.of("powDifficultyBits"),
          List.of("--pow-bits"),
          18,
          "Proof-of-work difficulty in bits, 0..40 (default 18: about 3 s in a browser).",
          false,
          (k, v) -> SettingGrammar.integer(k, last(v), 0, 40));

  /**
   * The human checks the challenge page offers, in order: the first is the main check, later ones
   * are fallbacks (one that needs no JavaScript is shown inside {@code <noscript>} when the main
   * check needs scripts). Names as in {@code HumanCheckRegistry} of the web module: {@code pow},
   * {@code wait}, and the registered ones. Default {@code pow,wait}.
   *
   * @since 0.4.0
   */
  public static final Setting<List<String>> PAGE_CHECKS =
      declare(
          "pageChecks",
          List.of("checks"),
          List.of("--page-checks"),
          List.of("pow", "wait"),
          "Human checks the page offers, main first, e.g. pow,wait (default pow,wait).",
          false,
          Settings::checkNames);

  /**
   * How long the challenge page's no-JavaScript check ({@code wait}) makes a person wait between
   * opening the page and confirming: 1 second to 2 minutes, default 5 seconds.
   *
   * @since 0.4.0
   */
  public static final Setting<Duration> PAGE_WAIT =
      declare(
          "pageWait",
          List.of(),
          List.of("--page-wait"),
          Duration.ofSeconds(5),
          "Seconds the no-JavaScript check makes a person wait before confirming (default 5s).",
          false,
          (k, v) -> pageWait(k, SettingGrammar.duration(k, last(v))));

  /**
   * Most confirmations on the page that create an entry for one recipient per UTC day (default 50),
   * counted in the store so that every page front end shares them.
   *
   * @since 0.3.0
   */
  public static final Setting<Integer> CONFIRMATIONS_PER_RECIPIENT_PER_DAY =
      declare(
          "confirmationsPerRecipientPerDay",
          List.of(),
          List.of("--confirmations-per-recipient-per-day"),
          50,
          "Most new confirmations per recipient per UTC day (default 50).",
          false,
          (k, v) -> SettingGrammar.integer(k, last(v), 1, 1_000_000));

  /**
   * Most confirmations on the page that create an entry for senders of one organizational domain
   * per UTC day (default 20).
   *
   * @since 0.3.0
   */
  public static final Setting<Integer> CONFIRMATIONS_PER_SENDER_DOMAIN_PER_DAY =
      declare(
          "confirmationsPerSenderDomainPerDay",
          List.of(),
          List.of("--confirmations-per-sender-domain-per-day"),
          20,
          "Most new confirmations per sender organizational domain per UTC day (default 20).",
          false,
          (k, v) -> SettingGrammar.integer(k, last(v), 1, 1_000_000));

  /**
   * Most confirmations on the page that create an entry from one client network (IPv4 /24, IPv6
   * /48) per clock hour (default 30).
   *
   * @since 0.3.0
   */
  public static final Setting<Integer> CONFIRMATIONS_PER_NETWORK_PER_HOUR =
      declare(
          "confirmationsPerNetworkPerHour",
          List.of(),
          List.of("--confirmations-per-network-per-hour"),
          30,
          "Most new confirmations per client network (IPv4 /24, IPv6 /48) per hour (default 30).",
          false,
          (k, v) -> SettingGrammar.integer(k, last(v), 1, 1_000_000));

  /**
   * Whether SPF is checked at RCPT (RFC 7208), for MAIL FROM and HELO.
   *
   * @since 0.2.0
   */
  public static final Setting<Boolean> SPF =
      declare(
          "spf",
          List.of(),
          List.of("--spf"),
          true,
          "Check SPF at RCPT (on or off).",
          false,
          (k, v) -> SettingGrammar.bool(k, last(v)));

  /**
   * Whether DKIM signatures and DMARC are checked at the end of DATA, where the route sees the
   * message (RFC 6376, RFC 7489).
   *
   * @since 0.2.0
   */
  public static final Setting<Boolean> DKIM =
      declare(
          "dkim",
          List.of(),
          List.of("--dkim"),
          true,
          "Check DKIM and DMARC at the end of DATA, where the message is seen (on or off).",
          false,
          (k, v) -> SettingGrammar.bool(k, last(v)));

  /**
   * The DNS server SPF, DKIM and DMARC ask; unset: the system's resolver.
   *
   * @since 0.2.0
   */
  public static final Setting<InetSocketAddress> DNS_SERVER =
      declare(
          "dnsServer",
          List.of(),
          List.of("--dns-server"),
          null,
          "The DNS server to ask, IP:PORT or [IPv6]:PORT (default: the system's resolver).",
          false,
          (k, v) -> SettingGrammar.dnsServer(k, last(v)));

  /**
   * How long one DNS query may take.
   *
   * @since 0.2.0
   */
  public static final Setting<Duration> DNS_TIMEOUT =
      declare(
          "dnsTimeout",
          List.of(),
          List.of("--dns-timeout"),
          Duration.ofSeconds(2),
          "How long one DNS query may take.",
          false,
          (k, v) -> positive(k, SettingGrammar.duration(k, last(v))));

  /**
   * How long one check (SPF at RCPT, DKIM and DMARC at the end of DATA) may take in all; past it
   * the result is a temporary error and the client is asked to retry.
   *
   * @since 0.2.0
   */
  public static final Setting<Duration> AUTH_DEADLINE =
      declare(
          "authDeadline",
          List.of(),
          List.of("--auth-deadline"),
          Duration.ofSeconds(8),
          "How long one SPF or DKIM check may take in all; past it the client is asked to retry.",
          false,
          (k, v) -> positive(k, SettingGrammar.duration(k, last(v))));

  /**
   * The authserv-ids whose {@code Authentication-Results} headers are trusted (an OpenDKIM,
   * OpenDMARC or rspamd running before SMTPCR); others are ignored.
   *
   * @since 0.2.0
   */
  public static final Setting<List<String>> TRUSTED_AUTHSERV_IDS =
      declare(
          "trustedAuthservIds",
          List.of(),
          List.of("--trusted-authserv-id"),
          List.of(),
          "Trust Authentication-Results headers with this authserv-id (repeatable).",
          false,
          Settings::authservIds);

  /**
   * Networks of forwarders whose deliveries are not judged by SPF (CIDR); DKIM still counts.
   *
   * @since 0.2.0
   */
  public static final Setting<List<String>> TRUSTED_FORWARDERS =
      declare(
          "trustedForwarders",
          List.of(),
          List.of("--trusted-forwarder"),
          List.of(),
          "Forwarders whose deliveries SPF does not judge, e.g. 192.0.2.0/24 (DKIM still counts).",
          false,
          Settings::networks);

  /**
   * Sender domains (and their subdomains) whose whitelist hits count without authentication.
   *
   * @since 0.2.0
   */
  public static final Setting<List<String>> AUTHENTICATION_OPTIONAL_DOMAINS =
      declare(
          "authenticationOptionalDomains",
          List.of(),
          List.of("--authentication-optional-domain"),
          List.of(),
          "Sender domains whose whitelist hits count without authentication (repeatable).",
          false,
          Settings::domains);

  /**
   * Whether whitelist hits, pass codes and recipient passwords count for unauthenticated senders
   * (the behaviour before 0.2.0, which lets a forger of a confirmed sender through).
   *
   * @since 0.2.0
   */
  public static final Setting<Boolean> ADMIT_UNAUTHENTICATED =
      declare(
          "admitUnauthenticated",
          List.of(),
          List.of("--admit-unauthenticated"),
          false,
          "Let whitelist hits and pass codes count for unauthenticated senders (unsafe).",
          false,
          (k, v) -> SettingGrammar.bool(k, last(v)));

  /**
   * Whether SPF {@code fail} rejects with {@code 550 5.7.23} and no link.
   *
   * @since 0.2.0
   */
  public static final Setting<Boolean> REJECT_SPF_FAIL =
      declare(
          "rejectSpfFail",
          List.of(),
          List.of("--reject-spf-fail"),
          true,
          "Reject SPF fail with 550 5.7.23 and no link (off: challenge it, hits still do not count).",
          false,
          (k, v) -> SettingGrammar.bool(k, last(v)));

  /**
   * Whether a confirmation made for an unverified delivery (say SPF softfail through a forwarder)
   * is honoured when the next delivery arrives the same way.
   *
   * @since 0.2.0
   */
  public static final Setting<Boolean> HONOUR_UNVERIFIED_CONFIRMATIONS =
      declare(
          "honourUnverifiedConfirmations",
          List.of(),
          List.of("--honour-unverified-confirmations"),
          true,
          "Honour a confirmation of an unverified delivery when the next one arrives the same way.",
          false,
          (k, v) -> SettingGrammar.bool(k, last(v)));

  /**
   * How long a client of the challenge page may take to send a request head, from connecting or
   * from the previous response; past it the connection is closed.
   *
   * @since 0.3.0
   */
  public static final Setting<Duration> WEB_HEADER_TIMEOUT =
      declare(
          "webHeaderTimeout",
          List.of(),
          List.of("--web-header-timeout"),
          Duration.ofSeconds(10),
          "How long the page waits for a request head (from connect or the previous response).",
          false,
          (k, v) -> atMostAnHour(k, SettingGrammar.duration(k, last(v))));

  /**
   * How long a client of the challenge page may take to send a request body; past it the answer is
   * 408 and the connection is closed.
   *
   * @since 0.3.0
   */
  public static final Setting<Duration> WEB_BODY_TIMEOUT =
      declare(
          "webBodyTimeout",
          List.of(),
          List.of("--web-body-timeout"),
          Duration.ofSeconds(20),
          "How long the page waits for a request body (408 past it).",
          false,
          (k, v) -> atMostAnHour(k, SettingGrammar.duration(k, last(v))));

  /**
   * Open connections to the challenge page per client (IPv4 address or IPv6 /64); trusted proxies
   * are exempt.
   *
   * @since 0.3.0
   */
  public static final Setting<Integer> WEB_CONNECTIONS_PER_CLIENT =
      declare(
          "webConnectionsPerClient",
          List.of(),
          List.of("--web-connections-per-client"),
          16,
          "Open connections to the page per client address (trusted proxies exempt).",
          false,
          (k, v) -> SettingGrammar.integer(k, last(v), 1, 100_000));

  /**
   * Open connections to the challenge page in all; past it new connections wait in the listen
   * queue.
   *
   * @since 0.3.0
   */
  public static final Setting<Integer> WEB_MAX_CONNECTIONS =
      declare(
          "webMaxConnections",
          List.of(),
          List.of("--web-max-connections"),
          2000,
          "Open connections to the page in all (more wait in the listen queue).",
          false,
          (k, v) -> SettingGrammar.integer(k, last(v), 1, 1_000_000));

  /**
   * Threads that run the challenge page's logic (token check, store writes).
   *
   * @since 0.3.0
   */
  public static final Setting<Integer> WEB_THREADS =
      declare(
          "webThreads",
          List.of(),
          List.of("--web-threads"),
          8,
          "Threads that run the page's logic.",
          false,
          (k, v) -> SettingGrammar.integer(k, last(v), 1, 1024));

  /**
   * Requests waiting for a page thread at most; past it the answer is 503 with Retry-After.
   *
   * @since 0.3.0
   */
  public static final Setting<Integer> WEB_QUEUE =
      declare(
          "webQueue",
          List.of(),
          List.of("--web-queue"),
          64,
          "Requests waiting for a page thread at most (503 past it).",
          false,
          (k, v) -> SettingGrammar.integer(k, last(v), 0, 100_000));

  /**
   * Reverse proxies (CIDR) whose {@code Forwarded} or {@code X-Forwarded-For} header names the
   * client of the challenge page; from any other peer those headers are ignored.
   *
   * @since 0.3.0
   */
  public static final Setting<List<String>> WEB_TRUSTED_PROXIES =
      declare(
          "webTrustedProxies",
          List.of(),
          List.of("--trusted-proxy"),
          List.of(),
          "Reverse proxies whose Forwarded/X-Forwarded-For header names the page's client (CIDR).",
          false,
          Settings::networks);

  /**
   * Which header a trusted proxy writes the client into: {@code x-forwarded-for} (the default; what
   * nginx, HAProxy and Apache append) or {@code forwarded} (RFC 7239). Only that one is read: a
   * proxy passes the other through from the client unchanged, so reading it would let a client name
   * itself.
   *
   * @since 0.3.0
   */
  public static final Setting<String> WEB_FORWARDED_HEADER =
      declare(
          "webForwardedHeader",
          List.of(),
          List.of("--forwarded-header"),
          "x-forwarded-for",
          "The header trusted proxies name the client in: x-forwarded-for or forwarded.",
          false,
          (k, v) -> {
            String h = last(v).strip().toLowerCase(java.util.Locale.ROOT);
            if (!h.equals("x-forwarded-for") && !h.equals("forwarded")) {
              throw new IllegalArgumentException(k + ": expected x-forwarded-for or forwarded");
            }
            return h;
          });

  /**
   * Requests to the challenge page per client network (IPv4 /24, IPv6 /48) and minute; 0 is no
   * limit.
   *
   * @since 0.3.0
   */
  public static final Setting<Integer> WEB_REQUESTS_PER_MINUTE_PER_NETWORK =
      declare(
          "webRequestsPerMinutePerNetwork",
          List.of(),
          List.of("--web-requests-per-minute-per-network"),
          600,
          "Requests to the page per client network (IPv4 /24, IPv6 /48) and minute; 0: no limit.",
          false,
          (k, v) -> SettingGrammar.integer(k, last(v), 0, 10_000_000));

  /**
   * POSTs to the challenge page per challenge link and hour; 0 is no limit.
   *
   * @since 0.3.0
   */
  public static final Setting<Integer> WEB_POSTS_PER_TOKEN_PER_HOUR =
      declare(
          "webPostsPerTokenPerHour",
          List.of(),
          List.of("--web-posts-per-token"),
          10,
          "POSTs to the page per challenge link and hour; 0: no limit.",
          false,
          (k, v) -> SettingGrammar.integer(k, last(v), 0, 1_000_000));

  /**
   * The public site key of the hosted CAPTCHA that {@code pageChecks} names ({@code turnstile},
   * {@code hcaptcha} or {@code recaptcha}): the page renders the provider's widget with it. One
   * hosted CAPTCHA per site.
   *
   * @since 0.4.0
   */
  public static final Setting<String> CAPTCHA_SITE_KEY =
      declare(
          "captchaSiteKey",
          List.of(),
          List.of("--captcha-site-key"),
          null,
          "The hosted CAPTCHA's public site key (for the turnstile, hcaptcha or recaptcha check).",
          false,
          (k, v) -> siteKey(k, last(v)));

  /**
   * The file that holds the hosted CAPTCHA's secret key on its first line; like the key file, it
   * should be readable by the service only (a warning says so otherwise). The secret itself is
   * never logged or shown.
   *
   * @since 0.4.0
   */
  public static final Setting<Path> CAPTCHA_SECRET_FILE =
      declare(
          "captchaSecretFile",
          List.of(),
          List.of("--captcha-secret-file"),
          null,
          "A file whose first line is the hosted CAPTCHA's secret key (mode 600).",
          false,
          Settings::path);

  /**
   * The hostnames the hosted CAPTCHA may say it was solved on; an answer for any other fails.
   * Default: the host of {@link #CHALLENGE_BASE}.
   *
   * @since 0.4.0
   */
  public static final Setting<List<String>> CAPTCHA_HOSTNAMES =
      declare(
          "captchaHostnames",
          List.of(),
          List.of("--captcha-hostname"),
          List.of(),
          "Hostnames a CAPTCHA answer may name (default: the challenge-base host).",
          false,
          Settings::domains);

  /**
   * How long the page waits for the hosted CAPTCHA's {@code siteverify} API, for the connection and
   * again for the answer (default 3 s, 100 ms to 1 min). Past it the provider counts as
   * unavailable: the person is asked to try again, and nothing is recorded.
   *
   * @since 0.4.0
   */
  public static final Setting<Duration> CAPTCHA_TIMEOUT =
      declare(
          "captchaTimeout",
          List.of(),
          List.of("--captcha-timeout"),
          Duration.ofSeconds(3),
          "How long to wait for the CAPTCHA's siteverify API, to connect and to answer.",
          false,
          (k, v) -> {
            Duration d = SettingGrammar.duration(k, last(v));
            checkArgument(
                d.compareTo(Duration.ofMillis(100)) >= 0 && d.compareTo(Duration.ofMinutes(1)) <= 0,
                "%s must be 100 ms..1 min",
                k);
            return d;
          });

  /**
   * Another address for the hosted CAPTCHA's {@code siteverify} API than the provider's own: for
   * tests (a local stub) and for sites that must go through an HTTP proxy of their own. It must be
   * {@code https}, or {@code http} on a loopback address: the secret travels in the request.
   * Secret, since such an address may carry credentials.
   *
   * @since 0.4.0
   */
  public static final Setting<URI> CAPTCHA_SITEVERIFY_URL =
      declare(
          "captchaSiteverifyUrl",
          List.of(),
          List.of("--captcha-siteverify-url"),
          null,
          "Another siteverify address than the provider's (a test stub, a proxy): https, or http"
              + " on loopback.",
          true,
          (k, v) -> {
            URI u = uri(k, v);
            String scheme = String.valueOf(u.getScheme()).toLowerCase(Locale.ROOT);
            checkArgument(
                (scheme.equals("https") || scheme.equals("http")) && u.getHost() != null,
                "%s must be an http(s) URL with a host",
                k);
            return u;
          });

  /**
   * How many failed recipient-password attempts one client (an IPv4 address or an IPv6 /64) may
   * make per hour; past them its passwords are not checked until the hour ends.
   *
   * @since 0.3.0
   */
  public static final Setting<Integer> RECIPIENT_PASSWORD_ATTEMPTS =
      declare(
          "recipientPasswordAttempts",
          List.of(),
          List.of("--recipient-password-attempts"),
          RecipientPasswordRule.DEFAULT_ATTEMPTS_PER_HOUR,
          "Failed recipient-password attempts allowed per client per hour.",
          false,
          (k, v) ->
              SettingGrammar.integer(k, last(v), 1, RecipientPasswordRule.MAX_ATTEMPTS_PER_HOUR));

  /**
   * Whether a pass code in the recipient's sub-address ({@code bob+CODE@…}) admits.
   *
   * @since 0.3.0
   */
  public static final Setting<Boolean> SUBADDRESS_PASS_CODES =
      declare(
          "subaddressPassCodes",
          List.of(),
          List.of("--subaddress-pass-codes"),
          true,
          "Accept a pass code in the sub-address (bob+CODE@).",
          false,
          (k, v) -> SettingGrammar.bool(k, last(v)));

  /**
   * A file of recipients' own published passwords, one {@code RECIPIENT PASSWORD} per line ({@link
   * RecipientPasswords}); readable by the service only, like the key file.
   *
   * @since 0.3.0
   */
  public static final Setting<Path> RECIPIENT_PASSWORDS_FILE =
      declare(
          "recipientPasswordsFile",
          List.of(),
          List.of("--recipient-passwords-file"),
          null,
          "A file of recipients' passwords: RECIPIENT PASSWORD per line; any sender that puts the"
              + " password in the sub-address (or the Subject) passes.",
          false,
          Settings::path);

  /**
   * The most sessions the SMTP server keeps open at once.
   *
   * @since 0.3.0
   */
  public static final Setting<Integer> SMTP_MAX_CONNECTIONS =
      declare(
          "smtpMaxConnections",
          List.of(),
          List.of("--smtp-max-connections"),
          100,
          "The most SMTP sessions open at once; over it a client gets 421.",
          false,
          (k, v) -> SettingGrammar.integer(k, last(v), 1, 10_000));

  /**
   * The most sessions the SMTP server keeps open at once from one client (an IPv4 address or an
   * IPv6 /64).
   *
   * @since 0.3.0
   */
  public static final Setting<Integer> SMTP_MAX_CONNECTIONS_PER_CLIENT =
      declare(
          "smtpMaxConnectionsPerClient",
          List.of(),
          List.of("--smtp-max-connections-per-client"),
          10,
          "The most SMTP sessions open at once from one client; over it 421 4.7.0.",
          false,
          (k, v) -> SettingGrammar.integer(k, last(v), 1, 10_000));

  /**
   * Where a server serves {@code GET /metrics} (Prometheus text) and {@code GET /healthz}; unset:
   * nowhere.
   *
   * @since 0.3.0
   */
  public static final Setting<InetSocketAddress> METRICS_LISTEN =
      declare(
          "metricsListen",
          List.of(),
          List.of("--metrics-listen"),
          null,
          "Where to serve /metrics (Prometheus) and /healthz, HOST:PORT (default: off).",
          false,
          (k, v) -> listenAddress(k, last(v)));

  /**
   * The whitelist store's JDBC URL ({@code jdbc:h2:} or {@code jdbc:postgresql:}).
   *
   * @since 0.1.0
   */
  public static final Setting<String> STORE_URL = store(StoreSpec.URL, "--store", true);

  /**
   * The store's user.
   *
   * @since 0.1.0
   */
  public static final Setting<String> STORE_USER = store(StoreSpec.USER, null, false);

  /**
   * The store's password. Routes that have a command line refuse it there (every local user can
   * read a command line): set it in a configuration file, through {@link #STORE_PASSWORD_FILE}, or
   * in the environment variable {@value StoreSpec#PASSWORD_ENVIRONMENT}.
   *
   * @since 0.1.0
   */
  public static final Setting<String> STORE_PASSWORD =
      store(StoreSpec.PASSWORD, "--store-password", true);

  /**
   * A file whose first line is the store's password (mode 600; checked like the key file).
   *
   * @since 0.3.0
   */
  public static final Setting<String> STORE_PASSWORD_FILE =
      store(StoreSpec.PASSWORD_FILE, "--store-password-file", false);

  /**
   * The store's JDBC driver class (default: inferred from the URL).
   *
   * @since 0.1.0
   */
  public static final Setting<String> STORE_DRIVER_CLASS =
      store(StoreSpec.DRIVER_CLASS, null, false);

  /**
   * The store's connection pool size.
   *
   * @since 0.1.0
   */
  public static final Setting<String> STORE_POOL_SIZE = store(StoreSpec.POOL_SIZE, null, false);

  /**
   * How long a decision waits for a store connection.
   *
   * @since 0.1.0
   */
  public static final Setting<String> STORE_CONNECTION_TIMEOUT =
      store(StoreSpec.CONNECTION_TIMEOUT, null, false);

  /**
   * The prefix of the store's table names.
   *
   * @since 0.1.0
   */
  public static final Setting<String> STORE_TABLE_PREFIX =
      store(StoreSpec.TABLE_PREFIX, null, false);

  /**
   * Whether the whitelist store gets a near cache: {@code auto} (on for PostgreSQL, which tells
   * every cache of a change through {@code LISTEN/NOTIFY}; off for H2), {@code on} or {@code off}.
   * See {@link OpenStore} and {@code docs/stores.md}.
   *
   * @since 0.3.0
   */
  public static final Setting<String> STORE_CACHE = store(StoreSpec.CACHE, "--store-cache", false);

  /**
   * The most look-ups the store's near cache keeps (default {@value StoreSpec#DEFAULT_CACHE_SIZE}).
   *
   * @since 0.3.0
   */
  public static final Setting<String> STORE_CACHE_SIZE =
      store(StoreSpec.CACHE_SIZE, "--store-cache-size", false);

  /**
   * The longest the store's near cache reuses an answer (default 1 minute): a safety net on
   * PostgreSQL, whose changes clear the cache at once; how long a change made elsewhere may go
   * unseen with {@code store.cache=on} on H2.
   *
   * @since 0.3.0
   */
  public static final Setting<String> STORE_CACHE_TTL =
      store(StoreSpec.CACHE_TTL, "--store-cache-ttl", false);

  /**
   * The most keys the store's near cache keeps in its key filter (default {@value
   * CachingWhitelistStore#DEFAULT_FILTER_KEYS}; 0 turns it off): on PostgreSQL, a sender the store
   * does not hold is then answered without asking it, for about 1.8 bytes per key. A store holding
   * more keys gets no filter.
   *
   * @since 0.3.0
   */
  public static final Setting<String> STORE_CACHE_FILTER_KEYS =
      store(StoreSpec.CACHE_FILTER_KEYS, "--store-cache-filter-keys", false);

  /**
   * What the decision log and the page's log lines write for the sender, the recipient and the
   * client's address: {@code full} (the address), {@code hash} (a keyed hash, stable within the
   * site, not reversible without its key ring) or {@code none} (left out). See {@link DecisionLog}.
   *
   * @since 0.3.0
   */
  public static final Setting<LogAddresses> LOG_ADDRESSES =
      declare(
          "logAddresses",
          List.of(),
          List.of("--log-addresses"),
          LogAddresses.FULL,
          "Addresses in the decision log: full, hash (keyed, not reversible) or none.",
          false,
          (k, v) -> logAddresses(k, last(v)));

  /**
   * How often a long-running server deletes expired whitelist entries and ended counter windows
   * from the store ({@link org.smtpcr.core.store.WhitelistStore#removeExpired()}).
   *
   * @since 0.3.0
   */
  public static final Setting<Duration> SWEEP_INTERVAL =
      declare(
          "sweepInterval",
          List.of(),
          List.of("--sweep-interval"),
          ExpirySweeper.DEFAULT_INTERVAL,
          "How often a server deletes expired whitelist entries from the store.",
          false,
          (k, v) -> ExpirySweeper.checkInterval(k, SettingGrammar.duration(k, last(v))));

  /**
   * A file of trusted clients, one a line, read together with its {@code .local} companion and
   * re-read on {@code SIGHUP}: an IP address or CIDR network, a host name (the client's verified
   * name, and for a domain its sub-domains, as Postgrey's {@code whitelist_clients}) or {@code
   * /regex/} on the client's name. See {@link ListFiles}. Adds to {@link #TRUSTED_NETWORKS}.
   *
   * @since 0.3.0
   */
  public static final Setting<Path> TRUSTED_CLIENTS_FILE =
      declare(
          "trustedClientsFile",
          List.of(),
          List.of("--trusted-clients-file"),
          null,
          "A file of trusted clients (IP, CIDR, host name, /regex/), re-read on SIGHUP.",
          false,
          Settings::path);

  /**
   * A file of recipients that never challenge, besides postmaster and abuse: an address, a local
   * part ({@code hostmaster@}), a domain ({@code @example.com}, with its sub-domains) or {@code
   * /regex/} on the canonical address; read with its {@code .local} companion, re-read on {@code
   * SIGHUP}. See {@link ListFiles}. Adds to {@link #EXEMPT_RECIPIENTS}.
   *
   * @since 0.3.0
   */
  public static final Setting<Path> EXEMPT_RECIPIENTS_FILE =
      declare(
          "exemptRecipientsFile",
          List.of(),
          List.of("--exempt-recipients-file"),
          null,
          "A file of recipients never challenged (address, local@, @domain, /regex/), re-read on"
              + " SIGHUP.",
          false,
          Settings::path);

  /**
   * A file of whitelisted senders: {@code SENDER [RECIPIENT]} a line, the sender an address or
   * {@code @domain} (with its sub-domains), the recipient an address or {@code *} (every one, the
   * same as none); read with its {@code .local} companion, re-read on {@code SIGHUP}. Like a
   * confirmed pair, an entry counts only for a sender that authenticates (or whose domain publishes
   * nothing). See {@link ListFiles}.
   *
   * @since 0.3.0
   */
  public static final Setting<Path> SENDER_WHITELIST_FILE =
      declare(
          "senderWhitelistFile",
          List.of(),
          List.of("--sender-whitelist-file"),
          null,
          "A file of whitelisted senders (SENDER [RECIPIENT]; address or @domain), re-read on"
              + " SIGHUP.",
          false,
          Settings::path);

  /**
   * A file of deny entries: {@code SENDER [RECIPIENT]} a line, as {@link #SENDER_WHITELIST_FILE};
   * refused like the store's deny list ({@code 550 5.7.1}, no link), before every rule that admits.
   * Read with its {@code .local} companion, re-read on {@code SIGHUP}. See {@link ListFiles}.
   *
   * @since 0.3.0
   */
  public static final Setting<Path> DENY_FILE =
      declare(
          "denyFile",
          List.of(),
          List.of("--deny-file"),
          null,
          "A file of denied senders (SENDER [RECIPIENT]), refused with 550 5.7.1 and no link;"
              + " re-read on SIGHUP.",
          false,
          Settings::path);

  /**
   * A file of reply texts and statuses that replace the built-in ones, one a line: {@code KIND
   * TEXT} (a template with {@code {recipient}}, {@code {sender}}, {@code {client}}, {@code {helo}}
   * placeholders, printable ASCII) or {@code status KIND CODE ENHANCED} (such as {@code status
   * denied 554 5.7.1}); KIND is a reply kind in lower case with dashes ({@code challenge}, {@code
   * denied}, {@code not-local}, ...). Each sentence of a text goes on a reply line of its own
   * ({@link org.smtpcr.core.reply.ReplyFormatter}: a {@code .}, {@code !} or {@code ?}, a blank,
   * then anything but a lower-case letter ends a line). Read at start-up, with the same bounds,
   * comments and errors as the list files, and not re-read on {@code SIGHUP}. See {@link
   * StandardEngine#replies(Settings, org.smtpcr.core.reply.ReplyFormatter)}.
   *
   * @since 0.3.0
   */
  public static final Setting<Path> REPLY_TEMPLATES_FILE =
      declare(
          "replyTemplatesFile",
          List.of(),
          List.of("--reply-templates-file"),
          null,
          "A file of reply texts (KIND TEXT) and statuses (status KIND CODE ENHANCED) that replace"
              + " the built-in ones.",
          false,
          Settings::path);

  /**
   * A directory of challenge-page texts merged over the built-in catalogue, read at start: files
   * {@code messages_xx.properties} (UTF-8) that change single texts of a language or add a language
   * ({@code messages.properties} there changes English texts). A malformed file stops the start
   * with the file and the line; a key the page does not know is logged as a warning. See
   * docs/challenge-page.md, "Languages".
   *
   * @since 0.4.0
   */
  public static final Setting<Path> PAGE_TEXTS =
      declare(
          "pageTexts",
          List.of(),
          List.of("--page-texts"),
          null,
          "A directory of page texts (messages_xx.properties, UTF-8) that change or add languages"
              + " of the challenge page; read at start.",
          false,
          Settings::path);

  /**
   * The name of the organisation that runs the challenge page, shown at the top of every page and
   * in its footer (default none). One line of text, at most 200 characters; it is escaped.
   *
   * @since 0.4.0
   */
  public static final Setting<String> PAGE_ORGANIZATION =
      declare(
          "pageOrganization",
          List.of(),
          List.of("--page-organization"),
          null,
          "The organisation's name shown on every challenge page (one line).",
          false,
          (k, v) -> organization(k, last(v)));

  /**
   * The address people may write to about the challenge page (the postmaster), shown as a mail link
   * in every page's footer. No default: the host name of the challenge base is not always a mail
   * domain whose postmaster reads mail, so the page names no contact unless one is set.
   *
   * @since 0.4.0
   */
  public static final Setting<String> PAGE_CONTACT =
      declare(
          "pageContact",
          List.of(),
          List.of("--page-contact"),
          null,
          "The contact address shown on every challenge page, e.g. postmaster@example.com"
              + " (default: none shown).",
          false,
          (k, v) -> contact(k, last(v)));

  /**
   * The https URL of the operator's privacy notice, linked in every challenge page's footer next to
   * how long a confirmation is kept ({@link #WHITELIST_EXPIRY}).
   *
   * @since 0.4.0
   */
  public static final Setting<URI> PAGE_PRIVACY_URL =
      declare(
          "pagePrivacyUrl",
          List.of(),
          List.of("--page-privacy-url"),
          null,
          "The https URL of the privacy notice linked on every challenge page.",
          false,
          (k, v) -> https(k, uri(k, v)));

  /**
   * An HTML template of the operator's own for the challenge page's shell, with placeholders such
   * as {@code {{lang}}} and {@code {{main}}}; read and checked at start. See
   * docs/challenge-page.md, "Branding the page".
   *
   * @since 0.4.0
   */
  public static final Setting<Path> PAGE_TEMPLATE =
      declare(
          "pageTemplate",
          List.of(),
          List.of("--page-template"),
          null,
          "An HTML template file for the challenge page ({{lang}} {{dir}} {{title}} {{head}}"
              + " {{main}} ...); read at start.",
          false,
          Settings::path);

  /**
   * A stylesheet of the operator's own, served as the challenge page's {@code /static/page.css} in
   * place of the built-in one; read at start.
   *
   * @since 0.4.0
   */
  public static final Setting<Path> PAGE_CSS =
      declare(
          "pageCss",
          List.of(),
          List.of("--page-css"),
          null,
          "A CSS file served as the challenge page's stylesheet instead of the built-in one.",
          false,
          Settings::path);

  private static final List<Setting<?>> ALL = List.copyOf(DECLARED);
  private static final Settings DEFAULTS = new Settings(Map.of());

  private final Map<Setting<?>, Object> values;

  private Settings(Map<Setting<?>, Object> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /**
   * Every declared setting.
   *
   * @return the settings, in declaration order
   * @since 0.1.0
   */
  public static List<Setting<?>> declared() {
    return ALL;
  }

  /**
   * The declared setting with this key, other name or option name (with or without its dashes).
   *
   * @param name a key, other name or option name
   * @return the setting, or empty
   * @since 0.1.0
   */
  public static Optional<Setting<?>> named(String name) {
    requireNonNull(name, "name");
    for (Setting<?> s : ALL) {
      if (s.key().equals(name)
          || s.otherNames().contains(name)
          || s.options().contains(name)
          || s.options().contains("--" + name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /**
   * Reads every declared setting from {@code source}, by its key and then its other names.
   *
   * @param source where the values are
   * @return the settings
   * @throws IllegalArgumentException naming the first setting whose value is wrong
   * @since 0.1.0
   */
  public static Settings read(SettingSource source) {
    requireNonNull(source, "source");
    Builder b = builder();
    for (Setting<?> s : ALL) {
      String name = s.key();
      List<String> given = given(source, name);
      for (int i = 0; given.isEmpty() && i < s.otherNames().size(); i++) {
        name = s.otherNames().get(i);
        given = given(source, name);
      }
      if (!given.isEmpty()) {
        b.values.put(s, s.parseAs(name, given));
      }
    }
    return b.build();
  }

  private static List<String> given(SettingSource source, String name) {
    return source.values(name).stream().filter(v -> v != null && !v.isBlank()).toList();
  }

  /**
   * The settings with every setting at its default.
   *
   * @return the defaults
   * @since 0.1.0
   */
  public static Settings defaults() {
    return DEFAULTS;
  }

  /**
   * Starts a builder with no value set (every setting at its default).
   *
   * @return the builder
   * @since 0.1.0
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The value of {@code setting}: as configured, else its default.
   *
   * @param setting a declared setting
   * @param <T> its type
   * @return the value, or empty when neither configured nor defaulted
   * @since 0.1.0
   */
  public <T> Optional<T> find(Setting<T> setting) {
    requireNonNull(setting, "setting");
    @SuppressWarnings("unchecked")
    T v = (T) values.get(setting);
    return v != null ? Optional.of(v) : setting.defaultValue();
  }

  /**
   * The value of a setting that is configured or has a default.
   *
   * @param setting a declared setting
   * @param <T> its type
   * @return the value
   * @throws IllegalArgumentException naming the setting when it has no value
   * @since 0.1.0
   */
  public <T> T get(Setting<T> setting) {
    return find(setting)
        .orElseThrow(() -> new IllegalArgumentException(setting.key() + " is required"));
  }

  /**
   * Whether {@code setting} was configured (not defaulted).
   *
   * @param setting a declared setting
   * @return true when a value was given
   * @since 0.1.0
   */
  public boolean isSet(Setting<?> setting) {
    return values.containsKey(setting);
  }

  /**
   * A builder with these values, to change some.
   *
   * @return the builder
   * @since 0.1.0
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.values.putAll(values);
    return b;
  }

  /**
   * The canonicalizer every route uses for senders, configured by {@link #SUBADDRESS_SEPARATORS}
   * (the engine's; recipients take {@link AddressCanonicalizer#forRecipients()} of it).
   *
   * @return the canonicalizer
   * @since 0.1.0
   */
  public AddressCanonicalizer canonicalizer() {
    String separators = get(SUBADDRESS_SEPARATORS);
    return separators.equals("+")
        ? AddressCanonicalizer.standard()
        : AddressCanonicalizer.builder().subaddressSeparators(separators).build();
  }

  /** Names the settings given; secret values redacted. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Settings[");
    values.forEach(
        (s, v) ->
            sb.append(sb.length() > 9 ? ", " : "")
                .append(s.key())
                .append('=')
                .append(s.isSecret() ? "redacted" : v));
    return sb.append(']').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Settings s && values.equals(s.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /**
   * Sets values by type, as a command line does after its converters ran. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final Map<Setting<?>, Object> values = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets a value; the last call for a setting wins.
     *
     * @param setting a declared setting
     * @param value its value
     * @param <T> its type
     * @return this builder
     */
    public <T> Builder set(Setting<T> setting, T value) {
      requireNonNull(setting, "setting");
      requireNonNull(value, "value");
      checkArgument(ALL.contains(setting), "%s is not declared in Settings", setting);
      values.put(setting, value);
      return this;
    }

    /**
     * Sets a value when present.
     *
     * @param setting a declared setting
     * @param value its value, or empty to leave it at its default
     * @param <T> its type
     * @return this builder
     */
    public <T> Builder set(Setting<T> setting, Optional<T> value) {
      requireNonNull(value, "value").ifPresent(v -> set(setting, v));
      return this;
    }

    /**
     * Sets a value from text, through the setting's grammar.
     *
     * @param setting a declared setting
     * @param text its value as written
     * @param <T> its type
     * @return this builder
     * @throws IllegalArgumentException naming the key and the expected form
     */
    public <T> Builder text(Setting<T> setting, String text) {
      return set(setting, setting.parse(text));
    }

    /**
     * The settings.
     *
     * @return immutable settings
     */
    public Settings build() {
      return new Settings(values);
    }
  }

  private static <T> Setting<T> declare(
      String key,
      List<String> otherNames,
      List<String> options,
      T defaultValue,
      String description,
      boolean secret,
      Setting.Parser<T> parser) {
    Setting<T> s =
        new Setting<>(
            key,
            otherNames,
            options,
            Optional.ofNullable(defaultValue),
            description,
            secret,
            parser);
    DECLARED.add(s);
    return s;
  }

  /** {@code store.url}, also spelt {@code storeUrl} (the mailets' parameter). */
  private static Setting<String> store(String name, String option, boolean secret) {
    String camel = "store" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
    List<String> other = name.equals(StoreSpec.URL) ? List.of(camel, "store") : List.of(camel);
    return declare(
        "store." + name,
        other,
        option == null ? List.of() : List.of(option),
        null,
        "The whitelist store's " + name + ".",
        secret,
        (k, v) -> text(k, last(v)));
  }

  static String last(List<String> values) {
    return values.get(values.size() - 1).strip();
  }

  private static String text(String key, String v) {
    checkArgument(v.length() <= MAX_TEXT, "%s has more than %s characters", key, MAX_TEXT);
    return v;
  }

  private static List<String> list(String key, List<String> values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      out.addAll(SettingGrammar.list(key, v));
      checkArgument(
          out.size() <= SettingGrammar.MAX_LIST_ITEMS,
          "%s has more than %s entries",
          key,
          SettingGrammar.MAX_LIST_ITEMS);
    }
    return List.copyOf(out);
  }

  private static List<String> networks(String key, List<String> values) {
    List<String> networks = list(key, values);
    for (String n : networks) {
      try {
        IpNetwork.parse(n);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
      }
    }
    return networks;
  }

  private static List<String> domains(String key, List<String> values) {
    List<String> domains = list(key, values);
    for (String d : domains) {
      try {
        AddressCanonicalizer.standard().canonicalizeDomain(d);
      } catch (InvalidAddressException e) {
        throw new IllegalArgumentException(key + ": not a domain name: " + e.getMessage(), e);
      }
    }
    return domains;
  }

  /** A CAPTCHA site key: 1 to 100 printable US-ASCII characters, no spaces (it is public). */
  private static String siteKey(String key, String v) {
    checkArgument(
        !v.isEmpty() && v.length() <= 100 && v.chars().allMatch(c -> c > 0x20 && c < 0x7f),
        "%s is 1 to 100 printable US-ASCII characters without spaces",
        key);
    return v;
  }

  /** An authserv-id (RFC 8601 §2.5): a domain-like token, no spaces or semicolons. */
  private static List<String> authservIds(String key, List<String> values) {
    List<String> ids = list(key, values);
    for (String id : ids) {
      checkArgument(
          AUTHSERV_ID.matcher(id).matches(),
          "%s: an authserv-id is 1..253 letters, digits, dots, hyphens and underscores",
          key);
    }
    return ids;
  }

  private static Duration learnLifetime(String key, String v) {
    if (v.equalsIgnoreCase("forever")) {
      return OutboundLearning.FOR_GOOD;
    }
    return OutboundLearning.checkLifetime(key, SettingGrammar.duration(key, v));
  }

  private static Duration positive(String key, Duration d) {
    checkArgument(!d.isZero(), "%s must be longer than zero", key);
    return d;
  }

  private static List<String> checkNames(String key, List<String> values) {
    List<String> names = SettingGrammar.list(key, last(values));
    checkArgument(!names.isEmpty(), "%s needs at least one check", key);
    checkArgument(names.stream().distinct().count() == names.size(), "%s names a check twice", key);
    for (String n : names) {
      checkArgument(
          CHECK_NAME.matcher(n).matches(),
          "%s: a check name is 1..20 of a-z, 0-9 and -, starting with a letter",
          key);
    }
    return names;
  }

  private static Duration pageWait(String key, Duration d) {
    checkArgument(
        d.compareTo(Duration.ofSeconds(1)) >= 0 && d.compareTo(Duration.ofMinutes(2)) <= 0,
        "%s must be 1 s..2 min",
        key);
    return d;
  }

  private static Duration atMostAnHour(String key, Duration d) {
    checkArgument(
        d.compareTo(Duration.ofMillis(100)) >= 0 && d.compareTo(Duration.ofHours(1)) <= 0,
        "%s must be 100 ms..1 h",
        key);
    return d;
  }

  /** {@code HOST:PORT}, {@code [IPv6]:PORT} or {@code :PORT} (loopback); port 0 picks one. */
  private static InetSocketAddress listenAddress(String key, String v) {
    text(key, v);
    HostAndPort hp;
    try {
      hp = HostAndPort.fromString(v.startsWith(":") ? "127.0.0.1" + v : v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " must look like HOST:PORT", e);
    }
    checkArgument(hp.hasPort(), "%s must look like HOST:PORT", key);
    try {
      return new InetSocketAddress(InetAddress.getByName(hp.getHost()), hp.getPort());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(key + ": unknown host " + printable(hp.getHost()), e);
    }
  }

  private static Path path(String key, List<String> values) {
    try {
      return Path.of(text(key, last(values)));
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(key + " is not a valid path");
    }
  }

  private static String organization(String key, String v) {
    checkArgument(!v.isEmpty() && v.length() <= 200, "%s must have 1 to 200 characters", key);
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      checkArgument(
          !Character.isISOControl(c) && c != '\u2028' && c != '\u2029',
          "%s must be one line of text, without control characters",
          key);
    }
    return v;
  }

  private static final Pattern CONTACT =
      Pattern.compile(
          "[A-Za-z0-9!$'*+/=^_`{|}~-]+(\\.[A-Za-z0-9!$'*+/=^_`{|}~-]+)*"
              + "@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");

  private static String contact(String key, String v) {
    checkArgument(
        v.length() <= 254 && CONTACT.matcher(v).matches(),
        "%s must be a plain address such as postmaster@example.com",
        key);
    return v;
  }

  private static URI https(String key, URI u) {
    checkArgument(
        "https".equalsIgnoreCase(u.getScheme())
            && u.getHost() != null
            && u.getRawUserInfo() == null
            && u.toASCIIString().length() <= 2000,
        "%s must be an https URL with a host, such as https://example.com/privacy",
        key);
    return u;
  }

  private static URI uri(String key, List<String> values) {
    try {
      return new URI(text(key, last(values)));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(key + " is not a valid URL: " + printable(e.getReason()));
    }
  }

  /**
   * {@code 550} or {@code 450}, alone or with its enhanced status {@code 5.7.1} or {@code 4.7.1}.
   */
  private static int challengeCode(String key, String value) {
    String v = value.strip().replaceAll("\\s+", " ");
    return switch (v) {
      case "550", "550 5.7.1" -> 550;
      case "450", "450 4.7.1" -> 450;
      default -> throw new IllegalArgumentException(key + " must be 550 or 450");
    };
  }

  /** The enhanced status that goes with a {@link #CHALLENGE_CODE}. */
  static String challengeEnhancedStatus(int code) {
    checkArgument(code == 450 || code == 550, "challenge code must be 550 or 450, got %s", code);
    return code == 450 ? "4.7.1" : "5.7.1";
  }

  private static LogAddresses logAddresses(String key, String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "full" -> LogAddresses.FULL;
      case "hash" -> LogAddresses.HASH;
      case "none" -> LogAddresses.NONE;
      default -> throw new IllegalArgumentException(key + " must be full, hash or none");
    };
  }

  private static NullSenderPolicy nullSenderPolicy(String key, String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "bounces" -> NullSenderPolicy.BOUNCES;
      case "any" -> NullSenderPolicy.ANY;
      case "reject" -> NullSenderPolicy.REJECT;
      default -> throw new IllegalArgumentException(key + " must be bounces, any or reject");
    };
  }

  private static String separators(String key, List<String> values) {
    String v = last(values);
    try {
      AddressCanonicalizer.builder().subaddressSeparators(v).build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
    return v;
  }

  /** {@code 451 4.3.0 text}: code, enhanced status, one line of text. */
  private static SmtpReply reply(String key, List<String> values) {
    Matcher m = REPLY.matcher(text(key, last(values)));
    if (!m.matches()) {
      throw new IllegalArgumentException(key + " must look like \"451 4.3.0 text\"");
    }
    try {
      return SmtpReply.of(Integer.parseInt(m.group(1)), m.group(2), m.group(3));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  /** A key or reason, safe for a message: printable ASCII, at most 100 characters. */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < 100; i++) {
      char c = s.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return sb.toString();
  }
}
