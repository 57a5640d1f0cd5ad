package org.smtpcr.core.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpcr.core.Fixtures.BASE;
import static org.smtpcr.core.Fixtures.CLOCK;
import static org.smtpcr.core.Fixtures.tx;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Header;
import org.smtpcr.core.Stage;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.auth.AuthenticationResults;
import org.smtpcr.core.auth.DkimSignature;
import org.smtpcr.core.auth.DmarcPolicy;
import org.smtpcr.core.auth.DmarcResult;
import org.smtpcr.core.auth.SenderAuthenticator;
import org.smtpcr.core.auth.SpfResult;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.tokens.KeyRing;

/**
 * Whatever goes wrong in sender authentication (an authenticator that throws or returns null,
 * temperror in any part, a message that cannot be read), the answer is never a 5yz caused by it: a
 * 5yz comes only from what the sender's domain published (SPF fail, a DMARC policy, a hit that does
 * not count), which a failure of ours cannot produce.
 */
final class AuthenticatorFailurePropertiesTest {
  private static final KeyRing RING = KeyRing.generate();

  enum Trouble {
    THROW_AT_RCPT,
    NULL_AT_RCPT,
    SPF_TEMPERROR,
    POLICY_TEMPERROR,
    THROW_AT_DATA,
    IO_AT_DATA,
    DKIM_TEMPERROR,
    DMARC_TEMPERROR
  }

  private static final class Troubled implements SenderAuthenticator {
    private final Trouble trouble;
    private final SpfResult spf;

    Troubled(Trouble trouble, SpfResult spf) {
      this.trouble = trouble;
      this.spf = spf;
    }

    @Override
    public AuthenticationResults checkSender(InetAddress client, String helo, String mailFrom) {
      return switch (trouble) {
        case THROW_AT_RCPT -> throw new IllegalStateException("boom");
        case NULL_AT_RCPT -> null;
        case SPF_TEMPERROR ->
            AuthenticationResults.builder()
                .spfMailFrom(SpfResult.TEMPERROR)
                .senderPolicy(DmarcPolicy.REJECT)
                .build();
        case POLICY_TEMPERROR ->
            AuthenticationResults.builder()
                .spfMailFrom(spf)
                .senderPolicy(DmarcPolicy.TEMPERROR)
                .build();
        default ->
            AuthenticationResults.builder().spfMailFrom(spf).senderPolicy(DmarcPolicy.NONE).build();
      };
    }

    @Override
    public AuthenticationResults checkMessage(
        AuthenticationResults known, String mailFrom, InputStream message) throws IOException {
      return switch (trouble) {
        case THROW_AT_DATA -> throw new IllegalArgumentException("bad message");
        case IO_AT_DATA -> throw new IOException("connection reset");
        case DKIM_TEMPERROR ->
            known.toBuilder()
                .dkim(new DkimSignature("example.org", DkimSignature.Result.TEMPERROR))
                .messageChecked(true)
                .build();
        case DMARC_TEMPERROR ->
            known.toBuilder()
                .dmarc(
                    new DmarcResult(
                        "example.org", DmarcResult.Result.TEMPERROR, DmarcPolicy.TEMPERROR))
                .messageChecked(true)
                .build();
        default -> known.toBuilder().messageChecked(true).build();
      };
    }
  }

  @Provide
  Arbitrary<SpfResult> notForged() {
    return Arbitraries.of(
        SpfResult.NEUTRAL, SpfResult.SOFTFAIL, SpfResult.NONE, SpfResult.PERMERROR);
  }

  @Property(tries = 300)
  void troubleNeverBecomesA5yz(
      @ForAll Trouble trouble,
      @ForAll("notForged") SpfResult spf,
      @ForAll boolean whitelisted,
      @ForAll boolean seesData) {
    boolean atData = trouble.compareTo(Trouble.THROW_AT_DATA) >= 0;
    InMemoryWhitelistStore store = InMemoryWhitelistStore.builder().clock(CLOCK).build();
    if (whitelisted) {
      store.add(
          WhitelistKey.pair(
              CanonicalAddress.parseCanonical("alice@example.org"),
              CanonicalAddress.parseCanonical("bob@example.com")));
    }
    DecisionEngine engine =
        DecisionEngine.builder()
            .keyRing(RING)
            .challengeBase(BASE)
            .clock(CLOCK)
            .authenticator(new Troubled(trouble, spf))
            .rules(StandardRules.builder().whitelistStore(store).build())
            .build();
    Decision d;
    if (seesData) {
      TransactionState t = engine.begin(tx(Stage.MAIL).reversePath("<alice@example.org>").build());
      Decision r = t.rcpt("<bob@example.com>").decision();
      if (!(r instanceof Decision.Accept)) {
        d = r;
      } else {
        d =
            t.endOfData(
                    List.of(new Header("From", "alice@example.org")),
                    new ByteArrayInputStream(new byte[] {'x'}))
                .decision();
      }
    } else {
      d =
          engine
              .decide(
                  tx(Stage.RCPT)
                      .reversePath("<alice@example.org>")
                      .forwardPath("<bob@example.com>")
                      .build())
              .decision();
    }
    if (!atData || seesData) {
      // the route met the trouble (at RCPT, or at the end of DATA it sees): a temporary answer
      assertTrue(
          d instanceof Decision.Defer && d.negativeReply().get().code() == 451,
          () -> trouble + " (spf " + spf + ") must defer with 451, got " + d);
    }
  }
}
