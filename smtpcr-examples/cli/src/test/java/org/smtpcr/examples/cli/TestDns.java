package org.smtpcr.examples.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.smtpcr.auth.testing.Dnsmasq;

/**
 * One DNS server for the command-line tests that start servers: a dnsmasq authoritative for the
 * sender domains the tests use, publishing nothing for them, so SPF and DMARC find nothing (as for
 * a domain that publishes nothing) whatever the machine's own resolver would say: {@code
 * example.org}, for one, publishes {@code -all} on the Internet. Without dnsmasq the servers keep
 * the system's resolver. Started once, stopped by the fixture's shutdown hook.
 */
final class TestDns {
  private static final Set<String> SERVERS = Set.of("smtp-server", "policy-server", "demo");
  private static Dnsmasq dns;

  private TestDns() {}

  /** {@code args} with {@code --dns-server} for a server command that does not name one. */
  static String[] withDns(String... args) {
    List<String> a = List.of(args);
    if (a.stream().noneMatch(SERVERS::contains) || a.contains("--dns-server")) {
      return args;
    }
    String server = address();
    if (server == null) {
      return args;
    }
    List<String> out = new ArrayList<>(a);
    out.add("--dns-server");
    out.add(server);
    return out.toArray(String[]::new);
  }

  private static synchronized String address() {
    if (!Dnsmasq.isInstalled()) {
      return null;
    }
    if (dns == null) {
      dns =
          Dnsmasq.builder("example.org")
              .zone("example.com")
              .zone("example.net")
              .zone("sender.example")
              .zone("cr.example")
              .start();
    }
    return "127.0.0.1:" + dns.port();
  }
}
