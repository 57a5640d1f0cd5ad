package org.smtpcr.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.core.store.WhitelistStore;

/**
 * The request mix of the policy benchmark (see docs/benchmarks.md): a fixed pool of known (client,
 * sender, recipient) triplets, the same for every run and every server, and fresh unknown ones.
 */
final class PolicyMix {
  static final int POOL_SIZE = 500;

  private static final String[] RECIPIENTS = {"bob", "carol", "dave", "erin"};

  record Triplet(String client, String sender, String recipient) {}

  private PolicyMix() {}

  /** The known pool: {@value #POOL_SIZE} triplets from a fixed seed. */
  static List<Triplet> knownPool() {
    Random r = new Random(42);
    List<Triplet> pool = new ArrayList<>(POOL_SIZE);
    for (int i = 0; i < POOL_SIZE; i++) {
      pool.add(
          new Triplet(
              "198.51." + r.nextInt(256) + "." + (1 + r.nextInt(254)),
              "user" + i + "@sender" + r.nextInt(100) + ".example",
              RECIPIENTS[r.nextInt(RECIPIENTS.length)] + "@cr.test"));
    }
    return List.copyOf(pool);
  }

  /** Puts the sender and recipient of every known triplet into {@code store}, as pairs. */
  static void fill(WhitelistStore store) {
    AddressCanonicalizer senders = AddressCanonicalizer.standard();
    for (Triplet t : knownPool()) {
      store.add(
          WhitelistKey.pair(
              senders.canonicalize(t.sender()),
              senders.forRecipients().canonicalize(t.recipient())));
    }
  }

  /** A triplet no server has seen (with overwhelming probability). */
  static Triplet unknown(SplittableRandom r) {
    return new Triplet(
        "203.0." + r.nextInt(256) + "." + (1 + r.nextInt(254)),
        "x" + Long.toHexString(r.nextLong() >>> 1) + "@new" + r.nextInt(1_000_000) + ".example",
        RECIPIENTS[r.nextInt(RECIPIENTS.length)] + "@cr.test");
  }

  /** The next triplet: known with probability {@code knownFraction}. */
  static Triplet next(List<Triplet> pool, double knownFraction, SplittableRandom r) {
    return r.nextDouble() < knownFraction ? pool.get(r.nextInt(pool.size())) : unknown(r);
  }

  /** The request bytes, as Postfix writes them (LF line ends, an empty line at the end). */
  static byte[] request(Triplet t, String instance) {
    String s =
        "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\nclient_address="
            + t.client()
            + "\nclient_name=unknown\nclient_port=40000\nreverse_client_name=unknown\nserver_address=127.0.0.1\n"
            + "server_port=25\nhelo_name=mail.sender.example\nsender="
            + t.sender()
            + "\nrecipient="
            + t.recipient()
            + "\nrecipient_count=0\nqueue_id=\ninstance="
            + instance
            + "\nsize=0\netrn_domain=\nstress=\nsasl_method=\n"
            + "sasl_username=\nsasl_sender=\nccert_subject=\nccert_issuer=\nccert_fingerprint=\n"
            + "ccert_pubkey_fingerprint=\nencryption_protocol=\nencryption_cipher=\nencryption_keysize=0\npolicy_context=\n\n";
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
