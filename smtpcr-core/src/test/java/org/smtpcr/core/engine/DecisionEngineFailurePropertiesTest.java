package org.smtpcr.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpcr.core.Fixtures.BASE;
import static org.smtpcr.core.Fixtures.CLOCK;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.smtpcr.core.Decision;
import org.smtpcr.core.Fixtures;
import org.smtpcr.core.Header;
import org.smtpcr.core.Stage;
import org.smtpcr.core.Transaction;
import org.smtpcr.core.address.InvalidAddressException;
import org.smtpcr.core.rules.WhitelistStoreRule;
import org.smtpcr.core.spi.DecisionRule;
import org.smtpcr.core.store.StoreException;
import org.smtpcr.tokens.KeyRing;

/** Whatever the chain of rules, the stage and the listener, a failure never becomes a 5yz reply. */
final class DecisionEngineFailurePropertiesTest {
  private static final KeyRing RING = KeyRing.generate();

  enum Behaviour {
    ABSTAIN,
    ACCEPT,
    REJECT,
    DEFER,
    THROW_RUNTIME,
    THROW_STORE,
    THROW_ADDRESS,
    THROW_NO_SUCH_ELEMENT,
    RETURN_NULL,
    STORE_DOWN
  }

  private static boolean isFailure(Behaviour b) {
    return switch (b) {
      case THROW_RUNTIME,
          THROW_STORE,
          THROW_ADDRESS,
          THROW_NO_SUCH_ELEMENT,
          RETURN_NULL,
          STORE_DOWN ->
          true;
      default -> false;
    };
  }

  private static DecisionRule rule(Behaviour b) {
    return switch (b) {
      case ABSTAIN -> ctx -> Optional.empty();
      case ACCEPT -> ctx -> Optional.of(ctx.accept());
      case REJECT -> ctx -> Optional.of(ctx.reject());
      case DEFER -> ctx -> Optional.of(ctx.defer());
      case THROW_RUNTIME ->
          ctx -> {
            throw new RuntimeException("boom\r\n550 5.0.0 injected");
          };
      case THROW_STORE ->
          ctx -> {
            throw new StoreException("down");
          };
      case THROW_ADDRESS ->
          ctx -> {
            throw new InvalidAddressException("rule's own");
          };
      case THROW_NO_SUCH_ELEMENT ->
          ctx -> {
            int unused = ctx.transaction().header("x").get().length();
            return Optional.empty();
          };
      case RETURN_NULL -> ctx -> null;
      case STORE_DOWN -> WhitelistStoreRule.of(DecisionEngineFailureTest.downStore());
    };
  }

  @Provide
  Arbitrary<List<Behaviour>> chains() {
    return Arbitraries.of(Behaviour.class).list().ofMaxSize(6);
  }

  @Provide
  Arbitrary<Stage> stages() {
    return Arbitraries.of(Stage.MAIL, Stage.RCPT, Stage.DATA);
  }

  @Property(tries = 300)
  void decide_anyChainWithFailures_neverAnswers5yzForAFailure(
      @ForAll("chains") List<Behaviour> chain,
      @ForAll("stages") Stage stage,
      @ForAll boolean throwingListener) {
    List<DecisionEvent> seen = new ArrayList<>();
    DecisionListener listener =
        throwingListener
            ? ev -> {
              seen.add(ev);
              throw new IllegalStateException("listener");
            }
            : seen::add;
    DecisionEngine.Builder b =
        DecisionEngine.builder().keyRing(RING).challengeBase(BASE).clock(CLOCK).listener(listener);
    for (int i = 0; i < chain.size(); i++) {
      b.rule("r" + i, rule(chain.get(i)));
    }
    if (chain.isEmpty()) {
      b.rule("r-abstain", rule(Behaviour.ABSTAIN));
    }
    DecisionEngine engine = b.build();
    Transaction tx =
        Fixtures.tx(stage)
            .reversePath("<alice@example.org>")
            .forwardPath("<bob@example.com>")
            .headers(List.of(new Header("Subject", "hi")))
            .build();

    Decision d = engine.decide(tx).decision();

    Optional<Behaviour> first = chain.stream().filter(x -> x != Behaviour.ABSTAIN).findFirst();
    if (first.isPresent() && isFailure(first.get())) {
      Decision.Defer defer = assertInstanceOf(Decision.Defer.class, d);
      assertTrue(defer.reply().isTransient());
      assertTrue(seen.get(0).failed());
    } else {
      assertFalse(seen.get(0).failed());
    }
    d.negativeReply()
        .ifPresent(r -> assertTrue(r.lines().stream().noneMatch(l -> l.contains("injected"))));
    assertEquals(1, seen.size());
  }
}
