package org.smtpcr.examples.web;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.smtpcr.core.store.WhitelistStore;
import org.smtpcr.tokens.ChallengeTokens;
import org.smtpcr.tokens.KeyRing;
import org.smtpcr.tokens.MutableClock;
import org.smtpcr.tokens.PassCodes;

/**
 * The page under attack, over real sockets on 127.0.0.1: slow and greedy clients neither hold the
 * page's threads nor keep others from being answered.
 */
final class ChallengeWebServerSlowClientsTest {
  private static final String SENDER = "alice@example.org";
  private static final String RECIPIENT = "bob@example.com";
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final KeyRing keyRing = KeyRing.generate();
  private final ChallengeTokens tokens =
      ChallengeTokens.builder().keyRing(keyRing).clock(clock).build();
  private final CountingStore store = new CountingStore();
  private final List<Socket> sockets = new ArrayList<>();
  private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void closeSockets() throws Exception {
    trickler.shutdownNow();
    assertTrue(trickler.awaitTermination(10, TimeUnit.SECONDS));
    for (Socket s : sockets) {
      s.close();
    }
  }

  @Test
  void twoHundredSlowClients_normalGetAnsweredWithinASecond() throws Exception {
    // every client is 127.0.0.1 here, so the per-client cap is raised: this is about threads
    try (ChallengeWebServer web =
        start(
            ChallengeWebServer.builder()
                .connectionsPerClient(1000)
                .requestsPerMinutePerClient(100_000),
            store)) {
      for (int i = 0; i < 200; i++) {
        Socket s = connect(web);
        switch (i % 4) {
          case 0 -> {} // connected, says nothing
          case 1 -> write(s, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "); // idle mid-head
          case 2 -> write(s, "GET /c/"); // idle mid-request-line
          default ->
              write(
                  s,
                  """
                  POST /c/abc HTTP/1.1\r
                  Host: 127.0.0.1\r
                  Content-Type: application/x-www-form-urlencoded\r
                  Content-Length: 1000\r
                  \r
                  issued=1"""); // idle mid-body
        }
      }
      String status =
          assertTimeoutPreemptively(
              Duration.ofSeconds(1), () -> statusLine(exchange(web, "GET / HTTP/1.1")));
      assertEquals("HTTP/1.1 200 OK", status);
    }
  }

  @Test
  void trickledHead_connectionClosedAtTheHeadDeadline() throws Exception {
    // the idle timeout is an hour: only the head deadline can end this connection
    try (ChallengeWebServer web =
        start(
            ChallengeWebServer.builder()
                .headerTimeout(Duration.ofMillis(300))
                .bodyTimeout(Duration.ofHours(1)),
            store)) {
      Socket s = connect(web);
      write(s, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
      OutputStream out = s.getOutputStream();
      var unused =
          trickler.scheduleAtFixedRate(
              () -> {
                try {
                  out.write('a');
                  out.flush();
                } catch (IOException e) {
                  throw new IllegalStateException(e); // closed: stop trickling
                }
              },
              50,
              50,
              TimeUnit.MILLISECONDS);
      s.setSoTimeout(20_000);
      assertClosedWithoutAnswer(s);
    }
  }

  @Test
  void slowBody_408AndClosedAtTheBodyDeadline() throws Exception {
    try (ChallengeWebServer web =
        start(
            ChallengeWebServer.builder()
                .headerTimeout(Duration.ofHours(1))
                .bodyTimeout(Duration.ofMillis(300)),
            store)) {
      Socket s = connect(web);
      write(
          s,
          "POST /c/"
              + tokens.mint(SENDER, RECIPIENT)
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              + "Content-Type: application/x-www-form-urlencoded\r\n"
              + "Content-Length: 1000\r\n\r\nissued=1");
      s.setSoTimeout(20_000);
      String response = readAll(s);
      assertTrue(response.startsWith("HTTP/1.1 408 "), response);
      assertTrue(response.contains("Content-Security-Policy: "), response);
      assertEquals(List.of(), store.adds());
    }
  }

  @Test
  void connectionsOverThePerClientCap_closedAtOnce_othersStillServed() throws Exception {
    try (ChallengeWebServer web =
        start(ChallengeWebServer.builder().connectionsPerClient(3), store)) {
      // each of three connections within the cap is served (and so open on the server's side)
      List<Socket> held = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Socket s = connect(web);
        held.add(s);
        s.setSoTimeout(20_000);
        write(s, "HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", statusLine(readHead(s)));
      }
      Socket extra = connect(web);
      extra.setSoTimeout(20_000);
      assertClosedWithoutAnswer(extra);
      // the others are still open and served
      for (Socket s : held) {
        write(s, "HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", statusLine(readHead(s)));
      }
      assertTrue(web.guard().refusedConnections() >= 1);
    }
  }

  @Test
  void trustedProxy_exemptFromThePerClientCap() throws Exception {
    try (ChallengeWebServer web =
        start(
            ChallengeWebServer.builder()
                .connectionsPerClient(1)
                .trustedProxies(List.of("127.0.0.1")),
            store)) {
      for (int i = 0; i < 3; i++) {
        Socket s = connect(web);
        s.setSoTimeout(20_000);
        write(s, "HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: 198.51.100.1\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", statusLine(readHead(s)));
      }
      assertEquals(0, web.guard().refusedConnections());
    }
  }

  @Test
  void pagePoolFull_503WithRetryAfter_neverABlockedServer() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    WhitelistStore blocking = blockingStore(entered, release);
    try (ChallengeWebServer web =
        start(ChallengeWebServer.builder().threads(1).queue(0), blocking)) {
      String token = tokens.mint(SENDER, RECIPIENT);
      String html = body(exchange(web, "GET /c/" + token + " HTTP/1.1"));
      long issued = ChallengePageTest.issued(html);
      String stamp = ChallengePageTest.stamp(html);
      long nonce = ProofOfWork.solve(ProofOfWork.challenge(stamp), 8);
      byte[] form = ChallengePageTest.form(issued, 8, stamp, nonce);
      CompletableFuture<String> post =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return exchange(
                      web,
                      "POST /c/" + token + " HTTP/1.1",
                      "Content-Type: application/x-www-form-urlencoded",
                      new String(form, US_ASCII));
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      assertTrue(entered.await(20, TimeUnit.SECONDS), "the POST did not reach the store");

      String busy = exchange(web, "GET / HTTP/1.1");
      assertEquals("HTTP/1.1 503 Service Unavailable", statusLine(busy));
      assertTrue(busy.contains("Retry-After: 5\r\n"), busy);
      assertTrue(busy.contains("Content-Security-Policy: " + Pages.CSP + "\r\n"), busy);

      release.countDown();
      assertEquals("HTTP/1.1 200 OK", statusLine(post.get(20, TimeUnit.SECONDS)));
    }
  }

  private static WhitelistStore blockingStore(CountDownLatch entered, CountDownLatch release) {
    CountingStore delegate = new CountingStore();
    return (WhitelistStore)
        Proxy.newProxyInstance(
            WhitelistStore.class.getClassLoader(),
            new Class<?>[] {WhitelistStore.class},
            (proxy, method, args) -> {
              if (method.getDeclaringClass() == Object.class) {
                return method.invoke(delegate, args);
              }
              entered.countDown();
              if (!release.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
              }
              try {
                return method.invoke(delegate, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private ChallengeWebServer start(ChallengeWebServer.Builder b, WhitelistStore s)
      throws IOException {
    ChallengePage page =
        ChallengePage.builder()
            .tokens(tokens)
            .passCodes(PassCodes.of(keyRing))
            .store(s)
            .clock(clock)
            .powDifficultyBits(8)
            .build();
    return b.page(page).bind(new InetSocketAddress(LOOPBACK, 0)).clock(clock).build().start();
  }

  private Socket connect(ChallengeWebServer web) throws IOException {
    Socket s = new Socket(LOOPBACK, web.port());
    sockets.add(s);
    return s;
  }

  private static void write(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(US_ASCII));
    s.getOutputStream().flush();
  }

  /**
   * One request on a new connection that asks to be closed, and the whole response.
   *
   * @param requestLine the request line
   * @param more header lines, and the body last, when the request has one
   */
  private String exchange(ChallengeWebServer web, String requestLine, String... more)
      throws IOException {
    try (Socket s = new Socket(LOOPBACK, web.port())) {
      s.setSoTimeout(20_000);
      StringBuilder req =
          new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
      String body = "";
      if (more.length > 0) {
        for (int i = 0; i < more.length - 1; i++) {
          req.append(more[i]).append("\r\n");
        }
        body = more[more.length - 1];
        req.append("Content-Length: ").append(body.length()).append("\r\n");
      }
      write(s, req.append("\r\n").append(body).toString());
      return readAll(s);
    }
  }

  private static String readAll(Socket s) throws IOException {
    return new String(s.getInputStream().readAllBytes(), US_ASCII);
  }

  /** Reads up to the end of the response head. */
  private static String readHead(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (!b.toString(US_ASCII).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      b.write(c);
    }
    return b.toString(US_ASCII);
  }

  private static String statusLine(String response) {
    int end = response.indexOf("\r\n");
    return end < 0 ? response : response.substring(0, end);
  }

  private static String body(String response) {
    int start = response.indexOf("\r\n\r\n");
    return start < 0 ? "" : response.substring(start + 4);
  }

  /** The server closes {@code s} (end of stream or reset) without sending a response. */
  private static void assertClosedWithoutAnswer(Socket s) throws IOException {
    try {
      assertEquals(-1, s.getInputStream().read(), "the server answered instead of closing");
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open", e);
    } catch (SocketException e) {
      // reset: closed too
    }
  }
}
