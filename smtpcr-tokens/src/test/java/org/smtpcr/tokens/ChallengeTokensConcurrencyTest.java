package org.smtpcr.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.smtpcr.tokens.TokenException.Reason;

/**
 * One {@link ChallengeTokens} and one {@link PassCodes} shared by many threads: every result is
 * right.
 */
final class ChallengeTokensConcurrencyTest {
  private static final int THREADS = 8;
  private static final int PER_THREAD = 250;
  private static final long T0 = TokenVectorGenerator.T0;
  private static final byte[] K0 = TokenVectorGenerator.key("k0");
  private static final byte[] K1 = TokenVectorGenerator.key("k1");

  private record Minted(String sender, String recipient, String token, String code) {}

  @Test
  void mintAndVerify_fromManyThreadsAtOnce_allResultsCorrect() throws Exception {
    KeyRing ring =
        KeyRing.builder()
            .key(0, MasterKey.copyOf(K0))
            .key(1, MasterKey.copyOf(K1))
            .active(1)
            .build();
    ChallengeTokens tokens =
        ChallengeTokens.builder().keyRing(ring).clock(MutableClock.atEpochSecond(T0)).build();
    PassCodes codes = PassCodes.of(ring);
    String oldToken = ReferenceTokenV1.mint(K0, 0, T0, 10080, "old@example.org", "bob@example.com");
    String forged =
        ReferenceTokenV1.mint(K0, 1, T0, 10080, "forged@example.org", "bob@example.com");

    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CyclicBarrier start = new CyclicBarrier(THREADS);
      List<Future<List<Minted>>> phase1 = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        phase1.add(
            pool.submit(
                () -> {
                  start.await(30, TimeUnit.SECONDS);
                  List<Minted> out = new ArrayList<>();
                  for (int i = 0; i < PER_THREAD; i++) {
                    String sender = "t" + thread + ".n" + i + "@例え.example";
                    String recipient = "rcpt" + (i % 7) + "@example.com";
                    String token = tokens.mint(sender, recipient, Duration.ofMinutes(1 + i));
                    assertEquals(ReferenceTokenV1.mint(K1, 1, T0, 1 + i, sender, recipient), token);
                    ChallengeClaims c = tokens.verify(token);
                    assertEquals(sender, c.sender());
                    assertEquals(recipient, c.recipient());
                    assertEquals(1 + i, c.lifetime().toMinutes());
                    assertEquals("old@example.org", tokens.verify(oldToken).sender());
                    assertEquals(
                        Reason.BAD_SIGNATURE,
                        assertThrows(TokenException.class, () -> tokens.verify(forged)).reason());
                    String code = codes.compute(sender, recipient);
                    assertEquals(ReferenceTokenV1.passCode(K1, 1, sender, recipient), code);
                    codes.verify(code, sender, recipient);
                    assertThrows(TokenException.class, () -> codes.verify(code, recipient, sender));
                    out.add(new Minted(sender, recipient, token, code));
                  }
                  return out;
                }));
      }
      List<Minted> all = new ArrayList<>();
      for (Future<List<Minted>> f : phase1) {
        all.addAll(f.get(120, TimeUnit.SECONDS));
      }
      assertEquals(THREADS * PER_THREAD, all.size());

      // phase 2: every thread verifies the results of every other thread, in a different order
      List<Callable<Integer>> phase2 = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int offset = t * PER_THREAD / 2;
        phase2.add(
            () -> {
              int ok = 0;
              for (int i = 0; i < all.size(); i++) {
                Minted m = all.get((i + offset) % all.size());
                ChallengeClaims c = tokens.verify(m.token());
                codes.verify(m.code(), m.sender(), m.recipient());
                if (c.sender().equals(m.sender()) && c.recipient().equals(m.recipient())) {
                  ok++;
                }
              }
              return ok;
            });
      }
      for (Future<Integer> f : pool.invokeAll(phase2, 120, TimeUnit.SECONDS)) {
        assertEquals(all.size(), f.get());
      }
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    }
  }
}
