package org.smtpcr.examples.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.smtpcr.examples.runtime.Settings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The engine options the servers share; each maps onto one runtime {@link Settings} key (a
 * properties file may use either spelling: {@code trusted-network} or {@code trustedNetworks}).
 */
final class EngineOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--challenge-lifetime",
      paramLabel = "DURATION",
      defaultValue = "7d",
      description = "How long a challenge link is valid (default ${DEFAULT-VALUE}).")
  Duration challengeLifetime;

  @Option(
      names = "--trusted-network",
      paramLabel = "CIDR",
      split = ",",
      description =
          "Accept without challenge from this client network, e.g. 192.0.2.0/24 (repeatable).")
  List<String> trustedNetworks = new ArrayList<>();

  @Option(
      names = "--exempt-recipient",
      paramLabel = "ADDRESS",
      split = ",",
      description =
          "Never challenge mail to this local part or address, besides postmaster and abuse (repeatable).")
  List<String> exemptRecipients = new ArrayList<>();

  @Option(
      names = "--subaddress-separators",
      paramLabel = "CHARS",
      defaultValue = "+",
      description =
          "Sub-address separators, as Postfix's recipient_delimiter (default ${DEFAULT-VALUE}).")
  String subaddressSeparators;

  @Option(
      names = "--spf",
      paramLabel = "on|off",
      description = "Check SPF at RCPT (RFC 7208; default on).")
  String spf;

  @Option(
      names = "--dkim",
      paramLabel = "on|off",
      description =
          "Check DKIM and DMARC at the end of DATA where the message is seen (default on; the"
              + " policy server never sees it).")
  String dkim;

  @Option(
      names = "--dns-server",
      paramLabel = "IP:PORT",
      description =
          "The DNS server SPF, DKIM and DMARC ask, e.g. 127.0.0.1:53 (default: the system's"
              + " resolver).")
  String dnsServer;

  @Option(
      names = "--dns-timeout",
      paramLabel = "DURATION",
      description = "How long one DNS query may take (default 2s).")
  String dnsTimeout;

  @Option(
      names = "--auth-deadline",
      paramLabel = "DURATION",
      description =
          "How long one SPF or DKIM check may take in all; past it the client is asked to retry"
              + " (451 4.4.3; default 8s).")
  String authDeadline;

  @Option(
      names = "--trusted-authserv-id",
      paramLabel = "ID",
      split = ",",
      description =
          "Trust Authentication-Results headers with this authserv-id, e.g. those OpenDKIM or"
              + " OpenDMARC add before us (repeatable; default none).")
  List<String> trustedAuthservIds = new ArrayList<>();

  @Option(
      names = "--trusted-forwarder",
      paramLabel = "CIDR",
      split = ",",
      description =
          "A forwarder network whose deliveries SPF does not judge; DKIM still counts (repeatable).")
  List<String> trustedForwarders = new ArrayList<>();

  @Option(
      names = "--authentication-optional-domain",
      paramLabel = "DOMAIN",
      split = ",",
      description =
          "A sender domain (and its subdomains) whose whitelist hits count without"
              + " authentication (repeatable).")
  List<String> authenticationOptionalDomains = new ArrayList<>();

  @Option(
      names = "--admit-unauthenticated",
      paramLabel = "on|off",
      description =
          "Let whitelist hits and pass codes count for unauthenticated senders, as before 0.2.0;"
              + " whoever forges a confirmed sender gets through (default off).")
  String admitUnauthenticated;

  @Option(
      names = "--reject-spf-fail",
      paramLabel = "on|off",
      description = "Reject SPF fail with 550 5.7.23 and no link (default on; off challenges it).")
  String rejectSpfFail;

  @Option(
      names = "--honour-unverified-confirmations",
      paramLabel = "on|off",
      description =
          "Honour a confirmation of an unverified delivery (e.g. SPF softfail through a"
              + " forwarder) when the next one arrives the same way (default on).")
  String honourUnverifiedConfirmations;

  @Option(
      names = "--recipient-password-attempts",
      paramLabel = "N",
      description =
          "Failed recipient-password attempts allowed per client (IPv4 address, IPv6 /64) per"
              + " hour; past them its passwords are not checked until the hour ends (default 10).")
  String recipientPasswordAttempts;

  @Option(
      names = "--subaddress-pass-codes",
      paramLabel = "on|off",
      description = "Accept a pass code in the sub-address, bob+CODE@ (default on).")
  String subaddressPassCodes;

  @Option(
      names = "--recipient-passwords-file",
      paramLabel = "FILE",
      description =
          "Recipients' own passwords, RECIPIENT PASSWORD per line (mode 600): any sender who"
              + " writes bob+PASSWORD@ passes.")
  String recipientPasswordsFile;

  @Option(
      names = "--null-sender",
      paramLabel = "bounces|any|reject",
      description =
          "Mail from <>: bounces accepts one recipient per transaction and only real bounces"
              + " (a report where the message is seen, else a recipient who sent mail recently);"
              + " any accepts everything, as before 0.3.0; reject refuses it (default bounces).")
  String nullSender;

  @Option(
      names = "--null-sender-needs-outbound",
      paramLabel = "on|off",
      description =
          "Where the message is not seen (policy server), accept a bounce only for a recipient"
              + " who sent mail recently (default on).")
  String nullSenderNeedsOutbound;

  @Option(
      names = "--local-domain",
      paramLabel = "DOMAIN",
      split = ",",
      description =
          "A domain this site receives mail for: links only for recipients in it and its"
              + " subdomains (repeatable; default none: every recipient, with a warning).")
  List<String> localDomains = new ArrayList<>();

  @Option(
      names = "--challenge-code",
      paramLabel = "550|450",
      description =
          "The challenge's reply code: 550 (5.7.1, default), or 450 (4.7.1) during a rollout: the"
              + " sending MTA retries, and the person sees the link only in a delay notice.")
  String challengeCode;

  @Option(
      names = "--mode",
      paramLabel = "enforce|observe",
      description =
          "enforce (default), or observe: decide, log and count as usual, but accept every"
              + " recipient and message (also when the store fails) and log what would have been"
              + " answered at INFO.")
  String mode;

  @Option(
      names = "--trusted-clients-file",
      paramLabel = "FILE",
      description =
          "Trusted clients, one a line: IP, CIDR, host name (with its sub-domains) or /regex/ on"
              + " the client's verified name; with FILE.local; re-read on SIGHUP.")
  String trustedClientsFile;

  @Option(
      names = "--exempt-recipients-file",
      paramLabel = "FILE",
      description =
          "Recipients never challenged, one a line: address, local@, @domain or /regex/; with"
              + " FILE.local; re-read on SIGHUP.")
  String exemptRecipientsFile;

  @Option(
      names = "--sender-whitelist-file",
      paramLabel = "FILE",
      description =
          "Whitelisted senders, SENDER [RECIPIENT] a line (address or @domain); with FILE.local;"
              + " re-read on SIGHUP.")
  String senderWhitelistFile;

  @Option(
      names = "--deny-file",
      paramLabel = "FILE",
      description =
          "Denied senders, SENDER [RECIPIENT] a line, refused with 550 5.7.1 and no link; with"
              + " FILE.local; re-read on SIGHUP.")
  String denyFile;

  @Option(
      names = "--reply-templates-file",
      paramLabel = "FILE",
      description =
          "Reply texts (KIND TEXT) and statuses (status KIND CODE ENHANCED) that replace the"
              + " built-in ones; read at start.")
  String replyTemplatesFile;

  /** The runtime settings these options give; a wrong value is a usage error naming the option. */
  Settings.Builder settings() {
    Settings.Builder b = Settings.builder().set(Settings.CHALLENGE_LIFETIME, challengeLifetime);
    Cli.setOption(spec, b, Settings.TRUSTED_NETWORKS, trustedNetworks);
    Cli.setOption(spec, b, Settings.EXEMPT_RECIPIENTS, exemptRecipients);
    Cli.setOption(spec, b, Settings.SUBADDRESS_SEPARATORS, List.of(subaddressSeparators));
    Cli.setOption(spec, b, Settings.SPF, spf);
    Cli.setOption(spec, b, Settings.DKIM, dkim);
    Cli.setOption(spec, b, Settings.DNS_SERVER, dnsServer);
    Cli.setOption(spec, b, Settings.DNS_TIMEOUT, dnsTimeout);
    Cli.setOption(spec, b, Settings.AUTH_DEADLINE, authDeadline);
    Cli.setOption(spec, b, Settings.TRUSTED_AUTHSERV_IDS, trustedAuthservIds);
    Cli.setOption(spec, b, Settings.TRUSTED_FORWARDERS, trustedForwarders);
    Cli.setOption(spec, b, Settings.AUTHENTICATION_OPTIONAL_DOMAINS, authenticationOptionalDomains);
    Cli.setOption(spec, b, Settings.ADMIT_UNAUTHENTICATED, admitUnauthenticated);
    Cli.setOption(spec, b, Settings.REJECT_SPF_FAIL, rejectSpfFail);
    Cli.setOption(spec, b, Settings.HONOUR_UNVERIFIED_CONFIRMATIONS, honourUnverifiedConfirmations);
    Cli.setOption(spec, b, Settings.RECIPIENT_PASSWORD_ATTEMPTS, recipientPasswordAttempts);
    Cli.setOption(spec, b, Settings.SUBADDRESS_PASS_CODES, subaddressPassCodes);
    Cli.setOption(spec, b, Settings.RECIPIENT_PASSWORDS_FILE, recipientPasswordsFile);
    Cli.setOption(spec, b, Settings.NULL_SENDER, nullSender);
    Cli.setOption(spec, b, Settings.NULL_SENDER_NEEDS_OUTBOUND, nullSenderNeedsOutbound);
    Cli.setOption(spec, b, Settings.LOCAL_DOMAINS, localDomains);
    Cli.setOption(spec, b, Settings.CHALLENGE_CODE, challengeCode);
    Cli.setOption(spec, b, Settings.MODE, mode);
    Cli.setOption(spec, b, Settings.TRUSTED_CLIENTS_FILE, trustedClientsFile);
    Cli.setOption(spec, b, Settings.EXEMPT_RECIPIENTS_FILE, exemptRecipientsFile);
    Cli.setOption(spec, b, Settings.SENDER_WHITELIST_FILE, senderWhitelistFile);
    Cli.setOption(spec, b, Settings.DENY_FILE, denyFile);
    Cli.setOption(spec, b, Settings.REPLY_TEMPLATES_FILE, replyTemplatesFile);
    return b;
  }
}
