package org.smtpcr.examples.cli;

import java.util.ArrayList;
import java.util.List;
import org.smtpcr.examples.runtime.Settings;
import org.smtpcr.examples.web.ChallengePage;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options of the challenge page's HTTP server, shared by the commands that start it; each maps
 * onto one runtime {@link Settings} key (a properties file may use either spelling: {@code
 * trusted-proxy} or {@code webTrustedProxies}).
 */
final class WebOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--web-header-timeout",
      paramLabel = "DURATION",
      description =
          "How long the page waits for a request head, from connect or the previous response"
              + " (default 10s).")
  String headerTimeout;

  @Option(
      names = "--web-body-timeout",
      paramLabel = "DURATION",
      description = "How long the page waits for a request body; then 408 (default 20s).")
  String bodyTimeout;

  @Option(
      names = "--web-connections-per-client",
      paramLabel = "N",
      description =
          "Open connections to the page per client address (IPv6: per /64); trusted proxies are"
              + " exempt (default 16).")
  String connectionsPerClient;

  @Option(
      names = "--web-max-connections",
      paramLabel = "N",
      description = "Open connections to the page in all; more wait (default 2000).")
  String maxConnections;

  @Option(
      names = "--web-threads",
      paramLabel = "N",
      description = "Threads that run the page's logic (default 8).")
  String threads;

  @Option(
      names = "--web-queue",
      paramLabel = "N",
      description = "Requests waiting for a page thread at most; more get 503 (default 64).")
  String queue;

  @Option(
      names = "--trusted-proxy",
      paramLabel = "CIDR",
      split = ",",
      description =
          "A reverse proxy whose Forwarded/X-Forwarded-For header names the page's client, e.g."
              + " 127.0.0.1 (repeatable; default none: the peer is the client).")
  List<String> trustedProxies = new ArrayList<>();

  @Option(
      names = "--forwarded-header",
      paramLabel = "x-forwarded-for|forwarded",
      description =
          "The one header trusted proxies name the client in (default x-forwarded-for; the other"
              + " is ignored, since a proxy passes it through from the client).")
  String forwardedHeader;

  @Option(
      names = "--web-requests-per-minute-per-network",
      paramLabel = "N",
      description =
          "Requests to the page per client network (IPv4 /24, IPv6 /48) and minute; 0: no limit"
              + " (default 600).")
  String requestsPerMinutePerNetwork;

  @Option(
      names = "--web-posts-per-token",
      paramLabel = "N",
      description = "POSTs to the page per challenge link and hour; 0: no limit (default 10).")
  String postsPerTokenPerHour;

  @Option(
      names = "--confirmations-per-recipient-per-day",
      paramLabel = "N",
      description =
          "Most new confirmations per recipient per UTC day (default "
              + ChallengePage.DEFAULT_CONFIRMATIONS_PER_RECIPIENT_PER_DAY
              + ").")
  String perRecipientPerDay;

  @Option(
      names = "--confirmations-per-sender-domain-per-day",
      paramLabel = "N",
      description =
          "Most new confirmations per sender organizational domain per UTC day (default "
              + ChallengePage.DEFAULT_CONFIRMATIONS_PER_SENDER_DOMAIN_PER_DAY
              + ").")
  String perSenderDomainPerDay;

  @Option(
      names = "--confirmations-per-network-per-hour",
      paramLabel = "N",
      description =
          "Most new confirmations per client network (IPv4 /24, IPv6 /48) per hour (default "
              + ChallengePage.DEFAULT_CONFIRMATIONS_PER_NETWORK_PER_HOUR
              + ").")
  String perNetworkPerHour;

  @Option(
      names = "--page-checks",
      paramLabel = "CHECK[,CHECK...]",
      description =
          "Human checks the page offers, main first; a later one without JavaScript (wait) is the"
              + " no-JavaScript fallback (default pow,wait).")
  String pageChecks;

  @Option(
      names = "--page-wait",
      paramLabel = "DURATION",
      description =
          "How long the no-JavaScript check (wait) makes a person wait before confirming, 1s..2m"
              + " (default 5s).")
  String pageWait;

  @Option(
      names = "--captcha-site-key",
      paramLabel = "KEY",
      description =
          "The hosted CAPTCHA's public site key, for the turnstile, hcaptcha or recaptcha check.")
  String captchaSiteKey;

  @Option(
      names = "--captcha-secret-file",
      paramLabel = "FILE",
      description =
          "A file whose first line is the hosted CAPTCHA's secret key; keep it mode 600 (never"
              + " give the secret itself on a command line).")
  String captchaSecretFile;

  @Option(
      names = "--captcha-hostname",
      paramLabel = "HOST",
      split = ",",
      description =
          "A hostname the CAPTCHA's answer may name (repeatable; default: the host of"
              + " --challenge-base).")
  List<String> captchaHostnames = new ArrayList<>();

  @Option(
      names = "--captcha-timeout",
      paramLabel = "DURATION",
      description =
          "How long to wait for the CAPTCHA's siteverify API, to connect and to answer; past it"
              + " the person is asked to try again (default 3s).")
  String captchaTimeout;

  @Option(
      names = "--captcha-siteverify-url",
      paramLabel = "URL",
      description =
          "Another siteverify address than the provider's, for a test stub or an HTTP proxy of"
              + " your own (https, or http on loopback).")
  String captchaSiteverifyUrl;

  @Option(
      names = "--page-texts",
      paramLabel = "DIR",
      description =
          "A directory of page texts (messages_xx.properties, UTF-8) that change texts or add"
              + " languages; read at start (default: the built-in texts).")
  String pageTexts;

  @Option(
      names = "--page-organization",
      paramLabel = "NAME",
      description = "The organisation's name shown on every challenge page (default: none).")
  String pageOrganization;

  @Option(
      names = "--page-contact",
      paramLabel = "ADDRESS",
      description =
          "The contact address shown on every challenge page, e.g. postmaster@example.com"
              + " (default: none shown).")
  String pageContact;

  @Option(
      names = "--page-privacy-url",
      paramLabel = "URL",
      description = "The https URL of the privacy notice linked on every challenge page.")
  String pagePrivacyUrl;

  @Option(
      names = "--page-template",
      paramLabel = "FILE",
      description =
          "An HTML template for the challenge page, with {{lang}} {{dir}} {{title}} {{head}}"
              + " {{main}} (and {{org}} {{header}} {{footer}}); read at start.")
  String pageTemplate;

  @Option(
      names = "--page-css",
      paramLabel = "FILE",
      description = "A CSS file served as the challenge page's stylesheet instead of the built-in.")
  String pageCss;

  /** Adds the settings these options give to {@code b}; a wrong value is a usage error. */
  Settings.Builder addTo(Settings.Builder b) {
    Cli.setOption(spec, b, Settings.WEB_HEADER_TIMEOUT, headerTimeout);
    Cli.setOption(spec, b, Settings.WEB_BODY_TIMEOUT, bodyTimeout);
    Cli.setOption(spec, b, Settings.WEB_CONNECTIONS_PER_CLIENT, connectionsPerClient);
    Cli.setOption(spec, b, Settings.WEB_MAX_CONNECTIONS, maxConnections);
    Cli.setOption(spec, b, Settings.WEB_THREADS, threads);
    Cli.setOption(spec, b, Settings.WEB_QUEUE, queue);
    Cli.setOption(spec, b, Settings.WEB_TRUSTED_PROXIES, trustedProxies);
    Cli.setOption(spec, b, Settings.WEB_FORWARDED_HEADER, forwardedHeader);
    Cli.setOption(
        spec, b, Settings.WEB_REQUESTS_PER_MINUTE_PER_NETWORK, requestsPerMinutePerNetwork);
    Cli.setOption(spec, b, Settings.WEB_POSTS_PER_TOKEN_PER_HOUR, postsPerTokenPerHour);
    Cli.setOption(spec, b, Settings.CONFIRMATIONS_PER_RECIPIENT_PER_DAY, perRecipientPerDay);
    Cli.setOption(spec, b, Settings.CONFIRMATIONS_PER_SENDER_DOMAIN_PER_DAY, perSenderDomainPerDay);
    Cli.setOption(spec, b, Settings.CONFIRMATIONS_PER_NETWORK_PER_HOUR, perNetworkPerHour);
    Cli.setOption(spec, b, Settings.PAGE_CHECKS, pageChecks);
    Cli.setOption(spec, b, Settings.PAGE_WAIT, pageWait);
    Cli.setOption(spec, b, Settings.CAPTCHA_SITE_KEY, captchaSiteKey);
    Cli.setOption(spec, b, Settings.CAPTCHA_SECRET_FILE, captchaSecretFile);
    Cli.setOption(spec, b, Settings.CAPTCHA_HOSTNAMES, captchaHostnames);
    Cli.setOption(spec, b, Settings.CAPTCHA_TIMEOUT, captchaTimeout);
    Cli.setOption(spec, b, Settings.CAPTCHA_SITEVERIFY_URL, captchaSiteverifyUrl);
    Cli.setOption(spec, b, Settings.PAGE_TEXTS, pageTexts);
    Cli.setOption(spec, b, Settings.PAGE_ORGANIZATION, pageOrganization);
    Cli.setOption(spec, b, Settings.PAGE_CONTACT, pageContact);
    Cli.setOption(spec, b, Settings.PAGE_PRIVACY_URL, pagePrivacyUrl);
    Cli.setOption(spec, b, Settings.PAGE_TEMPLATE, pageTemplate);
    Cli.setOption(spec, b, Settings.PAGE_CSS, pageCss);
    return b;
  }
}
