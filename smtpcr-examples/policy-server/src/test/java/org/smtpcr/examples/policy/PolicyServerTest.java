package org.smtpcr.examples.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.smtpcr.core.address.CanonicalAddress;
import org.smtpcr.core.engine.DecisionEngine;
import org.smtpcr.core.rules.StandardRules;
import org.smtpcr.core.store.InMemoryWhitelistStore;
import org.smtpcr.core.store.WhitelistKey;
import org.smtpcr.examples.runtime.CachingWhitelistStore;
import org.smtpcr.tokens.KeyRing;

final class PolicyServerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final KeyRing keys = KeyRing.generate();
  private final InMemoryWhitelistStore store = Fixtures.store();
  private final DecisionEngine engine = Fixtures.engine(keys, store);
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    Await.until(
        WAIT,
        () -> Threads.policyThreads().isEmpty(),
        () -> "threads left: " + Threads.policyThreads());
  }

  private PolicyServer start(PolicyServer.Builder b) throws IOException {
    PolicyServer s = b.build().start();
    toClose.add(s);
    return s;
  }

  private PolicyServer start() throws IOException {
    return start(PolicyServer.builder().engine(engine).store(store));
  }

  /** Where decisions run and how the event loop waits: every mode must serve the same protocol. */
  enum Mode {
    /** The default: a worker pool. */
    POOL,
    /** {@code workerThreads(0)}: on the event loop. */
    INLINE,
    /** On the event loop, which polls for a while before it sleeps. */
    INLINE_BUSY_POLL,
    /** A worker pool, and an event loop that polls before it sleeps. */
    POOL_BUSY_POLL,
    /** A worker pool, tried after the event loop (here all decisions stay there: in memory). */
    MEMORY_FIRST,
    /** The default, on Java's NIO selector instead of Linux's epoll. */
    NIO;

    PolicyServer.Builder configure(PolicyServer.Builder b) {
      switch (this) {
        case INLINE -> b.workerThreads(0);
        case INLINE_BUSY_POLL -> b.workerThreads(0).busyPoll(Duration.ofMillis(1));
        case POOL_BUSY_POLL -> b.busyPoll(Duration.ofMillis(1));
        case MEMORY_FIRST -> b.memoryFirst(true);
        default -> {}
      }
      return b;
    }
  }

  private PolicyServer start(Mode mode) throws IOException {
    PolicyServer.Builder b = mode.configure(PolicyServer.builder().engine(engine).store(store));
    if (mode != Mode.NIO) {
      return start(b);
    }
    String before = System.setProperty(PolicyServer.NIO_PROPERTY, "true");
    try {
      return start(b);
    } finally {
      if (before == null) {
        System.clearProperty(PolicyServer.NIO_PROPERTY);
      } else {
        System.setProperty(PolicyServer.NIO_PROPERTY, before);
      }
    }
  }

  @Test
  void transport_isEpollOnLinux_nioWhenAskedFor() throws IOException {
    String os = System.getProperty("os.name") + " " + System.getProperty("os.arch");
    if (os.equals("Linux amd64") || os.equals("Linux aarch64")) {
      // the native transport is shipped for both: failing to load it would be a packaging fault
      assertTrue(Epoll.isAvailable(), () -> "epoll not available: " + Epoll.unavailabilityCause());
    }
    assertEquals(Epoll.isAvailable() ? "epoll" : "nio", start(Mode.POOL).transport());
    assertEquals("nio", start(Mode.NIO).transport());
  }

  private PolicyClient client(PolicyServer s) throws IOException {
    PolicyClient c = new PolicyClient(s.port());
    toClose.add(0, c);
    return c;
  }

  private void whitelist(String sender, String recipient) {
    store.add(
        WhitelistKey.pair(
            CanonicalAddress.parseCanonical(sender), CanonicalAddress.parseCanonical(recipient)));
  }

  @Test
  void memoryFirst_whatTheNearCacheAnswers_isDecidedOnTheEventLoop_theRestOnAWorker()
      throws IOException {
    whitelist("alice@sender.example", "bob@cr.test");
    CachingWhitelistStore cache = CachingWhitelistStore.builder().store(store).build();
    List<String> decidedOn = new CopyOnWriteArrayList<>();
    DecisionEngine cached =
        DecisionEngine.builder()
            .keyRing(keys)
            .challengeBase(Fixtures.BASE)
            .rules(StandardRules.builder().whitelistStore(cache).build())
            .listener(e -> decidedOn.add(Thread.currentThread().getName()))
            .build();
    PolicyServer s = start(PolicyServer.builder().engine(cached).store(cache).memoryFirst(true));
    PolicyClient c = client(s);

    assertEquals("DUNNO", c.ask(Fixtures.rcpt("alice@sender.example", "bob@cr.test")));
    assertEquals("DUNNO", c.ask(Fixtures.rcpt("alice@sender.example", "bob@cr.test")));
    assertTrue(
        c.ask(Fixtures.rcpt("mallory@unknown.example", "bob@cr.test")).startsWith("550 5.7.1 "));
    assertTrue(
        c.ask(Fixtures.rcpt("mallory@unknown.example", "bob@cr.test")).startsWith("550 5.7.1 "));

    // one decision per request: an attempt the cache could not answer was not counted
    assertEquals(4, decidedOn.size(), decidedOn::toString);
    assertTrue(decidedOn.get(0).contains("-worker-"), decidedOn::toString);
    assertTrue(decidedOn.get(1).contains("-io-"), decidedOn::toString);
    assertTrue(decidedOn.get(2).contains("-worker-"), decidedOn::toString);
    assertTrue(decidedOn.get(3).contains("-io-"), decidedOn::toString);
    assertEquals(2, cache.missCount());
  }

  @Test
  void memoryFirst_requestsSentAheadBehindOneOnAWorker_allAnsweredInOrder() throws IOException {
    whitelist("alice@sender.example", "bob@cr.test");
    CachingWhitelistStore cache = CachingWhitelistStore.builder().store(store).build();
    DecisionEngine cached = Fixtures.engine(keys, cache);
    PolicyServer s = start(PolicyServer.builder().engine(cached).store(cache).memoryFirst(true));
    PolicyClient c = client(s);
    assertEquals("DUNNO", c.ask(Fixtures.rcpt("alice@sender.example", "bob@cr.test")));

    String ahead =
        Fixtures.wire(Fixtures.rcpt("mallory@unknown.example", "bob@cr.test"))
            + Fixtures.wire(Fixtures.rcpt("alice@sender.example", "bob@cr.test"))
            + Fixtures.wire(Fixtures.rcpt("alice@sender.example", "bob@cr.test"));
    c.send(ahead.getBytes(StandardCharsets.US_ASCII));

    assertTrue(c.readReply().orElseThrow().startsWith("550 5.7.1 "));
    assertEquals("DUNNO", c.readReply().orElseThrow());
    assertEquals("DUNNO", c.readReply().orElseThrow());
  }

  @Test
  void memoryFirst_withoutWorkers_isRefusedAtBuild() {
    PolicyServer.Builder b =
        PolicyServer.builder().engine(engine).store(store).workerThreads(0).memoryFirst(true);

    IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
    assertTrue(e.getMessage().contains("memoryFirst needs worker threads"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void ask_manyRequestsOnOnePersistentConnection_eachAnswered(Mode mode) throws IOException {
    whitelist("alice@sender.example", "bob@cr.test");
    PolicyServer s = start(mode);
    PolicyClient c = client(s);
    for (int i = 0; i < 300; i++) {
      if (i % 3 == 0) {
        assertTrue(
            c.ask(Fixtures.rcpt("x" + i + "@unknown.example", "bob@cr.test"))
                .startsWith("550 5.7.1 "));
      } else {
        assertEquals("DUNNO", c.ask(Fixtures.rcpt("alice@sender.example", "bob@cr.test")));
      }
    }
    assertEquals(1, s.openConnections());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void ask_requestsSentAheadInOneWrite_answeredInOrder(Mode mode) throws IOException {
    whitelist("alice@sender.example", "bob@cr.test");
    PolicyServer s = start(mode);
    PolicyClient c = client(s);
    String ahead =
        Fixtures.wire(Fixtures.rcpt("alice@sender.example", "bob@cr.test"))
            + Fixtures.wire(Fixtures.rcpt("mallory@unknown.example", "bob@cr.test"))
            + Fixtures.wire(
                Fixtures.with(
                    Fixtures.rcpt("mallory@unknown.example", "bob@cr.test"),
                    "protocol_state",
                    "MAIL"));
    c.send(ahead.getBytes(StandardCharsets.US_ASCII));
    assertEquals("DUNNO", c.readReply().orElseThrow());
    assertTrue(c.readReply().orElseThrow().startsWith("550 5.7.1 "));
    assertEquals("DUNNO", c.readReply().orElseThrow());
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 0})
  void connections_300IdleAndManyActive_threadCountStaysBounded(int workers) throws Exception {
    whitelist("alice@sender.example", "bob@cr.test");
    PolicyServer s =
        start(PolicyServer.builder().engine(engine).store(store).workerThreads(workers));
    int baseline = Thread.activeCount();
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 300; i++) {
        idle.add(new Socket(InetAddress.getLoopbackAddress(), s.port()));
      }
      int active = 24;
      ExecutorService clients = Executors.newFixedThreadPool(active);
      AtomicInteger maxPolicyThreads = new AtomicInteger();
      AtomicInteger maxAllThreads = new AtomicInteger();
      try {
        List<Future<Integer>> answered = new ArrayList<>();
        for (int t = 0; t < active; t++) {
          int id = t;
          answered.add(
              clients.submit(
                  () -> {
                    int ok = 0;
                    try (PolicyClient c = new PolicyClient(s.port())) {
                      for (int i = 0; i < 40; i++) {
                        String a =
                            c.ask(
                                i % 4 == 0
                                    ? Fixtures.rcpt(
                                        "n" + id + "-" + i + "@unknown.example", "bob@cr.test")
                                    : Fixtures.rcpt("alice@sender.example", "bob@cr.test"));
                        if (a.equals("DUNNO") || a.startsWith("550 5.7.1 ")) {
                          ok++;
                        }
                        maxPolicyThreads.accumulateAndGet(
                            Threads.policyThreads().size(), Math::max);
                        maxAllThreads.accumulateAndGet(Thread.activeCount(), Math::max);
                      }
                    }
                    return ok;
                  }));
        }
        Await.until(
            WAIT,
            () -> s.openConnections() >= 300,
            () -> "open connections: " + s.openConnections());
        for (Future<Integer> f : answered) {
          assertEquals(40, f.get(60, TimeUnit.SECONDS));
        }
      } finally {
        clients.shutdownNow();
      }
      Await.until(
          WAIT, () -> s.openConnections() == 300, () -> "open connections: " + s.openConnections());
      int bound = workers + PolicyServer.IO_THREADS;
      assertTrue(
          maxPolicyThreads.get() <= bound, maxPolicyThreads.get() + " policy threads > " + bound);
      // the JVM as a whole: our bounded pools and the client threads, never a thread per connection
      assertTrue(
          maxAllThreads.get() <= baseline + bound + active + 5,
          maxAllThreads.get() + " threads, baseline " + baseline);
    } finally {
      for (Socket i : idle) {
        i.close();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void idleTimeout_connectionWithoutTraffic_isClosedWithoutReply(Mode mode) throws IOException {
    PolicyServer s =
        start(
            mode.configure(PolicyServer.builder().engine(engine).store(store))
                .idleTimeout(Duration.ofMillis(200)));
    PolicyClient c = client(s);
    assertEquals("DUNNO", c.ask(Fixtures.rcpt("", "postmaster@cr.test")));
    long t0 = System.nanoTime();
    assertArrayEquals(new byte[0], c.readUntilClosed());
    assertTrue(
        System.nanoTime() - t0 >= Duration.ofMillis(150).toNanos(),
        "closed before the idle timeout");
    Await.until(WAIT, () -> s.openConnections() == 0, () -> "open: " + s.openConnections());
  }

  @Test
  void oversizedLine_closesWithoutReply_loggedOnce() throws IOException {
    PolicyServer s = start();
    try (LogCapture log = new LogCapture()) {
      PolicyClient c = client(s);
      c.send(
          ("sender=" + "x".repeat(PolicyServer.MAX_LINE_BYTES + 100) + "\n")
              .getBytes(StandardCharsets.US_ASCII));
      c.send("recipient=also ignored\n\n".getBytes(StandardCharsets.US_ASCII));
      assertArrayEquals(new byte[0], c.readUntilClosed());
      assertEquals(
          1, log.count("line longer than " + PolicyServer.MAX_LINE_BYTES + " bytes"), log.text());
      assertEquals(1, log.count("WARN"), log.text());
      assertFalse(
          log.text().contains("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
          "peer bytes beyond an excerpt");
    }
  }

  @Test
  void tooManyAttributes_closesWithoutReply_loggedOnce() throws IOException {
    PolicyServer s = start();
    try (LogCapture log = new LogCapture()) {
      PolicyClient c = client(s);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i <= PolicyServer.MAX_ATTRIBUTES + 50; i++) {
        sb.append("attr").append(i).append("=v\n");
      }
      c.send(sb.append('\n').toString().getBytes(StandardCharsets.US_ASCII));
      assertArrayEquals(new byte[0], c.readUntilClosed());
      assertEquals(
          1, log.count("more than " + PolicyServer.MAX_ATTRIBUTES + " attributes"), log.text());
      assertEquals(1, log.count("WARN"), log.text());
    }
  }

  @Test
  void requestTooLarge_closesWithoutReply_loggedOnce() throws IOException {
    PolicyServer s = start();
    try (LogCapture log = new LogCapture()) {
      PolicyClient c = client(s);
      String line = "ccert_subject=" + "y".repeat(PolicyServer.MAX_LINE_BYTES - 20) + "\n";
      StringBuilder sb = new StringBuilder();
      while (sb.length() <= PolicyServer.MAX_REQUEST_BYTES + line.length()) {
        sb.append(line);
      }
      c.send(sb.append('\n').toString().getBytes(StandardCharsets.US_ASCII));
      assertArrayEquals(new byte[0], c.readUntilClosed());
      assertEquals(
          1,
          log.count("request larger than " + PolicyServer.MAX_REQUEST_BYTES + " bytes"),
          log.text());
      assertEquals(1, log.count("WARN"), log.text());
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void malformedLine_closesWithoutReply_logsOnlySanitizedExcerpt(Mode mode) throws IOException {
    PolicyServer s = start(mode);
    try (LogCapture log = new LogCapture()) {
      PolicyClient c = client(s);
      c.send(
          "request=smtpd_access_policy\nHELLO \u001b[2J injected\rFAKE LOG LINE "
              .getBytes(StandardCharsets.ISO_8859_1));
      c.send(("z".repeat(200) + "\n\n").getBytes(StandardCharsets.US_ASCII));
      assertArrayEquals(new byte[0], c.readUntilClosed());
      String text = log.text();
      assertEquals(1, log.count("WARN"), text);
      assertTrue(
          text.contains("(line starts \"HELLO ?[2J injected?FAKE LOG LINE zzzzzz...\")"), text);
      assertFalse(text.contains("\u001b"), "control character in the log");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void repliesNeverRead_connectionClosedOnceTheyPileUp_loggedOnce(Mode mode) throws Exception {
    PolicyServer s = start(mode);
    try (LogCapture log = new LogCapture();
        Socket hostile = new Socket()) {
      hostile.setReceiveBufferSize(
          4096); // a small window: the answers back up at the server quickly
      hostile.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port()));
      byte[] challenged =
          Fixtures.wire(Fixtures.rcpt("mallory@unknown.example", "bob@cr.test"))
              .getBytes(StandardCharsets.US_ASCII);
      long sent = 0;
      try {
        // every request gets a challenge of about 200 bytes that this client never reads
        while (sent < 200L * 1024 * 1024) {
          hostile.getOutputStream().write(challenged);
          sent += challenged.length;
        }
      } catch (IOException closedByServer) {
        // expected: the server closed the connection
      }
      assertTrue(
          sent < 200L * 1024 * 1024, "the server kept reading although its answers were not read");
      Await.until(WAIT, () -> log.count("WARN") >= 1, log::text);
      assertEquals(1, log.count("WARN"), log.text());
      // on the event loop every request is answered at once, so the answers pile up; with a pool
      // the
      // requests waiting for a worker usually reach their own bound first
      boolean inline = mode == Mode.INLINE || mode == Mode.INLINE_BUSY_POLL;
      assertTrue(
          log.count("replies not read") == 1
              || (!inline && log.count("requests sent ahead of replies exceed") == 1),
          log.text());
      assertEquals(
          "DUNNO",
          client(s).ask(Fixtures.rcpt("", "postmaster@cr.test")),
          "other connections are served");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void decisionThrowsAnError_connectionClosedAtOnce_notLeftHanging(Mode mode) throws IOException {
    DecisionEngine failing =
        DecisionEngine.builder()
            .keyRing(keys)
            .challengeBase(Fixtures.BASE)
            .rule(
                "fails-hard",
                ctx -> {
                  throw new AssertionError("a bug, not a failure the engine answers");
                })
            .build();
    PolicyServer s =
        start(mode.configure(PolicyServer.builder().engine(failing).learnOutbound(false)));
    try (LogCapture log = new LogCapture()) {
      PolicyClient c = client(s);
      c.send(
          Fixtures.wire(Fixtures.rcpt("alice@sender.example", "bob@cr.test"))
              .getBytes(StandardCharsets.US_ASCII));
      assertArrayEquals(
          new byte[0], c.readUntilClosed(), "no answer: Postfix applies its default_action");
      assertTrue(log.text().contains("java.lang.AssertionError"), log.text());
      assertFalse(log.text().contains("alice@sender.example"), "no address in the log");
    }
    // a MAIL-stage request is answered without the engine: the server keeps serving
    assertEquals(
        "DUNNO",
        client(s)
            .ask(Fixtures.with(Fixtures.rcpt("", "postmaster@cr.test"), "protocol_state", "MAIL")));
  }

  @Test
  void maxConnections_exceeded_newConnectionIsClosed() throws IOException {
    PolicyServer s = start(PolicyServer.builder().engine(engine).store(store).maxConnections(2));
    PolicyClient a = client(s);
    PolicyClient b = client(s);
    assertEquals("DUNNO", a.ask(Fixtures.rcpt("", "postmaster@cr.test")));
    assertEquals("DUNNO", b.ask(Fixtures.rcpt("", "postmaster@cr.test")));
    try (LogCapture log = new LogCapture()) {
      PolicyClient third = client(s);
      assertArrayEquals(new byte[0], third.readUntilClosed());
      assertEquals(1, log.count("more than 2 connections open"), log.text());
    }
    assertEquals(
        "DUNNO",
        a.ask(Fixtures.rcpt("", "postmaster@cr.test")),
        "the first connections keep working");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void close_withOpenConnections_stopsEveryThreadAndConnection(Mode mode) throws IOException {
    PolicyServer s =
        mode.configure(PolicyServer.builder().engine(engine).store(store)).build().start();
    try (PolicyClient c = new PolicyClient(s.port())) {
      assertEquals("DUNNO", c.ask(Fixtures.rcpt("", "postmaster@cr.test")));
      assertFalse(Threads.policyThreads().isEmpty());
      s.close();
      assertArrayEquals(new byte[0], c.readUntilClosed());
    }
    Await.until(
        WAIT,
        () -> Threads.policyThreads().isEmpty(),
        () -> "threads left: " + Threads.policyThreads());
    assertThrows(
        IOException.class,
        () -> new Socket(InetAddress.getLoopbackAddress(), s.address().getPort()).close());
    s.close();
  }

  @Test
  void start_portInUse_throwsIOExceptionAndLeavesNoThreads() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      PolicyServer s =
          PolicyServer.builder()
              .engine(engine)
              .store(store)
              .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort()))
              .build();
      assertThrows(IOException.class, s::start);
    }
  }

  @Test
  void builder_missingEngineOrStore_isRefused() {
    assertThrows(IllegalStateException.class, () -> PolicyServer.builder().store(store).build());
    assertThrows(IllegalStateException.class, () -> PolicyServer.builder().engine(engine).build());
    PolicyServer.builder().engine(engine).learnOutbound(false).build().close();
  }

  @Test
  void builder_optionSetTwiceOrOutOfRange_isRefused() {
    assertThrows(
        IllegalStateException.class,
        () -> PolicyServer.builder().workerThreads(2).workerThreads(3));
    assertThrows(IllegalArgumentException.class, () -> PolicyServer.builder().workerThreads(-1));
    assertThrows(IllegalArgumentException.class, () -> PolicyServer.builder().workerThreads(1025));
    assertThrows(
        IllegalArgumentException.class,
        () -> PolicyServer.builder().busyPoll(Duration.ofNanos(-1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> PolicyServer.builder().busyPoll(Duration.ofMillis(11)));
    assertThrows(
        IllegalStateException.class,
        () -> PolicyServer.builder().busyPoll(Duration.ZERO).busyPoll(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> PolicyServer.builder().maxConnections(0));
    assertThrows(
        IllegalArgumentException.class, () -> PolicyServer.builder().idleTimeout(Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> PolicyServer.builder().prependHeader("X-Bad: header"));
    assertThrows(
        IllegalArgumentException.class,
        () -> PolicyServer.builder().prependHeader("X-Bad\nInjected"));
  }

  @Test
  void toString_namesSettingsWithoutSecrets() throws IOException {
    PolicyServer s =
        start(
            PolicyServer.builder()
                .engine(engine)
                .store(store)
                .prependHeader("X-SMTPCR")
                .workerThreads(0)
                .busyPoll(Duration.ofNanos(150_000)));
    String text = s.toString();
    assertTrue(text.contains("workers=0, busyPoll=PT0.00015S"), text);
    assertTrue(text.contains("127.0.0.1:" + s.port()), text);
    assertTrue(text.contains("prependHeader=X-SMTPCR"), text);
  }

  @Test
  void build_refusesTheEventLoop_forAnEngineThatAuthenticatesSenders() {
    org.smtpcr.core.auth.SenderAuthenticator dnsBound =
        new org.smtpcr.core.auth.SenderAuthenticator() {
          @Override
          public org.smtpcr.core.auth.AuthenticationResults checkSender(
              java.net.InetAddress client, String helo, String mailFrom) {
            return org.smtpcr.core.auth.AuthenticationResults.notChecked();
          }

          @Override
          public org.smtpcr.core.auth.AuthenticationResults checkMessage(
              org.smtpcr.core.auth.AuthenticationResults atRcpt,
              String mailFrom,
              java.io.InputStream message) {
            return atRcpt;
          }
        };
    DecisionEngine authenticating =
        DecisionEngine.builder()
            .keyRing(keys)
            .challengeBase(java.net.URI.create("https://cr.example.com/"))
            .authenticator(dnsBound)
            .build();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                PolicyServer.builder()
                    .engine(authenticating)
                    .learnOutbound(false)
                    .workerThreads(0)
                    .build());
    assertTrue(e.getMessage().contains("authenticates senders"), e.getMessage());
    assertFalse(engine.authenticates());
    assertTrue(authenticating.authenticates());
    PolicyServer.builder().engine(authenticating).learnOutbound(false).workerThreads(2).build();
  }
}
