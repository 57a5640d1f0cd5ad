package org.smtpcr.examples.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.smtpcr.core.address.AddressCanonicalizer;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.examples.runtime.OutboundLearning;
import org.smtpcr.tokens.KeyRing;

/** Random bytes and hostile attribute sets never crash the server, never hold unbounded memory. */
final class PolicyProtocolFuzzTest {
  private static final Pattern REPLY = Pattern.compile("(action=[ -~]{1,600}\n\n)*");

  private static final KeyRing KEYS = KeyRing.generate();
  private static final InMemoryWhitelistStore STORE = Fixtures.store();
  private static final DecisionEngine ENGINE = Fixtures.engine(KEYS, STORE);
  private static PolicyServer server;

  @BeforeContainer
  static void startServer() throws IOException {
    server = PolicyServer.builder().engine(ENGINE).store(STORE).workerThreads(2).build().start();
  }

  @AfterContainer
  static void stopServer() {
    server.close();
  }

  private static PolicyDecider decider() {
    return new PolicyDecider(
        ENGINE,
        Optional.of(OutboundLearning.of(STORE, AddressCanonicalizer.standard(), Clock.systemUTC())),
        Optional.of("X-SMTPCR"));
  }

  @Provide
  Arbitrary<List<byte[]>> chunks() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(9000);
    Arbitrary<byte[]> lineish =
        Arbitraries.strings()
            .withChars("abcdefghijklmnopqrstuvwxyz_=\n\r\t @.<>")
            .withCharRange('\u0000', '\u00ff')
            .ofMaxLength(600)
            .map(s -> s.getBytes(StandardCharsets.ISO_8859_1));
    Arbitrary<byte[]> requests =
        hostileAttributes().map(a -> Fixtures.wire(a).getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> longLine =
        Arbitraries.integers()
            .between(PolicyServer.MAX_LINE_BYTES - 2, 3 * PolicyServer.MAX_LINE_BYTES)
            .map(n -> ("a=" + "x".repeat(n)).getBytes(StandardCharsets.US_ASCII));
    return Arbitraries.oneOf(random, lineish, requests, longLine).list().ofMaxSize(12);
  }

  @Provide
  Arbitrary<Map<String, String>> hostileAttributes() {
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.strings().all().ofMaxLength(300).map(s -> s.replace('\n', ' ')),
            Arbitraries.strings()
                .withCharRange('\u0000', '\u001f')
                .ofMaxLength(20)
                .map(s -> s.replace('\n', '\r')),
            Arbitraries.of(
                "",
                "<>",
                "postmaster",
                "a@b",
                "@b.example",
                "\"q\"@x.example",
                "a@[127.0.0.1]",
                "xn--@--.",
                "SRS0=x=y=z=w@f.example",
                "prvs=1234567890=a@b.example",
                "::1",
                "999.1.1.1",
                "x".repeat(1200) + "@y.example"));
    Arbitrary<String> name =
        Arbitraries.of(
            "request",
            "protocol_state",
            "client_address",
            "helo_name",
            "sender",
            "recipient",
            "sasl_username",
            "encryption_protocol",
            "instance",
            "queue_id",
            "policy_context",
            "unknown_thing");
    Arbitrary<Map<String, String>> extra = Arbitraries.maps(name, value).ofMaxSize(12);
    Arbitrary<String> state = Arbitraries.of("RCPT", "MAIL", "DATA", "END-OF-MESSAGE", "", "rcpt");
    return Combinators.combine(extra, state)
        .as(
            (e, st) -> {
              Map<String, String> a = Fixtures.rcpt("alice@sender.example", "bob@cr.test");
              a.put("protocol_state", st);
              a.putAll(e);
              return a;
            });
  }

  @Property(tries = 300)
  void decide_hostileAttributes_answerIsOnePrintableLine(
      @ForAll("hostileAttributes") Map<String, String> attributes) {
    String action = decider().decide(PolicyRequest.from(attributes), new PolicyDecider.Session());
    assertTrue(!action.isEmpty() && action.length() <= 510, action);
    assertTrue(action.chars().allMatch(c -> c >= 0x20 && c < 0x7f), action);
    assertTrue(
        action.equals("DUNNO")
            || action.startsWith("PREPEND X-SMTPCR: pass")
            || action.matches("[45][0-9][0-9] [45]\\.[0-9]{1,3}\\.[0-9]{1,3}( .*)?"),
        action);
  }

  @Property(tries = 300)
  void pipeline_randomInput_neverThrowsAndHoldsBoundedBytes(
      @ForAll("chunks") List<byte[]> input, @ForAll boolean onEventLoop) {
    // a pool that runs at once, or no pool (workerThreads(0)): decided on the event loop
    PolicyChannelHandler handler =
        new PolicyChannelHandler(
            decider(), onEventLoop ? null : Runnable::run, new ProtocolWarnings(System::nanoTime));
    EmbeddedChannel ch = new EmbeddedChannel();
    PolicyServer.pipeline(ch.pipeline(), Duration.ofMinutes(1).toMillis(), handler);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] chunk : input) {
      if (!ch.isOpen()) {
        break;
      }
      ch.writeInbound(Unpooled.wrappedBuffer(chunk));
      ch.runPendingTasks();
      drain(ch, out);
      assertTrue(
          handler.bufferedBytes() <= 2 * PolicyServer.MAX_REQUEST_BYTES,
          "holds " + handler.bufferedBytes());
    }
    ch.checkException();
    String replies = out.toString(StandardCharsets.ISO_8859_1);
    assertTrue(REPLY.matcher(replies).matches(), replies);
    ch.finishAndReleaseAll();
  }

  @Property(tries = 25)
  void socket_randomInput_serverKeepsServing(@ForAll("chunks") List<byte[]> input)
      throws IOException {
    try (PolicyClient hostile = new PolicyClient(server.port(), Duration.ofSeconds(20))) {
      for (byte[] chunk : input) {
        try {
          hostile.send(chunk);
        } catch (IOException e) {
          break; // the server closed the connection: allowed
        }
      }
    }
    try (PolicyClient good = new PolicyClient(server.port())) {
      assertEquals("DUNNO", good.ask(Fixtures.rcpt("", "postmaster@cr.test")));
    }
    Await.until(
        Duration.ofSeconds(20),
        () -> server.openConnections() == 0,
        () -> "open: " + server.openConnections());
  }

  @Property(tries = 50)
  void pipeline_requestsSentAheadBeyondBound_closeWithoutBuffering(
      @ForAll("aheadCount") int count) {
    // a worker pool that never runs: every request after the first waits in the queue
    PolicyChannelHandler handler =
        new PolicyChannelHandler(decider(), r -> {}, new ProtocolWarnings(System::nanoTime));
    EmbeddedChannel ch = new EmbeddedChannel();
    PolicyServer.pipeline(ch.pipeline(), Duration.ofMinutes(1).toMillis(), handler);
    byte[] one =
        Fixtures.wire(Fixtures.rcpt("alice@sender.example", "bob@cr.test"))
            .getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < count && ch.isOpen(); i++) {
      ch.writeInbound(Unpooled.wrappedBuffer(one));
      assertTrue(
          handler.bufferedBytes() <= PolicyServer.MAX_REQUEST_BYTES,
          "holds " + handler.bufferedBytes());
    }
    boolean overBound = (long) (count - 1) * one.length > PolicyServer.MAX_REQUEST_BYTES;
    assertEquals(!overBound, ch.isOpen(), "count " + count);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    drain(ch, out);
    assertArrayEquals(new byte[0], out.toByteArray());
    ch.finishAndReleaseAll();
  }

  @Provide
  Arbitrary<Integer> aheadCount() {
    return Arbitraries.integers().between(1, 200);
  }

  private static void drain(EmbeddedChannel ch, ByteArrayOutputStream out) {
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) o;
      try {
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        out.writeBytes(bytes);
      } finally {
        b.release();
      }
    }
  }
}
