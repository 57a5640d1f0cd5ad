package org.smtpcr.examples.web.captcha;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A local stand-in for a provider's {@code siteverify} endpoint on 127.0.0.1 and a random port: it
 * records every request (method, content type, form fields) and answers with the status and body
 * set last, optionally only after {@link #release()} (a provider slower than the timeout). Public
 * for the page's accessibility test, which shows the page of an unavailable provider.
 */
public final class SiteVerifyStub implements AutoCloseable {
  /** One request the stub received. */
  record Request(String method, String contentType, Map<String, String> form) {}

  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final CountDownLatch gate = new CountDownLatch(1);
  private volatile int status = 200;
  private volatile byte[] body = "{}".getBytes(UTF_8);
  private volatile boolean held;
  private volatile String location;

  public SiteVerifyStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(pool);
    server.createContext("/siteverify", this::handle);
    server.start();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/siteverify");
  }

  public SiteVerifyStub answer(int status, String json) {
    return answer(status, json.getBytes(UTF_8));
  }

  SiteVerifyStub answer(int status, byte[] bytes) {
    this.status = status;
    this.body = bytes.clone();
    return this;
  }

  /** Answers with a redirect to {@code to}. */
  SiteVerifyStub redirect(String to) {
    this.location = to;
    this.status = 302;
    this.body = new byte[0];
    return this;
  }

  /** Holds every answer until {@link #release()}. */
  SiteVerifyStub hold() {
    held = true;
    return this;
  }

  void release() {
    gate.countDown();
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  Request onlyRequest() {
    List<Request> r = requests();
    if (r.size() != 1) {
      throw new AssertionError("expected one request, got " + r.size());
    }
    return r.get(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      String text = new String(ex.getRequestBody().readAllBytes(), UTF_8);
      requests.add(
          new Request(
              ex.getRequestMethod(),
              String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")),
              form(text)));
      if (held) {
        try {
          if (!gate.await(30, TimeUnit.SECONDS)) {
            return;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      byte[] b = body;
      if (location != null) {
        ex.getResponseHeaders().add("Location", location);
      }
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
      if (b.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(b);
        } catch (IOException clientGone) {
          // the verifier stopped reading (an oversized answer): that is the point
        }
      }
    } finally {
      ex.close();
    }
  }

  private static Map<String, String> form(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    if (text.isEmpty()) {
      return m;
    }
    for (String pair : text.split("&", -1)) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), UTF_8);
      if (m.put(name, value) != null) {
        throw new AssertionError("form field sent twice: " + name);
      }
    }
    return m;
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    pool.shutdownNow();
  }
}
