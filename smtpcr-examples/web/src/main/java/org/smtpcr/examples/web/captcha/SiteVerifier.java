package org.smtpcr.examples.web.captcha;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpcr.core.internal.LogSafe;
import org.smtpcr.examples.web.captcha.CaptchaVerdict.Failed;
import org.smtpcr.examples.web.captcha.CaptchaVerdict.FailureReason;
import org.smtpcr.examples.web.captcha.CaptchaVerdict.Passed;
import org.smtpcr.examples.web.captcha.CaptchaVerdict.Unavailable;
import org.smtpcr.examples.web.captcha.CaptchaVerdict.UnavailableReason;

/**
 * Verifies a hosted CAPTCHA's response token through the provider's documented {@code siteverify}
 * API, server side.
 *
 * <pre>{@code
 * SiteVerifier turnstile = SiteVerifier.builder()
 *     .provider(CaptchaProvider.TURNSTILE)
 *     .siteKey("1x00000000000000000000AA")               // Cloudflare's test key: always passes
 *     .secret(CaptchaSecret.fromFile(Path.of("/etc/smtpcr/turnstile.secret")))
 *     .hostnames(Set.of("cr.example.com"))
 *     .build();
 * CaptchaVerdict v = turnstile.verify(
 *     CaptchaSubmission.of(form.get("cf-turnstile-response"), clientAddress).withCdata(linkDigest));
 * }</pre>
 *
 * <p>One POST per call ({@code secret}, {@code response}, {@code remoteip}; {@code sitekey} for
 * hCaptcha; {@code idempotency_key} for Turnstile when given), no retry, no redirect, answered
 * within the connect timeout plus the request timeout (3 s each by default); the calling thread
 * waits. The answer passes only if it is a JSON object of at most {@value #MAX_ANSWER_BYTES} bytes
 * with {@code "success": true}, a {@code hostname} among the configured ones, and, for Turnstile,
 * the submission's {@code cdata} and {@code action}. Anything else is {@link Failed} (the token is
 * bad) or {@link Unavailable} (the provider is: timeout, refused connection, HTTP status other than
 * 200, oversized or malformed JSON, {@code internal-error}, or an error code that says our own
 * configuration is wrong). Neither ever whitelists.
 *
 * <p>Logs: a failure at DEBUG with the provider's {@code error-codes}; an unavailable provider at
 * WARN, with the codes or the cause. All of it through {@link LogSafe}; never the secret or the
 * token.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class SiteVerifier {
  private static final Logger log = LoggerFactory.getLogger(SiteVerifier.class);

  /** Largest answer read, in bytes; the documented answers are a few hundred. */
  public static final int MAX_ANSWER_BYTES = 16 * 1024;

  /**
   * Longest response token sent to the provider, in characters. Turnstile's are at most 2,048;
   * hCaptcha's and reCAPTCHA's a few thousand at most.
   */
  public static final int MAX_RESPONSE_TOKEN_LENGTH = 8 * 1024;

  /** Most error codes kept from one answer. */
  static final int MAX_ERROR_CODES = 8;

  /** Longest error code kept, in characters. */
  static final int MAX_ERROR_CODE_LENGTH = 64;

  /** The default connect and request timeouts. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

  /** Error codes that say our request or configuration is wrong, not the person's token. */
  private static final Set<String> CONFIGURATION_ERRORS =
      Set.of(
          "missing-input-secret",
          "invalid-input-secret",
          "bad-request",
          "sitekey-secret-mismatch",
          "invalid-sitekey",
          "not-using-dummy-passcode",
          "missing-remoteip",
          "invalid-remoteip");

  private static final Set<String> PROVIDER_ERRORS = Set.of("internal-error");

  private final CaptchaProvider provider;
  private final String siteKey;
  private final CaptchaSecret secret;
  private final Set<String> hostnames;
  private final URI endpoint;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final HttpClient client;

  private SiteVerifier(Builder b) {
    this.provider = b.provider;
    this.siteKey = b.siteKey;
    this.secret = b.secret;
    this.hostnames = Set.copyOf(b.hostnames);
    this.endpoint = b.endpoint == null ? b.provider.endpoint() : b.endpoint;
    this.connectTimeout = b.connectTimeout == null ? DEFAULT_TIMEOUT : b.connectTimeout;
    this.requestTimeout = b.requestTimeout == null ? DEFAULT_TIMEOUT : b.requestTimeout;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** Starts a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The provider asked. */
  public CaptchaProvider provider() {
    return provider;
  }

  /** The public site key the page's widget is rendered with. */
  public String siteKey() {
    return siteKey;
  }

  /** The hostnames an answer may name, lowercase. */
  public Set<String> hostnames() {
    return hostnames;
  }

  /**
   * Asks the provider about {@code submission} and returns the verdict. Never throws for anything
   * the provider, the network or the client does.
   *
   * @throws IllegalArgumentException if the submission asks for a {@code cdata}, {@code action} or
   *     {@code idempotency_key} binding the provider does not offer (a programming error: an
   *     unchecked binding would silently bind nothing)
   */
  public CaptchaVerdict verify(CaptchaSubmission submission) {
    requireNonNull(submission, "submission");
    checkArgument(
        provider.bindsCdata()
            || (submission.expectedCdata().isEmpty()
                && submission.expectedAction().isEmpty()
                && submission.idempotencyKey().isEmpty()),
        "%s offers no cdata, action or idempotency_key",
        provider);
    String token = submission.responseToken();
    if (token.isEmpty()) {
      return failed(FailureReason.MISSING_RESPONSE, List.of());
    }
    if (!isPrintableToken(token)) {
      return failed(FailureReason.MALFORMED_RESPONSE, List.of());
    }
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(requestTimeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form(submission), UTF_8))
            .build();
    CompletableFuture<HttpResponse<byte[]>> exchange =
        client.sendAsync(request, info -> new BoundedBody(MAX_ANSWER_BYTES));
    HttpResponse<byte[]> response;
    try {
      response =
          exchange.get(connectTimeout.plus(requestTimeout).toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      return unavailable(UnavailableReason.TIMEOUT, "no answer within " + requestTimeout);
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      return unavailable(UnavailableReason.INTERRUPTED, "interrupted");
    } catch (ExecutionException e) {
      return unavailable(e.getCause() == null ? e : e.getCause());
    }
    if (response.statusCode() != 200) {
      return unavailable(UnavailableReason.HTTP_STATUS, "HTTP " + response.statusCode());
    }
    return judge(submission, response.body());
  }

  /** Judges an answer's body; package-private for the property tests. */
  CaptchaVerdict judge(CaptchaSubmission submission, byte[] body) {
    Map<String, Object> answer;
    try {
      answer =
          SiteVerifyJson.parseObject(
              UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT)
                  .decode(ByteBuffer.wrap(body))
                  .toString());
    } catch (CharacterCodingException | IllegalArgumentException e) {
      return unavailable(UnavailableReason.MALFORMED_ANSWER, String.valueOf(e.getMessage()));
    }
    if (!(answer.get("success") instanceof Boolean success)) {
      return unavailable(UnavailableReason.MALFORMED_ANSWER, "no boolean \"success\"");
    }
    List<String> codes = errorCodes(answer.get("error-codes"));
    if (!success) {
      if (codes.stream().anyMatch(CONFIGURATION_ERRORS::contains)) {
        return unavailable(UnavailableReason.MISCONFIGURED, "error-codes " + codes);
      }
      if (codes.stream().anyMatch(PROVIDER_ERRORS::contains)) {
        return unavailable(UnavailableReason.PROVIDER_ERROR, "error-codes " + codes);
      }
      return failed(FailureReason.REJECTED, codes);
    }
    Optional<String> hostname =
        string(answer, "hostname").map(h -> stripDot(h.toLowerCase(Locale.ROOT)));
    if (hostname.isEmpty() || !hostnames.contains(hostname.get())) {
      log.debug(
          "captcha answer for another hostname provider={} hostname={}",
          provider,
          LogSafe.of(hostname.orElse("(none)")));
      return failed(FailureReason.WRONG_HOSTNAME, List.of());
    }
    if (submission.expectedCdata().isPresent()
        && !submission.expectedCdata().equals(string(answer, "cdata"))) {
      return failed(FailureReason.CDATA_MISMATCH, List.of());
    }
    if (submission.expectedAction().isPresent()
        && !submission.expectedAction().equals(string(answer, "action"))) {
      return failed(FailureReason.ACTION_MISMATCH, List.of());
    }
    log.debug("captcha passed provider={} hostname={}", provider, hostname.get());
    return new Passed(
        provider, hostname.get(), string(answer, "challenge_ts").flatMap(SiteVerifier::instant));
  }

  private String form(CaptchaSubmission s) {
    StringBuilder sb = new StringBuilder(256 + s.responseToken().length());
    field(sb, "secret", secret.reveal());
    field(sb, "response", s.responseToken());
    field(sb, "remoteip", s.remoteIp().getHostAddress());
    if (provider.sendsSiteKey()) {
      field(sb, "sitekey", siteKey);
    }
    s.idempotencyKey().ifPresent(k -> field(sb, "idempotency_key", k.toString()));
    return sb.toString();
  }

  private static void field(StringBuilder sb, String name, String value) {
    if (sb.length() > 0) {
      sb.append('&');
    }
    sb.append(name).append('=').append(URLEncoder.encode(value, UTF_8));
  }

  private Failed failed(FailureReason reason, List<String> codes) {
    log.debug("captcha failed provider={} reason={} error-codes={}", provider, reason, codes);
    return new Failed(provider, reason, codes);
  }

  private Unavailable unavailable(UnavailableReason reason, String detail) {
    String safe = LogSafe.of(detail);
    log.warn(
        "captcha provider unavailable provider={} reason={} detail={}", provider, reason, safe);
    return new Unavailable(provider, reason, safe);
  }

  private Unavailable unavailable(Throwable cause) {
    Throwable t = cause;
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      if (t instanceof BoundedBody.TooLargeException) {
        return unavailable(UnavailableReason.OVERSIZED_ANSWER, String.valueOf(t.getMessage()));
      }
      if (t instanceof HttpConnectTimeoutException || t instanceof HttpTimeoutException) {
        return unavailable(UnavailableReason.TIMEOUT, t.getClass().getSimpleName());
      }
      if (t instanceof ConnectException || t instanceof UnknownHostException) {
        return unavailable(UnavailableReason.CONNECTION, t.getClass().getSimpleName());
      }
    }
    // the type only: whatever the text says, it is not needed to tell "try again"
    return unavailable(UnavailableReason.CONNECTION, cause.getClass().getSimpleName());
  }

  private static List<String> errorCodes(Object v) {
    if (!(v instanceof List<?> list)) {
      return List.of();
    }
    List<String> codes = new ArrayList<>();
    for (Object o : list) {
      if (codes.size() == MAX_ERROR_CODES) {
        codes.add("...");
        break;
      }
      if (o instanceof String code) {
        String safe = LogSafe.of(code);
        codes.add(
            safe.length() > MAX_ERROR_CODE_LENGTH
                ? safe.substring(0, MAX_ERROR_CODE_LENGTH) + "..."
                : safe);
      }
    }
    return List.copyOf(codes);
  }

  private static Optional<String> string(Map<String, Object> answer, String name) {
    return answer.get(name) instanceof String s ? Optional.of(s) : Optional.empty();
  }

  private static Optional<Instant> instant(String text) {
    try {
      return Optional.of(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static boolean isPrintableToken(String token) {
    if (token.length() > MAX_RESPONSE_TOKEN_LENGTH) {
      return false;
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static String stripDot(String host) {
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  /**
   * Names the provider, endpoint (scheme, host, port and path only: a proxy's address may carry
   * credentials), hostnames and timeouts; never the secret.
   */
  @Override
  public String toString() {
    return "SiteVerifier["
        + provider
        + ", "
        + endpoint.getScheme()
        + "://"
        + endpoint.getHost()
        + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort())
        + (endpoint.getRawPath() == null ? "" : endpoint.getRawPath())
        + ", hostnames="
        + hostnames
        + ", connectTimeout="
        + connectTimeout
        + ", requestTimeout="
        + requestTimeout
        + ", "
        + secret
        + "]";
  }

  /**
   * Builds a {@link SiteVerifier}. Provider, site key, secret and hostnames are required; each
   * option is set once. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private CaptchaProvider provider;
    private String siteKey;
    private CaptchaSecret secret;
    private Set<String> hostnames;
    private URI endpoint;
    private Duration connectTimeout;
    private Duration requestTimeout;

    private Builder() {}

    /** The provider. Required. */
    public Builder provider(CaptchaProvider provider) {
      checkState(this.provider == null, "provider was already set");
      this.provider = requireNonNull(provider, "provider");
      return this;
    }

    /**
     * The public site key (1 to 100 printable US-ASCII characters). Required: the page renders the
     * widget with it, and hCaptcha checks the token against it.
     */
    public Builder siteKey(String siteKey) {
      checkState(this.siteKey == null, "siteKey was already set");
      requireNonNull(siteKey, "siteKey");
      checkArgument(
          !siteKey.isEmpty() && siteKey.length() <= 100 && isPrintableToken(siteKey),
          "a site key is 1 to 100 printable US-ASCII characters without spaces");
      this.siteKey = siteKey;
      return this;
    }

    /** The secret key. Required. */
    public Builder secret(CaptchaSecret secret) {
      checkState(this.secret == null, "secret was already set");
      this.secret = requireNonNull(secret, "secret");
      return this;
    }

    /**
     * The hostnames the page is served on (case-insensitive, a trailing dot ignored): an answer for
     * any other hostname fails. Required, at least one.
     */
    public Builder hostnames(Set<String> hostnames) {
      checkState(this.hostnames == null, "hostnames were already set");
      requireNonNull(hostnames, "hostnames");
      checkArgument(!hostnames.isEmpty(), "at least one hostname");
      Set<String> normalized = new LinkedHashSet<>();
      for (String h : hostnames) {
        requireNonNull(h, "hostname");
        String n = stripDot(h.strip().toLowerCase(Locale.ROOT));
        checkArgument(!n.isEmpty() && isPrintableToken(n), "not a hostname: %s", LogSafe.of(h));
        normalized.add(n);
      }
      this.hostnames = normalized;
      return this;
    }

    /**
     * Another {@code siteverify} address (a stub in tests, a company proxy); default the
     * provider's. It must be {@code https}, or {@code http} on a loopback address: the secret
     * travels in the request body.
     */
    public Builder endpoint(URI endpoint) {
      checkState(this.endpoint == null, "endpoint was already set");
      requireNonNull(endpoint, "endpoint");
      String scheme = String.valueOf(endpoint.getScheme()).toLowerCase(Locale.ROOT);
      checkArgument(
          endpoint.getHost() != null
              && (scheme.equals("https")
                  || (scheme.equals("http") && isLoopback(endpoint.getHost()))),
          "the siteverify endpoint must be https (or http on a loopback address), not %s on %s",
          LogSafe.of(scheme),
          LogSafe.of(String.valueOf(endpoint.getHost())));
      this.endpoint = endpoint;
      return this;
    }

    /** How long to wait for the connection; default 3 s. */
    public Builder connectTimeout(Duration timeout) {
      checkState(this.connectTimeout == null, "connectTimeout was already set");
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** How long to wait for the whole answer once the request is sent; default 3 s. */
    public Builder requestTimeout(Duration timeout) {
      checkState(this.requestTimeout == null, "requestTimeout was already set");
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /** Builds the verifier. */
    public SiteVerifier build() {
      checkState(provider != null, "provider is required");
      checkState(siteKey != null, "siteKey is required");
      checkState(secret != null, "secret is required");
      checkState(hostnames != null, "hostnames are required");
      return new SiteVerifier(this);
    }

    private static Duration positive(Duration d, String name) {
      requireNonNull(d, name);
      checkArgument(
          !d.isNegative() && !d.isZero() && d.compareTo(Duration.ofMinutes(1)) <= 0,
          "%s must be more than 0 and at most 1 minute: %s",
          name,
          d);
      return d;
    }

    /**
     * A loopback address literal, or {@code localhost}; a name such as {@code 127.x.example} is
     * not.
     */
    private static boolean isLoopback(String host) {
      String h =
          host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      return h.equals("localhost")
          || (InetAddresses.isInetAddress(h) && InetAddresses.forString(h).isLoopbackAddress());
    }
  }
}
