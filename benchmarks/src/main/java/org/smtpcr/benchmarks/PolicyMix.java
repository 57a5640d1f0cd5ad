package org.smtpcr.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The request mix of the policy benchmark: a fixed pool of known (client, sender, recipient)
 * triplets, the same for every run and every server, and fresh unknown ones. A known triplet is one
 * the server has already seen: pre-filled into our store, greylisted once and passed in Postgrey.
 * Requests carry the full attribute set Postfix 3.7 sends at RCPT.
 */
public final class PolicyMix {
  public static final int POOL_SIZE = 500;

  private static final String[] RECIPIENTS = {"bob", "carol", "dave", "erin"};

  public record Triplet(String client, String sender, String recipient) {}

  private PolicyMix() {}

  /** The known pool: {@value #POOL_SIZE} triplets from a fixed seed. */
  public static List<Triplet> knownPool() {
    Random r = new Random(42);
    List<Triplet> pool = new ArrayList<>(POOL_SIZE);
    for (int i = 0; i < POOL_SIZE; i++) {
      pool.add(new Triplet("198.51." + r.nextInt(256) + "." + (1 + r.nextInt(254)),
          "user" + i + "@sender" + r.nextInt(100) + ".example",
          RECIPIENTS[r.nextInt(RECIPIENTS.length)] + "@cr.test"));
    }
    return List.copyOf(pool);
  }

  /** A triplet no server has seen (with overwhelming probability). */
  public static Triplet unknown(SplittableRandom r) {
    return new Triplet("203.0." + r.nextInt(256) + "." + (1 + r.nextInt(254)),
        "x" + Long.toHexString(r.nextLong() >>> 1) + "@new" + r.nextInt(1_000_000) + ".example",
        RECIPIENTS[r.nextInt(RECIPIENTS.length)] + "@cr.test");
  }

  /** The next triplet: known with probability {@code knownFraction}. */
  public static Triplet next(List<Triplet> pool, double knownFraction, SplittableRandom r) {
    return r.nextDouble() < knownFraction ? pool.get(r.nextInt(pool.size())) : unknown(r);
  }

  /** The request bytes, as Postfix writes them (LF line ends, an empty line at the end). */
  public static byte[] request(Triplet t, String instance) {
    String s = "request=smtpd_access_policy\n"
        + "protocol_state=RCPT\n"
        + "protocol_name=ESMTP\n"
        + "client_address=" + t.client() + "\n"
        + "client_name=unknown\n"
        + "client_port=40000\n"
        + "reverse_client_name=unknown\n"
        + "server_address=127.0.0.1\n"
        + "server_port=25\n"
        + "helo_name=mail.sender.example\n"
        + "sender=" + t.sender() + "\n"
        + "recipient=" + t.recipient() + "\n"
        + "recipient_count=0\n"
        + "queue_id=\n"
        + "instance=" + instance + "\n"
        + "size=0\n"
        + "etrn_domain=\n"
        + "stress=\n"
        + "sasl_method=\n"
        + "sasl_username=\n"
        + "sasl_sender=\n"
        + "ccert_subject=\n"
        + "ccert_issuer=\n"
        + "ccert_fingerprint=\n"
        + "ccert_pubkey_fingerprint=\n"
        + "encryption_protocol=\n"
        + "encryption_cipher=\n"
        + "encryption_keysize=0\n"
        + "policy_context=\n"
        + "\n";
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
