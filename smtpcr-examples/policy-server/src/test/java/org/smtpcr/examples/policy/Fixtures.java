package org.smtpcr.examples.policy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.OutboundMarks;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.tokens.KeyRing;

/** Engines, stores and requests for the tests. */
final class Fixtures {
  static final URI BASE = URI.create("https://cr.example/");

  private Fixtures() {}

  /**
   * An empty store in which bob@cr.test sent mail recently, so that a bounce to him passes the
   * null-sender rule on this route (which does not see the message).
   */
  static InMemoryWhitelistStore store() {
    InMemoryWhitelistStore store = InMemoryWhitelistStore.builder().build();
    store.countIfUnder(
        List.of(
            OutboundMarks.mark(
                CanonicalAddress.parseCanonical("bob@cr.test"),
                Instant.now(),
                Duration.ofDays(2))));
    return store;
  }

  static DecisionEngine engine(KeyRing keys, WhitelistStore store) {
    return DecisionEngine.builder()
        .keyRing(keys)
        .challengeBase(BASE)
        .rules(StandardRules.builder().whitelistStore(store).build())
        .build();
  }

  /** The attributes Postfix 3.7 sends at RCPT (from a real transcript), with these values. */
  static Map<String, String> rcpt(String sender, String recipient) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("request", "smtpd_access_policy");
    a.put("protocol_state", "RCPT");
    a.put("protocol_name", "ESMTP");
    a.put("client_address", "192.0.2.10");
    a.put("client_name", "mail.sender.example");
    a.put("client_port", "39514");
    a.put("reverse_client_name", "mail.sender.example");
    a.put("server_address", "127.0.0.1");
    a.put("server_port", "25");
    a.put("helo_name", "mail.sender.example");
    a.put("sender", sender);
    a.put("recipient", recipient);
    a.put("recipient_count", "0");
    a.put("queue_id", "");
    a.put("instance", "360.6b0b0369.b2517.0");
    a.put("size", "0");
    a.put("etrn_domain", "");
    a.put("stress", "");
    a.put("sasl_method", "");
    a.put("sasl_username", "");
    a.put("sasl_sender", "");
    a.put("ccert_subject", "");
    a.put("ccert_issuer", "");
    a.put("ccert_fingerprint", "");
    a.put("ccert_pubkey_fingerprint", "");
    a.put("encryption_protocol", "");
    a.put("encryption_cipher", "");
    a.put("encryption_keysize", "0");
    a.put("policy_context", "");
    return a;
  }

  /** The request Postfix sends for the same transaction once the message is accepted. */
  static Map<String, String> endOfMessage(Map<String, String> rcpt) {
    Map<String, String> a = with(rcpt, "protocol_state", "END-OF-MESSAGE");
    a.put("recipient_count", "1");
    a.put("size", "321");
    return a;
  }

  static Map<String, String> with(Map<String, String> attributes, String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(attributes);
    copy.put(name, value);
    return copy;
  }

  /** The request as Postfix writes it: name=value lines and an empty line. */
  static String wire(Map<String, String> attributes) {
    StringBuilder sb = new StringBuilder();
    attributes.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    return sb.append('\n').toString();
  }
}
